"""Combined matchers: one regular expression per rule and scope, however many entries it has.

A list of literal phrases becomes a trie-shaped pattern, so matching cost grows with the length
of the text and the depth of the trie, not with the number of phrases.
"""

from __future__ import annotations

import re
from typing import Iterable

from .. import cache
from ..patterns import compile_re

# A phrase boundary that treats letters, digits and apostrophes inside words as word characters.
WORD_START = r"(?<![\w’'])"
# A word may end before a possessive ("the judgement's"), but not inside a contraction ("don't").
WORD_END = r"(?:(?=['’]s\b)|(?![\w’']))"


_PHRASE_WORD = re.compile(r"\w+")
_DOTTED_INITIALS = re.compile(r"(?:[A-Za-z]\.){2,}")
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
