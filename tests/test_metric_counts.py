"""The readability counts, worked out a whitespace-separated chunk at a time from packed
per-chunk values, equal the plain word-by-word reading (textstat's syllables per word)."""

from __future__ import annotations

import re

import pytest

from linter.ruletypes import metric
from linter.ruletypes._syllables import guessed_syllables, known_syllables
from linter.sentences import split_sentences

_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?")  # a word: from a letter to its last word character
_NOT_LETTER = re.compile(r"[\W\d_]")


def plain_counts(text: str) -> metric.TextCounts:
    """The straightforward reading: every word looked up in turn."""
    words = _WORD.findall(text.lower())
    numbers = [known_syllables().get(w) if known_syllables().get(w) is not None else guessed_syllables(w) for w in words]
    joined = "".join(words)
    return metric.TextCounts(
        sentences=max(len(split_sentences(text)), 1),
        words=max(len(words), 1),
        syllables=sum(numbers),
        polysyllables=len([n for n in numbers if n >= 3]),
        letters=len(joined) - len(_NOT_LETTER.findall(joined)),
    )


TEXTS = [
    "The council met on Tuesday. It voted to fix the roads.",
    # Marks that end a word, words inside punctuation, abbreviations, digits and underscores.
    "Rock- and roll’s players' fans’ co-op (officials), \"U.S.\" 3D x_y 42nd -- e.g. O'Brien’s rock-'n'-roll.",
    # The same words with different marks around them, and letters outside ASCII.
    "Said, said. (said) SAID! naïve Zoë’s café–bar straße İstanbul Ǆemal ²",
    # Words outside the CMU dictionary (pyphen's guesses) and a long one.
    "Blorfington met Zelenskyy and Okonkwo at Pneumonoultramicroscopicsilicovolcanoconiosis Hall.",
    "",
    "   \n\t ",
    "... !!! 123 456",
]


@pytest.mark.parametrize("text", TEXTS)
def test_counts_equal_the_plain_word_by_word_reading(text):
    assert metric.count(text) == plain_counts(text)


def test_counts_hold_after_the_chunks_are_known_and_after_the_table_is_emptied(monkeypatch):
    text = TEXTS[1] + " " + TEXTS[2]
    expected = plain_counts(text)
    assert metric._measure.__wrapped__(text)[1] == expected
    assert metric._measure.__wrapped__(text)[1] == expected  # every chunk known now
    monkeypatch.setattr(metric, "_MAX_VALUES", 0)  # a long-running service empties the table
    assert metric._measure.__wrapped__(text + " more words")[1] == plain_counts(text + " more words")


def test_a_very_long_text_does_not_spill_between_fields():
    text = "Unprecedented extraordinarily. " * 20_000
    counts = metric._measure.__wrapped__(text)[1]
    assert (counts.words, counts.syllables, counts.polysyllables, counts.letters) == (40_000, 20_000 * 11, 40_000, 20_000 * 28)


def test_story_rule_skips_a_story_of_few_whitespace_separated_words():
    from linter import read_article
    from linter.engine import lint

    from conftest import make_rule

    rule = make_rule("type: metric\nmessage: m\nformula: flesch_kincaid_grade\nmax: 0\nmin_words: 5\n")
    short = read_article("Headline\n\nUnprecedented extraordinarily.\n\nInternationally recognised.\n", "text")
    assert lint(short, [rule]) == []
    longer = read_article("Headline\n\nUnprecedented extraordinarily.\n\nInternationally recognised vets.\n\nReally.\n", "text")
    (finding,) = lint(longer, [rule])
    assert finding.start == longer.source.index("Unprecedented")
