"""The pure core: an article and rules in, findings out. No I/O happens here."""

from __future__ import annotations

import html
import json
import string
import time
from bisect import bisect_right
from operator import attrgetter
from typing import Any, Iterable, Mapping, Sequence

from .article import Article, TextMap
from .findings import Applicability, Edit, Finding, Fix, Severity
from .patterns import DEFAULT_BUDGET, PatternTimeout, end_budget, start_budget
from .ruletypes.base import LintContext, Match, RuleType

_FORMATTER = string.Formatter()
_TEXT_START = attrgetter("text_start")

#: The rule ID of the finding for broken Markdown front matter (not a YAML rule: the reader
#: finds the problem, and every adapter shows it like any other finding).
FRONT_MATTER_RULE = "copydesk.front-matter"


class DeadlineExceeded(TimeoutError):
    """The caller's deadline for a lint passed: the run stopped between rules (or inside a rule's
    pattern budget) instead of carrying on with nobody waiting for its answer."""


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
        if (applicability is not Applicability.DISPLAY and match.edits is None
                and _crosses_markup(match.block.map, match.start, match.end, article.source)):
            # The prose runs through markup ("5 <em>per</em> cent", "**per** cent"): replacing the
            # whole source span would destroy the markup, so the fix is only shown.
            applicability = Applicability.DISPLAY
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


def _crosses_markup(tmap: TextMap, start: int, end: int, source: str) -> bool:
    """Whether text ``[start, end)`` comes from source that is not prose alone: markup sits
    between its pieces (a tag, ``**``), or a piece of it is a tag standing for text (``<br>`` for
    a line break). Entities and escapes are pieces of their own that touch their neighbours, so
    they do not count. Runs for every fix, so it is a binary search plus a walk over the few
    pieces the span covers."""
    pieces = tmap.pieces
    if not pieces or end - start < 2:
        return False
    index = max(bisect_right(pieces, start, key=_TEXT_START) - 1, 0)
    last = len(pieces) - 1
    while True:
        piece = pieces[index]
        if (piece.text_start < end and start < piece.text_end and source.startswith("<", piece.source_start)
                and piece.source_end - piece.source_start != piece.text_end - piece.text_start):
            return True  # a tag read as text: "<br>" as a line break
        if index >= last or piece.text_end >= end:
            return False
        if pieces[index + 1].source_start != piece.source_end:
            return True
        index += 1


def lint(
    article: Article,
    rules: Iterable[RuleType],
    context: LintContext | None = None,
    *,
    deadline: float | None = None,
    front_matter: bool = True,
) -> list[Finding]:
    """Run ``rules`` over ``article`` and return its findings in source order.

    ``deadline`` (a :func:`time.monotonic` time) stops the run with :class:`DeadlineExceeded`
    once it passes: it is checked before each rule, and no rule's pattern budget reaches past it.
    ``front_matter`` reports Markdown front matter the reader could not use
    (:data:`FRONT_MATTER_RULE`).
    """
    context = context or LintContext()
    # A second per rule, plus half a second per megabyte: a long archive file is not hostile.
    budget = float(context.settings.get("pattern_budget", DEFAULT_BUDGET)) + len(article.source) / 2_000_000
    findings: dict[tuple[str, int, int], Finding] = {}
    problem = article.meta.get("front_matter_error") if front_matter else None
    if problem:
        finding = front_matter_finding(article, problem)
        findings[(finding.rule, finding.start, finding.end)] = finding
    for unit in _units(rules, context.style):
        rule = unit[0]
        spec = rule.spec
        rule_budget, cut_short = budget, False
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise DeadlineExceeded(f"the lint stopped before rule {spec.id}: out of time")
            rule_budget, cut_short = min(budget, left), left < budget
        previous = start_budget(rule_budget, hard=cut_short)
        try:
            if len(unit) == 1:
                found = [_finding(rule, match, article) for match in rule.check(article, context)]
            else:
                found = [_finding(owner, match, article) for owner, match in type(rule).check_group(unit, article, context)]
        except PatternTimeout as error:
            # A budget cut to the time left ran out: that is the deadline (the pattern engine's
            # clock may fire a moment before ours reaches it).
            if cut_short or (deadline is not None and time.monotonic() >= deadline):
                raise DeadlineExceeded(f"the lint stopped in rule {spec.id}: out of time") from None
            # A hostile or careless pattern: say which rule, drop its partial findings, go on.
            found = [_rule_failure(r.spec, f"rule {r.spec.id} ran out of time on this document: {error}; "
                                           "its pattern backtracks too much and needs rewriting") for r in unit]
        finally:
            end_budget(previous)
        suppressions = article.suppressions
        for finding in found:
            if suppressions and any(s.covers(finding.rule, finding.start) for s in suppressions):
                continue
            findings.setdefault((finding.rule, finding.start, finding.end), finding)
    return sorted(findings.values(), key=lambda f: f.sort_key)


