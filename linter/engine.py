"""The pure core: an article and rules in, findings out. No I/O happens here."""

from __future__ import annotations

import html
import json
import string
from typing import Any, Iterable, Mapping, Sequence

from .article import Article
from .findings import Applicability, Edit, Finding, Fix, Severity
from .patterns import DEFAULT_BUDGET, PatternTimeout, end_budget, start_budget
from .ruletypes.base import LintContext, Match, RuleType

_FORMATTER = string.Formatter()


class _Placeholders(dict):
    """Leaves an unknown ``{placeholder}`` in a message as it is instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def format_message(template: str, values: Mapping[str, Any]) -> str:
    try:
        return _FORMATTER.vformat(template, (), _Placeholders(values))
    except (ValueError, IndexError, AttributeError):
        return template


def escape_replacement(text: str, source_format: str, body_format: str | None = None) -> str:
    """Replacement prose as it must be written into a source of this format (a CMS JSON body in
    HTML is escaped twice: as HTML, then as a JSON string)."""
    if source_format == "html" or (source_format == "cms-json" and body_format == "html"):
        text = html.escape(text, quote=False)
    if source_format == "cms-json":
        return json.dumps(text, ensure_ascii=False)[1:-1]
    return text


def _finding(rule: RuleType, match: Match, article: Article) -> Finding:
    spec = rule.spec
    start, end = match.block.source_span(match.start, match.end)
    values = {"actual": match.actual or match.block.text[match.start:match.end], "expected": match.expected or ""}
    if match.data:
        values.update(match.data)
    message = format_message(match.message or spec.message, values)
    fix = None
    if match.edits is not None or match.replacement is not None:
        applicability = match.applicability or spec.fix or Applicability.DISPLAY
        if match.edits is not None:
            edits = tuple(sorted(match.edits))
        else:
            body_format = article.meta.get("body_format") if match.block.field == "body" else None
            edits = (Edit(start, end, escape_replacement(match.replacement, article.format, body_format)),)
        if applicability is not Applicability.DISPLAY and not spec.fix_in_quotes:
            # Never edit a direct quotation unless the rule says it may: show the fix instead.
            if any(article.in_quotation(e.start, e.end) for e in edits):
                applicability = Applicability.DISPLAY
        fix = Fix(edits, applicability)
    return Finding(
        rule=spec.id,
        category=spec.category,
        severity=spec.severity,
        message=message,
        start=start,
        end=end,
        field=match.block.field,
        fix=fix,
        link=spec.link,
    )


def lint(article: Article, rules: Iterable[RuleType], context: LintContext | None = None) -> list[Finding]:
    """Run ``rules`` over ``article`` and return its findings in source order."""
    context = context or LintContext()
    # A second per rule, plus half a second per megabyte: a long archive file is not hostile.
    budget = float(context.settings.get("pattern_budget", DEFAULT_BUDGET)) + len(article.source) / 2_000_000
    findings: dict[tuple[str, int, int], Finding] = {}
    for rule in rules:
        spec = rule.spec
        if spec.styles and context.style not in spec.styles:
            continue
        previous = start_budget(budget)
        try:
            found = [_finding(rule, match, article) for match in rule.check(article, context)]
        except PatternTimeout as error:
            # A hostile or careless pattern: say which rule, drop its partial findings, go on.
            found = [_rule_failure(spec, f"rule {spec.id} ran out of time on this document: {error}; "
                                         "its pattern backtracks too much and needs rewriting")]
        finally:
            end_budget(previous)
        suppressions = article.suppressions
        for finding in found:
            if suppressions and any(s.covers(finding.rule, finding.start) for s in suppressions):
                continue
            findings.setdefault((finding.rule, finding.start, finding.end), finding)
    return sorted(findings.values(), key=lambda f: f.sort_key)


def _rule_failure(spec, message: str) -> Finding:
    return Finding(rule=spec.id, category="rule-error", severity=Severity.ERROR, message=message,
                   start=0, end=0, field="body", link=spec.link)


def count_by_severity(findings: Sequence[Finding]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.severity.value] = counts.get(finding.severity.value, 0) + 1
    return counts
