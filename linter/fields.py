"""Articles that arrive as CMS fields rather than a file: findings located per field.

A CMS sends ``headline``, ``dek``, ``byline``, ``dateline`` and ``body`` separately and wants each
finding as an offset within its field (in code points and in UTF-16 code units, which is what a
browser editor counts). The fields are laid end to end in one source, so every rule sees the
whole story; offsets are then translated back to the field they fall in.
"""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, Iterable, Mapping, Sequence

from .article import Article, Block, Piece, Suppression, TextMap
from .findings import Applicability, Edit, Finding
from .fixes import apply_fixes
from .patterns import compile_re

#: Fields a CMS sends, in story order.
TEXT_FIELDS = ("headline", "dek", "byline", "dateline", "body")
BODY_FORMATS = ("text", "html", "markdown")
_SEPARATOR = "\n\n"


def _shift(tmap: TextMap, by: int) -> TextMap:
    return TextMap(tuple(Piece(p.text_start, p.text_end, p.source_start + by, p.source_end + by) for p in tmap.pieces))


class _FieldPositions:
    """Line starts and astral characters of one field, so that each finding's line, column and
    UTF-16 offset cost a bisection instead of a scan of the field (quadratic over many findings)."""

    def __init__(self, text: str) -> None:
        self.line_starts = [0] + [match.end() for match in _NEWLINE.finditer(text)]
        self.astral = [match.start() for match in _ASTRAL.finditer(text)]

    def line_column(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def utf16(self, offset: int) -> int:
        return offset + bisect.bisect_left(self.astral, offset)


_NEWLINE = compile_re("\n")
_ASTRAL = compile_re("[\U00010000-\U0010FFFF]")


@dataclass(frozen=True)
class FieldArticle:
    """An article built from fields, and where each field starts in its combined source."""

    article: Article
    fields: Mapping[str, str]
    starts: Mapping[str, int]
    _positions: dict[str, _FieldPositions] = dataclass_field(default_factory=dict, init=False, compare=False, repr=False)

    def locate(self, offset: int, field: str) -> int:
        """A combined-source offset as an offset within ``field``."""
        return offset - self.starts[field]

    def positions(self, name: str) -> _FieldPositions:
        if name not in self._positions:
            self._positions[name] = _FieldPositions(self.fields[name])
        return self._positions[name]


def article_from_fields(fields: Mapping[str, Any], body_format: str = "text", meta: Mapping[str, str] | None = None) -> FieldArticle:
    """Build one article from CMS fields. Unknown or empty fields are ignored."""
    from .readers.cms_json import _read_body

    if body_format not in BODY_FORMATS:
        raise ValueError(f"body_format must be one of {', '.join(BODY_FORMATS)}")
    texts = {name: fields[name] for name in TEXT_FIELDS if isinstance(fields.get(name), str) and fields[name]}
    starts: dict[str, int] = {}
    cursor = 0
    for name, text in texts.items():
        starts[name] = cursor
        cursor += len(text) + len(_SEPARATOR)
    source = _SEPARATOR.join(texts.values())

    blocks: list[Block] = []
    suppressions: list[Suppression] = []
    article_meta: dict[str, str] = dict(meta or {})
    for name, text in texts.items():
        if name != "body":
            stripped = text.strip()
            lead = len(text) - len(text.lstrip())
            if stripped:
                blocks.append(Block(name, name, stripped, TextMap.contiguous(starts[name] + lead, len(stripped))))
            continue
        body_blocks, body_meta, body_suppressions = _read_body(text, body_format)
        article_meta.update(body_meta)
        for block in body_blocks:
            blocks.append(Block(block.kind, block.field, block.text, _shift(block.map, starts[name]), block.index))
        suppressions.extend(Suppression(s.rule, s.start + starts[name], s.end + starts[name]) for s in body_suppressions)
    source_format = "html" if body_format == "html" else "text"
    article = Article(source=source, format=source_format, blocks=tuple(blocks), meta=article_meta, suppressions=tuple(suppressions))
    return FieldArticle(article, texts, starts)


def utf16_offset(text: str, offset: int) -> int:
    """The UTF-16 code-unit offset of a code-point offset (astral characters count twice)."""
    return offset + sum(1 for char in text[:offset] if ord(char) > 0xFFFF)


def fingerprint(finding: Finding, field_text: str, start: int, end: int) -> str:
    """A stable ID for a finding, for storing dismissals with an article.

    Made of the rule, the matched text and a little context on each side (white space folded),
    so it survives edits elsewhere in the story but changes when the matched passage does.
    """
    before = " ".join(field_text[max(0, start - 24):start].split())
    after = " ".join(field_text[end:end + 24].split())
    matched = " ".join(field_text[start:end].split())
    # "surrogatepass": valid JSON may carry an unpaired surrogate ("\ud800"), which plain UTF-8
    # cannot encode; the fingerprint must not fail on it.
    key = "\x1f".join((finding.rule, finding.field, matched, before, after))
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    return digest[:20]


def finding_payload(finding: Finding, built: FieldArticle) -> dict[str, Any]:
    """A finding as the service reports it: the JSON report's fields plus field offsets."""
    field = finding.field if finding.field in built.starts else "body"
    text = built.fields[field]
    start, end = built.locate(finding.start, field), built.locate(finding.end, field)
    positions = built.positions(field)
    line, column = positions.line_column(start)
    end_line, end_column = positions.line_column(end)
    fix = None
    if finding.fix is not None:
        edits = [
            {"start": built.locate(e.start, field), "end": built.locate(e.end, field), "text": e.text}
            for e in finding.fix.edits
        ]
        fix = {"replacement": finding.fix.replacement, "applicability": finding.fix.applicability.value, "edits": edits}
    return {
        "rule": finding.rule,
        "category": finding.category,
        "severity": finding.severity.value,
        "message": finding.message,
        "field": field,
        "start": start,
        "end": end,
        "start_utf16": positions.utf16(start),
        "end_utf16": positions.utf16(end),
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
        "link": finding.link,
        "fix": fix,
        "fingerprint": fingerprint(finding, text, start, end),
    }


def fix_fields(
    built: FieldArticle, findings: Sequence[Finding], minimum: Applicability
) -> tuple[dict[str, str], list[Finding]]:
    """Apply the fixes at or above ``minimum`` (display fixes never) field by field."""
    floor = max(minimum.rank, Applicability.UNSAFE.rank)
    eligible = [f for f in findings if f.fix is not None and f.fix.applicability.rank >= floor]
    fixed = dict(built.fields)
    applied: list[Finding] = []
    for field, text in built.fields.items():
        start = built.starts[field]
        local = [_relocate(f, -start) for f in eligible if start <= f.start and f.fix.end <= start + len(text)]
        new_text, done = apply_fixes(text, local)
        fixed[field] = new_text
        applied.extend(done)
    return fixed, applied


def _relocate(finding: Finding, by: int) -> Finding:
    from dataclasses import replace

    edits = tuple(Edit(e.start + by, e.end + by, e.text) for e in finding.fix.edits)
    return replace(finding, start=finding.start + by, end=finding.end + by, fix=replace(finding.fix, edits=edits))


def drop_dismissed(payloads: Iterable[dict[str, Any]], dismissed: Iterable[str]) -> list[dict[str, Any]]:
    gone = set(dismissed)
    return [p for p in payloads if p["fingerprint"] not in gone]
