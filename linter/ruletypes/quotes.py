"""``quotes``: double quotation marks that do not pair up, and double quotes typed for apostrophes.

Each paragraph's double quotation marks (straight ``"`` and curly ``“ ”``) are read left to
right. A mark's shape says what it can be: an opener stands after a space or at the start and
before a word, a closer stands after a word, and a straight mark between two letters ("don"t",
"the city"s budget") can only be an apostrophe. A straight mark after a plural -s and before a
lowercase noun ("officers" involvement") is an apostrophe too, unless it plausibly closes a
short scare quotation opened in the same sentence ("the 'sanctuary cities' policies").

Once apostrophes are set aside, the remaining marks are paired; what is left over is reported
by one of three checks (``check:`` in the rule's YAML):

* ``apostrophe``: the double quote that stands for an apostrophe; the fix is ``'``.
* ``stray-opening``: a mark that opens a paragraph but quotes no one (no closing mark for it,
  no attribution verb, and the next paragraph does not carry the quotation on).
* ``unbalanced``: any other opening mark never closed, or closing mark never opened. AP's
  convention for a quotation running on into the next paragraph is honoured: the first
  paragraph is left open and the next opens with a quotation mark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from ..article import Article, Block
from .base import LintContext, Match, RuleConfigError, RuleType

_MARKS = '"“”'
_MARK = re.compile('["“”]')
# Letters that may follow an apostrophe in a contraction or a possessive: city's, don't, we'll.
_CONTRACTION = re.compile(r"(?:s|t|ll|re|ve|d|m)(?![^\W\d_])", re.IGNORECASE)
_WORD_AFTER = re.compile(r"[ \t]+([a-z][a-z\-]*)")
_WORD = re.compile(r"[^\W_]+(?:[’'\-][^\W_]+)*")
_SENTENCE_BREAK = re.compile(r"[.!?][\"”’)]*\s+(?=[\"“(]?[A-Z0-9])")
# Characters after which a straight mark opens a quotation.
_OPEN_BEFORE = set(" \t\n([{—–-/")
# Characters after which a straight mark closes one.
_CLOSE_AFTER = set(" \t\n.,;:!?)]}—–-/…")

OPENER, CLOSER, EITHER = "open", "close", "either"


@dataclass(slots=True)
class QuoteReport:
    """What one paragraph's marks come to (offsets in the paragraph's text)."""

    apostrophes: list[int] = field(default_factory=list)
    stray_openings: list[int] = field(default_factory=list)
    unclosed: list[int] = field(default_factory=list)  # opening marks never closed
    unopened: list[int] = field(default_factory=list)  # closing marks never opened


@dataclass(frozen=True)
class QuoteWords:
    """The word lists the analysis leans on (from the rule's data file)."""

    attribution: frozenset[str]
    after_closing: frozenset[str]
    scare_quote_words: int = 5


def shape(text: str, index: int) -> str:
    """Whether the mark at ``index`` can open, close, or do either."""
    char = text[index]
    if char == "“":
        return OPENER
    if char == "”":
        return CLOSER
    before = text[index - 1] if index > 0 else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    opens = before in _OPEN_BEFORE or before in _MARKS or before in "‘'"
    closes = after in _CLOSE_AFTER or after in _MARKS or after in "’'"
    if opens and not after.isspace():
        return OPENER
    if closes and not before.isspace():
        return CLOSER
    return EITHER


def _is_letter(char: str) -> bool:
    return char.isalpha()


def _apostrophe_between_letters(text: str, index: int) -> bool:
    """``don"t``, ``city"s``, ``we"ll``: a straight mark between a word and a contraction ending."""
    if index == 0 or not _is_letter(text[index - 1]):
        return False
    return bool(_CONTRACTION.match(text, index + 1))


def _plural_possessive(text: str, index: int, words: QuoteWords) -> bool:
    """``officers" involvement``: a mark after a plural -s, before a lowercase noun."""
    if index == 0 or text[index - 1] not in "sS" or (index > 1 and not _is_letter(text[index - 2])):
        return False
    following = _WORD_AFTER.match(text, index + 1)
    return bool(following) and following.group(1) not in words.after_closing


def _sentence_start(text: str, index: int) -> int:
    start = 0
    for found in _SENTENCE_BREAK.finditer(text, 0, index):
        start = found.end()
    return start


def _short_quotation(text: str, opener: int, closer: int, words: QuoteWords) -> bool:
    """Whether ``text[opener+1:closer]`` reads as a short quoted phrase inside one sentence."""
    inside = text[opener + 1:closer]
    if len(_WORD.findall(inside)) > words.scare_quote_words:
        return False
    return _sentence_start(text, closer) <= opener


def analyse(text: str, words: QuoteWords, *, continued: bool = False) -> QuoteReport:
    """Sort a paragraph's marks into apostrophes, paired marks and problems.

    ``continued`` says the next paragraph opens with a quotation mark, so a quotation left
    open at the end of this one is carried on (AP style), not unclosed.
    """
    report = QuoteReport()
    if not any(mark in text for mark in _MARKS):
        return report
    open_at: int | None = None
    opened: list[int] = []  # every opener, to tell the paragraph-opening mark apart
    for found in _MARK.finditer(text):
        index = found.start()
        char = text[index]
        if char == '"' and _apostrophe_between_letters(text, index):
            report.apostrophes.append(index)
            continue
        kind = shape(text, index)
        if char in '"”' and kind == CLOSER and _plural_possessive(text, index, words):
            if open_at is None or not _short_quotation(text, open_at, index, words):
                report.apostrophes.append(index)
                continue
        if kind == EITHER:
            kind = CLOSER if open_at is not None else OPENER
        if kind == OPENER:
            if open_at is not None:
                _unmatched_opener(text, open_at, index, words, report)
            open_at = index
            opened.append(index)
        elif open_at is None:
            report.unopened.append(index)
        else:
            open_at = None
    if open_at is not None and not continued:
        _unmatched_opener(text, open_at, len(text), words, report)
    return report


def _unmatched_opener(text: str, index: int, until: int, words: QuoteWords, report: QuoteReport) -> None:
    """An opener with no closer: a stray mark when it opens the paragraph and nothing in what
    it would quote names a speaker; an unclosed quotation otherwise."""
    if index == 0 and not _names_speaker(text[index + 1:until], words):
        report.stray_openings.append(index)
    else:
        report.unclosed.append(index)


def _names_speaker(text: str, words: QuoteWords) -> bool:
    return any(word.lower() in words.attribution for word in _WORD.findall(text))


def opens_with_mark(block: Block | None) -> bool:
    if block is None:
        return False
    stripped = block.text.lstrip()
    return bool(stripped) and stripped[0] in '"“'


def _word_set(data: dict, key: str, path) -> frozenset[str]:
    words = data.get(key) or ()
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise RuleConfigError(f"{path}: '{key}' must be a list of strings (quote 'on', 'no', 'yes')", "data")
    return frozenset(w.lower() for w in words)


class Quotes(RuleType):
    """Reports one kind of quotation-mark problem per rule (see the module docs)."""

    name = "quotes"
    default_scope = "paragraph"
    options_schema = {
        "check": {"enum": ["unbalanced", "apostrophe", "stray-opening"]},
        "data": {"type": "string", "minLength": 1},
        "continuation": {"type": "boolean"},
        "scare_quote_words": {"type": "integer", "minimum": 1},
    }
    required_options = ("check",)

    def __init__(self, spec) -> None:
        super().__init__(spec)
        import yaml

        options = spec.options
        self.check_kind: str = options["check"]
        self.continuation = bool(options.get("continuation", True))
        path = spec.data_path(options.get("data", "data/quotes.yml"))
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as error:
            raise RuleConfigError(f"cannot read quote word lists {path}: {error}", "data") from None
        if not isinstance(data, dict):
            raise RuleConfigError(f"{path} must be a mapping of word lists", "data")
        self.words = QuoteWords(
            attribution=_word_set(data, "attribution_verbs", path),
            after_closing=_word_set(data, "after_closing_quote", path),
            scare_quote_words=int(options.get("scare_quote_words", 5)),
        )

    def check(self, article: Article, context: LintContext) -> Iterable[Match]:
        paragraphs = self.blocks(article)
        for position, block in enumerate(paragraphs):
            if not any(mark in block.text for mark in _MARKS):
                continue
            following = paragraphs[position + 1] if position + 1 < len(paragraphs) else None
            continued = self.continuation and opens_with_mark(following)
            report = analyse(block.text, self.words, continued=continued)
            yield from self._matches(block, report)

    def _matches(self, block: Block, report: QuoteReport) -> Iterable[Match]:
        text = block.text
        if self.check_kind == "apostrophe":
            for index in report.apostrophes:
                yield Match(block, index, index + 1, actual=text[index], expected="'", replacement="'")
        elif self.check_kind == "stray-opening":
            for index in report.stray_openings:
                yield Match(block, index, index + 1, actual=text[index], replacement="")
        else:
            for index in report.unclosed:
                yield Match(block, index, index + 1, actual=text[index], data={"problem": "is never closed"})
            for index in report.unopened:
                yield Match(block, index, index + 1, actual=text[index], data={"problem": "closes a quotation that was never opened"})
