"""Rule types: one module per kind of check, each implementing :class:`RuleType`."""

from .base import LintContext, Match, RuleConfigError, RuleSpec, RuleType

__all__ = ["LintContext", "Match", "RuleConfigError", "RuleSpec", "RuleType"]
