"""``occurrence``: too many (or too few) of something in one scope, such as words in a sentence."""

from __future__ import annotations

import re
from typing import Iterable

from ..article import Article
from ..patterns import UserPattern
from .base import LintContext, Match, RuleConfigError, RuleType


class Occurrence(RuleType):
    """Counts matches of ``token`` in each block of the scope and reports a block whose count is
    above ``max`` or below ``min``. ``{actual}`` is the count, ``{expected}`` the limit."""

    name = "occurrence"
    options_schema = {
        "token": {"type": "string", "minLength": 1},
        "max": {"type": "integer", "minimum": 0},
        "min": {"type": "integer", "minimum": 0},
        "ignorecase": {"type": "boolean"},
    }
    required_options = ("token",)

    def __init__(self, spec) -> None:
        super().__init__(spec)
        options = spec.options
        if "max" not in options and "min" not in options:
            raise RuleConfigError("an occurrence rule needs 'max' or 'min'", "max")
        try:
            self.token = UserPattern(options["token"], ignorecase=bool(options.get("ignorecase")))
        except re.error as error:
            raise RuleConfigError(f"bad regular expression: {error}", "token") from None
        self.max = options.get("max")
        self.min = options.get("min")

    def check(self, article: Article, context: LintContext) -> Iterable[Match]:
        for block in self.blocks(article):
            count = self.token.count(block.text)
            if self.max is not None and count > self.max:
                yield Match(block, 0, len(block.text), actual=str(count), expected=str(self.max))
            elif self.min is not None and count < self.min:
                yield Match(block, 0, len(block.text), actual=str(count), expected=str(self.min))
