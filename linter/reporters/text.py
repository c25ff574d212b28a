"""The default, human-readable report: each finding with its source line and the span marked.

    story.txt:3:22: warning [ap.months] Abbreviate the month before a date
      3 | The council voted on October 11 to build the park.
        |                      ^^^^^^^
        = fix (safe): replace with "Oct."

Colour (ANSI) only when ``color`` is true; whether to ask for it is the caller's business.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from typing import Sequence

from ..article import Article
from ..findings import Applicability, Edit, Finding, Fix, Severity
from ..results import FileResult
from . import SEVERITY_ORDER, Span, is_fixable, locate_finding

#: Longest stretch of a source line shown; longer lines (a whole paragraph, often) are cut to a
#: window around the span.
MAX_LINE_WIDTH = 100
#: Code points of context kept before the span when a long line is cut.
LEAD_CONTEXT = 40
#: Longest quoted text in a fix hint.
MAX_QUOTE = 60

_SEVERITY_STYLE = {Severity.ERROR: "1;31", Severity.WARNING: "1;33", Severity.SUGGESTION: "1;36"}
_BOLD, _DIM, _GUTTER, _FIX = "1", "2", "34", "32"


def render(results: Sequence[FileResult], *, color: bool = False) -> str:
    paint = _painter(color)
    lines: list[str] = []
    for result in results:
        if result.error is not None:
            error = paint("error", _SEVERITY_STYLE[Severity.ERROR])
            lines.append(f"{paint(result.path, _BOLD)}: {error}: {result.error}")
            # (an unwritable file under --fix still has its findings, shown below)
        for finding in result.findings:
            lines.extend(_finding_block(result, finding, paint))
            lines.append("")
        if result.fixed:
            lines.append(f"Fixed {_plural(len(result.fixed), 'finding')} in {result.path}")
    if lines and lines[-1] != "":
        lines.append("")
    lines.append(paint(summary(results), _BOLD))
    return "\n".join(lines) + "\n"


def summary(results: Sequence[FileResult]) -> str:
    """``12 findings (3 errors, 9 warnings) in 2 of 3 files; 4 fixable with --fix``."""
    findings = [f for r in results for f in r.findings]
    checked = sum(1 for r in results if r.error is None or r.article is not None)
    unreadable = len(results) - checked
    unwritten = sum(1 for r in results if r.error is not None and r.article is not None)
    tail = f"; {_plural(unreadable, 'file')} could not be read" if unreadable else ""
    tail += f"; {_plural(unwritten, 'file')} could not be written" if unwritten else ""
    if not findings:
        return f"No findings in {_plural(checked, 'file')}{tail}."
    counts = Counter(f.severity for f in findings)
    by_severity = ", ".join(_plural(counts[s], s.value) for s in SEVERITY_ORDER if counts[s])
    with_findings = sum(1 for r in results if r.findings)
    where = _plural(checked, "file")
    if with_findings != checked:
        where = f"{with_findings} of {where}"
    text = f"{_plural(len(findings), 'finding')} ({by_severity}) in {where}"
    safe = sum(1 for f in findings if is_fixable(f))
    unsafe = sum(1 for f in findings if is_fixable(f, Applicability.UNSAFE)) - safe
    if safe:
        text += f"; {safe} fixable with --fix"
        if unsafe:
            text += f" ({unsafe} more with unsafe fixes enabled)"
    elif unsafe:
        text += f"; {unsafe} fixable with unsafe fixes enabled"
    return text + tail


# -- one finding ----------------------------------------------------------------------------------


def _finding_block(result: FileResult, finding: Finding, paint) -> list[str]:
    span = locate_finding(result, finding)
    style = _SEVERITY_STYLE[finding.severity]
    header = (
        f"{paint(f'{result.path}:{span.line}:{span.column}:', _BOLD)} {paint(finding.severity.value, style)} "
        f"{paint(f'[{finding.rule}]', _DIM)} {finding.message}"
    )
    out = [header]
    article = result.article
    gutter = " " * len(str(span.line))
    if article is not None:
        shown, marker = snippet(article, span)
        out.append(f"  {paint(f'{span.line} |', _GUTTER)} {shown}".rstrip())
        pad = marker[: marker.index("^")]
        out.append(f"  {paint(f'{gutter} |', _GUTTER)} {pad}{paint(marker[len(pad):], style)}")
    if finding.fix is not None:
        hint = f"fix ({finding.fix.applicability.value}): {describe_fix(finding.fix, finding, article)}"
        out.append(f"  {gutter} {paint('= ' + hint, _FIX)}")
    return out


def snippet(article: Article, span: Span) -> tuple[str, str]:
    """The finding's first line (cut to a window when long) and a marker line of carets under
    the span. A span running past the line end is marked to the line end; an empty span, or one
    that starts at the end of the line, gets a single caret."""
    text = article.line_text(span.line)
    start = min(span.column - 1, len(text))
    end = span.end_column - 1 if span.end_line == span.line else len(text)
    end = min(max(end, start), len(text))

    lo, hi = 0, len(text)
    if len(text) > MAX_LINE_WIDTH:
        lo = max(0, start - LEAD_CONTEXT)
        hi = min(len(text), lo + MAX_LINE_WIDTH)
        lo = max(0, min(lo, hi - MAX_LINE_WIDTH))
    prefix = "…" if lo > 0 else ""
    suffix = "…" if hi < len(text) else ""
    shown = prefix + text[lo:hi] + suffix
    start, end = min(start, hi) - lo, min(end, hi) - lo

    window = text[lo:hi]
    pad = " " * len(prefix) + "".join(_blank(ch) for ch in window[:start])
    carets = "".join("^" * len(_blank(ch)) for ch in window[start:end])
    return shown, pad + (carets or "^")


def _blank(ch: str) -> str:
    """White space as wide as ``ch`` on a terminal: tabs stay tabs so carets line up under them;
    wide (CJK) characters take two cells, combining marks none."""
    if ch == "\t":
        return "\t"
    if unicodedata.combining(ch):
        return ""
    return "  " if unicodedata.east_asian_width(ch) in ("W", "F") else " "


# -- fix hints ------------------------------------------------------------------------------------


def describe_fix(fix: Fix, finding: Finding, article: Article | None) -> str:
    """``replace with "Oct."``, ``remove``, ``insert ","``; edits that do not cover exactly the
    finding's span quote the text they change."""
    edits = sorted(fix.edits)
    source = article.source if article is not None else None
    if len(edits) == 1 and (edits[0].start, edits[0].end) == (finding.start, finding.end):
        return _describe_edit(edits[0], None)
    return "; ".join(_describe_edit(edit, source) for edit in edits)


def _describe_edit(edit: Edit, source: str | None) -> str:
    if edit.start == edit.end:
        return f"insert {_quote(edit.text)}"
    old = f" {_quote(source[edit.start:edit.end])}" if source is not None else ""
    if not edit.text:
        return f"remove{old}"
    return f"replace{old} with {_quote(edit.text)}"


def _quote(text: str) -> str:
    if len(text) > MAX_QUOTE:
        text = text[: MAX_QUOTE - 1] + "…"
    return json.dumps(text, ensure_ascii=False)  # escapes newlines and quotes readably


# -- small things ---------------------------------------------------------------------------------


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _painter(color: bool):
    if not color:
        return lambda text, style: text
    return lambda text, style: f"\x1b[{style}m{text}\x1b[0m"
