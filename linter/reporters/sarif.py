"""SARIF 2.1.0, for code-scanning dashboards (GitHub code scanning, VS Code's SARIF viewer).

One run; a rule descriptor per rule that fired; a result per finding. Regions carry both
line/column and character offsets. SARIF columns are 1-based and their unit is set by
``run.columnKind``: copydesk counts code points, so it says ``unicodeCodePoints`` (and
``charOffset``/``charLength`` are code points too). Fixes other than ``display`` ones become SARIF
``fixes``. Files that could not be read are reported as tool execution notifications, and make
the invocation unsuccessful.
"""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import PurePath
from typing import Any, Sequence
from urllib.parse import quote

from ..findings import Applicability, Finding, Fix, Severity
from ..results import FileResult
from . import locate

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
TOOL_NAME = "copydesk"
READ_ERROR_ID = "read-error"

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.SUGGESTION: "note"}


def render(results: Sequence[FileResult], *, color: bool = False) -> str:
    return json.dumps(sarif_log(results), ensure_ascii=False, indent=2) + "\n"


def sarif_log(results: Sequence[FileResult]) -> dict[str, Any]:
    rules: dict[str, int] = {}  # rule id -> index into the driver's rules
    descriptors: list[dict[str, Any]] = []
    sarif_results: list[dict[str, Any]] = []
    for result in results:
        for finding in result.findings:
            if finding.rule not in rules:
                rules[finding.rule] = len(descriptors)
                descriptors.append(_rule_descriptor(finding))
            sarif_results.append(_result(result, finding, rules[finding.rule]))

    notifications = [_read_error(result) for result in results if result.error is not None]
    invocation: dict[str, Any] = {"executionSuccessful": not notifications}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications

    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": _driver(descriptors)},
                "invocations": [invocation],
                "columnKind": "unicodeCodePoints",
                "results": sarif_results,
            }
        ],
    }


def _driver(descriptors: list[dict[str, Any]]) -> dict[str, Any]:
    driver: dict[str, Any] = {"name": TOOL_NAME, "version": tool_version()}
    uri = information_uri()
    if uri is not None:
        driver["informationUri"] = uri
    driver["rules"] = descriptors
    return driver


def _rule_descriptor(finding: Finding) -> dict[str, Any]:
    descriptor: dict[str, Any] = {"id": finding.rule, "shortDescription": {"text": finding.message}}
    if finding.link:
        descriptor["helpUri"] = finding.link
    descriptor["properties"] = {"category": finding.category}
    return descriptor


def _result(result: FileResult, finding: Finding, rule_index: int) -> dict[str, Any]:
    uri = artifact_uri(result.path)
    out: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": _LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": uri},
            "region": region(result, finding.start, finding.end),
        }}],
        "properties": {"category": finding.category, "field": finding.field},
    }
    if finding.fix is not None and finding.fix.applicability is not Applicability.DISPLAY:
        out["fixes"] = [_fix(result, finding.fix, uri)]
    return out


def region(result: FileResult, start: int, end: int) -> dict[str, int]:
    """A text region; ``endColumn`` is the column just after the span, as SARIF defines it."""
    span = locate(result, start, end)
    return {
        "startLine": span.line,
        "startColumn": span.column,
        "endLine": span.end_line,
        "endColumn": span.end_column,
        "charOffset": start,
        "charLength": end - start,
    }


def _fix(result: FileResult, fix: Fix, uri: str) -> dict[str, Any]:
    replacements = [
        {"deletedRegion": region(result, edit.start, edit.end), "insertedContent": {"text": edit.text}}
        for edit in sorted(fix.edits)
    ]
    return {
        "description": {"text": f"{fix.applicability.value} fix"},
        "artifactChanges": [{"artifactLocation": {"uri": uri}, "replacements": replacements}],
    }


def _read_error(result: FileResult) -> dict[str, Any]:
    return {
        "level": "error",
        "message": {"text": result.error or "could not read file"},
        "descriptor": {"id": READ_ERROR_ID},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(result.path)}}}],
    }


def artifact_uri(path: str) -> str:
    """The path as a URI reference: relative paths stay relative (posix, percent-encoded),
    absolute ones become ``file:`` URIs."""
    pure = PurePath(path)
    if pure.is_absolute():
        return pure.as_uri()
    return quote(pure.as_posix(), safe="/")


def tool_version() -> str:
    try:
        return metadata.version(TOOL_NAME)
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"


def information_uri() -> str | None:
    """The project's home page from its installed metadata, if it declares one."""
    try:
        meta = metadata.metadata(TOOL_NAME)
    except metadata.PackageNotFoundError:
        return None
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("homepage", "home", "documentation", "source", "repository"):
            return url.strip()
    return meta.get("Home-page") or None
