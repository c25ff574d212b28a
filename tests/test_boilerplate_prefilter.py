"""The boilerplate prefilter (issue 7): literal tests that let a rule skip almost every
paragraph without running its patterns, and that never skip one a pattern would match.

Every text here is invented for these tests.
"""

from __future__ import annotations

import re

import pytest

from linter import Linter
from linter.loading import bundled_rules_dir, load_rule
from linter.ruletypes.boilerplate import _lowered, opening_literals

from conftest import make_rule
from test_boilerplate import FAMILIES, PARAGRAPHS, RESIDUE_RULES, story


@pytest.fixture(scope="module")
def rules():
    root = bundled_rules_dir()
    return [load_rule(root / "newsroom" / f"{name}.yml", root) for name in RESIDUE_RULES]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        # leading literals multiplied out, through an optional group
        (r"(?:the )?(?:story|article) continue",
         ({"the story continue", "the article continue", "story continue", "article continue"}, set())),
        # zero-width openings are passed over
        (r"(?:^|(?<=[.!?]\s))(?:click|tap) play", ({"click play", "tap play"}, set())),
        # an optional name before an agency: the agency opens the match, or the slash is in it
        (r"(?:[A-Z]\w+\s*/\s*)?(?:getty images|ap)\b", ({"getty images", "ap"}, {"/"})),
        # a repeated group opens with one repetition only, not with what follows it
        (r"(?:ab){2}c", ({"ab"}, set())),
        # no literal opening: what the match must contain stands in
        (r"[^\n]{0,80}to your inbox", (set(), {"to your inbox"})),
        (r"(?:\d+ )?comments?[.!:]*", ({"comment"}, {" comment"})),
    ],
)
def test_opening_literals(pattern, expected):
    assert opening_literals(pattern, re.IGNORECASE) == (frozenset(expected[0]), frozenset(expected[1]))


def test_a_pattern_with_no_literal_at_all_proves_nothing():
    assert opening_literals(r"\w+", re.IGNORECASE) is None


def test_ordinary_paragraphs_are_rejected_without_running_a_pattern(rules):
    for rule in rules:
        for paragraph in PARAGRAPHS:
            lowered = _lowered(paragraph)
            assert rule.prefilter.candidates(lowered) == 0, (rule.spec.id, paragraph)
            if rule.whole and rule.spec.id != "newsroom.cms-metadata":  # dates open a metadata line
                assert not rule.prefilter.may_open(paragraph, lowered), (rule.spec.id, paragraph)


def _variants() -> list[str]:
    lines = [line for family in FAMILIES.values() for line in family]
    texts = []
    for line in lines:
        texts += [line, line.upper(), "» " + line, "Click here: " + line, "— " + line + " —",
                  PARAGRAPHS[0] + " " + line, line + " " + PARAGRAPHS[1]]
    return texts + PARAGRAPHS


@pytest.mark.parametrize("text", _variants())
def test_the_prefilter_never_rejects_a_paragraph_a_pattern_matches(rules, text):
    lowered = _lowered(text)
    for rule in rules:
        candidates = rule.prefilter.candidates(lowered)
        for number, matcher in enumerate(rule.phrase_list):
            if any(m.end() > m.start() for m in matcher.finditer(text)):
                assert candidates >> number & 1, (rule.spec.id, number)
        if rule.whole and not rule.repair and rule._opens_with_match(text):
            assert rule.prefilter.may_open(text, lowered), rule.spec.id


def test_a_paragraph_with_a_long_s_is_read_with_the_patterns_themselves(rules):
    # "ſ" lower-cases to itself but IGNORECASE matches it with "s": no literal test can be trusted.
    newsletter = Linter(rules=[r for r in rules if r.spec.id == "newsroom.newsletter-prompts"])
    text = story(insert="ſign up for our newsletter.")
    assert newsletter.fix(text, "text").text == story()


def test_custom_filler_can_push_a_stray_line_anywhere(tmp_path):
    rule = make_rule(
        "type: boilerplate\nmessage: 'Promo: {actual}'\ncategory: boilerplate\nscope: paragraph\nfix: safe\n"
        "filler: ['members only', 'exclusive']\nline_patterns: ['join the club[.!]?']\n",
        tmp_path=tmp_path,
    )
    house = Linter(rules=[rule])
    dirty = story(insert="Members only — exclusive: Join the club!", at=3)
    assert house.fix(dirty, "text").text == story()
