"""``occurrence``: too many (or too few) of something in one scope, such as words in a sentence."""

from __future__ import annotations

import re
from typing import Iterable

from ..article import Article
from ..patterns import UserPattern
from .base import LintContext, Match, RuleConfigError, RuleType


def _runs_of_one_class(token: str, ignorecase: bool) -> bool:
    """Whether ``token`` is one character class repeated (``[\\w'’-]+``): its matches are runs
    that never touch (one ends where a character outside the class stands), so a text of
    ``n`` characters holds at most ``(n + 1) // 2`` of them."""
    from re import _constants as c, _parser

    try:
        items = _parser.parse(token, re.IGNORECASE if ignorecase else 0)
    except re.error:
        return False
    if len(items.data) != 1:
        return False
    op, value = items.data[0]
    if op is not c.MAX_REPEAT:  # greedy: a lazy or possessive repeat is not assumed here
        return False
    low, high, body = value
    return low == 1 and high is c.MAXREPEAT and len(body.data) == 1 and body.data[0][0] in (c.IN, c.LITERAL, c.NOT_LITERAL, c.ANY)


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
        ignorecase = bool(options.get("ignorecase"))
        try:
            self.token = UserPattern(options["token"], ignorecase=ignorecase)
        except re.error as error:
            raise RuleConfigError(f"bad regular expression: {error}", "token") from None
        self.max = options.get("max")
        self.min = options.get("min")
        # A block too short to hold more than ``max`` matches need not be counted (most
        # sentences, for a sentence-length rule): only for a rule with no ``min`` to check, and
        # a token whose matches are separated runs, so that the length bounds their number.
        self.shortest_over_max: int | None = None
        if self.max is not None and not self.min and _runs_of_one_class(options["token"], ignorecase):
            self.shortest_over_max = 2 * self.max + 1

    def check(self, article: Article, context: LintContext) -> Iterable[Match]:
        shortest = self.shortest_over_max
        for block in self.blocks(article):
            if shortest is not None and len(block.text) < shortest:
                continue  # at most (length + 1) // 2 <= max matches
            count = self.token.count(block.text)
            if self.max is not None and count > self.max:
                yield Match(block, 0, len(block.text), actual=str(count), expected=str(self.max))
            elif self.min is not None and count < self.min:
                yield Match(block, 0, len(block.text), actual=str(count), expected=str(self.min))
