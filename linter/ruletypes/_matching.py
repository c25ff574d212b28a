"""Combined matchers: one regular expression per rule and scope, however many entries it has.

A list of literal phrases becomes a trie-shaped pattern, so matching cost grows with the length
of the text and the depth of the trie, not with the number of phrases.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate
from typing import TYPE_CHECKING, Iterable, Sequence

from .. import cache
from ..patterns import compile_re, re2_searcher

if TYPE_CHECKING:
    from ..article import Block

# A phrase boundary that treats letters, digits and apostrophes inside words as word characters.
WORD_START = r"(?<![\w’'])"
# A word may end before a possessive ("the judgement's"), but not inside a contraction ("don't").
WORD_END = r"(?:(?=['’]s\b)|(?![\w’']))"


_PHRASE_WORD = compile_re(r"\w+")
_DOTTED_INITIALS = compile_re(r"(?:[A-Za-z]\.){2,}")
# Words too common to tell whether a phrase can be in a story.
_COMMON_WORDS = frozenset(
    "a an and are as at be been but by for from had has have he her his i in is it its not of on "
    "or our she so that the their them they this to up was we were what when which who will with "
    "you out all one off get got".split()
)


def required_words(phrases: Iterable[str], *, common: frozenset[str] = frozenset()) -> frozenset[str] | None:
    """For each phrase, one word it cannot match without (its longest uncommon word, as the
    likeliest to be rare; ``common`` adds words a caller knows to be frequent in its phrases), case-folded as :attr:`Article.vocabulary` holds words; None when some phrase has no
    such word. Phrases match on word boundaries, so each word of a phrase is a whole word of the
    text it matches: an article whose vocabulary holds none of these words has no match."""
    words: set[str] = set()
    for phrase in phrases:
        if _DOTTED_INITIALS.fullmatch(phrase.strip()) and len(phrase.strip()) <= 16:
            words.add(phrase.replace(".", "").strip().casefold())  # "N.Y.P.D." as the vocabulary spells it
            continue
        candidates = [word for word in _PHRASE_WORD.findall(phrase) if word.isascii()]
        if not candidates:
            return None
        folded = [word.casefold() for word in candidates]
        words.add(max(folded, key=lambda word: (word not in _COMMON_WORDS and word not in common, len(word))))
    return frozenset(words)


def _trie_pattern(words: Iterable[str]) -> str:
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:
        if "" in node and len(node) == 1:
            return ""
        optional = "" in node
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if len(branches) == 1 and not optional:
            return branches[0]
        body = "(?:" + "|".join(branches) + ")"
        return body + "?" if optional else body

    return emit(trie)


# Building the trie of a long list takes a while at every start: kept in the cache folder.
_TRIES = cache.Memo("phrase-tries", lambda items: _trie_pattern(items))


def trie_pattern(words: Iterable[str]) -> str:
    """The trie-shaped alternation of ``words`` (longest first at each position), no escaping
    of spaces, no word boundaries; worked out once per machine for a given list."""
    return _TRIES(tuple(sorted(set(words))))


def phrase_pattern(phrases: Iterable[str], *, ignorecase: bool = False, word_boundaries: bool = True) -> str:
    """One pattern matching any of ``phrases`` (longest first at each position).

    Spaces in a phrase match any run of white space, so a phrase still matches across a line
    break in the source.
    """
    items = sorted({p.lower() if ignorecase else p for p in phrases if p})
    if not items:
        return r"(?!x)x"
    body = _TRIES(tuple(items))
    body = body.replace(r"\ ", r"\s+")
    if word_boundaries:
        body = WORD_START + "(?:" + body + ")" + WORD_END
    return body


# What Python's \s matches (str.isspace), spelt for RE2, whose own \s is ASCII only.
_RE2_SPACE_RUN = r"[\t\n\x0b\f\r\x1c-\x1f\x85\p{Z}]+"


class PhraseFinder:
    """A quick answer to "can any of these phrases be in this text?" for a phrase matcher
    (:func:`phrase_pattern`): the same trie on RE2, without the word boundaries (which RE2
    lacks), searched once over a whole article. No hit, no match; a hit only means the real
    matcher must run. Built on first need after ``warm_up`` articles got that far, so a
    one-story run never pays for compiling it. Only for phrases of ASCII text, whose case-blind
    matching RE2 shares with Python except for a few letters (see ``_FOLDS_TO_ASCII``), in
    whose presence the answer is always yes."""

    def __init__(self, phrases: Iterable[str], *, ignorecase: bool, warm_up: int = 8) -> None:
        self.items = tuple(sorted({p.lower() if ignorecase else p for p in phrases if p}))
        self.ignorecase = ignorecase
        self.usable = bool(self.items) and all(item.isascii() for item in self.items)
        self._left = warm_up
        self._search = None

    def may_hold(self, text: str) -> bool:
        """False only if no phrase can match anywhere in ``text``."""
        if not self.usable:
            return True
        search = self._search
        if search is None:
            if self._left > 0:
                self._left -= 1  # (a count lost to a race only delays the build)
                return True
            search = self._search = self._build()
            if search is None:
                self.usable = False
                return True
        if self.ignorecase and not text.isascii():
            for char in _FOLDS_TO_ASCII:
                if char in text:
                    return True
        return search(text) is not None

    def _build(self):
        body = _TRIES(self.items).replace(r"\ ", _RE2_SPACE_RUN)
        return re2_searcher(body, ignorecase=self.ignorecase)


def compile_phrases(phrases: Iterable[str], *, ignorecase: bool = False, word_boundaries: bool = True) -> re.Pattern[str]:
    flags = re.IGNORECASE if ignorecase else 0
    return compile_re(phrase_pattern(phrases, ignorecase=ignorecase, word_boundaries=word_boundaries), flags)


def match_case(actual: str, expected: str) -> str:
    """Carry the capitalisation of ``actual`` over to ``expected`` ("Per cent" -> "Percent")."""
    if actual.isupper() and len(actual) > 1 and expected.lower() == expected:
        return expected.upper()
    if actual[:1].isupper() and expected[:1].islower():
        return expected[:1].upper() + expected[1:]
    return expected


def _phrase_words(phrase: str, common: frozenset[str]) -> tuple[str, frozenset[str]] | None:
    """(the word :func:`required_words` picks, every word the phrase needs) for one phrase, or
    None when it has no such word."""
    if _DOTTED_INITIALS.fullmatch(phrase.strip()) and len(phrase.strip()) <= 16:
        letters = phrase.replace(".", "").strip().casefold()
        return letters, frozenset((letters,))
    folded = [word.casefold() for word in _PHRASE_WORD.findall(phrase) if word.isascii()]
    if not folded:
        return None
    key = max(folded, key=lambda word: (word not in _COMMON_WORDS and word not in common, len(word)))
    return key, frozenset(folded)


def _gate_entries(phrases: tuple[str, ...], common: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]] | None, ...]:
    """For each phrase, (the word to look it up by, every word it needs), or None when it needs
    no word. The word is the rarest in English (wordfreq), so that few stories hold it and the
    gate looks at few phrases: the longest uncommon word, when wordfreq is not installed."""
    from ..wordtables import english_frequencies

    table = english_frequencies()
    common_words = frozenset(common)
    out: list[tuple[str, tuple[str, ...]] | None] = []
    for phrase in phrases:
        found = _phrase_words(phrase, common_words)
        if found is None:
            out.append(None)
            continue
        key, words = found
        if table is not None and len(words) > 1:
            key = min(sorted(words), key=lambda word: (table.get(word, 0.0) or 0.0, -len(word)))
        out.append((key, tuple(sorted(words))))
    return tuple(out)


# Looking up each word's frequency at every start would cost more than the gate saves: the
# entries of a phrase list are worked out once per machine.
_GATE_ENTRIES = cache.Memo("word-gate-entries", _gate_entries)


class WordGate:
    """Whether an article's vocabulary holds every word of at least one of ``phrases``.

    A phrase matched on word boundaries needs each of its words (each ASCII ``\\w+`` run, as
    :func:`required_words` reasons) as a whole word of the text. Each phrase is filed under its
    rarest word, so the words of a story pick the few phrases to look at, and a set comparison
    settles each: no scan of the text, and a cost that hardly grows with the list.
    """

    def __init__(self, phrases: Iterable[str], *, common: frozenset[str] = frozenset()) -> None:
        self._by_word: dict[str, set[frozenset[str]]] = {}
        self._common = tuple(sorted(common))
        self.always = False  # some phrase has no word to look for: every story may match
        self.triggers: frozenset[str] = frozenset()
        self.add(phrases)

    def add(self, phrases: Iterable[str]) -> None:
        """File more phrases (a rule joining a shared matcher)."""
        phrases = tuple(sorted(set(phrases)))
        if not phrases:
            return
        for entry in _GATE_ENTRIES(phrases, self._common):
            if entry is None:
                self.always = True
                continue
            key, words = entry
            self._by_word.setdefault(key, set()).add(frozenset(words))
        self.triggers = frozenset(self._by_word)

    def admits(self, vocabulary: frozenset[str]) -> bool:
        """False only if no phrase can match in a story with this vocabulary."""
        if self.always:
            return True
        for word in self.triggers.intersection(vocabulary):
            for words in self._by_word[word]:
                if words <= vocabulary:
                    return True
        return False


def required_texts(pattern: str, *, ascii_only: bool = False) -> tuple[frozenset[str], ...]:
    """What every match of ``pattern`` (matched case-sensitively) contains: a tuple of sets, each
    holding strings one of which is in the match; empty when nothing is known. A stretch of the
    pattern that can only match a few literal strings counts ("[Cc]ould of" is "Could of" or
    "could of"), and so do alternatives that each hold such a stretch, so "([Cc]ould|[Mm]ust)
    of(?! course)" needs one of "Could of", "could of", "Must of", "must of". Lookarounds are
    passed over (what they look at is not part of the match). ``ascii_only``: only needs made of
    ASCII strings."""
    from re import _constants as c
    from re import _parser

    try:
        parsed = _parser.parse(pattern, 0)
    except re.error:
        return ()
    if parsed.state.flags & (re.IGNORECASE | re.VERBOSE):
        return ()  # (?i) or (?x) at the start: the literals are not what matches

    def plain_group(op, value) -> bool:
        return op is c.SUBPATTERN and value[1] == 0 and value[2] == 0  # a group without flags

    def strings(items) -> set[str] | None:
        """Every string ``items`` can match, if they are literal text with a few choices."""
        found = {""}
        for op, value in items:
            if op is c.LITERAL:
                options = {chr(value)}
            elif op is c.IN and all(kind is c.LITERAL for kind, _ in value) and len(value) <= 4:
                options = {chr(char) for _, char in value}
            elif plain_group(op, value):
                options = strings(value[-1])
            elif op is c.BRANCH:
                parts = [strings(alternative) for alternative in value[1]]
                options = None if None in parts else set().union(*parts)
            else:
                return None
            if options is None or len(found) * len(options) > _MAX_CHOICES:
                return None
            found = {head + tail for head in found for tail in options}
        return found

    def walk(sequence) -> list[frozenset[str]]:
        needs: list[frozenset[str]] = []
        run: set[str] = {""}

        def end_run() -> None:
            if min(map(len, run)) >= 2 and not (ascii_only and not all(map(str.isascii, run))):
                needs.append(frozenset(run))
            run.clear()
            run.add("")

        def visit(items) -> None:
            nonlocal run
            for op, value in items:
                options = strings([(op, value)])
                if options is not None:
                    if len(run) * len(options) > _MAX_CHOICES:
                        end_run()
                    run = {head + tail for head in run for tail in options}
                elif plain_group(op, value):
                    visit(value[-1])
                elif op is c.AT:  # zero width: the run goes on
                    continue
                elif op is c.BRANCH:
                    end_run()
                    # One requirement per alternative (its longest), so the set stays flat.
                    best = [max(walk(alternative), key=lambda need: min(map(len, need)), default=None)
                            for alternative in value[1]]
                    if all(best) and sum(map(len, best)) <= _MAX_CHOICES:
                        needs.append(frozenset().union(*best))
                else:
                    end_run()

        visit(sequence)
        end_run()
        return needs

    return tuple(walk(parsed.data))


def match_needs(patterns: Iterable[str], *, ignorecase: bool = False) -> "TextNeeds | None":
    """A :class:`TextNeeds` for matches of any of ``patterns``, or None when some pattern (or
    some alternative of a pattern's top-level ``|``) needs no text we can name."""
    alternatives: list[tuple[frozenset[str], ...]] = []
    for pattern in patterns:
        needs = _BRANCH_NEEDS(pattern, ignorecase)
        if needs is None:
            return None
        alternatives.extend(needs)
    return TextNeeds(tuple(alternatives), ignorecase) if alternatives else None


def _branch_needs(pattern: str, ignorecase: bool) -> tuple[tuple[frozenset[str], ...], ...] | None:
    """What each alternative of ``pattern``'s top level needs (see :func:`match_needs`)."""
    out = []
    # A top-level "a|b|c" is split, so that each alternative keeps all it needs.
    for branch in _split_top_level(pattern):
        needs = required_texts(branch, ascii_only=ignorecase)
        if ignorecase:
            # Lower-cased text holds an ASCII need lower-cased (see TextNeeds).
            needs = tuple(frozenset(part.lower() for part in need) for need in needs)
        if not needs:
            return None
        out.append(needs)
    return tuple(out)


# Working the needs out parses every pattern of a rule, at every start: kept in the cache folder.
_BRANCH_NEEDS = cache.Memo("pattern-needs", _branch_needs)


def _split_top_level(pattern: str) -> list[str]:
    """``pattern`` cut at each ``|`` outside groups and classes; [pattern] if that fails."""
    try:
        if _parser_flags(pattern) & (re.IGNORECASE | re.VERBOSE | re.MULTILINE | re.DOTALL):
            return [pattern]  # a global flag up front would stay with the first part only
    except re.error:
        return [pattern]
    parts, depth, start, index, in_class = [], 0, 0, 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern[index + 1:index + 2] == "^":
                index += 1
            if pattern[index + 1:index + 2] == "]":
                index += 1  # a leading "]" is a member
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:index])
            start = index + 1
        index += 1
    parts.append(pattern[start:])
    try:
        for part in parts:
            re.compile(part)
    except re.error:
        return [pattern]
    return parts


