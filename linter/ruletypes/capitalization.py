"""``capitalization``: headline case by house style (AP: sentence case; others: title case)."""

from __future__ import annotations

import re
from typing import Iterable

from ..article import Article
from ..patterns import compile_re
from .base import LintContext, Match, RuleType

_WORD = compile_re(r"[A-Za-z][\w’'\-]*")
# Words a title-case headline keeps lower case unless first or last (Chicago 8.159, AP).
SMALL_WORDS = frozenset(
    "a an the and but or nor for so yet at by in of on to up as via per from into onto with over vs".split()
)


def _is_acronym_or_mixed(word: str) -> bool:
    """"NATO", "iPhone", "McCarthy": written this way on purpose. Each part of a hyphenated word
    is judged alone, so "Information-Sharing" is ordinary title case."""
    return any((part.isupper() and len(part) > 1) or any(c.isupper() for c in part[1:]) for part in word.split("-") if part)


def _recase(word: str, change) -> str:
    return "-".join(change(part) if part else part for part in word.split("-"))


class Capitalization(RuleType):
    """``match: title`` expects each major word capitalised; ``match: sentence`` expects only the
    first word and proper nouns. Sentence case cannot know proper nouns, so its suggestion keeps
    ``exceptions`` and acronyms and is offered as a display fix for the editor to judge."""

    name = "capitalization"
    default_scope = "headline"
    options_schema = {
        "match": {"enum": ["title", "sentence"]},
        "exceptions": {"type": "array", "items": {"type": "string"}},
        "threshold": {"type": "number", "minimum": 0, "maximum": 1},
        "min_words": {"type": "integer", "minimum": 1},
    }
    required_options = ("match",)

    def __init__(self, spec) -> None:
        super().__init__(spec)
        options = spec.options
        self.mode = options["match"]
        self.exceptions = set(options.get("exceptions", ()))
        self.threshold = options.get("threshold", 0.6)
        self.min_words = options.get("min_words", 4)

    def _title(self, words: list[re.Match[str]], text: str) -> str:
        out, cursor = [], 0
        for position, found in enumerate(words):
            word = found.group()
            out.append(text[cursor:found.start()])
            first_or_last = position in (0, len(words) - 1)
            if word.lower() in SMALL_WORDS and not first_or_last:
                out.append(word if _is_acronym_or_mixed(word) else word.lower())
            elif word in self.exceptions or _is_acronym_or_mixed(word):
                out.append(word)
            else:
                out.append(_recase(word, lambda p: p[0].upper() + p[1:]))
            cursor = found.end()
        out.append(text[cursor:])
        return "".join(out)

    def _sentence(self, words: list[re.Match[str]], text: str) -> str:
        out, cursor = [], 0
        for position, found in enumerate(words):
            word = found.group()
            out.append(text[cursor:found.start()])
            if position == 0 or word in self.exceptions or _is_acronym_or_mixed(word):
                out.append(word)
            else:
                out.append(_recase(word, lambda p: p[0].lower() + p[1:]))
            cursor = found.end()
        out.append(text[cursor:])
        return "".join(out)

    def check(self, article: Article, context: LintContext) -> Iterable[Match]:
        for block in self.blocks(article):
            text = block.text
            words = list(_WORD.finditer(text))
            if len(words) < self.min_words:
                continue
            if self.mode == "title":
                expected = self._title(words, text)
            else:
                later = [w.group() for w in words[1:] if w.group().lower() not in SMALL_WORDS]
                capitalised = [w for w in later if w[0].isupper() and not _is_acronym_or_mixed(w)]
                # Only a headline in title case is wrong: a few capitalised proper nouns are fine.
                if not later or len(capitalised) / len(later) < self.threshold:
                    continue
                expected = self._sentence(words, text)
            if expected != text:
                yield Match(block, 0, len(text), actual=text, expected=expected, replacement=expected)
