"""``boilerplate``: stray lines a CMS or a scraper leaves in copy, and residue inside sentences.

A rule lists a phrase family as regular expressions:

* ``patterns`` are specific enough to count anywhere ("This is a developing story", "Story
  continues below advertisement", "Follow us on Twitter").
* ``line_patterns`` are generic ("Advertisement", "Related", "Share", "Read more: ...") and count
  only when the paragraph is nothing else.

A paragraph that matches from end to end, allowing for punctuation, white space and ``filler``
("Click here", "»", "Advertisement"), is a stray line: the finding covers the paragraph and its
fix (safe by default) deletes it together with the blank line that separates it from the next
block. A ``patterns`` match inside a longer paragraph is reported with its removal as a display
fix, never applied. Matches inside direct quotations are left alone.

``allow`` names positions where the family is legitimate: ``first`` is the first body
paragraph and ``last`` the last ``edge`` ones (an editor's note at the top, "contributed to this
report" at the end, where a correction and a credit line may follow each other).

``repair: true`` replaces each match with its decoded form instead (an HTML entity left in plain
text, mojibake such as "â€™" for "’"), as a safe fix when the decoding is certain.

Speed: every paragraph of every story passes through every rule, and almost none holds
boilerplate. Each rule therefore derives from its own patterns the literal strings a match must
contain and only runs a pattern on paragraphs whose lower-cased text contains one of them.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Iterable, Iterator

from ..article import Article, Block
from ..findings import Applicability, Edit
from ._matching import WORD_END, WORD_START, phrase_pattern
from ..patterns import UserPattern
from .base import LintContext, Match, RuleConfigError, RuleType

#: What may surround a stray line besides punctuation: link prompts and arrows.
DEFAULT_FILLER = (
    r"(?:click|tap|press) here",
    r"here",
    r"now",
    r"today",
    r"below",
    r"above",
    r"more",
    r"advertisements?",
    r"ad",
    r"[»›→↓▶►•|]",
)
_ALNUM = re.compile(r"[^\W_]")
_SKIP = re.compile(r"[\W_]+")
_HTML_PARAGRAPH = re.compile(r"<p(?:\s[^<>]*)?>", re.IGNORECASE)

# Decoded characters mojibake may stand for with certainty: Latin-1 and Latin Extended-A text
# (two-byte UTF-8 read as Windows-1252) and general punctuation, currency, ™ (three bytes).
_CERTAIN_DECODED = re.compile("[\u00a0-\u017f\u2000-\u206f\u20a0-\u20cf\u2100-\u215f\u2190-\u21ff]+")


# Decodings too often wrong to apply: "America&#191;s" was an apostrophe before it was "¿".
_UNCERTAIN = frozenset("¿¡\ufffd")


def repair(text: str) -> str | None:
    """The certain decoding of an HTML entity or a mojibake sequence, else ``None``."""
    if text == "Â":
        return ""  # a no-break space whose second byte was lost: the space is still there
    if text.startswith("&"):
        decoded = html.unescape(text)
        if decoded == text or decoded in _UNCERTAIN:
            return None
        return " " if decoded == "\u00a0" else decoded
    for encoding in ("cp1252", "latin-1"):
        try:
            raw = text.encode(encoding)
        except UnicodeEncodeError:
            continue
        try:
            decoded = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if _CERTAIN_DECODED.fullmatch(decoded):
            return " " if decoded == "\u00a0" else decoded
    return None


# -- prefilter ------------------------------------------------------------------------------------
# Python's regular expressions are slow with IGNORECASE and many alternatives, and almost every
# paragraph contains no boilerplate at all. So each rule works out, from its own patterns, a set
# of literal strings one of which every match must contain, and runs its patterns only on the
# paragraphs whose lower-cased text contains one of them (found by one trie-shaped search).

# Literals too common in news copy to narrow anything down.
_COMMON = frozenset(
    "the this that these those with from have your here more what will when they there their "
    "about which said would been were other some into like just only over also back than then "
    "them after first could make time year years people and for are was his her its our you "
    "not but all can has had one two new now is a an to of in on at it as or by be do we i he "
    "she so if no up".split()
) | {".", ",", "-", "'", ":", ";", "(", ")"}


def _useful(literal: str) -> bool:
    """Long enough, or made of characters rare enough ("&", "[", "Ã"), to be worth searching
    for, and not a word every story contains."""
    core = literal.strip()
    if not core or all(word in _COMMON for word in core.split()):
        return False
    return len(core) >= 3 or any(not (c.isascii() and (c.isalnum() or c.isspace())) for c in core)


def required_literals(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Lower-cased strings one of which every match of ``pattern`` contains, or ``None`` when
    no useful set of them can be proved."""
    try:
        from re import _parser as parser  # the standard library's own pattern parser

        found = _sequence_literals(list(parser.parse(pattern, flags)))
    except Exception:  # pragma: no cover - an unexpected parse tree: do without a prefilter
        return None
    if not found or not all(_useful(literal) for literal in found):
        return None
    return frozenset(found)


