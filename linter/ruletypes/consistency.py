"""``consistency``: one spelling per article ("adviser" or "advisor", not both)."""

from __future__ import annotations

import re
from typing import Iterable

from ..article import Article
from ..patterns import compile_re
from ._matching import WORD_END, WORD_START, match_case, required_words
from .base import LintContext, Match, RuleType


class Consistency(RuleType):
    """``either`` maps pairs of variants. When an article uses both, every use of the variant
    that appeared second is reported, with the first-used variant as its fix."""

    name = "consistency"
    default_scope = "text"
    options_schema = {
        "either": {"type": "object", "additionalProperties": {"type": "string"}, "minProperties": 1},
        "ignorecase": {"type": "boolean"},
    }
    required_options = ("either",)

    def __init__(self, spec) -> None:
        super().__init__(spec)
        flags = re.IGNORECASE if spec.options.get("ignorecase", True) else 0
        # (first form, second form, matcher, first words both forms need to be in the article)
        self.pairs = [
            (a, b, compile_re(f"{WORD_START}(?:(?P<a>{re.escape(a)})|(?P<b>{re.escape(b)})){WORD_END}", flags),
             required_words([a]), required_words([b]))
            for a, b in spec.options["either"].items()
        ]

    def check(self, article: Article, context: LintContext) -> Iterable[Match]:
        blocks = self.blocks(article)
        vocabulary = article.vocabulary
        for first_form, second_form, pattern, needs_a, needs_b in self.pairs:
            if (needs_a is not None and needs_a.isdisjoint(vocabulary)) or (needs_b is not None and needs_b.isdisjoint(vocabulary)):
                continue  # one form is missing, so the story cannot use both
            uses = [(block, found) for block in blocks for found in pattern.finditer(block.text)]
            kinds = {found.lastgroup for _, found in uses}
            if len(kinds) < 2:
                continue
            winner = uses[0][1].lastgroup
            expected = first_form if winner == "a" else second_form
            for block, found in uses:
                if found.lastgroup != winner:
                    text = found.group()
                    yield Match(block, found.start(), found.end(), actual=text, expected=expected,
                                replacement=match_case(text, expected))
