"""Sentence splitting and quotation finding on news copy (all examples invented)."""

from __future__ import annotations

import pytest

from linter.readers import read_article
from linter.sentences import find_quotations, split_sentences


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


@pytest.mark.parametrize(
    "text",
    [
        "The hearing is set for Oct. 11 in the county courthouse.",
        "Sen. Jane Roe voted against the measure on Tuesday.",
        "The polls open at 7 a.m. and close at 8 p.m. on Election Day.",
        "The doors opened at 9 a.m. Tuesday for the first time in years.",
        "U.S. officials declined to comment on the talks.",
        "Mr. Smith said the store would stay open.",
        "A portrait of John F. Kennedy hangs in the lobby.",
        "Gen. Ada Park and Lt. Col. Ben Hale arrived at the base.",
        "The No. 2 seed lost in the first round.",
        "Prices rose 3.5 percent in the quarter.",
        "Lee Ward Jr. said the plan was sound.",
        "The shuttle leaves at 5 p.m. EDT from the pier.",
    ],
)
def test_abbreviations_do_not_end_sentences(text: str) -> None:
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "The plant was built in the U.S. The company plans two more.",
            ["The plant was built in the U.S.", "The company plans two more."],
        ),
        (
            "The march began at 10 a.m. The crowd grew by noon.",
            ["The march began at 10 a.m.", "The crowd grew by noon."],
        ),
        (
            "The firm is Tallow Goods Inc. The founders met in school.",
            ["The firm is Tallow Goods Inc.", "The founders met in school."],
        ),
        (
            "The mill closed in Dayton, Ohio. It had 300 workers.",
            ["The mill closed in Dayton, Ohio.", "It had 300 workers."],
        ),
        (
            "She moved to Salem, Ore. The town welcomed her.",
            ["She moved to Salem, Ore.", "The town welcomed her."],
        ),
        ("Stop! Turn around now.", ["Stop!", "Turn around now."]),
        ("Is it safe? Officials say yes.", ["Is it safe?", "Officials say yes."]),
    ],
)
def test_sentence_boundaries(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_closing_quote_stays_with_its_sentence() -> None:
    text = 'He said, "The bridge is safe." Then he left. “We are done.” The meeting ended.'
    assert sentences(text) == [
        'He said, "The bridge is safe."',
        "Then he left.",
        "“We are done.”",
        "The meeting ended.",
    ]


def test_question_in_quotes_followed_by_attribution_is_one_sentence() -> None:
    text = '"Will the ferry run?" she asked. Nobody knew.'
    assert sentences(text) == ['"Will the ferry run?" she asked.', "Nobody knew."]


def test_spans_are_trimmed_offsets_into_the_text() -> None:
    text = "  First one.   Second one.  "
    spans = split_sentences(text)
    assert spans == ((2, 12), (15, 26))
    assert [text[start:end] for start, end in spans] == ["First one.", "Second one."]


def test_text_without_final_punctuation_is_one_sentence() -> None:
    assert sentences("Crews worked through the night") == ["Crews worked through the night"]
    assert sentences("") == []


def test_find_quotations_straight_curly_and_unclosed() -> None:
    text = 'She said "yes" and “no” and then "maybe'
    spans = find_quotations(text)
    assert [text[start:end] for start, end in spans] == ["yes", "no", "maybe"]


def test_article_sentences_map_into_the_markdown_source() -> None:
    source = "# Ferry back\n\nThe ferry returned at 6 a.m. Tuesday. Sen. Jane Roe *cheered* it.\n"
    article = read_article(source, "markdown")
    assert [s.text for s in article.sentences] == [
        "The ferry returned at 6 a.m. Tuesday.",
        "Sen. Jane Roe cheered it.",
    ]
    second = article.sentences[1]
    start, end = second.source_span(0, len(second.text))
    assert source[start:end] == "Sen. Jane Roe *cheered* it."


def test_sentence_end_candidates_are_those_of_the_plain_pattern() -> None:
    """The candidate pattern checks 'no mark before' after its first mark, for speed; it must
    find exactly what the plain form (lookbehind first) finds, on every mix of marks."""
    import random
    import re

    from linter.sentences import _CANDIDATE

    plain = re.compile(r"""(?<![.!?])[.!?]++["'”’)\]]*+(?=\s|$)""")
    rng = random.Random(7)
    for _ in range(20000):
        text = "".join(rng.choice("ab .!?\"”’)]\n") for _ in range(rng.randint(0, 16)))
        assert [m.span() for m in _CANDIDATE.finditer(text)] == [m.span() for m in plain.finditer(text)], text
