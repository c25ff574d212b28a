"""copydesk: an editorial linter with automated corrections for news stories.

The public API is small::

    from linter import Linter, read_article

    linter = Linter()
    article, findings = linter.check(open("story.md").read(), "markdown")
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the names below, for type checkers and readers
    from .article import Article, Block, TextMap
    from .config import Config, ConfigError, load_config
    from .engine import lint
    from .findings import Applicability, Edit, Finding, Fix, Severity
    from .fixes import FixResult, apply_fixes, fix_until_stable
    from .linting import Linter
    from .loading import RuleLoadError, load_rules
    from .readers import ReadError, read_article
    from .ruletypes.base import LintContext, Match, RuleConfigError, RuleSpec, RuleType

# Where each public name lives. They are imported on first use (PEP 562), so that the
# ``copydesk`` command can hand a check to a running daemon without loading the linter at all.
_HOMES = {
    "Article": "article", "Block": "article", "TextMap": "article",
    "Config": "config", "ConfigError": "config", "load_config": "config",
    "lint": "engine",
    "Applicability": "findings", "Edit": "findings", "Finding": "findings", "Fix": "findings", "Severity": "findings",
    "FixResult": "fixes", "apply_fixes": "fixes", "fix_until_stable": "fixes",
    "Linter": "linting",
    "RuleLoadError": "loading", "load_rules": "loading",
    "ReadError": "readers", "read_article": "readers",
    "LintContext": "ruletypes.base", "Match": "ruletypes.base", "RuleConfigError": "ruletypes.base",
    "RuleSpec": "ruletypes.base", "RuleType": "ruletypes.base",
}


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'linter' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "Applicability",
    "Article",
    "Block",
    "Config",
    "ConfigError",
    "Edit",
    "Finding",
    "Fix",
    "FixResult",
    "LintContext",
    "Linter",
    "Match",
    "ReadError",
    "RuleConfigError",
    "RuleLoadError",
    "RuleSpec",
    "RuleType",
    "Severity",
    "TextMap",
    "apply_fixes",
    "fix_until_stable",
    "lint",
    "load_config",
    "load_rules",
    "read_article",
]
