"""Markdown stories: optional YAML front matter, a ``#`` headline, paragraphs, lists, quotes.

Block text is the prose a reader sees: emphasis markers, link targets, code spans, images and
inline HTML are removed, and every remaining character maps back to its place in the Markdown.

This module also holds the mapping helpers the HTML and CMS JSON readers share
(:class:`TextBuilder`, :func:`assemble_blocks`, :data:`FIELD_KEYS`).
"""

from __future__ import annotations

import bisect
import re
from typing import Iterable, Sequence

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..article import Article, Block, Piece, TextMap
from .common import find_suppressions, looks_like_byline, split_dateline

# --------------------------------------------------------------------------------------------
# Shared mapping helpers (used by the HTML and CMS JSON readers too).
# --------------------------------------------------------------------------------------------

#: Article field -> metadata keys that may hold it, most specific first.
FIELD_KEYS: dict[str, tuple[str, ...]] = {
    "headline": ("headline", "title"),
    "dek": ("dek", "subheadline", "subtitle"),
    "byline": ("byline", "author"),
    "dateline": ("dateline",),
}

#: Block kind -> the article field it belongs to.
KIND_FIELDS = {
    "headline": "headline",
    "dek": "dek",
    "byline": "byline",
    "dateline": "dateline",
    "paragraph": "body",
    "subhead": "body",
    "caption": "body",
}


