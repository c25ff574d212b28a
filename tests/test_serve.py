"""The HTTP service, over a real socket on loopback (uvicorn in a thread)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

pytest.importorskip("starlette")
uvicorn = pytest.importorskip("uvicorn")

from conftest import running_app  # noqa: E402
from linter.serve import create_app  # noqa: E402

TOKEN = "newsroom-token"
HEADLINE = "Riverton council approves budget"
BODY = (
    "The Riverton City Council voted 6-1 on Tuesday to approve the budget, the city\u2019s adviser said.\n\n"
    "This is a developing story.\n\n"
    "Rates rose 5 per cent \U0001F4C8 last year, the mayor said.\n"
)


@pytest.fixture(scope="module")
def server():
    app = create_app(token=TOKEN, max_bytes=20_000, timeout=5, cors_origins=("https://cms.example.org",))
    with running_app(app) as base:
        yield base


def call(base: str, path: str, payload=None, *, token: str | None = TOKEN, raw: bytes | None = None):
    data = raw if raw is not None else (json.dumps(payload).encode() if payload is not None else None)
    request = urllib.request.Request(base + path, data=data, method="POST" if data is not None else "GET")
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def article(**extra):
    return {"article": {"headline": HEADLINE, "body": BODY, **extra}}


def test_health_needs_no_token(server):
    assert call(server, "/healthz", token=None) == (200, {"status": "ok"})


def test_v1_needs_the_token(server):
    assert call(server, "/v1/check", article(), token=None)[0] == 401
    assert call(server, "/v1/check", article(), token="wrong")[0] == 401
    assert call(server, "/v1/rules", token=None)[0] == 401


def test_check_reports_field_offsets_in_code_points_and_utf16(server):
    status, answer = call(server, "/v1/check", article())
    assert status == 200
    percent = next(f for f in answer["findings"] if f["rule"] == "starter.percent")
    assert percent["field"] == "body"
    assert BODY[percent["start"]:percent["end"]] == "per cent"
    assert (percent["start_utf16"], percent["end_utf16"]) == (percent["start"], percent["end"])  # no astral char before it
    boiler = [f for f in answer["findings"] if f["category"] == "boilerplate"]
    assert boiler and BODY[boiler[0]["start"]:boiler[0]["end"]].startswith("This is a developing story")


def test_utf16_offsets_count_astral_characters_twice(server):
    body = "\U0001F4C8 Rates rose 5 per cent last year, the mayor said.\n"
    status, answer = call(server, "/v1/check", {"article": {"headline": HEADLINE, "body": body}})
    percent = next(f for f in answer["findings"] if f["rule"] == "starter.percent")
    assert body[percent["start"]:percent["end"]] == "per cent"
    assert percent["start_utf16"] == percent["start"] + 1
    assert body.encode("utf-16-le")[2 * percent["start_utf16"]:2 * percent["end_utf16"]].decode("utf-16-le") == "per cent"


def test_dismissed_fingerprints_are_not_reported_and_survive_unrelated_edits(server):
    _, first = call(server, "/v1/check", article())
    percent = next(f for f in first["findings"] if f["rule"] == "starter.percent")
    edited = {"article": {"headline": HEADLINE + " again", "body": "A new opening paragraph.\n\n" + BODY}}
    _, second = call(server, "/v1/check", edited)
    assert percent["fingerprint"] in {f["fingerprint"] for f in second["findings"]}
    _, third = call(server, "/v1/check", {**edited, "dismissed": [percent["fingerprint"]]})
    assert percent["fingerprint"] not in {f["fingerprint"] for f in third["findings"]}
    assert len(third["findings"]) == len(second["findings"]) - 1


def test_fix_applies_safe_fixes_and_lists_them(server):
    status, answer = call(server, "/v1/fix", {**article(), "applicability": "safe"})
    assert status == 200
    fixed = answer["article"]["body"]
    assert "developing story" not in fixed
    assert "5 percent" in fixed
    assert answer["article"]["headline"] == HEADLINE
    assert {a["rule"] for a in answer["applied"]} >= {"starter.percent"}


def test_html_body(server):
    body = "<p>Rates rose 5 per cent &amp; more.</p>"
    _, answer = call(server, "/v1/check", {"article": {"headline": HEADLINE, "body": body, "body_format": "html"}})
    percent = next(f for f in answer["findings"] if f["rule"] == "starter.percent")
    assert body[percent["start"]:percent["end"]] == "per cent"


@pytest.mark.parametrize(
    "raw, status, words",
    [
        (b"{not json", 400, "malformed JSON"),
        (b"[1, 2]", 400, "JSON object"),
        (json.dumps({"article": "text"}).encode(), 400, "'article' must be an object"),
        (json.dumps({"article": {"body": 5}}).encode(), 400, "must be a string"),
        (json.dumps({"article": {"body": "x", "body_format": "docx"}}).encode(), 400, "body_format"),
        (json.dumps({"article": {"body": "x" * 30_000}}).encode(), 413, "over the limit"),
    ],
)
def test_bad_requests_get_clear_errors(server, raw, status, words):
    code, answer = call(server, "/v1/check", raw=raw)
    assert code == status
    assert words in answer["error"]


def test_rules_and_openapi(server):
    status, answer = call(server, "/v1/rules")
    assert status == 200 and any(r["id"] == "starter.percent" for r in answer["rules"])
    status, spec = call(server, "/openapi.json", token=None)
    assert status == 200 and set(spec["paths"]) >= {"/v1/check", "/v1/fix", "/v1/rules", "/healthz"}


def test_cors_preflight_is_answered_for_a_configured_origin(server):
    def preflight(origin: str):
        request = urllib.request.Request(server + "/v1/check", method="OPTIONS", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        })
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.headers

    status, headers = preflight("https://cms.example.org")
    assert status == 200
    assert headers["access-control-allow-origin"] == "https://cms.example.org"
    status, headers = preflight("https://elsewhere.example")
    assert headers.get("access-control-allow-origin") is None


# -- a check that runs out of time stops in its worker thread -----------------------------------------


def long_body(paragraphs: int = 2_500) -> str:
    """About 700 KB of invented council prose: seconds of checking with the default rules."""
    import random

    words = ("the council voted on Tuesday to approve a budget for the city officials said mayor "
             "residents park plan school board would meet again in June after long debate over fares").split()
    chooser = random.Random(3)
    out = []
    for _ in range(paragraphs):
        chosen = [chooser.choice(words) for _ in range(50)]
        out.append(" ".join(chosen).capitalize() + ".")
    return "\n\n".join(out) + "\n"


def test_a_check_out_of_time_answers_503_and_stops_in_its_thread(monkeypatch):
    import threading
    import time

    app = create_app(token=TOKEN, max_bytes=3_000_000, timeout=0.5)
    rules = app.state.service.linter("ap").rules
    started: list[float] = []
    running = threading.Semaphore(0)  # released once per rule that finished

    def spy(rule):
        original = rule.check

        def check(article, context):
            started.append(time.monotonic())
            try:
                return list(original(article, context))
            finally:
                running.release()

        return check

    for rule in rules:
        monkeypatch.setattr(rule, "check", spy(rule))
    with running_app(app) as base:
        sent = time.monotonic()
        status, answer = call(base, "/v1/check", {"article": {"headline": "Council budget", "body": long_body()}})
        answered = time.monotonic()
        assert (status, answer) == (503, {"error": "checking took longer than 0.5 s"})
        # The thread finishes the rule it was in, then starts no other: it stopped, well short of
        # all the rules (a full check of this article takes seconds).
        for _ in started[:]:
            assert running.acquire(timeout=30)
        time.sleep(0.3)
        assert len(started) < len(rules)
        assert all(moment < answered for moment in started)
        count = len(started)
        # The worker is free: a small check right after is answered in full.
        status, answer = call(base, "/v1/check", article())
        assert status == 200 and any(f["rule"] == "starter.percent" for f in answer["findings"])
        assert len(started) == count + len(rules)
    assert answered - sent < 0.5 + 5  # the 503 does not wait for the abandoned check to end


def test_the_deadline_stops_the_engine_between_rules_and_inside_a_pattern_budget():
    import time

    from conftest import make_rule
    from linter import read_article
    from linter.engine import DeadlineExceeded, lint
    from linter.ruletypes.base import LintContext

    fine = make_rule("type: existence\nmessage: found\ntokens: [budget]\n", rule_id="house.fine")
    article = read_article("Head line\n\nA story about the budget.\n")
    with pytest.raises(DeadlineExceeded):
        lint(article, [fine], deadline=time.monotonic() - 1)
    assert [f.rule for f in lint(article, [fine], deadline=time.monotonic() + 60)] == ["house.fine"]

    # A backtracking pattern (kept off RE2 by \b) with a 5 s budget stops when the deadline,
    # 0.3 s away, passes: the budget is cut to the time left, and the run ends, not just the rule.
    hostile = make_rule("type: existence\nmessage: m\npatterns: ['\\b(x+x+)+y']\n", rule_id="house.hostile")
    article = read_article("Head line\n\nA story about the budget.\n\n" + "x" * 20_000)
    begun = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        lint(article, [hostile, fine], LintContext(settings={"pattern_budget": 5}), deadline=begun + 0.3)
    assert time.monotonic() - begun < 3


def test_the_deadline_stops_the_off_topic_rule_inside_a_long_story() -> None:
    import time

    from linter import read_article
    from linter.engine import DeadlineExceeded, lint
    from linter.loading import bundled_rules_dir, load_rule

    rule = load_rule(bundled_rules_dir() / "newsroom" / "off-topic.yml", bundled_rules_dir())
    # Paragraphs long enough (25 words and more) for the rule to judge each one in full.
    paragraph = ("The harbour ferry fares rose on Monday for riders on the three routes across the bay, "
                 "officials said, and the board promised a review of the timetable before the busy summer season.")
    article = read_article("Ferry fares rise\n\n" + "\n\n".join([paragraph] * 8000) + "\n")
    started = time.monotonic()
    lint(article, [rule])  # the story in full, for comparison
    full_time = time.monotonic() - started
    assert full_time > 0.4, full_time  # long enough for a deadline to land inside the rule
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        lint(article, [rule], deadline=started + 0.1)
    assert time.monotonic() - started < full_time / 2  # stopped inside the rule, not after it
