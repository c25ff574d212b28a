"""A configured linter: rules loaded once, then any number of sources checked or fixed.

This is the one object the CLI, the language server and the HTTP service share; it does no I/O
beyond loading rule files when it is made.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Sequence

from .article import Article
from .config import Config
from .engine import FRONT_MATTER_RULE, lint
from .findings import Applicability, Finding
from .fixes import FixResult, fix_until_stable
from .loading import RuleSet, load_rules
from .readers import read_article
from .ruletypes.base import LintContext, RuleType


def _rule_set(dirs: tuple[Path, ...]) -> RuleSet:
    """The rules of the bundled packs and ``dirs``, loaded once per process and again when a
    rule or data file changes (a long-running daemon, language server or service sees edits)."""
    return _rule_set_as_of(dirs, _stamp(dirs))


@lru_cache(maxsize=16)
def _rule_set_as_of(dirs: tuple[Path, ...], stamp: tuple) -> RuleSet:
    return load_rules(dirs)


def forget_rule_sets() -> None:
    """Load rules afresh on next use."""
    _rule_set_as_of.cache_clear()


def _stamp(dirs: tuple[Path, ...]) -> tuple:
    from .loading import bundled_rules_dir

    stamps = []
    for root in (bundled_rules_dir(), *dirs):
        for path in sorted(Path(root).rglob("*.y*ml")):
            try:
                info = path.stat()
            except OSError:
                continue
            stamps.append((str(path), info.st_mtime_ns, info.st_size))
    return tuple(stamps)


class Linter:
    """Rules selected by a :class:`Config`, ready to run."""

    def __init__(self, config: Config | None = None, rules: Sequence[RuleType] | None = None) -> None:
        self.config = config or Config()
        available = rules if rules is not None else _rule_set(tuple(self.config.rule_dirs)).rules
        known = {"ap", "chicago", "british"} | {style for rule in available for style in rule.spec.styles}
        if self.config.style not in known:
            from .config import ConfigError

            where = f"{self.config.path}: " if self.config.path else ""
            raise ConfigError(f"{where}unknown house style {self.config.style!r} (known: {', '.join(sorted(known))})")
        # A tuple: the engine keeps its plan for a rule sequence it has seen (see engine._units).
        self.rules: tuple[RuleType, ...] = tuple(
            rule for rule in self.config.apply(available)
            if not rule.spec.styles or self.config.style in rule.spec.styles
        )
        settings = dict(self.config.settings)
        if self.config.languagetool_url:
            settings.setdefault("languagetool_url", self.config.languagetool_url)
        self.context = LintContext(style=self.config.style, settings=settings)
        # The built-in broken-front-matter warning can be switched off like a rule.
        self.reports_front_matter = self.config.selects(FRONT_MATTER_RULE, True)

    def check_article(self, article: Article, *, deadline: float | None = None) -> list[Finding]:
        """Findings for ``article``; past ``deadline`` (a ``time.monotonic()`` time) the run stops
        with :class:`~linter.engine.DeadlineExceeded`."""
        return lint(article, self.rules, self.context, deadline=deadline, front_matter=self.reports_front_matter)

    def check(
        self, source: str, format: str = "text", path: str | None = None, *, deadline: float | None = None
    ) -> tuple[Article, list[Finding]]:
        article = read_article(source, format, path)
        return article, self.check_article(article, deadline=deadline)

    def fix(
        self, source: str, format: str = "text", minimum: Applicability = Applicability.SAFE,
        *, deadline: float | None = None,
    ) -> FixResult:
        """Apply fixes at or above ``minimum`` until the text stops changing."""
        return fix_until_stable(source, lambda text: self.check(text, format, deadline=deadline)[1], minimum)

    def fails(self, findings: Sequence[Finding]) -> bool:
        """Whether any finding reaches ``fail_on``."""
        if self.config.fail_on == "never":
            return False
        from .findings import Severity

        floor = Severity(self.config.fail_on).rank
        return any(f.severity.rank >= floor for f in findings)
