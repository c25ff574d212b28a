"""``repetition``: a word typed twice in a row ("the the")."""

from __future__ import annotations

import re
from typing import Iterable

from ..article import Article
from .base import LintContext, Match, RuleType

_DOUBLED = re.compile(r"(?<![\w’'])(?P<word>[^\W\d_][\w’']*)(?P<gap>[ \t]+|[ \t]*\r?\n[ \t]*)(?P=word)(?![\w’'-])", re.IGNORECASE)


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
        for block in self.blocks(article):
            for found in _DOUBLED.finditer(block.text):
                word = found.group("word")
                second = found.group()[len(found.group()) - len(word):]
                if word.lower() in self.exceptions:
                    continue
                if word[0].isupper() and second[0].isupper():
                    continue  # "Duran Duran", "Bora Bora", "Spend Spend Spend": names and titles

                # Delete the gap and the second copy, keeping the first as written.
                yield Match(block, found.start(), found.end(), actual=found.group(), expected=word, replacement=word)
