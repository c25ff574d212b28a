"""The cheap tests that let substitution, existence and repetition rules skip a story (or a
sentence) without running their matchers: each must never skip text the matcher would match.
Fixture text is invented for these tests."""

from __future__ import annotations

import itertools

import pytest

from linter import read_article
from linter.engine import lint
from linter.patterns import candidate_finder
from linter.ruletypes._matching import WordGate, blocks_with_candidates, match_needs, required_texts
from linter.ruletypes.repetition import _DOUBLED, may_hold_doubled_word

from conftest import make_rule

# -- repetition ------------------------------------------------------------------------------

DOUBLED = [
    "He said the the vote was close.",
    "“The the” is how it began.",
    "(the the committee)",
    "They voted no no.",
    "It was the end of the the\nday.",
    "A vote on the\tthe budget.",
    "The mayor’s mayor’s office.",
    "Él él dijo.",  # non-ASCII letters, two cases
    "The café café opened.",
    "ΟΔΟΣ οδοσ",  # Greek capital sigma: str.lower() gives a final sigma, the matcher does not
    "İzmir İzmir",  # dotted capital I: two characters once lower-cased
    "x(the the y",
    "the THE",
    "it said—the the end",
]
NOT_DOUBLED = [
    "The council approved the budget on Tuesday.",
    "That, that and the other.",
    "the theory of the them",
    "the the-end",
]


@pytest.mark.parametrize("text", DOUBLED)
def test_the_quick_doubled_word_test_lets_every_doubling_through(text: str) -> None:
    assert _DOUBLED.search(text), text  # the fixture really is a doubling for the full matcher
    assert may_hold_doubled_word(text)


@pytest.mark.parametrize("text", NOT_DOUBLED)
def test_the_quick_doubled_word_test_rules_out_clean_text(text: str) -> None:
    assert not _DOUBLED.search(text)
    assert not may_hold_doubled_word(text)


def test_the_quick_doubled_word_test_agrees_with_the_matcher_on_many_small_texts() -> None:
    pieces = ["the", "The", "THE", " ", "\n", ",", "“", "’", "'", "-", "é", "É", "s", "2", "("]
    for parts in itertools.product(pieces, repeat=4):
        text = "".join(parts)
        if _DOUBLED.search(text):
            assert may_hold_doubled_word(text), repr(text)


def test_a_doubling_in_a_later_paragraph_is_still_found() -> None:
    rule = make_rule("type: repetition\nmessage: m\nscope: paragraph\nfix: safe\n")
    article = read_article("Headline Here\n\nA clean first paragraph.\n\nThen “the the” came.\n", "text")
    (finding,) = lint(article, [rule])
    assert article.source[finding.start:finding.end] == "the the"
    assert finding.fix.replacement == "the"


# -- phrase lists ----------------------------------------------------------------------------

def test_the_word_gate_needs_every_word_of_some_phrase() -> None:
    gate = WordGate(["under way", "in order to", "N.Y.P.D."])
    assert not gate.admits(frozenset({"under", "the", "bridge"}))  # "under" alone is not enough
    assert gate.admits(frozenset({"under", "way"}))
    assert gate.admits(frozenset({"in", "order", "to"}))
    assert gate.admits(frozenset({"nypd"}))
    assert WordGate(["$"]).admits(frozenset())  # a phrase without a word: never ruled out


def test_a_substitution_phrase_whose_rare_word_is_common_is_still_found() -> None:
    rule = make_rule("type: substitution\nmessage: m\nfix: safe\nignorecase: true\nswap: {under way: underway}\n")
    article = read_article("Work is under\nway on the bridge, under the road.", "text")
    (finding,) = lint(article, [rule])
    assert finding.fix.replacement == "underway"


# -- texts a pattern needs -------------------------------------------------------------------

def test_required_texts_of_keys() -> None:
    assert required_texts(r"([Cc]ould|[Mm]ust) of(?! course)") == (frozenset({"Could of", "could of", "Must of", "must of"}),)
    assert required_texts(r"(?<=\w )Internet") == (frozenset({"Internet"}),)
    assert required_texts(r"x(ab|c+)y") == ()  # "c+" is no literal: nothing known beyond one letter
    assert required_texts("(?i)abc") == ()


