"""``substitution``: a word or phrase that the house style writes another way."""

from __future__ import annotations

import re
from typing import Iterable

from ..article import Article
from ._matching import (WORD_END, WORD_START, PhraseFinder, WordGate, blocks_with_candidates, match_case, match_needs,
                        phrase_pattern)
from ..patterns import UserPattern, candidate_finder, compile_re, required_text
from .base import LintContext, Match, RuleConfigError, RuleType


class Substitution(RuleType):
    """``swap`` maps what is written to what the house style expects; each match carries the
    expected text as its fix. Keys are phrases matched on word boundaries, or regular
    expressions when ``regex: true`` (then ``\\1`` in a value refers to a group).
    """

    name = "substitution"
    options_schema = {
        "swap": {"type": "object", "additionalProperties": {"type": "string"}, "minProperties": 1},
        "ignorecase": {"type": "boolean"},
        "regex": {"type": "boolean"},
        "exceptions": {"type": "array", "items": {"type": "string"}},
    }
    required_options = ("swap",)

    def __init__(self, spec) -> None:
        super().__init__(spec)
        options = spec.options
        self.ignorecase = bool(options.get("ignorecase", False))
        self.regex = bool(options.get("regex", False))
        flags = re.IGNORECASE if self.ignorecase else 0
        swap: dict[str, str] = dict(options["swap"])
        self.exceptions = {e.lower() for e in options.get("exceptions", ())}
        if self.regex:
            # One combined matcher; each alternative in a named group tells which key matched.
            self.patterns: list[tuple[UserPattern, str]] = []
            branches = []
            for index, (key, value) in enumerate(swap.items()):
                try:
                    compiled = UserPattern(key, ignorecase=self.ignorecase)
                except re.error as error:
                    raise RuleConfigError(f"bad regular expression {key!r}: {error}", f"swap.{key}") from None
                self.patterns.append((compiled, value))
                branches.append(f"(?P<k{index}>(?:{key}))")
            # The word-boundary check stands once in front, not in every branch.
            self.matcher = UserPattern(f"{WORD_START}(?:{'|'.join(branches)}){WORD_END}", ignorecase=self.ignorecase)
            # The boundaries need lookarounds, so the matcher runs under a time budget rather
            # than on RE2; the keys alone often run on RE2, which rules most stories out at once.
            self.candidates = candidate_finder("|".join(f"(?:{key})" for key in swap), ignorecase=self.ignorecase)
            # Or, cheaper still, text every match of some key must contain (" (" for "(EPA)").
            literals = [required_text(key) for key in swap] if not self.ignorecase else [None]
            self.literals = tuple(literals) if None not in literals else None
            # Per key, texts its every match holds (one of each set): a sentence holding all of
            # them for no key cannot match, which rules out most sentences before the matcher,
            # a lookaround pattern under a time budget, is run on them one by one.
            self.sentence_needs = match_needs(swap) if not self.ignorecase else None
        else:
            self.table = {(k.lower() if self.ignorecase else k): v for k, v in swap.items()}
            self.matcher = compile_re(phrase_pattern(swap, ignorecase=self.ignorecase), flags)
            self.candidates = None
            self.literals = None
            self.sentence_needs = None
        # Words of at least one key an article must hold for this rule to find anything in it.
        self.triggers = None if self.regex else WordGate(swap)
        # Then one RE2 search of the article for any key (once the rule has been busy).
        self.finder = None if self.regex else PhraseFinder(swap, ignorecase=self.ignorecase)

    def _blocks_to_search(self, article: Article) -> Iterable:
        """The blocks of the rule's scope that may hold a match of a regex key: each is searched
        on its own (the authors' lookarounds must not see past it), so most are ruled out first."""
        blocks = self.blocks(article)
        if self.candidates is not None:
            return blocks_with_candidates(blocks, self.candidates)
        if self.sentence_needs is None:
            return blocks
        may_match = self.sentence_needs.may_match
        return [block for block in blocks if may_match(block.text)]

    def _expected(self, found: re.Match[str]) -> str:
        text = found.group()
        if self.regex:
            index = int(found.lastgroup[1:])
            pattern, value = self.patterns[index]
            whole = pattern.fullmatch(text)
            return whole.expand(value) if whole else value
        key = " ".join(text.split())
        value = self.table[key.lower() if self.ignorecase else key]
        return match_case(text, value) if self.ignorecase else value

    def check(self, article: Article, context: LintContext) -> Iterable[Match]:
        if self.triggers is not None and not self.triggers.admits(article.vocabulary):
            return
        if self.literals is not None and not any(literal in article.all_text for literal in self.literals):
            return
        if self.candidates is not None and self.candidates.search(article.all_text) is None:
            return
        if self.sentence_needs is not None and not self.sentence_needs.may_match(article.all_text):
            return
        if self.finder is not None and not self.finder.may_hold(article.all_text):
            return
        if not self.regex:
            # Our own pattern of words and spaces: the scope's blocks can be searched in one go.
            for block, start, end, text in article.find_in_scope(self.spec.scope, self.matcher.finditer):
                if not text or text.lower() in self.exceptions:
                    continue
                key = " ".join(text.split())
                value = self.table[key.lower() if self.ignorecase else key]
                expected = match_case(text, value) if self.ignorecase else value
                if expected != text:
                    yield Match(block, start, end, actual=text, expected=expected, replacement=expected)
            return
        for block in self._blocks_to_search(article):
            for found in self.matcher.finditer(block.text):
                text = found.group()
                if not text or text.lower() in self.exceptions:
                    continue
                expected = self._expected(found)
                if expected == text:
                    continue
                yield Match(block, found.start(), found.end(), actual=text, expected=expected, replacement=expected)
