"""copydesk: an editorial linter with automated corrections for news stories.

The public API is small::

    from linter import Linter, read_article

    linter = Linter()
    article, findings = linter.check(open("story.md").read(), "markdown")
"""

from .article import Article, Block, TextMap
from .config import Config, ConfigError, load_config
from .engine import lint
from .findings import Applicability, Edit, Finding, Fix, Severity
from .fixes import FixResult, apply_fixes, fix_until_stable
from .linting import Linter
from .loading import RuleLoadError, load_rules
from .readers import ReadError, read_article
from .ruletypes.base import LintContext, Match, RuleConfigError, RuleSpec, RuleType

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
