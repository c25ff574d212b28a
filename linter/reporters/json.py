"""The JSON report (the contract in shared/eval/README.md; fields may be added, never renamed).

    {"version": 1, "files": [
     {"path": "story.txt", "findings": [
      {"rule": "...", "category": "...", "severity": "error", "message": "...",
       "start": 1509, "end": 1525, "line": 9, "column": 1, "end_line": 9, "end_column": 17,
       "fix": {"replacement": "", "applicability": "safe", "edits": [...]}, "field": "body",
       "link": null}]},
     {"path": "broken.json", "error": "...", "findings": []}]}

Every file given is listed. Offsets are 0-based code points into the source; lines and columns
are 1-based, and ``end_line``/``end_column`` locate the exclusive end. One finding per output
line keeps a large report readable and greppable while staying one JSON document.
"""

from __future__ import annotations

import json  # absolute import: the standard library module, not this one
from typing import Any, Sequence

from ..findings import Finding, Fix
from ..results import FileResult
from . import locate_finding

VERSION = 1


def render(results: Sequence[FileResult], *, color: bool = False) -> str:
    files = [file_entry(result) for result in results]
    if not files:
        return _dumps({"version": VERSION, "files": []}) + "\n"
    lines = ['{"version": %d, "files": [' % VERSION]
    for index, entry in enumerate(files):
        block = _file_lines(entry)
        block[-1] += "," if index < len(files) - 1 else "]}"
        lines.extend(" " + line for line in block)
    return "\n".join(lines) + "\n"


def report(results: Sequence[FileResult]) -> dict[str, Any]:
    """The report as a Python object (what :func:`render` serialises)."""
    return {"version": VERSION, "files": [file_entry(result) for result in results]}


def file_entry(result: FileResult) -> dict[str, Any]:
    entry: dict[str, Any] = {"path": result.path}
    if result.error is not None:
        entry["error"] = result.error
    entry["findings"] = [finding_entry(result, finding) for finding in result.findings]
    return entry


def finding_entry(result: FileResult, finding: Finding) -> dict[str, Any]:
    span = locate_finding(result, finding)
    return {
        "rule": finding.rule,
        "category": finding.category,
        "severity": finding.severity.value,
        "message": finding.message,
        "start": finding.start,
        "end": finding.end,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
        "fix": fix_entry(finding.fix),
        "field": finding.field,
        "link": finding.link,
    }


def fix_entry(fix: Fix | None) -> dict[str, Any] | None:
    if fix is None:
        return None
    return {
        "replacement": fix.replacement,
        "applicability": fix.applicability.value,
        "edits": [{"start": e.start, "end": e.end, "text": e.text} for e in sorted(fix.edits)],
    }


def _file_lines(entry: dict[str, Any]) -> list[str]:
    """One file object over several lines: its head, then one finding per line."""
    head = _dumps({key: value for key, value in entry.items() if key != "findings"})[:-1]
    findings = entry["findings"]
    if not findings:
        return [head + ', "findings": []}']
    lines = [head + ', "findings": [']
    lines.extend(" " + _dumps(finding) + "," for finding in findings)
    lines[-1] = lines[-1][:-1] + "]}"
    return lines


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
