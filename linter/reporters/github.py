"""GitHub Actions workflow commands, which the runner turns into annotations on the diff:

    ::warning file=story.txt,line=3,col=22,endLine=3,endColumn=29,title=ap.months::Abbreviate ...

``endColumn`` is the column just after the span (as ruff reports it). Escaping follows
@actions/core: ``%``, CR and LF in the message; those plus ``:`` and ``,`` in property values.
"""

from __future__ import annotations

from typing import Sequence

from ..findings import Severity
from ..results import FileResult
from . import locate_finding

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.SUGGESTION: "notice"}
READ_ERROR_ID = "read-error"


def render(results: Sequence[FileResult], *, color: bool = False) -> str:
    lines: list[str] = []
    for result in results:
        if result.error is not None:
            lines.append(command("error", {"file": result.path, "title": READ_ERROR_ID}, result.error))
        for finding in result.findings:
            span = locate_finding(result, finding)
            properties = {
                "file": result.path,
                "line": span.line,
                "col": span.column,
                "endLine": span.end_line,
                "endColumn": span.end_column,
                "title": finding.rule,
            }
            lines.append(command(_COMMANDS[finding.severity], properties, finding.message))
    return "".join(line + "\n" for line in lines)


def command(name: str, properties: dict[str, object], message: str) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{name} {props}::{escape_data(message)}"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
