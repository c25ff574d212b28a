"""``quotes``: double quotation marks that do not pair up, and double quotes typed for apostrophes.

Each paragraph's double quotation marks (straight ``"`` and curly ``“ ”``) are read left to
right. A mark's shape says what it can be: an opener stands after a space or at the start and
before a word, a closer stands after a word, and a straight mark between two letters ("don"t",
"the city"s budget") can only be an apostrophe. A straight mark after a plural -s and before a
lowercase noun ("officers" involvement") is an apostrophe too, unless it plausibly closes a
short quoted phrase ("the 'sanctuary cities' policies") or a partial quotation opened in mid
sentence; a full quotation runs to the end of its sentence.

Once apostrophes are set aside, the remaining marks are paired; what is left over is reported
by one of three checks (``check:`` in the rule's YAML):

* ``apostrophe``: the double quote that stands for an apostrophe; the fix is ``'``.
* ``stray-opening``: a mark that opens a paragraph but quotes no one: it is left without a
  closing mark, the next paragraph does not carry the quotation on, nothing introduces it (a
  paragraph ending "said:"), and what it would quote reads as narration (no attribution verb,
  no first or second person).
* ``unbalanced``: any other opening mark that is never closed. AP's convention for a quotation
  running on into the next paragraph is honoured: the first paragraph is left open and the next
  opens with a quotation mark.
* ``unopened``: a closing mark with no opening mark before it.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field, replace
from typing import Iterable

from ..article import Article, Block
from ..patterns import compile_re
from .base import LintContext, Match, RuleConfigError, RuleType

_MARKS = '"“”'
_MARK = compile_re('["“”]')
# Letters that may follow an apostrophe in a contraction or a possessive: city's, don't, we'll.
_CONTRACTION = compile_re(r"(?:s|t|ll|re|ve|d|m)(?![^\W\d_])", re.IGNORECASE)
_WORD_AFTER = compile_re(r"[ \t]+([a-z][a-z\-]*)(?![\w@]|:/|\.\w)")
_WORD = compile_re(r"[^\W_]+(?:[’'\-][^\W_]+)*")
_SENTENCE_BREAK = compile_re(r"[.!?][\"”’)]*\s+(?=[\"“(]?[A-Z0-9])")
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
    ends_open: bool = False  # a quotation is still open at the end of the paragraph


@dataclass(frozen=True)
class QuoteWords:
    """The word lists the analysis leans on (from the rule's data file)."""

    attribution: frozenset[str]
    after_closing: frozenset[str]
    scare_quote_words: int = 5
    narration_words: int = 20
    introduced: bool = False  # the paragraph before ends with a colon that introduces a quotation


def shape(text: str, index: int) -> str:
    """Whether the mark at ``index`` can open, close, or do either."""
    char = text[index]
    if char == "“":
        return OPENER
    if char == "”":
        return CLOSER
    before = text[index - 1] if index > 0 else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    opens = before in _OPEN_BEFORE
    closes = after in _CLOSE_AFTER
    if opens and not closes:
        return OPENER
    if closes and not opens:
        return CLOSER
    if not opens and not closes and before in "‘'" and after.isalnum():
        return OPENER  # '"Twas', a quotation inside a single-quoted one
    return EITHER


def _inch_mark(text: str, index: int) -> bool:
    """``5' 10"`` or ``a 55" screen``: a straight mark after a number is a measurement."""
    if text[index] != '"' or index == 0 or not text[index - 1].isdigit():
        return False
    return bool(_FEET_INCHES.search(text, 0, index + 1) or _INCH_NOUN.match(text, index + 1))


_FEET_INCHES = compile_re(r"\d['’]\s?\d{1,2}\"$")
_INCH_NOUN = compile_re(r"\s?(?:tall|wide|long|high|deep|screens?|displays?|monitors?|TVs?|televisions?|pizzas?|wheels?|rims?|x)\b", re.IGNORECASE)


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


def _closes_partial_quotation(text: str, opener: int, closer: int, words: QuoteWords) -> bool:
    """Whether a mark after a plural -s can close the quotation opened at ``opener``: a short
    quoted phrase ("the 'sanctuary cities' policies"), or a partial quotation opened inside
    the same sentence. A full quotation (opening a paragraph or following "said:") runs to the
    end of its sentence and closes on punctuation, so a mark before a bare noun in the middle
    of it is no closer."""
    if text[opener] == "“" and text[closer] == '"':
        return False  # a straight mark does not close a curly quotation
    quoted = _WORD.findall(text[opener + 1:closer])
    count = len(quoted)
    if count <= words.scare_quote_words or _title_case(quoted):
        return True
    sentence_start = _sentence_start(text, closer)
    if sentence_start > opener:
        return False
    return _partial(text, opener) and count <= 3 * words.narration_words


def _title_case(tokens: list[str]) -> bool:
    """A quoted title ("Michelle Obama Has No Sympathy for the Spouses"): most words capitalised."""
    capitals = sum(1 for t in tokens if t[0].isupper())
    return capitals * 3 >= len(tokens) * 2


def analyse(
    text: str, words: QuoteWords, *, continued: bool = False, after_open: bool = False, introduced: bool = False
) -> QuoteReport:
    """Sort a paragraph's marks into apostrophes, paired marks and problems.

    ``continued`` says the next paragraph opens with a quotation mark, so a quotation left
    open at the end of this one is carried on (AP style), not unclosed. ``after_open`` says
    the previous paragraph was left open without being carried on: a closing mark here with no
    opener is that same problem, already reported there. ``introduced`` says the previous
    paragraph ends with a colon ("He said:"), so a quotation opening this one has a speaker.
    """
    report = QuoteReport()
    if not _MARK.search(text):
        return report
    if words.introduced != introduced:
        words = replace(words, introduced=introduced)
    open_at: int | None = None
    chain_start: int | None = None  # first opener of a run of quoted sentences
    chain_segments = 0
    robbed = False  # the open quotation's would-be closing mark was read as an apostrophe
    for found in _MARK.finditer(text):
        index = found.start()
        char = text[index]
        if char == '"' and _apostrophe_between_letters(text, index):
            report.apostrophes.append(index)
            continue
        if _inch_mark(text, index):
            continue
        kind = shape(text, index)
        if char in '"”' and kind == CLOSER and _plural_possessive(text, index, words):
            if open_at is None or not _closes_partial_quotation(text, open_at, index, words):
                report.apostrophes.append(index)
                robbed = robbed or open_at is not None
                continue
        if kind == EITHER:
            kind = CLOSER if open_at is not None else OPENER
        if kind == OPENER:
            if open_at is not None:
                if _carried_on(text, open_at, index, words):
                    # A quotation of several sentences, each opened anew: the AP convention
                    # for a new paragraph, left in copy whose paragraph breaks were lost.
                    if chain_segments == 0 and robbed:
                        _check_stray(text, chain_start, index, words, report)
                    open_at = index
                    chain_segments += 1
                    continue
                _unmatched_opener(text, open_at, index, words, report)
            open_at = chain_start = index
            chain_segments = 0
            robbed = False
        elif open_at is None:
            if not (after_open and not report.unopened and index == _first_mark(text)):
                report.unopened.append(index)
        else:
            open_at = None
    if open_at is not None:
        report.ends_open = True
        carried = continued and not _attributed(text[open_at + 1:], words)
        if not carried:
            _unmatched_opener(text, open_at, len(text), words, report)
        elif chain_segments == 0 and robbed:
            _check_stray(text, chain_start, len(text), words, report)
    return report


def _first_mark(text: str) -> int:
    found = _MARK.search(text)
    return found.start() if found else -1


_SENTENCE_END = compile_re(r"[.!?…:;][)\]’']*\s*$")


def _carried_on(text: str, open_at: int, index: int, words: QuoteWords) -> bool:
    """Whether the quotation opened at ``open_at`` runs on into a new quoted sentence at
    ``index``: the text between ends a sentence and names no speaker, and the quotation is a
    full one (AP closes a partial quotation before the sentence ends)."""
    segment = text[open_at + 1:index]
    if _partial(text, open_at):
        return False
    return bool(_SENTENCE_END.search(segment)) and not _attributed(segment, words)


def _partial(text: str, open_at: int) -> bool:
    """A partial quotation opens in mid-sentence, straight after a word: 'called it "a
    disaster'. A full one opens a paragraph or follows a colon, comma or full stop."""
    before = text[:open_at].rstrip(" \t")
    return bool(before) and (before[-1].isalnum() or before[-1] in "%$")


def _attributed(segment: str, words: QuoteWords) -> bool:
    """Whether a quoted segment carries its own attribution (", he said." or "He added:"), a
    sign its closing mark went missing."""
    for found in _COLON.finditer(segment):
        before = _WORD.findall(segment[max(0, found.start() - 60):found.start()])[-4:]
        if any(word.lower() in words.attribution for word in before):
            return True
    for found in _ATTRIBUTION_AFTER_COMMA.finditer(segment):
        tail = _WORD.findall(segment[found.end():found.end() + 80])[:6]
        if any(word.lower() in words.attribution for word in tail):
            return True
    return False


_ATTRIBUTION_AFTER_COMMA = compile_re(r"[,!?]['’]?\s+")
_COLON = compile_re(r":(?=\s|$)")
_PERSONAL = frozenset({"i", "me", "my", "mine", "we", "us", "our", "ours", "you", "your", "yours", "i'm", "i’m", "we're", "we’re", "i've", "i’ve", "we've", "we’ve", "let's", "let’s"})


def _check_stray(text: str, start: int | None, until: int, words: QuoteWords, report: QuoteReport) -> None:
    """A paragraph-opening mark whose first quoted sentence reads as narration: no speaker
    named, no first or second person, and long enough to tell."""
    if start != 0:
        return
    if not words.introduced and _reads_as_narration(text[1:until], words, minimum=words.narration_words):
        report.stray_openings.append(0)
    else:
        report.unclosed.append(0)


def _reads_as_narration(segment: str, words: QuoteWords, minimum: int = 1) -> bool:
    tokens = _WORD.findall(segment)
    if len(tokens) < minimum:
        return False
    return not any(t.lower() in _PERSONAL or t.lower() in words.attribution for t in tokens)


def _unmatched_opener(text: str, index: int, until: int, words: QuoteWords, report: QuoteReport) -> None:
    """An opener with no closer: a stray mark when it opens the paragraph and what it would
    quote reads as narration; an unclosed quotation otherwise."""
    if index == 0 and not words.introduced and _reads_as_narration(text[index + 1:until], words):
        report.stray_openings.append(index)
    else:
        report.unclosed.append(index)


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


def _context(text: str, index: int) -> str:
    """The words either side of a mark, for a message: ``officers" involvement``."""
    start = text.rfind(" ", 0, index) + 1
    end = text.find(" ", index + 2)
    return text[start:len(text) if end == -1 else end]


# The last analyses, per thread (see Quotes._reports); each holds its paragraphs, so that no
# other story's paragraphs can be taken for them.
_recent = threading.local()
# One QuoteWords object for equal word lists, so that rules reading the same data compare fast.
_SHARED_WORDS: dict[QuoteWords, QuoteWords] = {}


class Quotes(RuleType):
    """Reports one kind of quotation-mark problem per rule (see the module docs)."""

    name = "quotes"
    default_scope = "paragraph"
    options_schema = {
        "check": {"enum": ["unbalanced", "unopened", "apostrophe", "stray-opening"]},
        "data": {"type": "string", "minLength": 1},
        "continuation": {"type": "boolean"},
        "scare_quote_words": {"type": "integer", "minimum": 1},
        "narration_words": {"type": "integer", "minimum": 1},
    }
    required_options = ("check",)

    def __init__(self, spec) -> None:
        super().__init__(spec)
        from ..datafiles import DataFileError, read_data_file

        options = spec.options
        self.check_kind: str = options["check"]
        self.continuation = bool(options.get("continuation", True))
        path = spec.data_path(options.get("data", "data/quotes.yml"))
        try:
            data = read_data_file(path) or {}  # parsed once per process, and kept across runs
        except DataFileError as error:
            raise RuleConfigError(f"cannot read quote word lists {path}: {error}", "data") from None
        if not isinstance(data, dict):
            raise RuleConfigError(f"{path} must be a mapping of word lists", "data")
        words = QuoteWords(
            attribution=_word_set(data, "attribution_verbs", path),
            after_closing=_word_set(data, "after_closing_quote", path),
            scare_quote_words=int(options.get("scare_quote_words", 5)),
            narration_words=int(options.get("narration_words", 20)),
        )
        self.words = _SHARED_WORDS.setdefault(words, words)

    def check(self, article: Article, context: LintContext) -> Iterable[Match]:
        for block, report in self._reports(self.blocks(article)):
            yield from self._matches(block, report)

    def _reports(self, paragraphs: tuple[Block, ...]) -> list[tuple[Block, QuoteReport]]:
        """The analysis of each paragraph that holds a double quotation mark. The rules of this
        type (one per kind of problem) analyse the same paragraphs the same way, so the last few
        results are kept and shared (the reports are only read)."""
        key = (self.words, self.continuation)
        kept = getattr(_recent, "reports", None)
        if kept is None:
            kept = _recent.reports = []
        for blocks, kept_key, reports in kept:
            if blocks is paragraphs and kept_key == key:
                return reports
        reports = []
        left_open = False
        for position, block in enumerate(paragraphs):
            if not _MARK.search(block.text):
                left_open = False
                continue
            following = paragraphs[position + 1] if position + 1 < len(paragraphs) else None
            continued = self.continuation and opens_with_mark(following)
            introduced = position > 0 and paragraphs[position - 1].text.rstrip().endswith(":")
            report = analyse(block.text, self.words, continued=continued, after_open=left_open, introduced=introduced)
            left_open = report.ends_open and not continued
            reports.append((block, report))
        kept.insert(0, (paragraphs, key, reports))
        del kept[3:]
        return reports

    def _matches(self, block: Block, report: QuoteReport) -> Iterable[Match]:
        text = block.text
        if self.check_kind == "apostrophe":
            for index in report.apostrophes:
                typed = _context(text, index)
                yield Match(
                    block, index, index + 1, actual=text[index], expected="'", replacement="'",
                    data={"typed": typed, "fixed": typed.replace(text[index], "'")},
                )
        elif self.check_kind == "stray-opening":
            for index in report.stray_openings:
                yield Match(block, index, index + 1, actual=text[index], replacement="")
        elif self.check_kind == "unopened":
            for index in report.unopened:
                yield Match(block, index, index + 1, actual=text[index])
        else:
            for index in report.unclosed:
                yield Match(block, index, index + 1, actual=text[index])
