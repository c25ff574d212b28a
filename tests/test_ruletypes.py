"""Each built-in core rule type on invented fixture text."""

from __future__ import annotations

import pytest

from linter import Applicability, read_article
from linter.engine import lint
from linter.loading import RuleLoadError

from conftest import make_rule

STORY = (
    "Council Approves Budget For City Police Department\n\n"
    "The council approved the budget on Tuesday, the city's adviser said.\n\n"
    "An advisor to the mayor said the the vote was close. At this point in time, nobody knows.\n"
)


def run(rule_yaml: str, source: str = STORY, fmt: str = "text"):
    article = read_article(source, fmt)
    return article, lint(article, [make_rule(rule_yaml)])


def test_existence_tokens_patterns_ignorecase_and_exceptions():
    article, findings = run("""
type: existence
message: "'{actual}'"
ignorecase: true
tokens: [at this point in time, nobody]
patterns: ['\\bvot(?:e|ing)\\b']
exceptions: [NOBODY]
""")
    # "nobody" is an exception (compared without case); the pattern finds "vote".
    assert sorted(article.source[f.start:f.end] for f in findings) == ["At this point in time", "vote"]
    assert all(f.fix is None for f in findings)


def test_existence_matches_on_word_boundaries_only():
    _, findings = run("type: existence\nmessage: m\ntokens: [cat]\n", "A catalog and a cat.")
    assert len(findings) == 1 and findings[0].start == 16


def test_existence_rejects_a_rule_with_nothing_to_match():
    with pytest.raises(RuleLoadError, match="needs 'tokens' or 'patterns'"):
        make_rule("type: existence\nmessage: m\n")


def test_substitution_keeps_capitalisation_and_offers_the_fix():
    article, findings = run("""
type: substitution
message: "'{actual}' -> '{expected}'"
fix: safe
ignorecase: true
swap: {at this point in time: now}
""")
    (finding,) = findings
    assert article.source[finding.start:finding.end] == "At this point in time"
    assert finding.fix.replacement == "Now"
    assert finding.message == "'At this point in time' -> 'Now'"


def test_substitution_with_regex_keys_and_groups():
    _, findings = run(r"""
type: substitution
message: m
fix: safe
regex: true
swap: {'(\d+) per cent': '\1 percent'}
""", "Up 12 per cent.")
    assert findings[0].fix.replacement == "12 percent"


def test_occurrence_counts_per_scope():
    _, findings = run("""
type: occurrence
message: "{actual} words, limit {expected}"
scope: sentence
token: '\\w+'
max: 8
""")
    # "city's" is two \w+ tokens; the short last sentence is under the limit.
    assert [f.message for f in findings] == ["12 words, limit 8", "11 words, limit 8"]


def test_repetition_removes_the_second_copy_and_respects_exceptions():
    article, findings = run("type: repetition\nmessage: m\nfix: safe\nexceptions: [had]\n", "He had had enough of the the delays.")
    (finding,) = findings
    assert article.source[finding.start:finding.end] == "the the"
    assert finding.fix.replacement == "the"


def test_consistency_flags_the_second_variant_with_the_first_as_fix():
    article, findings = run("type: consistency\nmessage: m\nfix: safe\neither: {adviser: advisor}\n")
    (finding,) = findings
    assert article.source[finding.start:finding.end] == "advisor"
    assert finding.fix.replacement == "adviser"


def test_capitalization_sentence_case_is_a_display_suggestion():
    _, findings = run("type: capitalization\nmessage: '{expected}'\nfix: display\nmatch: sentence\n")
    (finding,) = findings
    assert finding.message == "Council approves budget for city police department"
    assert finding.fix.applicability is Applicability.DISPLAY


def test_capitalization_title_case():
    _, findings = run("type: capitalization\nmessage: m\nfix: safe\nmatch: title\n", "Mayor says the budget is on track\n\nBody.")
    assert findings[0].fix.replacement == "Mayor Says the Budget Is on Track"


def test_metric_reports_grade_with_our_sentence_splitter():
    body = " ".join(["Sen. Ann Lee met Gov. Bo Park on Oct. 11 in the U.S. capital."] * 8)
    rule = """
type: metric
message: "{actual}"
scope: paragraph
formula: flesch_kincaid_grade
max: 1
min_words: 10
"""
    from linter.ruletypes.metric import FORMULAS, count

    counts = count(body)
    assert counts.sentences == 8  # "Sen.", "Gov.", "Oct." and "U.S." end no sentence
    _, findings = run(rule, body)
    (finding,) = findings
    assert float(finding.message) == round(FORMULAS["flesch_kincaid_grade"](counts), 1)


def test_metric_needs_no_network(monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    _, findings = run("type: metric\nmessage: m\nformula: smog_index\nmax: 0\nmin_words: 5\n", "Readers understand short words. Editors prefer them.")
    assert len(findings) == 1


def test_existence_rules_sharing_a_matcher_each_get_their_own_phrases():
    # One pass serves both rules; the shorter phrase is a leading part of the longer one.
    longer = make_rule("type: existence\nmessage: m\ntokens: [in the wake of]\n", rule_id="t.longer")
    shorter = make_rule("type: existence\nmessage: m\ntokens: [in the wake]\n", rule_id="t.shorter")
    other = make_rule("type: existence\nmessage: m\ntokens: [storm]\n", rule_id="t.other")
    article = read_article("Crews worked in the wake of the storm.")
    spans = {(f.rule, article.source[f.start:f.end]) for f in lint(article, [longer, shorter, other])}
    assert spans == {("t.longer", "in the wake of"), ("t.shorter", "in the wake"), ("t.other", "storm")}
