"""CMS JSON stories: one object with ``headline``, ``dek``, ``byline``, ``dateline``,
``published``, ``body`` and ``body_format`` (``text``, ``html`` or ``markdown``; default ``text``).

Offsets map into the JSON file itself: each string value's literal is located in the source and
mapped through its escapes (``\\n``, ``\\"``, ``\\uXXXX``, surrogate pairs), each an atomic piece.
The body is read by its format's reader in the coordinates of the decoded value, and its maps
are then composed with the literal's map.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass
from json.decoder import scanstring
from typing import Any

from ..article import Article, Block, Piece, Suppression, TextMap
from . import ReadError
from . import html as html_reader
from . import markdown as markdown_reader
from .markdown import FIELD_KEYS, TextBuilder, number_blocks, trim
from .text import body_blocks, paragraph_spans

BODY_FORMATS = ("text", "html", "markdown")
_WHITESPACE = " \t\n\r"
_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


@dataclass(frozen=True)
class _StringValue:
    """A top-level string value: the decoded text and its map into the JSON source."""

    text: str
    map: TextMap


def read(source: str) -> Article:
    values = _top_level_values(source)
    strings = {key: value for key, value in values.items() if isinstance(value, _StringValue)}

    blocks: list[Block] = []
    for field, keys in FIELD_KEYS.items():
        key = next((key for key in keys if key in strings), None)
        if key is not None:
            text, tmap = trim(strings[key].text, strings[key].map)
            if text:
                blocks.append(Block(field, field, text, tmap))

    for key in ("body", "body_format"):
        if key in values and not isinstance(values[key], _StringValue):
            raise ReadError(f"CMS JSON {key!r} must be a string")
    body_format = values["body_format"].text.strip().lower() if "body_format" in values else "text"
    if body_format not in BODY_FORMATS:
        raise ReadError(f"unknown body_format {body_format!r} (expected one of: {', '.join(BODY_FORMATS)})")

    meta: dict[str, str] = {}
    suppressions: tuple[Suppression, ...] = ()
    body = strings.get("body")
    if body is not None:
        body_article_blocks, body_meta, body_suppressions = _read_body(body.text, body_format)
        meta.update(body_meta)
        has_headline = bool(blocks) and blocks[0].kind == "headline"
        body_starts = [piece.text_start for piece in body.map.pieces]
        for block in body_article_blocks:
            if block.kind == "headline" and has_headline:
                # An <h1> in the body of a story that already has a headline is a subhead.
                block = Block("subhead", "body", block.text, block.map)
            source_map = compose(block.map, body.map, body_starts)
            blocks.append(Block(block.kind, block.field, block.text, source_map, block.index))
        suppressions = tuple(
            Suppression(s.rule, body.map.to_source(s.start), body.map.to_source(s.end, end=True))
            for s in body_suppressions
        )

    for key, value in values.items():
        if isinstance(value, _StringValue):
            if key != "body":
                meta[key] = value.text
        elif isinstance(value, (bool, int, float)):
            meta[key] = json.dumps(value)
    meta["body_format"] = body_format

    blocks.sort(key=lambda block: block.source_start)
    return Article(
        source=source,
        format="cms-json",
        blocks=tuple(number_blocks(blocks)),
        meta=meta,
        suppressions=suppressions,
    )


def _read_body(text: str, body_format: str) -> tuple[list[Block], dict[str, str], tuple[Suppression, ...]]:
    """Blocks of the body in the coordinates of its decoded text, with metadata and suppressions."""
    if body_format == "text":
        # The whole value is body: no headline line, unlike a plain-text story file.
        return body_blocks(text, paragraph_spans(text)), {}, ()
    reader = html_reader if body_format == "html" else markdown_reader
    article = reader.read(text)
    return list(article.blocks), dict(article.meta), article.suppressions


# --------------------------------------------------------------------------------------------
# Locating values in the JSON source
# --------------------------------------------------------------------------------------------


def _top_level_values(source: str) -> dict[str, Any]:
    """The members of the top-level object: strings as :class:`_StringValue`, others decoded."""
    try:
        document = json.loads(source)
    except json.JSONDecodeError as error:
        # json's "Unterminated string starting at" already ends in "at".
        message = error.msg.removesuffix(" at")
        raise ReadError(f"malformed CMS JSON: {message} at line {error.lineno} column {error.colno}") from None
    except RecursionError:
        raise ReadError("malformed CMS JSON: nested too deeply at line 1 column 1") from None
    start = _skip_whitespace(source, 0)
    if not isinstance(document, dict):
        line, column = _line_column(source, start)
        raise ReadError(
            f"CMS JSON must be an object, found {type(document).__name__} at line {line} column {column}"
        )
    # The document is valid JSON, so the scan below can trust its structure.
    decoder = json.JSONDecoder()
    values: dict[str, Any] = {}
    index = _skip_whitespace(source, start + 1)  # past "{"
    while source[index] != "}":
        key, index = scanstring(source, index + 1)
        index = _skip_whitespace(source, index)
        index = _skip_whitespace(source, index + 1)  # past ":"
        if source[index] == '"':
            literal_start = index
            text, index = scanstring(source, index + 1)
            values[key] = _StringValue(text, literal_map(source, literal_start, index, text))
        else:
            values[key], index = decoder.raw_decode(source, index)
        index = _skip_whitespace(source, index)
        if source[index] == ",":
            index = _skip_whitespace(source, index + 1)
    return values


def _skip_whitespace(source: str, index: int) -> int:
    while index < len(source) and source[index] in _WHITESPACE:
        index += 1
    return index


def _line_column(source: str, offset: int) -> tuple[int, int]:
    line = source.count("\n", 0, offset) + 1
    return line, offset - (source.rfind("\n", 0, offset) + 1) + 1


def literal_map(source: str, start: int, end: int, value: str) -> TextMap:
    """Map the decoded ``value`` of the string literal ``source[start:end]`` (quotes included)."""
    builder = TextBuilder()
    index = start + 1
    stop = end - 1
    while index < stop:
        backslash = source.find("\\", index, stop)
        run_end = stop if backslash == -1 else backslash
        builder.add_linear(source[index:run_end], index)
        if backslash == -1:
            break
        code = source[backslash + 1]
        if code == "u":
            char = chr(int(source[backslash + 2:backslash + 6], 16))
            width = 6
            # A high surrogate followed by an escaped low one is one character.
            if 0xD800 <= ord(char) <= 0xDBFF and source.startswith("\\u", backslash + 6):
                low = int(source[backslash + 8:backslash + 12], 16)
                if 0xDC00 <= low <= 0xDFFF:
                    char = chr(0x10000 + ((ord(char) - 0xD800) << 10) + (low - 0xDC00))
                    width = 12
        else:
            char, width = _SIMPLE_ESCAPES[code], 2
        builder.add_atomic(char, backslash, backslash + width)
        index = backslash + width
    text, tmap = builder.build()
    if text != value:  # cannot happen for valid JSON; never return a wrong map
        return TextMap((Piece(0, len(value), start + 1, stop),))
    return tmap


def compose(inner: TextMap, outer: TextMap, outer_starts: list[int] | None = None) -> TextMap:
    """Chain ``inner`` (block text -> value) with ``outer`` (value -> source).

    ``outer_starts`` (the pieces' ``text_start``, for bisection) can be passed in when composing
    many maps with the same ``outer``.
    """
    if outer_starts is None:
        outer_starts = [piece.text_start for piece in outer.pieces]
    pieces: list[Piece] = []
    for piece in inner.pieces:
        if piece.linear:
            # Character for character: the value's own pieces (escapes stay atomic) carry over.
            shift = piece.text_start - piece.source_start
            for part in _overlapping(outer, outer_starts, piece.source_start, piece.source_end):
                pieces.append(
                    Piece(part.text_start + shift, part.text_end + shift, part.source_start, part.source_end)
                )
        else:
            # An entity in an HTML body, say: atomic over whatever its value span covers.
            pieces.append(
                Piece(
                    piece.text_start,
                    piece.text_end,
                    outer.to_source(piece.source_start),
                    outer.to_source(piece.source_end, end=True),
                )
            )
    return TextMap(tuple(pieces))


def _overlapping(tmap: TextMap, starts: list[int], start: int, end: int) -> list[Piece]:
    """The pieces of ``tmap`` cut to ``[start, end)`` (in its own text coordinates).

    Like :meth:`TextMap.slice` without re-basing, and found by bisection: a long body has many
    escapes, and scanning every piece for every block would be quadratic.
    """
    out = []
    index = max(bisect.bisect_right(starts, start) - 1, 0)
    pieces = tmap.pieces
    while index < len(pieces) and pieces[index].text_start < end:
        piece = pieces[index]
        index += 1
        if piece.text_end <= start:
            continue
        low, high = max(piece.text_start, start), min(piece.text_end, end)
        if piece.linear:
            offset = piece.source_start - piece.text_start
            out.append(Piece(low, high, low + offset, high + offset))
        else:  # an escape is never cut: it maps as a whole
            out.append(Piece(low, high, piece.source_start, piece.source_end))
    return out