class TextBuilder:
    """Accumulates block text together with the pieces that map it into the source."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._pieces: list[Piece] = []
        self._length = 0

    def __len__(self) -> int:
        return self._length

    def add_linear(self, text: str, source_start: int) -> None:
        """Text copied verbatim from ``source[source_start:]``."""
        if not text:
            return
        end = self._length + len(text)
        last = self._pieces[-1] if self._pieces else None
        if last is not None and last.linear and last.source_end == source_start:
            # Merge with the previous run so plain prose stays one piece.
            self._pieces[-1] = Piece(last.text_start, end, last.source_start, source_start + len(text))
        else:
            self._pieces.append(Piece(self._length, end, source_start, source_start + len(text)))
        self._parts.append(text)
        self._length = end

    def add_atomic(self, text: str, source_start: int, source_end: int) -> None:
        """Text decoded from ``source[source_start:source_end]`` as a whole (an entity, an escape)."""
        if not text:
            return
        if len(text) == source_end - source_start:
            # Equal lengths would read as a linear run; only add it as one if it truly is.
            raise ValueError("an atomic piece must differ in length from its source")
        end = self._length + len(text)
        self._pieces.append(Piece(self._length, end, source_start, source_end))
        self._parts.append(text)
        self._length = end

    def add_decoded(self, text: str, raw: str, source_start: int) -> None:
        """``text`` decoded from ``raw`` at ``source_start``: linear if unchanged, else atomic."""
        if text == raw:
            self.add_linear(text, source_start)
        elif len(text) == len(raw):
            # Same length but different characters (rare): map it character by character so the
            # piece is not mistaken for verbatim text and stays exact at its ends.
            for offset, char in enumerate(text):
                self._pieces.append(Piece(self._length, self._length + 1, source_start + offset, source_start + offset))
                self._parts.append(char)
                self._length += 1
        else:
            self.add_atomic(text, source_start, source_start + len(raw))

    def add_map(self, text: str, tmap: TextMap) -> None:
        """Text that already has a map (relative to its own start)."""
        for piece in tmap.pieces:
            chunk = text[piece.text_start:piece.text_end]
            if piece.linear:
                self.add_linear(chunk, piece.source_start)
            else:
                self._pieces.append(
                    Piece(
                        self._length + piece.text_start - piece.text_start,
                        self._length + piece.text_end - piece.text_start,
                        piece.source_start,
                        piece.source_end,
                    )
                )
                self._parts.append(chunk)
                self._length += len(chunk)

    def build(self) -> tuple[str, TextMap]:
        return "".join(self._parts), TextMap(tuple(self._pieces))


def keep_spans(text: str, tmap: TextMap, spans: Iterable[tuple[int, int]]) -> tuple[str, TextMap]:
    """The text and map made of ``text[start:end]`` for each span, in order."""
    builder = TextBuilder()
    for start, end in spans:
        if start < end:
            builder.add_map(text[start:end], tmap.slice(start, end))
    return builder.build()


def trim(text: str, tmap: TextMap) -> tuple[str, TextMap]:
    """Strip leading and trailing white space, keeping the map in step."""
    start, end = 0, len(text)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if (start, end) == (0, len(text)):
        return text, tmap
    return keep_spans(text, tmap, [(start, end)])


_BY_LINE = re.compile(r"^(?:By|BY)\s+\S")


def number_blocks(blocks: Iterable[Block]) -> list[Block]:
    """Re-number ``index`` so it counts blocks of the same kind within a field, in order."""
    counts: dict[tuple[str, str], int] = {}
    out = []
    for block in blocks:
        key = (block.field, block.kind)
        index = counts.get(key, 0)
        counts[key] = index + 1
        out.append(block if block.index == index else Block(block.kind, block.field, block.text, block.map, index))
    return out


def assemble_blocks(candidates: Iterable[tuple[str, str, TextMap]]) -> list[Block]:
    """Turn ``(kind, text, map)`` candidates into numbered blocks in source order.

    Text is trimmed and empty candidates dropped. A short "By ..." paragraph before the lede is a
    byline, and a wire dateline opening the lede is split out, as the plain-text reader does.
    """
    trimmed = []
    for kind, text, tmap in candidates:
        text, tmap = trim(text, tmap)
        if text:
            trimmed.append((kind, text, tmap))
    trimmed.sort(key=lambda item: item[2].to_source(0))  # stable: ties keep reader order

    blocks: list[Block] = []
    seen_paragraph = False
    for kind, text, tmap in trimmed:
        if kind == "paragraph" and not seen_paragraph and _BY_LINE.match(text) and looks_like_byline(text):
            kind = "byline"
        block = Block(kind, KIND_FIELDS[kind], text, tmap)
        if kind == "paragraph" and not seen_paragraph:
            seen_paragraph = True
            dateline, block = split_dateline(block)
            if dateline is not None:
                blocks.append(dateline)
        blocks.append(block)
    return number_blocks(blocks)


# --------------------------------------------------------------------------------------------
# YAML front matter
# --------------------------------------------------------------------------------------------

_FRONT_MATTER_OPEN = re.compile(r"\A(\ufeff?)---[ \t]*\r?\n")
_FRONT_MATTER_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.MULTILINE)
_NULL_TAG = "tag:yaml.org,2002:null"

# Double-quoted YAML escapes that decode to a single character.
_YAML_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f",
    "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0",
    "L": "\u2028", "P": "\u2029",
}
_YAML_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


class FrontMatter:
    """Parsed front matter: scalar values with their maps, and where the Markdown body starts."""

    def __init__(self, body_start: int, values: dict[str, tuple[str, TextMap]], error: str | None = None):
        self.body_start = body_start
        self.values = values
        self.error = error


def parse_front_matter(source: str) -> FrontMatter:
    """Read a leading ``---`` ... ``---`` YAML block, if there is one.

    Malformed front matter (bad YAML, not a mapping, no closing line) is not an error: the reader
    treats the whole source as Markdown and records the problem in ``meta["front_matter_error"]``.
    """
    opening = _FRONT_MATTER_OPEN.match(source)
    if opening is None:
        return FrontMatter(0, {})
    content_start = opening.end()
    closing = _FRONT_MATTER_CLOSE.search(source, content_start)
    if closing is None:
        return FrontMatter(0, {}, "front matter has no closing '---' line")
    content = source[content_start:closing.start()]
    try:
        root = yaml.compose(content, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        return FrontMatter(0, {}, f"front matter is not valid YAML: {_one_line(str(error))}")
    if root is None:
        return FrontMatter(closing.end(), {})
    if not isinstance(root, yaml.MappingNode):
        return FrontMatter(0, {}, "front matter is not a mapping of keys to values")
    values: dict[str, tuple[str, TextMap]] = {}
    for key_node, value_node in root.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        key = str(key_node.value)
        if isinstance(value_node, yaml.ScalarNode):
            if value_node.tag == _NULL_TAG:
                continue
            values[key] = (value_node.value, _scalar_map(value_node, content, content_start))
        elif isinstance(value_node, yaml.SequenceNode):
            # A list of authors, say: metadata only (the joined text has no single source span).
            items = [item.value for item in value_node.value if isinstance(item, yaml.ScalarNode)]
            values[key] = (", ".join(items), TextMap(()))
    return FrontMatter(closing.end(), values)


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _scalar_map(node: yaml.ScalarNode, content: str, base: int) -> tuple[str, TextMap]:
    """The block text of a scalar and its map onto the front matter (``content`` starts at ``base``).

    Escapes decode to their characters (atomic pieces). Where YAML folds a line break into a space,
    the text keeps the line break (and drops the indentation after it), as paragraph text does.
    """
    start, end = node.start_mark.index, node.end_mark.index
    style = node.style
    if style in ('"', "'"):
        start, end = start + 1, end - 1  # inside the quotes
    elif style in ("|", ">"):
        header_end = content.find("\n", start, end)
        start = end if header_end == -1 else header_end + 1  # skip the "|-" indicator line
    builder = TextBuilder()
    if _scan_scalar(content, start, end, style, base, builder):
        text, tmap = builder.build()
        if text.split() == node.value.split() or "".join(text.split()) == "".join(node.value.split()):
            return text, tmap
    # Something the scanner does not model: map the value as a whole onto the scalar.
    return node.value, TextMap((Piece(0, len(node.value), base + start, base + end),))


def _scan_scalar(content: str, start: int, end: int, style: str | None, base: int, out: TextBuilder) -> bool:
    """Decode ``content[start:end]`` into ``out``; False on an escape we do not know."""
    index = start
    while index < end:
        char = content[index]
        if char in " \t\r\n":
            run_end = index
            while run_end < end and content[run_end] in " \t\r\n":
                run_end += 1
            newline = content.find("\n", index, run_end)
            if newline == -1:
                out.add_linear(content[index:run_end], base + index)
            else:
                out.add_linear("\n", base + newline)
            index = run_end
        elif style == "'" and content.startswith("''", index):
            out.add_atomic("'", base + index, base + index + 2)
            index += 2
        elif style == '"' and char == "\\" and index + 1 < end:
            code = content[index + 1]
            if code in _YAML_HEX_ESCAPES:
                width = _YAML_HEX_ESCAPES[code]
                try:
                    decoded = chr(int(content[index + 2:index + 2 + width], 16))
                except ValueError:
                    return False
                out.add_atomic(decoded, base + index, base + index + 2 + width)
                index += 2 + width
            elif code in "\r\n":
                # An escaped line break joins the lines with nothing between them.
                index += 1
                while index < end and content[index] in " \t\r\n":
                    index += 1
            elif code in _YAML_ESCAPES:
                out.add_atomic(_YAML_ESCAPES[code], base + index, base + index + 2)
                index += 2
            else:
                return False
        else:
            out.add_linear(char, base + index)
            index += 1
    return True
