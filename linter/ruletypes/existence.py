"""``existence``: flag words, phrases or patterns that should not appear."""

from __future__ import annotations

import re
from typing import Iterable

from ..article import Article
from ._matching import phrase_pattern
from ..patterns import UserPattern
from .base import LintContext, Match, RuleConfigError, RuleType


class Existence(RuleType):
    """Reports every match of ``tokens`` (phrases on word boundaries) or ``patterns`` (regular
    expressions) in the rule's scope, except those listed in ``exceptions``.

    A rule that names a ``replacement`` offers it as the fix (``""`` removes the match). With
    ``skip_quotes: true`` a match inside a direct quotation is not reported (words a speaker may
    use but the reporter may not: "clearly", "admitted").
    """

    name = "existence"
    options_schema = {
        "tokens": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "patterns": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "ignorecase": {"type": "boolean"},
        "exceptions": {"type": "array", "items": {"type": "string"}},
        "replacement": {"type": "string"},
        "skip_quotes": {"type": "boolean"},
    }

    def __init__(self, spec) -> None:
        super().__init__(spec)
        options = spec.options
        if not options.get("tokens") and not options.get("patterns"):
            raise RuleConfigError("an existence rule needs 'tokens' or 'patterns'", "tokens")
        ignorecase = bool(options.get("ignorecase", False))
        # Phrases become one trie-shaped expression of our own; the authors' patterns run on a
        # linear-time engine or under a time budget (see linter.patterns).
        self.matchers: list = []
        if options.get("tokens"):
            self.matchers.append(re.compile(phrase_pattern(options["tokens"], ignorecase=ignorecase),
                                            re.IGNORECASE if ignorecase else 0))
        patterns = list(options.get("patterns", ()))
        for index, pattern in enumerate(patterns):
            try:
                re.compile(pattern)
            except re.error as error:
                raise RuleConfigError(f"bad regular expression {pattern!r}: {error}", f"patterns.{index}") from None
        if patterns:
            self.matchers.append(UserPattern("|".join(f"(?:{p})" for p in patterns), ignorecase=ignorecase))
        exceptions = options.get("exceptions", ())
        self.exceptions = {e.lower() for e in exceptions} if ignorecase else set(exceptions)
        self.ignorecase = ignorecase
        self.replacement = options.get("replacement")
        self.skip_quotes = bool(options.get("skip_quotes", False))

    def check(self, article: Article, context: LintContext) -> Iterable[Match]:
        for block in self.blocks(article):
            for found in (m for matcher in self.matchers for m in matcher.finditer(block.text)):
                if found.start() == found.end():
                    continue
                text = found.group()
                if (text.lower() if self.ignorecase else text) in self.exceptions:
                    continue
                if self.skip_quotes and article.in_quotation(*block.source_span(found.start(), found.end())):
                    continue
                yield Match(block, found.start(), found.end(), actual=text, replacement=self.replacement)
