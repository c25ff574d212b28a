"""Issue 7: the shortcuts the date, article, occurrence, quote, headline and boilerplate rule types
take to decide "nothing here" cheaply must find exactly what the plain way finds.

Every text here is invented for these tests.
"""

from __future__ import annotations

import random

import pytest

from linter import Linter
from linter.loading import bundled_rules_dir, load_rule
from linter.ruletypes import boilerplate, dates
from linter.ruletypes.occurrence import _runs_of_one_class

from conftest import make_rule

ROOT = bundled_rules_dir()


def bundled(*names: str) -> Linter:
    return Linter(rules=[load_rule(ROOT / name, ROOT) for name in names])


def spans(matches) -> list[tuple[int, int, str | None]]:
    return [(m.start(), m.end(), m.lastgroup) for m in matches]


# -- dates: candidates first, then the full pattern ---------------------------------------------------
@pytest.mark.parametrize("text", [
    "The vote is on the 11th of October, officials said.",
    "Polls open at 7 a.m. on Tuesday, Oct. 11, 2016.",
    "Inflation peaked in the 1970's and again in the '80s.",
    "Doors open at x'12 noon sharp.",  # a figure after a quotation mark that starts no decade
    "The meeting ran from 24 to 25 June 2015 in the old hall.",
    "Thursday the  5th of May was chosen.",
    "Scores of 3-1 and prices of $5 and 2016-02-30 are not dates.",
    "The memo, dated 12/25/2016, arrived at 1400 GMT.",
])
def test_date_candidates_find_what_the_full_pattern_finds(text):
    assert spans(dates.find_dates(text)) == spans(dates._MATCHER.finditer(text))
    assert list(dates.find_dates(text)), text  # each holds a date


def test_date_candidates_agree_on_random_mixtures():
    pieces = ["the", " ", "\n", "5", "11", "12", "1990", "'", "’", "0s", "Jan", "May", "Sept", ".", ",",
              "Tuesday", "th", "of", "noon", "pm", ":", "30", "/", "-", "GMT", "x", "٣", "June"]
    generator = random.Random(7)
    for _ in range(20000):
        text = "".join(generator.choice(pieces) for _ in range(generator.randint(1, 12)))
        assert spans(dates.find_dates(text)) == spans(dates._MATCHER.finditer(text)), text


def test_a_date_opened_by_the_is_still_fixed():
    linter = bundled("ap/dates.yml")
    _, findings = linter.check("The hearing is set for the 11th of October in the county court.", "text")
    assert [(f.rule, f.fix.edits[0].text) for f in findings] == [("ap.dates", "Oct. 11")]


# -- indefinite article: the remembered sound of a word ----------------------------------------------
def test_a_word_seen_before_is_judged_again_in_its_own_context():
    linter = bundled("ap/indefinite-article.yml")
    text = "It took a hour to drive. Plan A hour later was worse. It took a hour again."
    _, findings = linter.check(text, "text")
    # Both "a hour" are wrong; "A hour" after "Plan" is a label, which only the slow path knows.
    assert [text[f.start:f.end] for f in findings] == ["a", "a"]
    assert [f.start for f in findings] == [text.index("a hour"), text.rindex("a hour")]


# -- occurrence: a block too short to go over the limit ---------------------------------------------
def test_only_separated_runs_are_bounded_by_length():
    assert _runs_of_one_class(r"[\w'’-]+", False)
    assert not _runs_of_one_class(r"\w", False)  # one match per character
    assert not _runs_of_one_class(r"\b\w+", False)


def test_a_sentence_just_long_enough_to_go_over_is_still_counted():
    rule = make_rule("type: occurrence\nmessage: '{actual} words'\nscope: sentence\ntoken: '[a-z]+'\nmax: 5\n")
    assert rule.shortest_over_max == 11
    linter = Linter(rules=[rule])
    _, findings = linter.check("a b c d e f", "text")  # six words in eleven characters
    assert [f.message for f in findings] == ["6 words"]
    _, findings = linter.check("a b c d e", "text")
    assert findings == []


