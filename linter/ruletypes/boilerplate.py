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
contain or open with; the literals of all rules are looked for together, once per paragraph, and
a rule runs a pattern only on the paragraphs that hold its literals (see ``_Prefilter``).
"""

from __future__ import annotations

import html
import re
import threading
from functools import lru_cache
from typing import Iterable, Iterator

from .. import cache
from ..article import Article, Block
from ..findings import Applicability, Edit
from ..patterns import UserPattern, compile_re, validating
from ._matching import WORD_END, WORD_START, trie_pattern
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
_ALNUM = compile_re(r"[^\W_]")
_SKIP = compile_re(r"[\W_]+")
_HTML_PARAGRAPH = compile_re(r"<p(?:\s[^<>]*)?>", re.IGNORECASE)

# Decoded characters mojibake may stand for with certainty: Latin-1 and Latin Extended-A text
# (two-byte UTF-8 read as Windows-1252) and general punctuation, currency, ™ (three bytes).
_CERTAIN_DECODED = compile_re("[\u00a0-\u017f\u2000-\u206f\u20a0-\u20cf\u2100-\u215f\u2190-\u21ff]+")


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
# Python's regular expressions are slow with IGNORECASE and many alternatives, the rule patterns
# run under the `regex` module's time budget (their word boundaries rule out RE2), and almost
# every paragraph holds no boilerplate at all. So each rule works out, from its own patterns,
# literal strings that a match must contain or start with, and reads a paragraph with its
# patterns only when one plain search over the lower-cased text finds them. The tests are sound
# (they never reject a paragraph a pattern could match), so they change speed, not findings.

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


def _parse(pattern: str, flags: int) -> list | None:
    """The standard library's parse tree of ``pattern`` (its top-level items)."""
    try:
        from re import _parser as parser

        return list(parser.parse(pattern, flags))
    except Exception:  # pragma: no cover - the pattern compiled, so this should not happen
        return None


