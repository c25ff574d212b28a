"""``existence``: flag words, phrases or patterns that should not appear."""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from typing import Iterable

from ..article import Article, Block
from ..patterns import compile_re
from ._matching import PhraseFinder, WordGate, match_needs, phrase_pattern
from .base import LintContext, Match, RuleConfigError, RuleType, combined_pattern


def _key(text: str, ignorecase: bool) -> str:
    folded = " ".join(text.split())
    return folded.lower() if ignorecase else folded


class SharedPhrases:
    """The phrase lists of every existence rule with the same scope and case rule, matched in
    one pass per article, so that ten times as many rules do not cost ten times the time.

    Each rule then takes the matches of its own phrases. A match of a longer phrase also counts
    for a rule whose phrase is a leading part of it ("in the wake" inside "in the wake of").
    """

    _registry: dict[tuple[str, bool], "SharedPhrases"] = {}
    _lock = threading.Lock()

    def __init__(self, scope: str, ignorecase: bool) -> None:
        self.scope = scope
        self.ignorecase = ignorecase
        self.phrases: set[str] = set()
        self._matcher: re.Pattern[str] | None = None
        self._finder: PhraseFinder | None = None  # made with the matcher
        self._prefixes: dict[str, tuple[str, ...]] = {}
        self._local = threading.local()
        # Whether an article holds every word of some phrase (see WordGate); None: no test.
        self.triggers: WordGate | None = WordGate(())
        self._owners: dict[tuple[int, ...], dict[str, list["Existence"]]] = {}

    @classmethod
    def for_scope(cls, scope: str, ignorecase: bool) -> "SharedPhrases":
        with cls._lock:
            found = cls._registry.get((scope, ignorecase))
            if found is None:
                found = cls._registry[(scope, ignorecase)] = cls(scope, ignorecase)
            return found

    def add(self, phrases: Iterable[str]) -> None:
        with self._lock:
            new = {_key(p, self.ignorecase) for p in phrases} - self.phrases
            if new:
                self.phrases |= new
                self._matcher = None  # rebuilt on next use
                if self.triggers is not None:
                    self.triggers.add(new)

    def _compiled(self) -> tuple[re.Pattern[str], dict[str, tuple[str, ...]]]:
        matcher = self._matcher
        if matcher is not None:  # the common case, without taking the lock
            return matcher, self._prefixes
        with self._lock:
            if self._matcher is None:
                flags = re.IGNORECASE if self.ignorecase else 0
                self._matcher = compile_re(phrase_pattern(self.phrases, ignorecase=self.ignorecase), flags)
                # Each phrase's leading parts that are phrases too ("in the wake" of "in the wake of"),
                # looked up word by word rather than compared with every other phrase.
                self._prefixes = {}
                for phrase in self.phrases:
                    words = phrase.split(" ")
                    shorter = tuple(part for part in (" ".join(words[:n]) for n in range(1, len(words))) if part in self.phrases)
                    if len(words) > 1:
                        self._prefixes[phrase] = shorter
                self._local = threading.local()  # matches cached for the old matcher are stale
                self._finder = PhraseFinder(self.phrases, ignorecase=self.ignorecase)
            return self._matcher, self._prefixes

    def owners(self, rules: list["Existence"]) -> dict[str, list["Existence"]]:
        """Phrase key -> the rules among ``rules`` listing it (kept for the same list of rules)."""
        key = tuple(map(id, rules))
        found = self._owners.get(key)
        if found is None:
            found = defaultdict(list)
            for rule in rules:
                for phrase in rule.token_keys:
                    found[phrase].append(rule)
            found = dict(found)
            with self._lock:
                if len(self._owners) > 64:  # rule sets come and go in a long-running service
                    self._owners.clear()
                self._owners[key] = found
        return found

    def matches(self, article: Article) -> dict[str, list[tuple[Block, int, int]]]:
        """Matches in ``article``'s blocks of this scope by phrase key; computed once per article
        and thread."""
        matcher, prefixes = self._compiled()
        cached = getattr(self._local, "last", None)
        if cached is not None and cached[0] is article:
            return cached[1]
        found: dict[str, list[tuple[Block, int, int]]] = defaultdict(list)
        if self.triggers is not None and not self.triggers.admits(article.vocabulary):
            self._local.last = (article, found)  # none of the phrases' words is in the article
            return found
        if not self._finder.may_hold(article.all_text):
            self._local.last = (article, found)  # none of the phrases is in the article
            return found
        for block, start, end, text in article.find_in_scope(self.scope, matcher.finditer):
            if start == end:
                continue
            key = _key(text, self.ignorecase)
            found[key].append((block, start, end))
            for shorter in prefixes.get(key, ()):
                # The shorter phrase's span: its words are the leading words of this match.
                words = len(shorter.split())
                stop = start
                for part in re.finditer(r"\S+", text):
                    words -= 1
                    if words == 0:
                        stop = start + part.end()
                        break
                found[shorter].append((block, start, stop))
        self._local.last = (article, found)
        return found


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
        tokens = options.get("tokens") or ()
        self.shared = SharedPhrases.for_scope(spec.scope, ignorecase) if tokens else None
        self.token_keys = frozenset(_key(t, ignorecase) for t in tokens)
        if self.shared is not None:
            self.shared.add(tokens)
        combined = combined_pattern(list(options.get("patterns", ())), "patterns", ignorecase=ignorecase)
        if combined is not None:
            self.matchers.append(combined)
        # Text the patterns' matches hold ("needs to", one of "claimed", "admitted"): a block
        # without it is not searched (the patterns run under a time budget, block by block).
        self.pattern_needs = match_needs(options.get("patterns", ()), ignorecase=ignorecase) if combined else None
        exceptions = options.get("exceptions", ())
        self.exceptions = {e.lower() for e in exceptions} if ignorecase else set(exceptions)
        self.ignorecase = ignorecase
        self.replacement = options.get("replacement")
        self.skip_quotes = bool(options.get("skip_quotes", False))
        # Rules made only of phrases share their scope's matcher, so the engine checks them together.
        self.group = ("existence", spec.scope, ignorecase) if self.shared is not None and not self.matchers else None

    @classmethod
    def check_group(cls, rules: list["Existence"], article: Article, context: LintContext) -> Iterable[tuple["Existence", Match]]:
        """One pass of the shared matcher, then each match goes to the rules whose phrase it is:
        the cost follows the matches, not the number of rules."""
        shared = rules[0].shared
        found = shared.matches(article)
        if not found:
            return
        owners = shared.owners(rules)
        for key in found.keys() & owners.keys():
            for rule in owners[key]:
                for block, start, end in found[key]:
                    for match in rule._report(article, block, start, end):
                        yield rule, match

    def check(self, article: Article, context: LintContext) -> Iterable[Match]:
        if self.shared is not None:
            shared = self.shared.matches(article)
            for key in (self.token_keys & shared.keys()) if shared else ():
                for block, start, end in shared[key]:
                    yield from self._report(article, block, start, end)
        if not self.matchers:
            return
        needs = self.pattern_needs
        if needs is not None and not needs.may_match(article.all_text):
            return  # every block's text is in the article's
        blocks = self.blocks(article)
        if needs is not None:
            blocks = [block for block in blocks if needs.may_match(block.text)]
        for matcher in self.matchers:
            for block in blocks:
                for found in matcher.finditer(block.text):
                    if found.start() != found.end():
                        yield from self._report(article, block, found.start(), found.end())

    def _report(self, article: Article, block: Block, start: int, end: int) -> Iterable[Match]:
        text = block.text[start:end]
        if (text.lower() if self.ignorecase else text) in self.exceptions:
            return
        if self.skip_quotes and article.in_quotation(*block.source_span(start, end)):
            return
        yield Match(block, start, end, actual=text, replacement=self.replacement)
