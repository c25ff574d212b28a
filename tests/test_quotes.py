"""The ``quotes`` rule type: unbalanced quotation marks, double quotes typed for apostrophes,
stray opening marks. Every story here is invented for these tests."""

from __future__ import annotations

import pytest

from linter import Applicability, Config, Linter
from linter.loading import bundled_rules_dir, load_rule

QUOTE_RULES = ("unbalanced-quotes", "unopened-quote", "quote-for-apostrophe", "stray-opening-quote")


@pytest.fixture(scope="module")
def rules():
    root = bundled_rules_dir()
    return [load_rule(root / "newsroom" / f"{name}.yml", root) for name in QUOTE_RULES]


@pytest.fixture(scope="module")
def linter(rules) -> Linter:
    return Linter(rules=rules)


def story(*paragraphs: str) -> str:
    return "Flood Closes River Road\n\n" + "\n\n".join(paragraphs) + "\n"


def quote_findings(linter: Linter, text: str):
    return [f for f in linter.check(text, "text")[1] if f.category == "quotes"]


def only(linter: Linter, text: str):
    found = quote_findings(linter, text)
    assert len(found) == 1, [(f.rule, f.message) for f in found]
    return found[0]


# -- unbalanced ------------------------------------------------------------------------------
def test_quotation_never_closed_is_reported_on_its_opening_mark(linter):
    text = story(
        "Water covered River Road on Monday.",
        'The county engineer called the closure "the only safe choice for now.',
        "Detours will add 20 minutes to the commute.",
    )
    finding = only(linter, text)
    assert finding.rule == "newsroom.unbalanced-quotes"
    assert (finding.start, finding.end) == (text.index('"the only'), text.index('"the only') + 1)
    assert finding.fix is None


def test_every_quotes_finding_covers_exactly_one_mark(linter):
    text = story(
        '"The water is still rising, the sheriff said on Monday.',
        'The county called the closure "temporary" and said workers" overtime would be paid.',
        "Detours will add 20 minutes to the commute.",
    )
    found = quote_findings(linter, text)
    assert found
    for finding in found:
        assert finding.end - finding.start == 1
        assert text[finding.start] in '"“”'


def test_ap_continued_quotation_is_not_flagged(linter):
    text = story(
        '"We have crews on every road," the sheriff said. "We will not reopen it until the water drops.',
        '"Nobody should drive through standing water. It takes only a few inches to float a car."',
        "Detours will add 20 minutes to the commute.",
    )
    assert quote_findings(linter, text) == []


def test_curly_continued_quotation_is_not_flagged(linter):
    text = story(
        "“We have crews on every road,” the sheriff said. “We will not reopen it until the water drops.",
        "“Nobody should drive through standing water.”",
    )
    assert quote_findings(linter, text) == []


def test_open_quotation_that_carries_its_attribution_is_unclosed_even_if_the_next_paragraph_opens(linter):
    text = story(
        '"We will not reopen it until the water drops, the sheriff said.',
        '"Nobody should drive through standing water," she added.',
    )
    finding = only(linter, text)
    assert finding.rule == "newsroom.unbalanced-quotes"
    assert finding.start == text.index('"We will')


def test_several_quoted_sentences_in_one_paragraph_each_reopened(linter):
    # Copy whose paragraph breaks were lost keeps AP's reopening marks inside one paragraph.
    text = story('The sheriff said: "We have crews on every road. "We will not reopen it until the water drops."')
    assert quote_findings(linter, text) == []


def test_partial_quotation_must_close_before_the_sentence_ends(linter):
    text = story('The engineer called the closure "the only safe choice. "We had no other option," she said.')
    finding = only(linter, text)
    assert finding.start == text.index('"the only')


def test_inch_marks_are_not_quotation_marks(linter):
    text = story("Police said the driver was 5' 10\" tall and wore a gray jacket.")
    assert quote_findings(linter, text) == []