def test_match_needs_split_top_level_alternatives_and_fold_case() -> None:
    needs = match_needs([r"\bneeds to\b|\bclaimed\b(?= that)"], ignorecase=True)
    assert needs.may_match("She Claimed that it rained.")
    assert needs.may_match("He NEEDS TO go.")
    assert not needs.may_match("He said it rained.")
    # "ſ" matches "s" case-blind but lower-cases to itself: such a text is never ruled out.
    assert needs.may_match("He claimed it, and the ſtate NEEDS to act.")
    assert match_needs([r"\w+"]) is None


def test_an_existence_pattern_is_found_in_the_one_paragraph_that_holds_it() -> None:
    rule = make_rule("""
type: existence
message: m
scope: paragraph
ignorecase: true
patterns: ['\\bneeds to\\b(?! be)', '\\bit is time (?:for|to)\\b']
""")
    article = read_article("Headline Here\n\nA quiet first paragraph.\n\nThe city NEEDS TO act. It is Time to go.\n", "text")
    assert [article.source[f.start:f.end] for f in lint(article, [rule])] == ["NEEDS TO", "It is Time to"]


def test_a_regex_substitution_searches_only_sentences_that_can_match_but_finds_them() -> None:
    rule = make_rule("""
type: substitution
message: m
fix: safe
regex: true
swap: {'([Cc]ould|[Ww]ould) of(?! course)': '\\1 have'}
""")
    assert rule.sentence_needs is not None
    article = read_article("Headline Here\n\nShe would, of course, go. Most of them could of gone.\n", "text")
    (finding,) = lint(article, [rule])
    assert finding.fix.replacement == "could have"


# -- blocks with candidates ------------------------------------------------------------------

class _Block:
    def __init__(self, text: str) -> None:
        self.text = text


def test_blocks_with_candidates_keeps_a_block_whose_match_an_earlier_match_hides() -> None:
    finder = candidate_finder("b\ncd|cd")
    if finder is None:
        pytest.skip("RE2 is not installed")
    # Joined: "xb\ncd\nnone\nacd". "b\ncd" runs over the first two blocks and hides the "cd"
    # of the second: both are kept; so is the last; the third has nothing.
    blocks = [_Block("xb"), _Block("cd"), _Block("none"), _Block("acd")]
    assert [b.text for b in blocks_with_candidates(blocks, finder)] == ["xb", "cd", "acd"]
    assert blocks_with_candidates([_Block("none")], finder) == []


def test_phrase_finder_never_rules_out_a_text_the_matcher_matches() -> None:
    """The RE2 search (no word boundaries, Python's white space spelt out) says no only where
    the phrase matcher finds nothing: random texts of phrase words, spaces of every kind, case
    changes and the letters Python folds to ASCII ('ſ', the Kelvin sign)."""
    import random

    from linter.ruletypes._matching import PhraseFinder, compile_phrases

    phrases = ["under way", "in order to", "per cent", "e-mail", "colour", "a lot"]
    rng = random.Random(11)
    pieces = ["under", "way", "in", "order", "to", "per", "cent", "e-mail", "colour", "a", "lot", "Colour",
              "UNDER", "ſ", "\u212a", "x"]
    spaces = [" ", "  ", "\u00a0", "\n", "\t", "\u2009", "-", ""]
    for ignorecase in (False, True):
        finder = PhraseFinder(phrases, ignorecase=ignorecase, warm_up=0)
        matcher = compile_phrases(phrases, ignorecase=ignorecase)
        ruled_out = 0
        for _ in range(4000):
            text = "".join(rng.choice(pieces) + rng.choice(spaces) for _ in range(rng.randint(1, 6)))
            if not finder.may_hold(text):
                ruled_out += 1
                assert matcher.search(text) is None, (ignorecase, text)
        assert ruled_out > 500  # the finder does rule texts out


def test_phrase_finder_waits_before_building_and_skips_non_ascii_phrases() -> None:
    from linter.ruletypes._matching import PhraseFinder

    finder = PhraseFinder(["per cent"], ignorecase=True, warm_up=2)
    assert finder.may_hold("nothing here") and finder.may_hold("nothing here")  # still warming up
    assert finder._search is None
    assert not finder.may_hold("nothing here") and finder._search is not None
    assert finder.may_hold("five PER\u00a0CENT")
    assert PhraseFinder(["café au lait"], ignorecase=True, warm_up=0).may_hold("nothing here")  # not used