def _parser_flags(pattern: str) -> int:
    from re import _parser

    return _parser.parse(pattern, 0).state.flags


# Characters that match an ASCII letter case-blind but lower-case to something else.
_FOLDS_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")


class TextNeeds:
    """Texts a match must hold, as alternatives (one per pattern or top-level ``|`` branch),
    each a tuple of sets of strings one of which is in the match: a cheap test that a text
    cannot match, run before a pattern with lookarounds is searched block by block.

    Case-blind (``ignorecase``): needs are ASCII and lower-cased, and the text is lower-cased;
    a text holding a character that matches an ASCII letter but lower-cases otherwise ("ſ",
    the Kelvin sign, dotted and dotless i) is never ruled out."""

    def __init__(self, alternatives: tuple[tuple[frozenset[str], ...], ...], ignorecase: bool) -> None:
        # Longest strings first: the likeliest to be missing, so a failing test stops soonest.
        self.alternatives = tuple(tuple(sorted(needs, key=lambda need: -min(map(len, need))))
                                  for needs in alternatives)
        self.ignorecase = ignorecase

    def may_match(self, text: str) -> bool:
        """False only if no match can be in ``text``. (Plain loops: this runs per block.)"""
        if self.ignorecase:
            if not text.isascii():
                for char in _FOLDS_TO_ASCII:
                    if char in text:
                        return True
            text = text.lower()
        for needs in self.alternatives:
            for need in needs:
                for part in need:
                    if part in text:
                        break
                else:
                    break  # this need is not met: the next alternative
            else:
                return True
        return False


# At most this many strings stand for one stretch of a pattern in :func:`required_texts`.
_MAX_CHOICES = 64


def blocks_with_candidates(blocks: Sequence["Block"], finder) -> list["Block"]:
    """The blocks among ``blocks`` in which ``finder`` (a pattern with no anchors, lookarounds
    or word boundaries, such as :func:`linter.patterns.candidate_finder` gives) matches, found
    with one search of the blocks joined by line breaks instead of one search per block.

    Such a pattern matches a block's text wherever it matches the same characters in the joined
    text. Matches are found leftmost first without overlap, so a match inside one block may be
    hidden by an earlier match that runs over it; but then that earlier match covers the
    hidden one's start, so every block a found match touches is kept.
    """
    texts = [block.text for block in blocks]
    ends = list(accumulate(len(text) + 1 for text in texts))  # each block's end, past its line break
    kept: set[int] = set()
    for found in finder.finditer("\n".join(texts)):
        start, end = found.span()
        first = bisect_right(ends, start)
        last = bisect_right(ends, max(end - 1, start))
        kept.update(range(first, min(last, len(texts) - 1) + 1))
    return [blocks[index] for index in sorted(kept)]