# -- double quote typed for an apostrophe ------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "fixed"),
    [
        ('The sheriff questioned the officers" involvement in the rescue.', "The sheriff questioned the officers' involvement in the rescue."),
        ('The city"s budget for road repairs is already spent.', "The city's budget for road repairs is already spent."),
        ("Residents said they don\"t trust the levee.", "Residents said they don't trust the levee."),
        ('The Smiths" basement flooded twice this year.', "The Smiths' basement flooded twice this year."),
    ],
)
def test_double_quote_for_apostrophe_gets_a_safe_fix(linter, typed, fixed):
    text = story(typed, "Detours will add 20 minutes to the commute.")
    finding = only(linter, text)
    assert finding.rule == "newsroom.quote-for-apostrophe"
    assert finding.end - finding.start == 1 and text[finding.start] == '"'
    assert finding.fix.applicability is Applicability.SAFE
    assert finding.fix.replacement == "'"
    assert linter.fix(text, "text").text == story(fixed, "Detours will add 20 minutes to the commute.")


def test_apostrophe_fix_applies_inside_a_quotation(linter):
    text = story('"We won"t reopen the road tonight," the sheriff said.')
    finding = only(linter, text)
    assert finding.fix.applicability is Applicability.SAFE
    assert linter.fix(text, "text").text == story('"We won\'t reopen the road tonight," the sheriff said.')


@pytest.mark.parametrize(
    "sentence",
    [
        'Residents opposed what they called the "river tax" increases on Tuesday.',
        'The band played "Bridge Over Troubled Waters" twice at the benefit.',
        '"We stand with our volunteers" and their families, the mayor said.',
        'The report cited "serious concerns about the levee walls" in several places.',
    ],
)
def test_closing_marks_after_plural_words_are_left_alone(linter, sentence):
    assert quote_findings(linter, story(sentence)) == []


# -- stray opening mark ------------------------------------------------------------------------
def test_stray_mark_opening_a_paragraph_that_quotes_no_one(linter):
    text = story(
        '"The county closed River Road on Monday after water from the Cedar River covered both lanes.',
        "Detours will add 20 minutes to the commute.",
    )
    finding = only(linter, text)
    assert finding.rule == "newsroom.stray-opening-quote"
    assert (finding.start, finding.end) == (text.index('"The county'), text.index('"The county') + 1)
    assert finding.fix.applicability is Applicability.UNSAFE
    fixed = linter.fix(text, "text", minimum=Applicability.UNSAFE).text
    assert fixed == text.replace('"The county', "The county")


def test_stray_mark_before_a_real_quotation_with_an_apostrophe_typo(linter):
    # The opening mark seems to pair with the double quote typed for an apostrophe; once that
    # is read as an apostrophe, the first mark is left with nobody to quote.
    text = story(
        '"The county has not complied with the state order, despite the mayor\'s assurance that its '
        'clerks" handling of storm damage follows the law. "We are in full compliance," the mayor said.'
    )
    rules = sorted(f.rule for f in quote_findings(linter, text))
    assert rules == ["newsroom.quote-for-apostrophe", "newsroom.stray-opening-quote"]


def test_paragraph_opening_quotation_with_a_speaker_is_unclosed_not_stray(linter):
    text = story('"We will not reopen it until the water drops, the sheriff said on Monday.', "Crews worked overnight.")
    assert only(linter, text).rule == "newsroom.unbalanced-quotes"


def test_quotation_introduced_by_a_colon_is_not_stray(linter):
    text = story("The county's statement read:", '"River Road will remain closed until the water has receded.', "Crews worked overnight.")
    assert only(linter, text).rule == "newsroom.unbalanced-quotes"


# -- closing mark never opened -----------------------------------------------------------------
def test_unopened_closing_mark_rule_is_off_by_default():
    root = bundled_rules_dir()
    rule = load_rule(root / "newsroom" / "unopened-quote.yml", root)
    assert rule.spec.enabled is False
    text = story('The road will stay closed," the sheriff said.')
    assert Linter(rules=[rule]).check(text, "text")[1] == []
    enabled = Linter(Config(enable=("newsroom.unopened-quote",)), rules=[rule])
    found = enabled.check(text, "text")[1]
    assert [(f.rule, text[f.start:f.end]) for f in found] == [("newsroom.unopened-quote", '"')]


def test_closing_mark_after_an_unclosed_paragraph_is_reported_once(rules):
    linter = Linter(Config(enable=("newsroom.unopened-quote",)), rules=rules)
    text = story('"We will not reopen the road tonight.', 'Not until the water drops," the sheriff said.')
    found = quote_findings(linter, text)
    assert len(found) == 1 and found[0].start == text.index('"We will')
