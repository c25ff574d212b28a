"""Hostile rule patterns cannot hang a run: RE2 where it applies, a time budget otherwise."""

from __future__ import annotations

import threading
import time

import pytest

from linter import Linter, read_article
from linter.engine import lint
from linter.patterns import PatternTimeout, UserPattern, time_budget

from conftest import make_rule

RUN_OF_A = "a" * 60_000 + "!"
RUN_OF_X = "x" * 20_000  # about 10 s for the `regex` module without a budget
# Nested quantifiers with no way to match: exponential for a backtracking engine. The \b keeps
# it off RE2, so the budgeted engine has to cope.
HOSTILE = r"\b(x+x+)+y"


def test_re2_takes_plain_patterns_and_is_linear():
    pattern = UserPattern("(a+)+$")
    assert pattern.engine == "re2"
    started = time.monotonic()
    assert list(pattern.finditer(RUN_OF_A)) == []
    assert time.monotonic() - started < 1


def test_patterns_re2_reads_differently_go_to_pythons_engine_when_linear_else_the_budgeted_one():
    # No unbounded repetition, or one trailing run of one character: linear on Python's engine.
    for source in (r"\bcat\b", r"(?<=the )cat", r"[\w'-]+", r"(?<![\w'])(?:col|fav)our(s|ed)?(?![\w'])"):
        assert UserPattern(source).engine == "re", source
    # Back-references, runs followed by more pattern, runs inside lookarounds: under a budget.
    for source in (r"(\w+) \1", r"\w+y", r"(?=\w*x)a", r"\b(\w|\w)+\b"):
        assert UserPattern(source).engine == "regex", source
    assert [m.group() for m in UserPattern(r"\bcafé\b").finditer("un café noir")] == ["café"]
    assert [m.group() for m in UserPattern(r"[\w'’-]+").finditer("Ça coûte 5 €, c’est-à-dire")] == ["Ça", "coûte", "5", "c’est-à-dire"]


def test_backtracking_bound_rejects_chains_of_choices_and_runs_before_more_pattern():
    from linter.patterns import bounded_backtracking

    assert bounded_backtracking(r"(?:ab|a){0,3}c")
    assert not bounded_backtracking(r"(a|aa)?" * 20)  # 2^20 ways to retry one attempt
    assert not bounded_backtracking(r"a.*b")  # each start scans the rest of the text
    assert not bounded_backtracking(r"(a+)+$")
    assert bounded_backtracking(r"foo|bar\w+")  # the run ends the match


def test_a_backtracking_pattern_runs_out_of_time():
    pattern = UserPattern(HOSTILE)
    started = time.monotonic()
    with pytest.raises(PatternTimeout), time_budget(0.3):
        list(pattern.finditer(RUN_OF_X))
    assert time.monotonic() - started < 3


def test_the_engine_reports_the_rule_that_ran_out_of_time_and_runs_the_others():
    hostile = make_rule("type: existence\nmessage: m\npatterns: ['\\b(x+x+)+y']\n", rule_id="house.hostile")
    fine = make_rule("type: existence\nmessage: found\ntokens: [budget]\n", rule_id="house.fine")
    article = read_article("Head line\n\nA story about the budget.\n\n" + RUN_OF_X)
    started = time.monotonic()
    from linter.ruletypes.base import LintContext

    findings = lint(article, [hostile, fine], LintContext(settings={"pattern_budget": 0.3}))
    assert time.monotonic() - started < 5
    by_rule = {f.rule: f for f in findings}
    assert by_rule["house.hostile"].category == "rule-error"
    assert "ran out of time" in by_rule["house.hostile"].message
    assert by_rule["house.fine"].message == "found"


def test_the_budget_works_off_the_main_thread_too():
    hostile = make_rule("type: existence\nmessage: m\npatterns: ['\\b(x+x+)+y']\n", rule_id="house.hostile")
    linter = Linter(rules=[hostile])
    results = []
    worker = threading.Thread(target=lambda: results.append(linter.check("Head line\n\n" + RUN_OF_X)[1]))
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive()
    assert results and results[0][0].category == "rule-error"


def test_the_cli_reports_the_hostile_rule_and_exits(tmp_path):
    import subprocess
    import sys

    pack = tmp_path / "house"
    pack.mkdir()
    (pack / "hostile.yml").write_text(
        "type: existence\nmessage: m\npatterns: ['\\b(x+x+)+y']\n"
        "examples:\n  valid: ['a']\n  invalid: ['xy']\n"
    )
    story = tmp_path / "story.txt"
    story.write_text("Head line\n\n" + RUN_OF_X + "\n")
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "linter", "check", "--no-config", "--rules", str(tmp_path), "--format", "line", str(story)],
        capture_output=True, text=True, timeout=120,
    )
    assert time.monotonic() - started < 60
    assert "ran out of time" in run.stdout and "[house.hostile]" in run.stdout
    assert run.returncode == 1


def test_re2_patterns_read_text_with_lone_surrogates_at_the_same_offsets():
    pattern = UserPattern(r"fares? rose")
    assert pattern.engine == "re2"
    text = "\ud800 Fares rose; fare rose \udfff"
    assert [m.span() for m in UserPattern(r"fares? rose", ignorecase=True).finditer(text)] == [(2, 12), (14, 23)]
    assert pattern.search(text).span() == (14, 23)


def test_count_agrees_with_finditer_on_every_engine():
    text = "The mayor's plan—backed by 5 council members—passed 7-2 on Tuesday, officials said."
    for source in (r"[\w'’-]+", r"\b\w+\b", r"(\w)(\w)", r"[a-z]+", r"(?:a|e)"):
        pattern = UserPattern(source)
        assert pattern.count(text) == len(list(pattern.finditer(text))), (source, pattern.engine)


def test_off_topic_skip_patterns_run_under_the_budget_too(tmp_path):
    from linter.loading import bundled_rules_dir, load_rule
    from linter.ruletypes.base import LintContext

    source = (bundled_rules_dir() / "newsroom" / "off-topic.yml").read_text(encoding="utf-8")
    rule_file = tmp_path / "newsroom" / "off-topic.yml"
    rule_file.parent.mkdir()
    data = tmp_path / "newsroom" / "data"
    data.symlink_to(bundled_rules_dir() / "newsroom" / "data")
    rule_file.write_text(source.replace("skip_patterns:", "skip_patterns:\n  - '\\b(x+x+)+y'", 1), encoding="utf-8")
    rule = load_rule(rule_file, tmp_path)
    assert rule.skip.pattern.count("(x+x+)+y") == 1 and rule.skip.engine == "regex"
    story = "Ferry fares rise\n\n" + "\n\n".join(["The ferry fares rose on Monday across the harbour routes."] * 5 + [RUN_OF_X])
    started = time.monotonic()
    (failure,) = lint(read_article(story), [rule], LintContext(settings={"pattern_budget": 0.3}))
    assert failure.category == "rule-error" and time.monotonic() - started < 5
