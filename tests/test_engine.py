from linter import Applicability, Edit, Finding, Fix, Linter, Severity, apply_fixes, read_article
from linter.engine import format_message, lint
from linter.fixes import fix_until_stable
from linter.ruletypes.base import LintContext

from conftest import make_rule


def _finding(start, end, text, applicability=Applicability.SAFE, rule="r"):
    return Finding(rule, "style", Severity.WARNING, "m", start, end, "body", Fix((Edit(start, end, text),), applicability))


def test_apply_fixes_skips_overlapping_edits():
    source = "abcdefghij"
    first = _finding(2, 5, "X", rule="a")
    overlapping = _finding(4, 7, "Y", rule="b")
    later = _finding(8, 9, "Z", rule="c")
    text, applied = apply_fixes(source, [overlapping, later, first])
    assert text == "abXfghZj"
    assert [f.rule for f in applied] == ["a", "c"]


def test_two_insertions_at_one_point_do_not_both_apply():
    text, applied = apply_fixes("ab", [_finding(1, 1, "X", rule="a"), _finding(1, 1, "Y", rule="b")])
    assert text == "aXb" and len(applied) == 1


def test_display_fixes_are_never_applied():
    source = "The per cent figure."
    rule = make_rule("""
type: substitution
message: m
fix: display
swap: {per cent: percent}
""")
    result = fix_until_stable(source, lambda s: lint(read_article(s), [rule]), Applicability.UNSAFE)
    assert result.text == source
    assert result.applied == ()


def test_fix_loop_converges_and_is_idempotent():
    rule = make_rule("""
type: repetition
message: m
fix: safe
scope: paragraph
""")
    source = "Headline here\n\nThe the the cat sat.\n\nIt was was fine.\n"
    lint_text = lambda s: lint(read_article(s), [rule])
    once = fix_until_stable(source, lint_text)
    assert once.text == "Headline here\n\nThe cat sat.\n\nIt was fine.\n"
    assert once.converged and once.passes >= 2  # "the the the" needs a second pass
    twice = fix_until_stable(once.text, lint_text)
    assert twice.text == once.text and twice.applied == ()


def test_fix_never_edits_inside_a_quotation_unless_allowed():
    rule_yaml = """
type: substitution
message: m
fix: safe
swap: {per cent: percent}
"""
    source = 'He said "rates rose 5 per cent" on Friday, up 2 per cent.'
    findings = lint(read_article(source), [make_rule(rule_yaml)])
    assert [f.fix.applicability for f in findings] == [Applicability.DISPLAY, Applicability.SAFE]
    allowed = lint(read_article(source), [make_rule(rule_yaml + "fix_in_quotes: true\n")])
    assert [f.fix.applicability for f in allowed] == [Applicability.SAFE, Applicability.SAFE]


def test_message_placeholders_and_unknown_placeholders():
    assert format_message("'{actual}' -> '{expected}'", {"actual": "a", "expected": "b"}) == "'a' -> 'b'"
    assert format_message("keep {unknown} and {actual}", {"actual": "x"}) == "keep {unknown} and x"


def test_rules_restricted_to_a_style_run_only_under_it():
    rule = make_rule("""
type: existence
message: m
styles: [british]
tokens: [color]
""")
    article = read_article("The color red.")
    assert lint(article, [rule], LintContext(style="ap")) == []
    assert len(lint(article, [rule], LintContext(style="british"))) == 1


def test_html_replacement_is_escaped():
    rule = make_rule("""
type: substitution
message: m
fix: safe
swap: {and: "&"}
""")
    article = read_article("<p>Salt and pepper.</p>", "html")
    (finding,) = lint(article, [rule])
    assert finding.fix.edits[0].text == "&amp;"
    assert article.source[finding.start:finding.end] == "and"


def test_linter_checks_the_bundled_starter_pack():
    linter = Linter()
    article, findings = linter.check("Headline of a story\n\nRates rose 5 per cent on Friday.\n")
    percent = [f for f in findings if f.rule == "starter.percent"]
    assert len(percent) == 1
    assert article.source[percent[0].start:percent[0].end] == "per cent"
    assert percent[0].message == "Write 'percent', not 'per cent'."