_UNITS: dict[tuple, list[list[RuleType]]] = {}


def _units(rules: Iterable[RuleType], style: str) -> list[list[RuleType]]:
    """The rules that apply in ``style``, in order, with rules of one type and ``group`` gathered
    into one unit (at the place of the first) for the type's ``check_group``. Kept per rule list:
    a linter checks many stories with the same rules. (The kept units hold the rules, so their
    ids cannot be reused by other objects while the entry exists.)"""
    if type(rules) is tuple:  # the same tuple again (a linter's): no need to look at each rule
        seen = _UNITS_BY_TUPLE.get((style, id(rules)))
        if seen is not None and seen[0] is rules:
            return seen[1]
    given = rules
    rules = tuple(rules)
    key = (style, tuple(map(id, rules)))
    units = _UNITS.get(key)
    if units is None:
        units = _group_units(rules, style)
        if len(_UNITS) >= 32:
            _UNITS.clear()
        _UNITS[key] = units
    if type(given) is tuple:
        if len(_UNITS_BY_TUPLE) >= 32:
            _UNITS_BY_TUPLE.clear()
        _UNITS_BY_TUPLE[(style, id(given))] = (given, units)  # holds the tuple: its id stays its own
    return units


_UNITS_BY_TUPLE: dict[tuple[str, int], tuple[tuple, list[list[RuleType]]]] = {}


def _group_units(rules: tuple[RuleType, ...], style: str) -> list[list[RuleType]]:
    units: list[list[RuleType]] = []
    groups: dict[tuple[type, Any], list[RuleType]] = {}
    for rule in rules:
        styles = rule.spec.styles
        if styles and style not in styles:
            continue
        group = rule.group
        if group is None:
            units.append([rule])
            continue
        key = (type(rule), group)
        unit = groups.get(key)
        if unit is None:
            unit = groups[key] = []
            units.append(unit)
        unit.append(rule)
    return units


def front_matter_finding(article: Article, problem: str) -> Finding:
    """The warning for Markdown front matter the reader could not use: the story was read as
    plain Markdown, so its headline, byline and other fields there were not checked as such."""
    # The span is the opening "---" line (the reader keeps no other span for broken front matter).
    source = article.source
    start = 1 if source.startswith("\ufeff") else 0
    end = source.find("\n", start)
    end = len(source) if end < 0 else end
    if end > start and source[end - 1] == "\r":
        end -= 1
    return Finding(
        rule=FRONT_MATTER_RULE, category="format", severity=Severity.WARNING,
        message=f"The {problem}; the story was read without it, so its fields were not checked.",
        start=start, end=end, field="body",
    )


def _rule_failure(spec, message: str) -> Finding:
    return Finding(rule=spec.id, category="rule-error", severity=Severity.ERROR, message=message,
                   start=0, end=0, field="body", link=spec.link)


def count_by_severity(findings: Sequence[Finding]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.severity.value] = counts.get(finding.severity.value, 0) + 1
    return counts