_MAX_PRODUCT = 64


def _sequence_literals(items: list) -> set[str] | None:
    """The best set of literals one of which every match of the sequence ``items`` contains.

    Runs of literal characters and of groups of literal alternatives ("(?:check|come) back")
    are multiplied out into sets of strings ("check back", "come back"); anything else breaks
    a run, and groups or repeats that must match are searched for a set of their own.
    """
    from re import _constants as sre

    best: set[str] | None = None

    def consider(candidate: set[str] | None) -> None:
        nonlocal best
        if candidate and (best is None or _score(candidate) > _score(best)):
            best = candidate

    repeats = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}
    run: set[str] | None = None
    for op, value in items:
        token = _literal_set(op, value)
        if token is not None:
            product = {a + b for a in run for b in token} if run is not None else token
            if len(product) > _MAX_PRODUCT:
                consider(run)
                product = token
            run = product
            continue
        consider(run)
        run = None
        if op is sre.SUBPATTERN:
            consider(_sequence_literals(list(value[-1])))
        elif op is sre.BRANCH:
            branches = [_sequence_literals(list(branch)) for branch in value[1]]
            if all(branches):
                consider(set().union(*branches))
        elif op in repeats and value[0] >= 1:
            consider(_sequence_literals(list(value[2])))
    consider(run)
    return best


def _literal_set(op, value) -> set[str] | None:
    """The strings a single item can match when it is purely literal: a character, a small
    class of literal characters, or a group of literal alternatives; else ``None``."""
    from re import _constants as sre

    if op is sre.LITERAL:
        return {chr(value).lower()}
    if op is sre.IN and 0 < len(value) <= 8 and all(kind is sre.LITERAL for kind, _ in value):
        return {chr(char).lower() for _, char in value}
    if op is sre.SUBPATTERN:
        return _pure_sequence(list(value[-1]))
    if op is sre.BRANCH:
        out: set[str] = set()
        for branch in value[1]:
            strings = _pure_sequence(list(branch))
            if strings is None:
                return None
            out |= strings
        return out if len(out) <= _MAX_PRODUCT else None
    return None


def _pure_sequence(items: list) -> set[str] | None:
    out = {""}
    for op, value in items:
        token = _literal_set(op, value)
        if token is None:
            return None
        out = {a + b for a in out for b in token}
        if len(out) > _MAX_PRODUCT:
            return None
    return out


def _score(candidates: set[str]) -> tuple[bool, int, int, float]:
    """Prefer useful sets, then sets whose shortest literal is longest, then smaller sets, then
    longer literals."""
    lengths = [len(c) for c in candidates]
    return (all(_useful(c) for c in candidates), min(lengths), -len(lengths), sum(lengths) / len(lengths))


def _gate(patterns: list[str], flags: int) -> re.Pattern[str] | None:
    """One search over lower-cased text for the literals of all ``patterns``; ``None`` when a
    pattern has none (then its rule reads every paragraph)."""
    literals: set[str] = set()
    for pattern in patterns:
        found = required_literals(pattern, flags)
        if found is None:
            return None
        literals |= found
    return re.compile(phrase_pattern(literals, word_boundaries=False)) if literals else None


@lru_cache(maxsize=4096)
def _lowered(text: str) -> str:
    """Lower-cased text, shared by every rule that looks at the same paragraph."""
    return text.lower()


