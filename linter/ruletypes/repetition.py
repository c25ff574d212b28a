"""``repetition``: a word typed twice in a row ("the the")."""

from __future__ import annotations

import re
from typing import Iterable

from ..article import Article
from ..patterns import compile_re
from .base import LintContext, Match, RuleType

_DOUBLED = compile_re(r"(?<![\w’'])(?P<word>[^\W\d_][\w’']*)(?P<gap>[ \t]+|[ \t]*\r?\n[ \t]*)(?P=word)(?![\w’'-])", re.IGNORECASE)

# A quick test that a text may hold a doubled word, run on the lower-cased article once: most
# stories have none, and ``_DOUBLED`` (a lookbehind and a case-blind back-reference tried at every
# position, with Unicode classes) costs three times as much. It finds every doubling ``_DOUBLED``
# finds, and a few more: the attempt starts only after a character that is not an ASCII word
# character (a space, punctuation, any non-ASCII character; the text is searched with a space in
# front), a "word" is any run of ASCII word characters, apostrophes and non-ASCII characters
# (a superset of ``[\w’']``), the gap any run of blanks and line breaks, and the second copy must
# be the same lower-cased text, not followed by an ASCII word character, apostrophe or hyphen.
# Possessive runs: a doubling spans whole words, so giving characters back never helps.
_MAYBE_DOUBLED = compile_re(r"[^a-z0-9_']([a-z0-9_'\x80-\U0010ffff]++)[ \t\r\n]++\1(?![a-z0-9_'-])")
# str.lower() lower-cases a character as the case-blind back-reference does, except "İ" (which
# becomes two characters) and "Σ" (final sigma depends on the next letter): with either, no test.
_LOWER_UNLIKE_RE = ("\u0130", "\u03a3")


def may_hold_doubled_word(text: str) -> bool:
    """False only if ``_DOUBLED`` finds nothing in ``text`` (see ``_MAYBE_DOUBLED``)."""
    if any(char in text for char in _LOWER_UNLIKE_RE):
        return True
    return _MAYBE_DOUBLED.search(" " + text.lower()) is not None


class Repetition(RuleType):
    """Reports a word repeated back to back; the fix deletes the second copy. ``exceptions``
    lists doublings that are correct English ("had had", "that that"). A doubling capitalised
    twice is a name or a title ("Duran Duran"), never a slip."""

    name = "repetition"
    options_schema = {"exceptions": {"type": "array", "items": {"type": "string"}}}

    def __init__(self, spec) -> None:
        super().__init__(spec)
        self.exceptions = {e.lower() for e in spec.options.get("exceptions", ())}

    def check(self, article: Article, context: LintContext) -> Iterable[Match]:
        blocks = self.blocks(article)
        # One test on the blocks joined by line breaks (a doubling lies within one block) rules most out.
        if not may_hold_doubled_word("\n".join(block.text for block in blocks)):
            return
        for block in blocks:
            for found in _DOUBLED.finditer(block.text):
                word = found.group("word")
                second = found.group()[len(found.group()) - len(word):]
                if word.lower() in self.exceptions:
                    continue
                if word[0].isupper() and second[0].isupper():
                    continue  # "Duran Duran", "Bora Bora", "Spend Spend Spend": names and titles

                # Delete the gap and the second copy, keeping the first as written.
                yield Match(block, found.start(), found.end(), actual=found.group(), expected=word, replacement=word)