def test_a_rule_with_a_minimum_counts_every_block():
    rule = make_rule("type: occurrence\nmessage: '{actual} words'\nscope: sentence\ntoken: '[a-z]+'\nmax: 5\nmin: 2\n")
    assert rule.shortest_over_max is None
    _, findings = Linter(rules=[rule]).check("a", "text")
    assert [f.message for f in findings] == ["1 words"]


# -- quotes: one analysis shared by the rules of the type --------------------------------------------
def test_quote_rules_share_one_analysis_and_each_reports_its_own_problem():
    linter = bundled("newsroom/quote-for-apostrophe.yml", "newsroom/unbalanced-quotes.yml")
    text = 'Budget passes\n\nThe city"s budget passed.\n\n"We will appeal the ruling, the mayor said on Tuesday.'
    _, findings = linter.check(text, "text")
    assert sorted((f.rule, text[f.start:f.end]) for f in findings) == [
        ("newsroom.quote-for-apostrophe", '"'), ("newsroom.unbalanced-quotes", '"')]
    assert {f.start for f in findings} == {text.index('"s'), text.index('"We')}


# -- headline: the body searched for the headline's place before listing every place -----------------
def test_a_headline_state_covered_by_a_city_in_the_body_is_not_flagged():
    linter = bundled("newsroom/headline-places.yml")
    story = "Texas flood warning issued\n\nForecasters in Houston warned of heavy rain on Monday.\n"
    assert linter.check(story, "text")[1] == []
    story = "Texas flood warning issued\n\nForecasters in Denver warned of heavy rain on Monday.\n"
    assert [f.rule for f in linter.check(story, "text")[1]] == ["newsroom.headline-places"]


def test_a_headline_count_is_still_checked_after_the_outcome_word_test():
    linter = bundled("newsroom/headline-numbers.yml")
    story = "5 Killed In Warehouse Fire\n\nFour people were killed when a warehouse burned overnight.\n"
    findings = linter.check(story, "text")[1]
    assert [(f.rule, story[f.start:f.end]) for f in findings] == [("newsroom.headline-numbers", "5")]


# -- boilerplate: the RE2 literal scan and the story-wide scan ------------------------------------------
def test_the_re2_literal_scan_finds_what_the_trie_finds(monkeypatch):
    linter = bundled("newsroom/social-prompts.yml")  # registers its literals
    monkeypatch.setattr(boilerplate, "_SCAN_BEFORE_SET", 0)
    tables = boilerplate._SCAN.tables()
    literal_set = boilerplate._SCAN.literal_set(tables, 0)
    if literal_set is None:
        pytest.skip("RE2 is not installed")
    texts = ["follow us on twitter for more", "shares in the firm rose", "nothing here at all", "x" * 50]
    for text in texts:
        lowered = text.lower()
        trie = set()
        position = 0
        while (hit := tables[0].search(lowered, position)) is not None:
            trie.update(tables[1][hit.group()])
            position = hit.start() + 1
        assert boilerplate._scan_literals(lowered) == trie, text
    story = "Council backs budget\n\nThe council approved the budget.\n\nFollow us on Twitter.\n\nThe vote was 7-2.\n"
    assert linter.fix(story, "text").text == (
        "Council backs budget\n\nThe council approved the budget.\n\nThe vote was 7-2.\n")


def test_a_stray_line_after_a_paragraph_opening_with_filler_is_still_found():
    linter = bundled("newsroom/social-prompts.yml")
    story = ("Council backs budget\n\nNow the council has approved the budget.\n\n"
             "» Follow us on Twitter\n\nThe vote was 7-2.\n")
    assert linter.fix(story, "text").text == (
        "Council backs budget\n\nNow the council has approved the budget.\n\nThe vote was 7-2.\n")


def test_lead_letters_are_the_only_ones_a_filler_word_starts_with():
    import string

    for char in string.ascii_letters + string.digits:
        if char.lower() not in boilerplate._LEAD_LETTERS:
            assert boilerplate._LOOSE_LEAD.match(char + "ere now more").end() == 0, char