def _shorten(text: str, limit: int = 80) -> str:
    """The text a message quotes: long notes are cut at a word."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


class Boilerplate(RuleType):
    """Stray CMS and scraper lines and residue (see the module docs)."""

    name = "boilerplate"
    default_scope = "paragraph"
    options_schema = {
        "patterns": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "line_patterns": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "filler": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "allow": {"type": "array", "items": {"enum": ["first", "last"]}, "uniqueItems": True},
        "edge": {"type": "integer", "minimum": 1},
        "ignorecase": {"type": "boolean"},
        "word_boundaries": {"type": "boolean"},
        "inline": {"type": "boolean"},
        "whole": {"type": "boolean"},
        "inline_message": {"type": "string", "minLength": 1},
        "repair": {"type": "boolean"},
        "formats": {"type": "array", "items": {"enum": ["text", "markdown", "html", "cms-json"]}},
        "max_line_length": {"type": "integer", "minimum": 1},
    }

    def __init__(self, spec) -> None:
        super().__init__(spec)
        options = spec.options
        patterns = list(options.get("patterns", ()))
        line_patterns = list(options.get("line_patterns", ()))
        if not patterns and not line_patterns:
            raise RuleConfigError("a boilerplate rule needs 'patterns' or 'line_patterns'", "patterns")
        flags = re.IGNORECASE if options.get("ignorecase", True) else 0
        bounded = bool(options.get("word_boundaries", True))
        # Two combined matchers: phrases that count anywhere, and generic lines.
        self.phrases = self._combine(self._checked(patterns, "patterns", flags), bounded, flags)
        self.lines = self._combine(self._checked(line_patterns, "line_patterns", flags), bounded, flags)
        self.phrase_gate = _gate(patterns, flags)
        # Each phrase pattern on its own with the literals it needs, so that a paragraph is
        # only searched with the patterns whose literals it contains.
        self.phrase_list = [
            (self._combine([pattern], bounded, flags), required_literals(pattern, flags)) for pattern in patterns
        ]
        # A paragraph longer than this is never one stray line.
        self.max_line_length = int(options.get("max_line_length", 400))
        filler = list(options.get("filler", ())) + list(DEFAULT_FILLER)
        self._checked(filler, "filler", flags)
        self.filler = self._combine(filler, True, flags)
        self.allow = frozenset(options.get("allow", ()))
        self.edge = int(options.get("edge", 1))
        self.inline = bool(options.get("inline", True))
        self.whole = bool(options.get("whole", True))
        self.inline_message = options.get("inline_message")
        self.repair = bool(options.get("repair", False))
        self.formats = frozenset(options.get("formats", ()))

    @staticmethod
    def _checked(patterns: list[str], key: str, flags: int) -> list[str]:
        for index, pattern in enumerate(patterns):
            try:
                compiled = re.compile(pattern, flags)
            except re.error as error:
                raise RuleConfigError(f"bad regular expression {pattern!r}: {error}", f"{key}.{index}") from None
            if compiled.groupindex:
                raise RuleConfigError(f"use (?:...) instead of named groups in {pattern!r}", f"{key}.{index}")
        return patterns

    @staticmethod
    def _combine(patterns: list[str], bounded: bool, flags: int) -> UserPattern | None:
        """One matcher for the authors' patterns, safe from runaway backtracking."""
        if not patterns:
            return None
        if bounded:
            return UserPattern("|".join(f"{WORD_START}(?:{p}){WORD_END}" for p in patterns), ignorecase=bool(flags))
        return UserPattern("|".join(f"(?:{p})" for p in patterns), ignorecase=bool(flags))

    # -- checking -----------------------------------------------------------------------------
    def check(self, article: Article, context: LintContext) -> Iterable[Match]:
        if self.formats and article.format not in self.formats:
            return
        paragraphs = self.blocks(article)
        count = len(paragraphs)
        for position, block in enumerate(paragraphs):
            text = block.text
            phrase_matches = self._phrase_matches(text)
            could_be_line = self.whole and not self.repair and self._opens_with_match(text)
            if not (phrase_matches or could_be_line) or self._allowed(position, count):
                continue
            if could_be_line and self._whole(text) and not self._opens_quotation(article, block):
                yield self._stray_line(article, block)
                continue
            if self.inline:
                for match in phrase_matches:
                    yield from self._inline(article, block, match)
        yield from self._byline(article)

    def _phrase_matches(self, text: str) -> list[re.Match[str]]:
        """Non-overlapping phrase matches in ``text``, leftmost first, longest on a tie."""
        if self.phrases is None:
            return []
        lowered = _lowered(text)
        if self.phrase_gate is not None and self.phrase_gate.search(lowered) is None:
            return []
        found: list[re.Match[str]] = []
        for matcher, literals in self.phrase_list:
            if literals is not None and not any(literal in lowered for literal in literals):
                continue
            found.extend(m for m in matcher.finditer(text) if m.end() > m.start())
        if len(found) < 2:
            return found
        found.sort(key=lambda m: (m.start(), -m.end()))
        kept = [found[0]]
        for match in found[1:]:
            if match.start() >= kept[-1].end():
                kept.append(match)
        return kept

    def _allowed(self, position: int, count: int) -> bool:
        if "first" in self.allow and position == 0:
            return True
        return "last" in self.allow and position >= count - self.edge

    def _opens_with_match(self, text: str) -> bool:
        """A cheap first test for a stray line: short, and a pattern matches where its text
        starts (after punctuation and filler)."""
        if len(text) > self.max_line_length:
            return False
        position, length = 0, len(text)
        while position < length:
            for matcher in (self.lines, self.phrases):
                found = matcher.match(text, position) if matcher is not None else None
                if found is not None and found.end() > position:
                    return True
            skipped = _SKIP.match(text, position) or self.filler.match(text, position)
            if skipped is None or skipped.end() <= position:
                return False
            position = skipped.end()
        return False

    @staticmethod
    def _opens_quotation(article: Article, block: Block) -> bool:
        """Whether the paragraph's words start inside a quotation ("'Check back for updates,'
        the director joked"): somebody said it, so it is no stray line."""
        first = _ALNUM.search(block.text)
        if first is None or not any(mark in block.text for mark in '"“”'):
            return False
        return article.in_quotation(*block.source_span(first.start(), first.start() + 1))

    def _whole(self, text: str) -> bool:
        """Whether the paragraph is nothing but matches, filler and punctuation.

        Both orders are tried (lines first, then phrases first), so that a generic line pattern
        and a phrase that share a prefix ("Read more:" and "Read more: ...") both get their say.
        """
        for order in ((self.lines, self.phrases), (self.phrases, self.lines)):
            residue = text
            for matcher in order:
                if matcher is not None:
                    residue = matcher.sub(" ", residue)
            if residue == text:
                continue
            if _ALNUM.search(self.filler.sub(" ", residue)) is None:
                return True
        return False

    def _stray_line(self, article: Article, block: Block) -> Match:
        """The whole paragraph, with a fix that deletes it and the blank line after it.

        Only the paragraph's own text and the white space that follows it in the source are
        removed, never markup: a Markdown heading or list marker, an HTML tag or the JSON after
        a CMS body stays byte for byte (an HTML paragraph may be left empty: ``<p></p>``).
        """
        source = article.source
        start, end = block.source_start, block.source_end
        if article.format in ("text", "markdown"):
            stop = end
            while stop < len(source) and source[stop] in " \t\r\n":
                stop += 1
            if stop == len(source):
                # The last paragraph: take the blank line before it instead, keeping the end.
                begin = start
                while begin > 0 and source[begin - 1] in " \t\r\n":
                    begin -= 1
                edit = Edit(begin, end, "") if begin > 0 else Edit(start, stop, "")
            else:
                edit = Edit(start, stop, "")
        else:
            edit = Edit(start, end, "")
            opening = source.rfind("<", 0, start)
            element = _HTML_PARAGRAPH.fullmatch(source, opening, start) if opening >= 0 else None
            if article.format == "html" and element and source[end:end + 4].lower() == "</p>":
                stop = end + 4
                while stop < len(source) and source[stop] in " \t\r\n":
                    stop += 1
                edit = Edit(opening, stop, "")  # the whole <p>...</p> and the line break after it
        return Match(block, 0, len(block.text), actual=_shorten(block.text.strip()), edits=(edit,))

    def _inline(self, article: Article, block: Block, match: re.Match[str]) -> Iterator[Match]:
        start, end = match.start(), match.end()
        text = _shorten(match.group())
        if self.repair:  # garbled characters are garbled in a quotation too
            fixed = repair(match.group())
            if fixed is None:
                yield Match(block, start, end, actual=text, message=self.inline_message)
            else:
                yield Match(block, start, end, actual=text, expected=fixed, replacement=fixed)
            return
        if article.in_quotation(*block.source_span(start, end)):
            return  # somebody said it: not residue
        yield Match(
            block, start, end, actual=text, replacement="", applicability=Applicability.DISPLAY,
            message=self.inline_message,
        )

    def _byline(self, article: Article) -> Iterator[Match]:
        """A stray line at the foot of a story may have been read as the byline."""
        if not self.whole or self.repair or self.spec.scope != "paragraph" or "last" in self.allow:
            return
        for block in article.field("byline"):
            if self._opens_with_match(block.text) and self._whole(block.text):
                yield self._stray_line(article, block)
