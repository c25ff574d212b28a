"""Reporters: one module per output format, each with
``render(results, *, color=False) -> str`` returning the whole report.

Modules are imported only when their format is asked for. This package deliberately does not
``import json`` at module level: importing the ``linter.reporters.json`` submodule binds the name
``json`` in this namespace and would shadow the standard library module.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Sequence

from ..findings import Applicability, Finding, Severity
from ..results import FileResult

#: Format name -> module implementing ``render(results, *, color=False) -> str``.
REPORTERS = {
    "text": "linter.reporters.text",
    "json": "linter.reporters.json",
    "sarif": "linter.reporters.sarif",
    "github": "linter.reporters.github",
    "line": "linter.reporters.line",
}

#: The format used when none is asked for.
DEFAULT_FORMAT = "text"


def render(format: str, results: Sequence[FileResult], *, color: bool = False) -> str:
    """The report for ``results`` in ``format`` (a key of :data:`REPORTERS`)."""
    try:
        module_name = REPORTERS[format]
    except KeyError:
        raise ValueError(f"unknown output format {format!r} (known: {', '.join(REPORTERS)})") from None
    return importlib.import_module(module_name).render(results, color=color)


# -- helpers shared by the reporters --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Span:
    """1-based start and exclusive end of a finding: ``end_column`` is the column of the
    character just after the span. Columns count code points."""

    line: int
    column: int
    end_line: int
    end_column: int


def locate(result: FileResult, start: int, end: int) -> Span:
    """Line and column of the source span ``[start, end)`` of ``result``'s article."""
    line, column = result.position(start)
    end_line, end_column = result.position(end)
    return Span(line, column, end_line, end_column)


def locate_finding(result: FileResult, finding: Finding) -> Span:
    return locate(result, finding.start, finding.end)


def is_fixable(finding: Finding, minimum: Applicability = Applicability.SAFE) -> bool:
    """Whether ``--fix`` (at ``minimum``) would apply this finding's fix; display fixes never are."""
    fix = finding.fix
    return (
        fix is not None
        and fix.applicability is not Applicability.DISPLAY
        and fix.applicability.rank >= minimum.rank
    )


#: Severities from the most to the least serious, the order summaries list them in.
SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.SUGGESTION)
