r"""One finding per line, for editors and ``grep``: ``path:line:col: severity: message [rule]``.

No summary line. A file that could not be read gives ``path:1:1: error: message [read-error]``.
Line breaks in a message are folded into spaces so that every finding stays on one line.

A suggestion is written as ``info``, the word all three editors know for the lowest level.

Vim (``:set errorformat`` / ``:cfile``; ``%t`` takes the severity's first letter: e, w or i)::

    set errorformat=%f:%l:%c:\ %t%*[^:]:\ %m

Emacs: compilation-mode's default ``gnu`` regexp parses these lines unchanged (``M-x compile``
with ``copydesk check --format line ...``); it marks ``warning`` lines as warnings, ``info``
lines as information and ``error`` lines as errors.

VS Code (``tasks.json``)::

    "problemMatcher": {
      "owner": "copydesk",
      "fileLocation": ["relative", "${workspaceFolder}"],
      "severity": "info",
      "pattern": {
        "regexp": "^(.+?):(\\d+):(\\d+): (error|warning|info): (.*) \\[([^\\]]+)\\]$",
        "file": 1, "line": 2, "column": 3, "severity": 4, "message": 5, "code": 6
      }
    }
"""

from __future__ import annotations

from typing import Sequence

from ..results import FileResult
from . import locate_finding

READ_ERROR_ID = "read-error"
EDITOR_SEVERITY = {"error": "error", "warning": "warning", "suggestion": "info"}


def render(results: Sequence[FileResult], *, color: bool = False) -> str:
    lines: list[str] = []
    for result in results:
        if result.error is not None:
            lines.append(f"{result.path}:1:1: error: {_one_line(result.error)} [{READ_ERROR_ID}]")
        for finding in result.findings:
            span = locate_finding(result, finding)
            lines.append(
                f"{result.path}:{span.line}:{span.column}: {EDITOR_SEVERITY[finding.severity.value]}: "
                f"{_one_line(finding.message)} [{finding.rule}]"
            )
    return "".join(line + "\n" for line in lines)


def _one_line(text: str) -> str:
    return " ".join(text.splitlines())
