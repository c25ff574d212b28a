"""The ``off-topic`` rule's shortcuts give what the full computation gives (invented stories).

``check`` works out features only for the paragraphs it may report, reads the others' words
without the details, counts the story's typography in one pass, searches the skip patterns one
at a time and looks for place conflicts only when the top of the story names a city. Each test
below sets a shortcut against the long way round, so that a shortcut that changes a finding
fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.config import Config
from linter.linting import Linter
from linter.loading import load_rule
from linter.ruletypes import off_topic
from linter.ruletypes.off_topic import WordWeights, _style_counts, _terms, story_evidence
from test_off_topic import CITY_HEADLINE, CITY_STORY, HEADLINE, STORY, STYLE_STORY

ROOT = Path(__file__).resolve().parents[1]
RULE = ROOT / "rules" / "newsroom" / "off-topic.yml"

# A 22-word paragraph: long enough for the calibration (20 words), too short to be judged (25).
MIDDLING = (
    "Board members asked district staff for a second enrollment study covering the next ten years "
    "before they vote on any school closures."
)
STORIES = [
    (HEADLINE, STORY),
    (HEADLINE, STORY[:4] + [MIDDLING] + STORY[4:]),
    (HEADLINE, STYLE_STORY),
    (CITY_HEADLINE, CITY_STORY),
]


@pytest.fixture(scope="module")
def rule():
    return load_rule(RULE, ROOT / "rules")


def judged(index: int, words: int) -> bool:
    return index >= 2 and words >= 25


@pytest.mark.parametrize("headline, paragraphs", STORIES)
def test_features_of_judged_paragraphs_are_those_of_the_full_story(rule, headline, paragraphs) -> None:
    full = story_evidence(headline, paragraphs, rule.word_weights, rule.settings)
    some = story_evidence(headline, paragraphs, rule.word_weights, rule.settings, judged)
    assert [e.index for e in some] == [e.index for e in full if judged(e.index, e.words)]
    assert len(some) < len(full)
    for e in some:
        # Exactly equal: the calibration still sets each against the paragraphs left out.
        assert e.features == full[e.index].features
        assert (e.words, e.stems, e.shared, e.shared_names, e.style) == (
            full[e.index].words, full[e.index].stems, full[e.index].shared, full[e.index].shared_names,
            full[e.index].style)


@pytest.mark.parametrize("headline, paragraphs", STORIES)
def test_check_reports_what_scoring_every_paragraph_reports(rule, headline, paragraphs) -> None:
    linter = Linter(Config(), rules=[rule])
    article, findings = linter.check(headline + "\n\n" + "\n\n".join(paragraphs) + "\n")
    reported = [article.source[f.start:f.end] for f in findings if f.category == "off-topic"]
    assert reported == [paragraphs[e.index] for e in rule.flagged(headline, paragraphs)]


def test_a_short_paragraph_is_judged_when_it_names_a_conflicting_city(rule) -> None:
    # 11 words: below min_words, so only the place conflict makes it worth judging.
    assert len(CITY_STORY[3].split()) < rule.min_words
    evidence, _, _ = rule._judge(CITY_HEADLINE, CITY_STORY, every_paragraph=False)
    assert [e.index for e in evidence if e.conflict] == [3]
    assert [e.index for e in rule._select(evidence)] == [3]


def test_a_story_city_named_only_in_the_headline_still_finds_conflicts(rule) -> None:
    # The lede names no city: the story's city comes from the headline alone.
    paragraphs = [
        "The city will keep its rule barring police officers from asking people about their immigration "
        "status, Mayor Carla Benoit said Thursday, despite a federal warning about a grant.",
        *CITY_STORY[1:],
    ]
    conflicts = rule.conflicts.find(CITY_HEADLINE, paragraphs)
    assert conflicts[3] == ("Philadelphia", "New Orleans")
    assert rule.conflicts.find("Police keep limits on immigration questions", paragraphs) == [None] * len(paragraphs)


def test_key_terms_alone_match_the_detailed_reading() -> None:
    weights = WordWeights()
    settings = off_topic.Settings()
    # Words that share a stem with different weights ("Trump"/"Trump's", plural and singular).
    text = ("Trump's lawyers said Trump would appeal; immigrants and immigration officials met the "
            "Immigration judge, and the judges said the immigrant's case was closed. Trump left.")
    detailed = _terms(text, weights, settings)
    lean = _terms(text, weights, settings, detailed=False)
    assert list(lean.weights.items()) == list(detailed.weights.items())  # same order, same weights
    assert lean.words == detailed.words == len(lean.word_list)
    forms = [weights(w)[1] for w in ("immigrants", "immigration", "immigrant")]
    assert len(set(forms)) > 1 and detailed.weights["immigra"] == max(forms)  # the largest of them


def test_story_typography_counted_in_one_pass_is_the_sum_of_the_paragraphs() -> None:
    # Marks at the edges of paragraphs, where a pattern run over the joined text could go wrong.
    paragraphs = ["--Smith said so", "he left -", "- and came back", "said Mr", "Dr. Who--", '"quoted" it\'s',
                  "Mrs. Jones -- the mayor -- spoke", "a – b — c", "“curly” ‘single’", "Ms"]
    total = _style_counts("\n\n".join(paragraphs))
    parts = [_style_counts(p) for p in paragraphs]
    assert total == [[sum(p[f][v] for p in parts) for v in range(len(total[f]))] for f in range(len(total))]
    assert total[1][0] == 2 and total[2] == [2, 2]  # "--" between words twice; "Mrs." and "Dr." with a dot


@pytest.mark.parametrize("text", [
    "Reporters Ana Lopez and Ben Okoro contributed to this report.",
    "Write to the desk at tips@example.com with corrections.",
    "RELATED: Council delays vote",
    "Follow Millbrook on Twitter for updates.",
    "The council voted on Tuesday to expand bus service.",
    "He said the report contributed little.",
])
def test_skip_patterns_one_at_a_time_match_like_the_combined_pattern(rule, text) -> None:
    assert rule.is_skipped(text) == bool(rule.skip.search(text))


@pytest.mark.parametrize("pattern, sure", [
    ("(?i:contributed to this report)", True),
    (r"[\w.+-]+@[\w-]+\.\w+", True),
    (r"^(?:RELATED|Watch):", True),
    (r"(?<![\s\S])Photo:", False),  # "at the very start": a blank line before it in the joined text
    (r"\APhoto:", False),
    (r"(?-m:^)Photo:", False),
    (r"Photo:\s*+$", False),
])
def test_which_skip_patterns_may_be_searched_in_the_joined_story(pattern, sure) -> None:
    assert off_topic._found_in_joined_text(pattern) is sure


def test_a_pattern_unsure_in_the_joined_story_is_searched_paragraph_by_paragraph(tmp_path) -> None:
    from conftest import make_rule

    rule = make_rule(
        "type: off-topic\nmessage: m\nthreshold: 0\nweights: {coverage: -1}\n"
        "skip_patterns: ['(?<![\\s\\S])Photo:']\n",
        tmp_path=tmp_path,
    )
    paragraphs = ["Lede here.", "Second here.", "Third here.", "Photo: a council meeting", "Fifth. Photo: no"]
    # Joined, "Photo:" always follows a blank line, so the joined search alone would miss it.
    assert rule._skipped(paragraphs) == [False, False, False, True, False]


def test_emptying_the_word_memos_between_stories_changes_nothing(rule, monkeypatch) -> None:
    expected = [[e.features for e in rule.score_story(h, p)] for h, p in STORIES]
    monkeypatch.setattr(off_topic, "_CACHE_LIMIT", 5)  # emptied before every story
    weights = WordWeights(rule.weight_cap, rule.max_weight)
    for (headline, paragraphs), features in zip(STORIES, expected):
        assert [e.features for e in story_evidence(headline, paragraphs, weights, rule.settings)] == features
        assert len(weights.entries) > 5  # filled again by the story just read
