"""The <copydesk-panel> web component in a real headless browser (Debian's chromium + chromedriver).

The service runs with uvicorn in a thread on loopback; selenium drives chromium through the
system chromedriver (never selenium-manager, which would download a browser). Skipped when
chromium, chromedriver or selenium are missing.

Set COPYDESK_PANEL_SCREENSHOT=docs/panel.png to refresh the README's screenshot.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from pathlib import Path

import pytest

pytest.importorskip("starlette")
uvicorn = pytest.importorskip("uvicorn")
pytest.importorskip("selenium")

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from conftest import running_app  # noqa: E402
from linter.serve import create_app  # noqa: E402

pytestmark = pytest.mark.slow

CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TOKEN = "panel-test-token"

# An invented story with the kinds of errors a copy desk catches.
HEADLINE = "Lakeside transit board backs three new bus routes"
BOILERPLATE = "This is a developing story."
PARAGRAPHS = [
    "The Lakeside transit board voted 7-2 on Wednesday to add three bus routes to the north side, the board's chair said.",
    BOILERPLATE,
    "Fares will rise 3 per cent in a August 14 change, officials said.",
    "Riders irregardless of age will pay the new fare, said Marta Quill, who chairs the board.",
]
BODY = "\n\n".join(PARAGRAPHS) + "\n"

if not (CHROMIUM and os.path.exists(CHROMEDRIVER)):
    pytest.skip("chromium and chromedriver are not installed (apt-get install chromium chromium-driver)", allow_module_level=True)


@pytest.fixture(scope="module")
def server():
    with running_app(create_app(token=TOKEN, timeout=10)) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    profile = tempfile.mkdtemp(prefix="copydesk-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", "--window-size=1280,1120", "--force-device-scale-factor=1",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_script_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def open_demo(driver, base: str, query: str = ""):
    driver.get(f"{base}/panel/{query}")
    driver.execute_script("localStorage.clear()")
    driver.get(f"{base}/panel/{query}")  # a clean page with no stored dismissals
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return !!customElements.get('copydesk-panel')"))
    # Count the checks the panel completes, to wait for the one after an edit.
    driver.execute_script(
        "window.checks = 0; document.getElementById('panel')"
        ".addEventListener('copydesk-findings', () => { window.checks += 1; });"
    )
    return driver.execute_script("return document.getElementById('panel').shadowRoot")


def findings(driver) -> list[dict]:
    return driver.execute_script(
        "return [...document.getElementById('panel').shadowRoot.querySelectorAll('li.finding')]"
        ".map(li => ({rule: li.dataset.rule, category: li.dataset.category, fingerprint: li.dataset.fingerprint,"
        " message: li.querySelector('.message').textContent}))"
    )


def wait_for(driver, condition, message: str, timeout: float = 15):
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.1).until(lambda d: condition(d))
    except TimeoutException:
        state = driver.execute_script(
            "const r = document.getElementById('panel').shadowRoot;"
            "return [r.querySelector('.status').textContent, r.querySelector('.notice').textContent]")
        pytest.fail(f"timed out waiting for {message}; panel says {state}; findings: {findings(driver)}")


def body_value(driver) -> str:
    return driver.execute_script("return document.getElementById('body').value")


def after_next_check(driver, action) -> None:
    before = driver.execute_script("return window.checks")
    action()
    wait_for(driver, lambda d: d.execute_script("return window.checks") > before, "the next check")


def item(root, rule: str):
    return root.find_element(By.CSS_SELECTOR, f'li.finding[data-rule="{rule}"]')


def test_type_explain_fix_and_dismiss(server, browser, tmp_path):
    root = open_demo(browser, server, f"?token={TOKEN}")
    browser.find_element(By.ID, "headline").send_keys(HEADLINE)
    browser.find_element(By.ID, "body").send_keys(BODY)  # typed key by key: the panel lints as it goes
    wait_for(browser, lambda d: d.execute_script("return document.getElementById('body').value") == BODY, "typing")
    wait_for(browser, lambda d: {"boilerplate", "date-style"} <= {f["category"] for f in findings(d)}
             and "percent" in " ".join(f["message"] for f in findings(d)), "the story's findings")

    listed = findings(browser)
    rules = {f["rule"] for f in listed}
    assert {"newsroom.developing-story", "starter.percent", "ap.dates", "ap.indefinite-article"} <= rules
    status = root.find_element(By.CSS_SELECTOR, ".status")
    assert status.get_attribute("aria-live") == "polite"
    assert status.text.startswith(f"{len(listed)} findings:")
    # Grouped by severity: the boilerplate is an error, listed under "Errors", field "Body".
    errors = root.find_element(By.CSS_SELECTOR, "section.error")
    assert errors.find_element(By.CSS_SELECTOR, "h3").text.lower().startswith("errors")
    assert errors.find_element(By.CSS_SELECTOR, "h4").text == "Body"
    assert errors.find_element(By.CSS_SELECTOR, 'li.finding[data-rule="newsroom.developing-story"]')

    # Click: the rule is explained and its span is selected in the textarea.
    boiler = item(root, "newsroom.developing-story")
    boiler.find_element(By.CSS_SELECTOR, ".summary").click()
    wait_for(browser, lambda d: "Loading" not in item(root, "newsroom.developing-story").find_element(By.CSS_SELECTOR, ".description").text,
             "the rule's description")
    boiler = item(root, "newsroom.developing-story")
    assert boiler.find_element(By.CSS_SELECTOR, ".summary").get_attribute("aria-expanded") == "true"
    details = boiler.find_element(By.CSS_SELECTOR, ".details")
    assert details.is_displayed()
    assert "newsroom.developing-story" in details.text and "boilerplate" in details.text
    assert len(details.find_element(By.CSS_SELECTOR, ".description").text) > 20
    assert details.find_element(By.CSS_SELECTOR, "a").get_attribute("href").startswith("https://")
    selected = browser.execute_script(
        "const b = document.getElementById('body'); return b.value.slice(b.selectionStart, b.selectionEnd)")
    assert selected == BOILERPLATE
    marks = browser.execute_script("return [...document.querySelectorAll('[data-copydesk-mirror] mark')].map(m => m.textContent)")
    assert BOILERPLATE in marks and "per cent" in marks

    shot = Path(os.environ.get("COPYDESK_PANEL_SCREENSHOT") or tmp_path / "panel.png")
    shot.parent.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(shot))

    # One click on the fix: the line (and its blank line) is gone, and so is the finding.
    after_next_check(browser, lambda: boiler.find_element(By.CSS_SELECTOR, "button.fix").click())
    without = "\n\n".join(p for p in PARAGRAPHS if p != BOILERPLATE) + "\n"
    assert body_value(browser) == without
    rules_now = {f["rule"] for f in findings(browser)}
    assert "newsroom.developing-story" not in rules_now
    assert {"starter.percent", "ap.dates", "ap.indefinite-article"} <= rules_now
    assert not root.find_elements(By.CSS_SELECTOR, "section.error li.finding")

    # Dismiss: the finding goes, its fingerprint is stored, and it stays gone after another edit.
    article_finding = item(root, "ap.indefinite-article")
    fingerprint = article_finding.get_attribute("data-fingerprint")
    article_finding.find_element(By.CSS_SELECTOR, "button.dismiss").click()
    assert "ap.indefinite-article" not in {f["rule"] for f in findings(browser)}
    assert fingerprint in browser.execute_script("return localStorage.getItem('copydesk-demo-dismissed')")
    assert "1 finding dismissed" in root.find_element(By.CSS_SELECTOR, "footer").text
    after_next_check(browser, lambda: browser.find_element(By.ID, "body").send_keys("The routes start in June."))
    rules_now = {f["rule"] for f in findings(browser)}
    assert "ap.indefinite-article" not in rules_now
    assert {"starter.percent", "ap.dates"} <= rules_now

    # Fix offsets are code points; a character outside the BMP before the span counts twice in JS.
    after_next_check(browser, lambda: browser.execute_script(
        "const b = document.getElementById('body'); b.value = '\\u{1F68C} ' + b.value;"
        "b.dispatchEvent(new Event('input', {bubbles: true}));"))
    after_next_check(browser, lambda: item(root, "starter.percent").find_element(By.CSS_SELECTOR, "button.fix").click())
    fixed = body_value(browser)
    assert fixed.startswith("\U0001F68C The Lakeside transit board")
    assert "Fares will rise 3 percent in a August 14 change" in fixed
    assert "starter.percent" not in {f["rule"] for f in findings(browser)}

    # Restoring the dismissals brings the finding back.
    after_next_check(browser, lambda: root.find_element(By.CSS_SELECTOR, "footer button").click())
    assert "ap.indefinite-article" in {f["rule"] for f in findings(browser)}


def test_a_missing_token_gets_a_clear_message(server, browser):
    root = open_demo(browser, server)
    browser.find_element(By.ID, "headline").send_keys(HEADLINE)
    notice = root.find_element(By.CSS_SELECTOR, ".notice")
    wait_for(browser, lambda d: notice.is_displayed() and "401" in notice.text, "the 401 notice")
    assert "token" in notice.text and notice.get_attribute("role") == "alert"
    assert findings(browser) == []
    # Entering the token recovers.
    token = browser.find_element(By.ID, "token")
    after_next_check(browser, lambda: (token.send_keys(TOKEN), browser.find_element(By.ID, "headline").click()))
    assert not notice.is_displayed()


def test_an_unreachable_service_gets_a_clear_message(server, browser):
    root = open_demo(browser, server, f"?token={TOKEN}")
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/"
    browser.execute_script("document.getElementById('panel').service = arguments[0]", closed)
    browser.find_element(By.ID, "body").send_keys("Fares will rise 3 per cent.")
    notice = root.find_element(By.CSS_SELECTOR, ".notice")
    wait_for(browser, lambda d: notice.is_displayed() and "Cannot reach" in notice.text, "the unreachable notice")
    assert closed in notice.text


def test_typing_is_debounced(server, browser):
    open_demo(browser, server, f"?token={TOKEN}")
    # Count requests the page sends: typing a sentence quickly must not send one per key.
    browser.execute_script(
        "window.sent = 0; const real = window.fetch;"
        "window.fetch = (...args) => { if (String(args[0]).includes('/v1/check')) window.sent += 1; return real(...args); };")
    after_next_check(browser, lambda: browser.find_element(By.ID, "body").send_keys("Fares will rise 3 per cent next year."))
    assert 1 <= browser.execute_script("return window.sent") <= 4
    assert "starter.percent" in {f["rule"] for f in findings(browser)}


def test_attach_api_with_adapters_and_an_html_body(server, browser):
    """What a CMS editor that is not a textarea uses: {get, set, subscribe} adapters (here, JS strings)."""
    open_demo(browser, server, f"?token={TOKEN}")
    browser.execute_script(
        """
        const store = {headline: arguments[0], body: arguments[1]};
        const listeners = [];
        const adapter = (name) => ({
          get: () => store[name],
          set: (text) => { store[name] = text; },
          subscribe: (callback) => { listeners.push(callback); return () => {}; },
        });
        window.store = store;
        window.typeInto = (name, text) => { store[name] = text; listeners.forEach((callback) => callback()); };
        const panel = document.createElement('copydesk-panel');
        panel.id = 'api-panel';
        panel.token = arguments[2];
        panel.bodyFormat = 'html';
        panel.attach({headline: adapter('headline'), body: adapter('body')});
        window.apiChecks = 0;
        panel.addEventListener('copydesk-findings', () => { window.apiChecks += 1; });
        document.body.append(panel);
        """,
        HEADLINE,
        "<p>The board met on Monday.</p>\n<p>This is a developing story.</p>\n<p>Fares rose 3 per cent.</p>",
        TOKEN,
    )
    api_rules = lambda d: d.execute_script(  # noqa: E731
        "return [...document.getElementById('api-panel').shadowRoot.querySelectorAll('li.finding')].map(li => li.dataset.rule)")
    wait_for(browser, lambda d: {"newsroom.developing-story", "starter.percent"} <= set(api_rules(d)), "the adapter panel's findings")
    checks = browser.execute_script("return window.apiChecks")
    browser.execute_script(
        "document.getElementById('api-panel').shadowRoot"
        ".querySelector('li[data-rule=\"starter.percent\"] button.fix').click()")
    wait_for(browser, lambda d: d.execute_script("return window.apiChecks") > checks, "the check after the fix")
    assert browser.execute_script("return window.store.body") == (
        "<p>The board met on Monday.</p>\n<p>This is a developing story.</p>\n<p>Fares rose 3 percent.</p>")
    assert "starter.percent" not in api_rules(browser)
    # An edit reported through subscribe() is checked after the debounce.
    checks = browser.execute_script("return window.apiChecks")
    browser.execute_script("window.typeInto('body', window.store.body + '<p>Rents rose 2 per cent.</p>')")
    wait_for(browser, lambda d: d.execute_script("return window.apiChecks") > checks and "starter.percent" in api_rules(d),
             "the check after an adapter edit")