def required_literals(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Lower-cased strings one of which every match of ``pattern`` contains, or ``None`` when
    no useful set of them can be proved."""
    items = _parse(pattern, flags)
    found = _sequence_literals(items) if items is not None else None
    if not found or not all(_useful(literal) for literal in found):
        return None
    return frozenset(found)


_MAX_PRODUCT = 64
#: Longer prefixes than this narrow nothing further down.
_MAX_PREFIX = 24


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
        elif op in _repeats() and value[0] >= 1:
            consider(_sequence_literals(list(value[2])))
    consider(run)
    return best


@lru_cache(maxsize=1)
def _repeats() -> frozenset:
    from re import _constants as sre

    return frozenset({sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)})


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


# What a match begins with. ``(prefixes, anywhere)``: every non-empty match starts with one of
# ``prefixes`` or contains one of ``anywhere``; ``None`` when nothing can be proved.
Opening = tuple[frozenset[str], frozenset[str]]
_NOTHING: Opening = (frozenset(), frozenset())  # only an empty match is possible


def _opening(items: list, budget: list[int]) -> Opening | None:
    """What every non-empty match of the sequence ``items`` starts with (see :data:`Opening`).

    Leading literals are multiplied out ("(?:the )?(?:story|article) continue" starts with
    "the ", "story continue" or "article continue"); zero-width items (``^``, ``\b``,
    lookarounds) are passed over; where the opening is a class or a wildcard ("[A-Z][a-z]+ / AP")
    the literals the rest of the match must contain stand in ("/").
    """
    from re import _constants as sre

    budget[0] -= 1
    if budget[0] < 0:  # a pathological nest of optional groups: give up rather than explode
        return None
    prefixes = {""}
    for index, (op, value) in enumerate(items):
        if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            continue  # zero width: what follows starts at the same place
        token = _literal_set(op, value)
        if token is not None:
            product = {a + b for a in prefixes for b in token}
            if len(product) > _MAX_PRODUCT or any(len(p) > _MAX_PREFIX for p in product):
                break  # the prefixes so far are still true, and long enough
            prefixes = product
            continue
        if prefixes != {""}:
            break  # a literal opening is known; what follows does not matter
        rest = items[index + 1:]
        opening: Opening | None = None
        if op is sre.SUBPATTERN:
            opening = _opening(list(value[-1]) + rest, budget)
        elif op is sre.BRANCH:
            opening = _union([_opening(list(branch) + rest, budget) for branch in value[1]])
        elif op in _repeats():
            low, high, body = value[0], value[1], list(value[2])
            # A first repetition that consumes something opens the match; else what follows
            # does. An optional part ("(?:the )?") is read together with what follows it.
            opening = _opening(body + rest if high == 1 else body, budget)
            if low < 1 or _min_width(body) == 0:
                opening = _union([opening, _opening(rest, budget)])
        # Literals the rest of the match must contain stand in where no opening is known, or
        # where they narrow things down better than what a nested part has to offer.
        found = _sequence_literals(items[index:])
        if found and (opening is None or opening[1] and _score(found) > _score(set(opening[1]))):
            return (frozenset(), frozenset(found))
        return opening
    if prefixes == {""}:
        return _NOTHING
    return (frozenset(prefixes), frozenset())


def _union(openings: list[Opening | None]) -> Opening | None:
    if any(opening is None for opening in openings):
        return None
    return (
        frozenset().union(*(o[0] for o in openings)),  # type: ignore[index]
        frozenset().union(*(o[1] for o in openings)),  # type: ignore[index]
    )


def _min_width(items: list) -> int:
    from re import _parser as parser

    try:
        return parser.SubPattern(parser.State(), items).getwidth()[0]
    except Exception:  # pragma: no cover - a group reference: assume it may be empty
        return 0


def opening_literals(pattern: str, flags: int = 0) -> Opening | None:
    """What every non-empty match of ``pattern`` starts with, or the literals it must contain
    where its opening is no literal (see :data:`Opening`)."""
    items = _parse(pattern, flags)
    return _opening(items, [256]) if items is not None else None


# Characters whose lower-case form is not what IGNORECASE matches them with ("ſ" matches "s",
# "ı" and "İ" match "i"; "İ" also lowers to two characters): paragraphs holding one skip the
# literal tests and are read with the patterns themselves.
_FOLD_VARIANTS = compile_re("[ſıİ]")


@lru_cache(maxsize=4096)
def _lowered(text: str) -> str | None:
    """Lower-cased text for the literal tests, shared by every rule that looks at the same
    paragraph; ``None`` when those tests cannot be trusted on it."""
    if _FOLD_VARIANTS.search(text):
        return None
    return text.lower()


# The default filler without its word boundaries: how far a stray line's opening may be pushed
# by punctuation and filler ("» Read more", "Click here: Sign up ..."). Without the boundaries it
# reaches at least as far as the real chain of skips in Boilerplate._opens_with_match.
_LOOSE_LEAD = compile_re(r"(?:[\W_]+|" + "|".join(DEFAULT_FILLER) + ")*", re.IGNORECASE)


# -- the literal scan all boilerplate rules share ---------------------------------------------------
# Every rule checks every paragraph, so rather than one search per rule, the literals of all the
# rules loaded are looked for together, once per paragraph, and each rule asks the result which
# of its own literals were found.


class _LiteralScan:
    """The literals of every boilerplate rule loaded, and what one paragraph holds of them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._anywhere: set[str] = set()
        self._openers: set[str] = set()
        self._tables: tuple | None = None
        self._set: tuple | None = None  # (the tables it was built for, the RE2 set)
        self._scanned = 0  # characters scanned with the trie, before the RE2 set is built
        #: Changes whenever literals are added, so that no cached scan misses them.
        self.version = 0

    def register(self, anywhere: Iterable[str], openers: Iterable[str]) -> None:
        with self._lock:
            anywhere, openers = set(anywhere) - self._anywhere, set(openers) - self._openers
            if anywhere or openers:
                self._anywhere |= anywhere
                self._openers |= openers
                self._tables = None
                self.version += 1

    def tables(self) -> tuple:
        """(search, closure, opener match, opener closure): a closure maps the literal found
        to every literal it begins with, since a trie reports the longest one only."""
        tables = self._tables
        if tables is None:
            with self._lock:
                if self._tables is None:
                    self._tables = (*self._compiled(self._anywhere), *self._compiled(self._openers))
                tables = self._tables
        return tables

    def literal_set(self, tables: tuple, length: int) -> tuple | None:
        """The RE2 set of the literals of ``tables`` found anywhere (see :func:`_re2_literal_set`),
        once enough text has been scanned to repay building it (7 ms, what the trie takes over
        some 40,000 characters: a one-story run does without it). ``length``: how much text is
        about to be scanned."""
        built = self._set
        if built is not None and built[0] is tables:
            return built[1]
        self._scanned += length  # (a count lost to a race only delays the set)
        if self._scanned < _SCAN_BEFORE_SET:
            return None
        with self._lock:
            built = self._set
            if built is None or built[0] is not tables:
                built = self._set = (tables, _re2_literal_set(sorted(tables[1].literals)))
                self._scanned = 0
        return built[1]

    @staticmethod
    def _compiled(literals: set[str]) -> tuple[re.Pattern[str] | None, _PrefixClosure]:
        if not literals:
            return None, _PrefixClosure(())
        return compile_re(trie_pattern(literals)), _PrefixClosure(literals)


class _PrefixClosure(dict):
    """Literal -> every registered literal it begins with, itself included, worked out when first
    asked for: a story meets a few of the thousands of literals."""

    def __init__(self, literals) -> None:
        super().__init__()
        self.literals = frozenset(literals)

    def __missing__(self, literal: str) -> tuple[str, ...]:
        known = self.literals
        found = self[literal] = tuple(literal[:end] for end in range(1, len(literal) + 1) if literal[:end] in known)
        return found


# Characters scanned with the trie before the RE2 set is built (about its cost in trie scans).
_SCAN_BEFORE_SET = 20_000


def _re2_literal_set(literals: list[str]) -> tuple | None:
    """(RE2 set, literals by index, index of the end-of-text sentinel): every literal in a text
    in one pass of RE2's DFA, four times faster than the trie's search repeated one character on
    after each hit (the literals overlap: "share" and "share this"). None without RE2."""
    if not literals:
        return None
    try:
        import re2
    except ImportError:
        return None
    options = re2.Options()
    options.log_errors = False
    options.max_mem = 32 << 20  # a DFA of some thousand literals; the memory is taken as used
    try:
        found = re2.Set.SearchSet(options)
        for literal in literals:
            found.Add(re2.escape(literal))
        # RE2 gives up silently (no matches at all) if its DFA runs out of memory: a pattern that
        # matches only at the very end of the text proves the scan went all the way.
        sentinel = found.Add(r"\z")
        found.Compile()
    except Exception:  # re2.error: fall back to the trie
        return None
    return found, tuple(literals), sentinel


_SCAN = _LiteralScan()


@lru_cache(maxsize=4096)
def _found(lowered: str, version: int) -> frozenset[str]:
    """The registered literals in ``lowered`` (one paragraph's text, lower-cased)."""
    return _scan_literals(lowered)


def _scan_literals(lowered: str) -> frozenset[str]:
    """The registered literals in ``lowered``: with RE2 in one pass, else with the trie."""
    tables = _SCAN.tables()
    search, closure = tables[0], tables[1]
    if search is None:
        return frozenset()
    literal_set = _SCAN.literal_set(tables, len(lowered))
    if literal_set is not None and (lowered.isascii() or not _LONE_SURROGATE.search(lowered)):
        matcher, literals, sentinel = literal_set
        hits = matcher.Match(lowered)
        if hits and sentinel in hits:
            return frozenset([literals[index] for index in hits if index != sentinel])
    found: set[str] = set()
    position = 0
    while (hit := search.search(lowered, position)) is not None:
        start = hit.start()
        found.update(closure[hit.group()])
        position = start + 1  # literals may overlap: look again one character on
    return frozenset(found)


# RE2 reads UTF-8, which cannot carry a lone surrogate (from a broken JSON escape).
_LONE_SURROGATE = compile_re("[\ud800-\udfff]")


_last_stories = threading.local()


def _story_literals(paragraphs: tuple[Block, ...]) -> tuple[frozenset[str], frozenset[str]] | None:
    """The registered literals found anywhere in the paragraphs, and those opening one; None
    when a paragraph holds a character whose case folding the literals cannot stand for. Worked
    out once per story (the sixteen rules read the same paragraphs; the last two sets of blocks
    are kept, since rules of the ``text`` scope read all blocks, the others the paragraphs)."""
    version = _SCAN.version
    kept = getattr(_last_stories, "value", None)
    if kept is None:
        kept = _last_stories.value = []
    for blocks, kept_version, result in kept:
        if blocks is paragraphs and kept_version == version:
            return result
    # Blocks of a story kept already (the paragraphs, for a rule reading every block) are not
    # scanned again.
    found: set[str] = set()
    opened: set[str] = set()
    ids = {id(block) for block in paragraphs}
    done: set[int] = set()
    for blocks, kept_version, result in kept:
        if kept_version != version or result is None:
            continue
        kept_ids = {id(block) for block in blocks}
        if kept_ids <= ids and kept_ids.isdisjoint(done):
            done |= kept_ids
            found |= result[0]
            opened |= result[1]
    rest = [block for block in paragraphs if id(block) not in done] if done else paragraphs
    result = None
    # The paragraphs joined by line breaks, lower-cased as a whole (lower-casing is the same
    # character by character then: a final sigma before a line break is still final), hold
    # every literal a paragraph holds: one scan instead of one per paragraph.
    joined = "\n".join([block.text for block in rest])
    if not _FOLD_VARIANTS.search(joined):
        for block in rest:
            opened.update(_opened(block.text, version))
        result = (frozenset(found | _scan_literals(joined.lower())), frozenset(opened))
    kept.insert(0, (paragraphs, version, result))
    del kept[2:]
    return result


# The letters a word of the default filler starts with ("click here", "now", "advertisement"):
# a paragraph that opens with any other letter or a figure has no lead for _LOOSE_LEAD to skip.
_LEAD_LETTERS = frozenset("ctphnbam")


@lru_cache(maxsize=4096)
def _opened(text: str, version: int) -> frozenset[str]:
    """The registered opening literals that start where a stray line's opening may be, after
    the punctuation and default filler at the start of ``text``."""
    lowered = _lowered(text)
    _, _, match, closure = _SCAN.tables()
    if match is None or lowered is None:
        return frozenset()
    first = text[:1]
    if first.isascii() and first.isalnum() and first.lower() not in _LEAD_LETTERS:
        hit = match.match(lowered)  # most paragraphs: nothing to skip, only the start counts
        return frozenset(closure[hit.group()]) if hit is not None else frozenset()
    found: set[str] = set()
    for position in range(_LOOSE_LEAD.match(text).end() + 1):
        hit = match.match(lowered, position)
        if hit is not None:
            found.update(closure[hit.group()])
    return frozenset(found)


class _Prefilter:
    """Which of a rule's phrase patterns can match a paragraph, and whether one of its patterns
    can open it, decided from the shared literal scan.

    Each phrase pattern needs one of the literals every match contains (or starts with,
    whichever narrows things down more) in the lower-cased paragraph. A stray line needs one of
    the line and phrase patterns' opening literals where the punctuation and filler at the
    paragraph's start end (or, for a pattern that opens with no literal, one of the literals it
    contains anywhere).
    """

    def __init__(self, phrases: list[str], lines: list[str], flags: int, default_filler: bool) -> None:
        self.everyone = (1 << len(phrases)) - 1
        self.unconditional = 0  # patterns with no literal to wait for
        self.masks: dict[str, int] = {}  # literal -> the patterns that need it
        for number, pattern in enumerate(phrases):
            literals = self._needed(pattern, flags)
            if literals is None:
                self.unconditional |= 1 << number
            for literal in literals or ():  # (an empty set: the pattern never matches non-empty)
                self.masks[literal] = self.masks.get(literal, 0) | 1 << number
        # Every phrase pattern must be read (none has a literal to wait for); vacuous for a
        # rule of line patterns only, whose stories may still be ruled out by their openings.
        self.read_all = bool(phrases) and self.unconditional == self.everyone

        openings = [_OPENINGS(pattern, flags) for pattern in [*lines, *phrases]]
        self.line_test = all(opening is not None for opening in openings)
        prefixes = frozenset().union(*(o[0] for o in openings if o is not None))
        anywhere = frozenset().union(*(o[1] for o in openings if o is not None))
        if not default_filler:
            # Custom filler may push the opening anywhere: its literals count anywhere.
            anywhere, prefixes = anywhere | prefixes, frozenset()
        self.line_prefixes, self.line_anywhere = prefixes, anywhere
        _SCAN.register([*self.masks, *anywhere], prefixes)

    @staticmethod
    def _needed(pattern: str, flags: int) -> frozenset[str] | None:
        return _NEEDED(pattern, flags)

    @staticmethod
    def _work_out_needed(pattern: str, flags: int) -> frozenset[str] | None:
        """The literals one of which every non-empty match of ``pattern`` contains: those it
        must contain or those it must open with, whichever set is the rarer."""
        items = _parse(pattern, flags)
        if items is None:
            return None
        contained = _sequence_literals(items)
        opening = _opening(items, [256])
        if opening is not None and not (opening[0] or opening[1]):
            return frozenset()  # only an empty match is possible
        best: set[str] | None = set(contained) if contained else None
        if opening is not None:
            started = set(opening[0] | opening[1])
            if best is None or _score(started) > _score(best):
                best = started
        return frozenset(best) if best is not None else None

    def candidates(self, lowered: str | None) -> int:
        """A bit mask of the phrase patterns that may match the paragraph."""
        if lowered is None or self.read_all or not self.everyone:
            return self.everyone
        found = _found(lowered, _SCAN.version)
        bits = self.unconditional
        if found:
            masks = self.masks
            for literal in masks.keys() & found:
                bits |= masks[literal]
        return bits

    def absent_from(self, story: tuple[frozenset[str], frozenset[str]] | None, lines_too: bool) -> bool:
        """Whether no paragraph of a story whose paragraphs hold the literals ``story`` (found
        anywhere, opening a paragraph) can match a phrase or open with a line pattern."""
        return not self.phrases_in(story) and not (lines_too and self.lines_in(story))

    def phrases_in(self, story: tuple[frozenset[str], frozenset[str]] | None) -> bool:
        """Whether a phrase pattern may match somewhere in the story (``False`` proves that
        :meth:`candidates` is 0 for each of its paragraphs)."""
        if story is None or self.read_all or self.unconditional:
            return bool(self.everyone)
        return not self.masks.keys().isdisjoint(story[0])

    def lines_in(self, story: tuple[frozenset[str], frozenset[str]] | None) -> bool:
        """Whether a paragraph of the story may open with a pattern (``False`` proves that
        :meth:`may_open` is false for each of its paragraphs)."""
        if story is None or not self.line_test:
            return True
        found, opened = story
        return not (self.line_prefixes.isdisjoint(opened) and self.line_anywhere.isdisjoint(found))

    def for_story(self, story: tuple[frozenset[str], frozenset[str]]) -> tuple:
        """What :meth:`candidates` and :meth:`may_open` need for the paragraphs of a story whose
        literals are ``story`` (see :meth:`story_candidates`, :meth:`story_may_open`): only the
        literals the story holds are looked for in a paragraph, with a plain substring test."""
        found, opened = story
        phrase_literals = tuple((literal, self.masks[literal]) for literal in self.masks.keys() & found)
        return (phrase_literals, self.line_prefixes & opened, tuple(self.line_anywhere & found))

    def story_candidates(self, lowered: str, story: tuple) -> int:
        """:meth:`candidates` for a paragraph (``lowered``) of the story of ``story``."""
        if self.read_all or not self.everyone:
            return self.everyone
        bits = self.unconditional
        for literal, mask in story[0]:
            if literal in lowered:  # a registered literal is in the paragraph's scan iff so
                bits |= mask
        return bits

    def story_may_open(self, text: str, lowered: str, story: tuple) -> bool:
        """:meth:`may_open` for a paragraph of the story of ``story``."""
        if not self.line_test:
            return True
        _, prefixes, anywhere = story
        if prefixes and not prefixes.isdisjoint(_opened(text, _SCAN.version)):
            return True
        return any(literal in lowered for literal in anywhere)

    def may_open(self, text: str, lowered: str | None) -> bool:
        """Whether a line or phrase pattern may match where the paragraph's opening punctuation
        and filler end (``False`` proves that ``_opens_with_match`` is false)."""
        if lowered is None or not self.line_test:
            return True
        if self.line_prefixes and not self.line_prefixes.isdisjoint(_opened(text, _SCAN.version)):
            return True
        return bool(self.line_anywhere) and not self.line_anywhere.isdisjoint(_found(lowered, _SCAN.version))


# Worked out from parse trees, a tenth of a second for the bundled rules at every start: kept in
# the cache folder across runs, keyed by pattern and flags.
_NEEDED = cache.Memo("boilerplate-needed", _Prefilter._work_out_needed)
_OPENINGS = cache.Memo("boilerplate-openings", opening_literals)


# -- white space around a stray paragraph ----------------------------------------------------
# In a CMS JSON string, white space is written as escapes ("\\n"), and a quotation mark ends the
# string unless a backslash escapes it. The scans below move over whole escapes only: they start
# at a block's edge, which is never inside one.
_SPACE = " \t\r\n"
_JSON_SPACE = compile_re(r"(?:[ \t\r\n]|\\[nrt]|\\u00(?:0[9aAdD]|20))*")
_JSON_SPACE_ESCAPE = compile_re(r"\\(?:[nrt]|u00(?:0[9aAdD]|20))\Z")


def _space_after(source: str, index: int, in_json: bool) -> int:
    """Where the white space that starts at ``index`` ends."""
    if in_json:
        return _JSON_SPACE.match(source, index).end()
    while index < len(source) and source[index] in _SPACE:
        index += 1
    return index


def _space_before(source: str, index: int, in_json: bool) -> int:
    """Where the white space that ends at ``index`` starts."""
    while index > 0:
        if source[index - 1] in _SPACE:
            index -= 1
            continue
        if not in_json:
            break
        for width in (2, 6):  # "\\n", "\\u000a": an escape, unless its backslash is itself escaped
            begin = index - width
            if begin >= 0 and _JSON_SPACE_ESCAPE.match(source, begin, index) and not _escaped(source, begin):
                index = begin
                break
        else:
            break
    return index


def _escaped(source: str, index: int) -> bool:
    """Whether the character at ``index`` follows an odd run of backslashes (is escaped)."""
    run = 0
    while index - run - 1 >= 0 and source[index - run - 1] == "\\":
        run += 1
    return run % 2 == 1


def _field_ends(source: str, index: int, in_json: bool) -> bool:
    """Whether ``index`` is the end of the text: of the source, or of a CMS JSON string."""
    if not in_json:
        return index >= len(source)
    return index >= len(source) or source[index] == '"'  # after whole escapes: the closing quote


def _field_starts(source: str, index: int, in_json: bool) -> bool:
    """Whether ``index`` is the start of the text: of the source, or of a CMS JSON string."""
    if not in_json:
        return index <= 0
    return index <= 0 or (source[index - 1] == '"' and not _escaped(source, index - 1))


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
        # Each phrase pattern on its own too, so that a paragraph is only searched with the
        # patterns whose literals it contains (see _Prefilter).
        self.phrase_list = [self._combine([pattern], bounded, flags) for pattern in patterns]
        self.prefilter = _Prefilter(patterns, line_patterns, flags, default_filler=not options.get("filler"))
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
        if not validating():
            return patterns  # an unchanged rule file, checked when it was first loaded
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
        lines_too = self.whole and not self.repair
        prefilter, longest = self.prefilter, self.max_line_length
        story = _story_literals(paragraphs)
        # None of the literals the phrase patterns need, or that a stray line opens with, is
        # anywhere in the story: those paragraph-by-paragraph tests would all say no.
        phrases_here = prefilter.phrases_in(story)
        lines_here = lines_too and prefilter.lines_in(story)
        if not (phrases_here or lines_here):
            yield from self._byline(article)
            return
        # The literals the story holds, to look for paragraph by paragraph (no paragraph then
        # holds a character whose case folding the literals cannot stand for).
        known = prefilter.for_story(story) if story is not None else None
        for position, block in enumerate(paragraphs):
            if self.allow and self._allowed(position, count):
                continue
            text = block.text
            lowered = _lowered(text)
            if known is None:
                candidates = prefilter.candidates(lowered) if phrases_here else 0
                could_open = lines_here and len(text) <= longest and prefilter.may_open(text, lowered)
            else:
                candidates = prefilter.story_candidates(lowered, known) if phrases_here else 0
                could_open = lines_here and len(text) <= longest and prefilter.story_may_open(text, lowered, known)
            phrase_matches = self._phrase_matches(text, candidates) if candidates else []
            could_be_line = could_open and self._opens_with_match(text)
            if not (phrase_matches or could_be_line):
                continue
            if could_be_line and self._whole(text) and not self._opens_quotation(article, block):
                yield self._stray_line(article, block)
                continue
            if self.inline:
                for match in phrase_matches:
                    yield from self._inline(article, block, match)
        yield from self._byline(article)

    def _phrase_matches(self, text: str, candidates: int) -> list[re.Match[str]]:
        """Non-overlapping matches in ``text`` of the phrase patterns in the bit mask
        ``candidates`` (the others cannot match), leftmost first, longest on a tie."""
        found: list[re.Match[str]] = []
        while candidates:
            lowest = candidates & -candidates
            candidates ^= lowest
            matcher = self.phrase_list[lowest.bit_length() - 1]
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
        """The whole paragraph, with a fix that deletes it and the blank line after it (or, for
        the last paragraph of a field, the blank line before it).

        Only the paragraph's own text and white space next to it are removed, never markup: a
        Markdown heading or list marker, an HTML tag other than the paragraph's own ``<p>``, or
        the JSON around a CMS field stays byte for byte. In CMS JSON the white space is that of
        the field's string value (``\\n`` escapes), and the deletion never leaves the string.
        """
        source = article.source
        start, end = block.source_start, block.source_end
        in_json = article.format == "cms-json"
        markup = article.format
        if in_json:
            markup = article.meta.get("body_format", "text") if block.field == "body" else "text"
        edit = Edit(start, end, "")
        if markup in ("text", "markdown"):
            stop = _space_after(source, end, in_json)
            if _field_ends(source, stop, in_json):
                # The last paragraph: take the blank line before it instead, keeping the end.
                begin = _space_before(source, start, in_json)
                edit = Edit(start, stop, "") if _field_starts(source, begin, in_json) else Edit(begin, end, "")
            else:
                edit = Edit(start, stop, "")
        elif markup == "html":
            opening = source.rfind("<", 0, start)
            element = _HTML_PARAGRAPH.fullmatch(source, opening, start) if opening >= 0 else None
            if element and source[end:end + 4].lower() == "</p>":
                # The whole <p>...</p> and the line break after it.
                edit = Edit(opening, _space_after(source, end + 4, in_json), "")
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
