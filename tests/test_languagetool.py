"""The ``languagetool`` rule type against a fake LanguageTool server on 127.0.0.1.

The fake answers ``/v2/languages`` and ``/v2/check`` in LanguageTool's documented JSON format
(https://languagetool.org/http-api/): ``matches[]`` with ``message``, ``shortMessage``,
``replacements[].value``, ``offset``, ``length`` (in UTF-16 code units, as LanguageTool's Java
counts them), ``context``, ``sentence`` and ``rule`` (``id``, ``issueType``, ``category.id``).
So the whole path runs for real: language-tool-python's HTTP client, our request, the mapping.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from linter.article import Article, Block, TextMap
from linter.config import Config
from linter.findings import Applicability
from linter.linting import Linter
from linter.loading import load_rule
from linter.ruletypes import languagetool as lt
from linter.ruletypes.base import LintContext

ROOT = Path(__file__).resolve().parents[1]
RULE_FILE = ROOT / "rules" / "newsroom" / "grammar.yml"

# Errors the fake server "finds": phrase -> (rule id, category, message, replacements).
ERRORS = {
    "he go": ("HE_VERB_AGR", "GRAMMAR", "The pronoun 'he' must be used with a third-person verb: 'goes'.", ["he goes", "he went"]),
    "their is": ("THERE_IS", "CONFUSED_WORDS", "Did you mean 'there is'?", ["there is"]),
}


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class FakeLanguageTool(BaseHTTPRequestHandler):
    requests: list[dict] = []

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _reply(self, payload) -> None:
        body = json.dumps(payload).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path.startswith("/v2/languages"):
            self._reply([
                {"name": "English (US)", "code": "en", "longCode": "en-US"},
                {"name": "English (GB)", "code": "en", "longCode": "en-GB"},
            ])
        else:
            self.send_error(404)

    def do_POST(self) -> None:
        if not self.path.startswith("/v2/check"):
            self.send_error(404)
            return
        length = int(self.headers.get("Content-Length", 0))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode("utf-8")).items()}
        FakeLanguageTool.requests.append(form)
        text = form["text"]
        matches = []
        for phrase, (rule_id, category, message, replacements) in ERRORS.items():
            for found in re.finditer(rf"\b{phrase}\b", text, re.IGNORECASE):
                start = found.start()
                offset = _utf16_length(text[:start])
                matches.append({
                    "message": message,
                    "shortMessage": "Grammar",
                    "replacements": [{"value": r} for r in replacements],
                    "offset": offset,
                    "length": len(phrase),
                    "context": {"text": text[max(0, start - 10):start + 20], "offset": min(start, 10), "length": len(phrase)},
                    "sentence": text,
                    "type": {"typeName": "Other"},
                    "rule": {"id": rule_id, "description": message, "issueType": "grammar",
                             "category": {"id": category, "name": category.title()}},
                    "ignoreForIncompleteSentence": False,
                    "contextForSureMatch": 0,
                })
        self._reply({
            "software": {"name": "LanguageTool", "version": "6.4", "apiVersion": 1},
            "language": {"name": "English (US)", "code": "en-US"},
            "matches": sorted(matches, key=lambda m: m["offset"]),
        })


@pytest.fixture()
def server():
    FakeLanguageTool.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeLanguageTool)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """No configured server and no local LanguageTool unless a test sets one."""
    monkeypatch.delenv(lt.ENV_URL, raising=False)
    monkeypatch.setenv("LTP_PATH", str(tmp_path / "ltp"))
    lt.reset()
    yield
    lt.reset()


@pytest.fixture()
def rule():
    return load_rule(RULE_FILE, ROOT / "rules")


STORY = (
    "Council delays vote\n\n"
    "The council met on Monday to discuss the budget.\n\n"
    "Mayor Ana Ruiz said he go to the capital every week to ask for money.\n\n"
    "\"Their is no money left,\" one member said.\n"
)


def _linter(rule, url: str | None) -> Linter:
    return Linter(Config(languagetool_url=url), rules=[rule])


def test_matches_map_to_the_right_block_with_display_fixes(server, rule):
    article, findings = _linter(rule, server).check(STORY)
    # "Their is" sits inside a quotation: the speaker's grammar is not reported.
    assert len(findings) == 1
    finding = findings[0]
    assert article.source[finding.start:finding.end] == "he go"
    assert finding.rule == "newsroom.grammar"
    assert finding.category == "grammar"
    assert finding.message == (
        "The pronoun 'he' must be used with a third-person verb: 'goes'."
        " Suggestion: 'he goes', 'he went'. [LanguageTool HE_VERB_AGR]"
    )
    assert finding.fix is not None and finding.fix.applicability is Applicability.DISPLAY
    assert [e.text for e in finding.fix.edits] == ["he goes"]
    # One request for the article: the body paragraphs joined by blank lines, our rule settings.
    assert len(FakeLanguageTool.requests) == 1
    sent = FakeLanguageTool.requests[0]
    assert sent["language"] == "en-US"
    assert sent["text"].split("\n\n")[1].startswith("Mayor Ana Ruiz said he go")
    assert "MORFOLOGIK_RULE_EN_US" in sent["disabledRules"].split(",")
    assert "TYPOGRAPHY" in sent["disabledCategories"].split(",")


def test_fix_is_never_applied(server, rule):
    result = _linter(rule, server).fix(STORY, minimum=Applicability.UNSAFE)
    assert result.text == STORY


def test_offsets_after_astral_characters(server, rule):
    # LanguageTool counts an emoji as two code units; the finding must still land on "their is".
    text = "Fans cheered \U0001F600 \U0001F600 and their is a parade today."
    article = Article(source=text, format="text", blocks=(Block("paragraph", "body", text, TextMap.contiguous(0, len(text))),))
    matches = list(rule.check(article, LintContext(settings={"languagetool_url": server})))
    assert [(m.block.text[m.start:m.end], m.replacement) for m in matches] == [("their is", "there is")]


def test_blocks_are_split_into_requests_by_size(server):
    from linter.loading import build_rule

    data = {"type": "languagetool", "message": "{lt_message}", "max_chars": 1000}
    small = build_rule(data, None, RULE_FILE, "test.grammar")
    paragraphs = [f"Paragraph {i} says he go home now. " + "Filler words here. " * 20 for i in range(6)]
    blocks = []
    offset = 0
    for i, text in enumerate(paragraphs):
        blocks.append(Block("paragraph", "body", text, TextMap.contiguous(offset, len(text)), i))
        offset += len(text) + 2
    article = Article(source="\n\n".join(paragraphs), format="text", blocks=tuple(blocks))
    matches = list(small.check(article, LintContext(settings={"languagetool_url": server})))
    assert len(FakeLanguageTool.requests) > 1
    assert [m.block.index for m in matches] == list(range(6))
    assert all(m.block.text[m.start:m.end] == "he go" for m in matches)


def test_environment_variable_and_v2_suffix(server, rule, monkeypatch):
    monkeypatch.setenv(lt.ENV_URL, server + "/v2")
    _, findings = _linter(rule, None).check(STORY)
    assert [f.message.split(" [")[1] for f in findings] == ["LanguageTool HE_VERB_AGR]"]


def test_server_base():
    assert lt.server_base("localhost:8081") == "http://localhost:8081/"
    assert lt.server_base("http://lt.example:8010/v2/") == "http://lt.example:8010/"
    assert lt.server_base("https://lt.example/v2/check") == "https://lt.example/"


def test_no_server_one_notice_and_other_rules_run(rule, capsys):
    linter = Linter(Config())  # every bundled rule, grammar included, no server anywhere
    assert any(r.spec.id == "newsroom.grammar" for r in linter.rules)
    for _ in range(3):
        _, findings = linter.check("Okay\n\nThe mayor said it was okay. Towards noon he left.\n")
        assert not [f for f in findings if f.category == "grammar"]
        assert [f for f in findings if f.rule == "ap.spelling"]
    err = capsys.readouterr().err
    assert err.count("grammar checks skipped") == 1
    assert "languagetool_url" in err


def test_unreachable_server_one_notice(rule, capsys):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    linter = _linter(rule, f"http://127.0.0.1:{port}")
    for _ in range(2):
        assert linter.check(STORY)[1] == []
    err = capsys.readouterr().err
    assert err.count("grammar checks skipped") == 1 and f"127.0.0.1:{port}" in err


def test_never_starts_a_download(rule, monkeypatch, tmp_path):
    """Without a configured server, language-tool-python is only asked to start a local server
    when a LanguageTool of exactly that version is already on disk."""
    import language_tool_python

    calls = []

    class Refuse:
        def __init__(self, *args, **kwargs):
            calls.append(kwargs)
            raise RuntimeError("would start a local server")

    monkeypatch.setattr(language_tool_python, "LanguageTool", Refuse)
    monkeypatch.setattr(lt.shutil, "which", lambda name: "/usr/bin/java")
    assert lt.installed_languagetool() is None
    assert list(rule.check(Article("x", "text", (Block("paragraph", "body", "he go", TextMap.contiguous(0, 5)),)), LintContext())) == []
    assert calls == []
    # A download folder with a jar in it: used, with exactly its version (nothing to download).
    folder = Path(os.environ["LTP_PATH"]) / "LanguageTool-6.4"
    folder.mkdir(parents=True)
    (folder / "languagetool-server.jar").write_bytes(b"")
    assert lt.installed_languagetool() is None  # looked up once per process, not per article
    lt.reset()
    assert lt.installed_languagetool() == ("6.4", folder)
    lt.reset()
    list(rule.check(Article("x", "text", (Block("paragraph", "body", "he go", TextMap.contiguous(0, 5)),)), LintContext()))
    assert calls == [{"language_tool_download_version": "6.4"}]


def test_examples_skipped_without_server_and_run_with_one(rule, server, monkeypatch):
    from linter.testing import check_rule

    assert rule.skip_examples() == "no LanguageTool server available"
    assert check_rule(rule) == []
    monkeypatch.setenv(lt.ENV_URL, server)
    assert rule.skip_examples() is None
    assert check_rule(rule) == []  # the examples pass against the (fake) server


def test_cli_json_report_through_the_network(server, tmp_path):
    """End to end: languagetool_url in .copydesk.yaml, the CLI, the JSON report."""
    story = tmp_path / "story.txt"
    story.write_text(STORY, encoding="utf-8")
    (tmp_path / ".copydesk.yaml").write_text(f"languagetool_url: {server}\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "linter", "check", "--format", "json", str(story)],
        capture_output=True, text=True, cwd=tmp_path,
    )
    report = json.loads(run.stdout)
    grammar = [f for f in report["files"][0]["findings"] if f["category"] == "grammar"]
    assert [(STORY[f["start"]:f["end"]], f["fix"]["replacement"], f["fix"]["applicability"]) for f in grammar] == [
        ("he go", "he goes", "display")
    ]
    assert "grammar checks skipped" not in run.stderr
