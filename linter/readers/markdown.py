"""Markdown stories: optional YAML front matter, a ``#`` headline, paragraphs, lists, quotes.

Block text is the prose a reader sees: emphasis markers, link targets, code spans, images and
inline HTML are removed, and every remaining character maps back to its place in the Markdown.

This module also holds the mapping helpers the HTML and CMS JSON readers share
(:class:`TextBuilder`, :func:`assemble_blocks`, :data:`FIELD_KEYS`).
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..article import Article, Block, Piece, TextMap
from ..patterns import compile_re
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

    def _add_piece(self, piece: Piece) -> None:
        last = self._pieces[-1] if self._pieces else None
        if (
            last is not None
            and piece.linear
            and last.linear
            and last.text_end == piece.text_start
            and last.source_end == piece.source_start
        ):
            # Merge adjacent runs so plain prose stays one piece.
            self._pieces[-1] = Piece(last.text_start, piece.text_end, last.source_start, piece.source_end)
        else:
            self._pieces.append(piece)

    def add_linear(self, text: str, source_start: int) -> None:
        """Text copied verbatim from ``source[source_start:]``."""
        if not text:
            return
        end = self._length + len(text)
        self._add_piece(Piece(self._length, end, source_start, source_start + len(text)))
        self._parts.append(text)
        self._length = end

    def add_atomic(self, text: str, source_start: int, source_end: int) -> None:
        """Text decoded from ``source[source_start:source_end]`` as a whole (an entity, an escape)."""
        if not text:
            return
        # (Decoding always shortens, so lengths never match; if they did, the piece would read
        # as a linear run, mapping character by character, which still lands in the right place.)
        end = self._length + len(text)
        self._pieces.append(Piece(self._length, end, source_start, source_end))
        self._parts.append(text)
        self._length = end

    def add_decoded(self, text: str, raw: str, source_start: int) -> None:
        """``text`` decoded from ``raw`` found at ``source_start``: linear if unchanged, else atomic."""
        if text == raw:
            self.add_linear(text, source_start)
        else:
            self.add_atomic(text, source_start, source_start + len(raw))

    def add_map(self, text: str, tmap: TextMap) -> None:
        """Text that already has a map (with offsets relative to the start of ``text``)."""
        if not text:
            return
        for piece in tmap.pieces:
            self._add_piece(
                Piece(
                    self._length + piece.text_start,
                    self._length + piece.text_end,
                    piece.source_start,
                    piece.source_end,
                )
            )
        self._parts.append(text)
        self._length += len(text)

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


_BY_LINE = compile_re(r"^(?:By|BY)\s+\S")


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

_FRONT_MATTER_OPEN = compile_re(r"\A(\ufeff?)---[ \t]*\r?\n")
_FRONT_MATTER_CLOSE = compile_re(r"^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.MULTILINE)
_NULL_TAG = "tag:yaml.org,2002:null"

# Double-quoted YAML escapes that decode to a single character.
_YAML_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f",
    "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0",
    "L": "\u2028", "P": "\u2029",
}
_YAML_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


class FrontMatter:
    """Parsed front matter and where the Markdown body after it starts."""

    def __init__(
        self,
        body_start: int = 0,
        meta: dict[str, str] | None = None,
        texts: dict[str, tuple[str, TextMap]] | None = None,
        error: str | None = None,
    ) -> None:
        self.body_start = body_start
        #: Every scalar (or list of scalars) under its key, as a string.
        self.meta = meta or {}
        #: Block text and map of each scalar value, by key.
        self.texts = texts or {}
        self.error = error


def parse_front_matter(source: str) -> FrontMatter:
    """Read a leading ``---`` ... ``---`` YAML block, if there is one.

    Malformed front matter (bad YAML, not a mapping, no closing line) is not an error: the reader
    treats the whole source as Markdown and reports the problem in ``meta["front_matter_error"]``.
    """
    opening = _FRONT_MATTER_OPEN.match(source)
    if opening is None:
        return FrontMatter()
    content_start = opening.end()
    closing = _FRONT_MATTER_CLOSE.search(source, content_start)
    if closing is None:
        return FrontMatter(error="front matter opened on line 1 has no closing '---' line")
    content = source[content_start:closing.start()]
    try:
        root = yaml.compose(content, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        return FrontMatter(error=f"front matter is not valid YAML: {_yaml_problem(error, first_line=2)}")
    if root is None:  # empty front matter
        return FrontMatter(closing.end())
    if not isinstance(root, yaml.MappingNode):
        return FrontMatter(error=f"front matter on line {root.start_mark.line + 2} is not a mapping of keys to values")
    meta: dict[str, str] = {}
    texts: dict[str, tuple[str, TextMap]] = {}
    for key_node, value_node in root.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        key = str(key_node.value)
        if isinstance(value_node, yaml.ScalarNode):
            if value_node.tag == _NULL_TAG:
                continue
            meta[key] = value_node.value
            texts[key] = _scalar_map(value_node, content, content_start)
        elif isinstance(value_node, yaml.SequenceNode):
            # A list of authors, say: metadata only (the joined text has no single source span).
            meta[key] = ", ".join(item.value for item in value_node.value if isinstance(item, yaml.ScalarNode))
    return FrontMatter(closing.end(), meta, texts)


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _yaml_problem(error: yaml.YAMLError, *, first_line: int) -> str:
    """PyYAML's problem with lines counted in the file (the front matter's content starts on
    ``first_line``), not in the YAML text alone as PyYAML counts them."""
    problem = getattr(error, "problem", None)
    if not problem:
        return _one_line(str(error))
    parts = []
    context, context_mark = getattr(error, "context", None), getattr(error, "context_mark", None)
    if context:
        parts.append(context + (f" (line {context_mark.line + first_line})" if context_mark else ""))
    mark = getattr(error, "problem_mark", None)
    parts.append(problem + (f" (line {mark.line + first_line})" if mark else ""))
    return _one_line(", ".join(parts))


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
        if "".join(text.split()) == "".join(node.value.split()):  # equal up to folding
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


# --------------------------------------------------------------------------------------------
# The Markdown body
# --------------------------------------------------------------------------------------------

# CommonMark plus tables (so table cells are recognised and skipped, not read as prose). Entities
# and backslash escapes stay separate tokens ("text_join" off) so they map as atomic pieces.
_MARKDOWN = MarkdownIt("commonmark").enable("table").disable("text_join")
_LINE_BREAK = compile_re(r"\r\n|\r|\n")


def read(source: str) -> Article:
    front = parse_front_matter(source)
    candidates: list[tuple[str, str, TextMap]] = []
    for field, keys in FIELD_KEYS.items():
        key = next((key for key in keys if key in front.texts), None)
        if key is not None:
            text, tmap = front.texts[key]
            candidates.append((field, text, tmap))
    has_headline = any(kind == "headline" for kind, _, _ in candidates)
    candidates.extend(body_candidates(source, front.body_start, has_headline=has_headline))
    meta = dict(front.meta)
    if front.error:
        meta["front_matter_error"] = front.error
    return Article(
        source=source,
        format="markdown",
        blocks=tuple(assemble_blocks(candidates)),
        meta=meta,
        suppressions=find_suppressions(source),
    )


def body_candidates(source: str, start: int, *, has_headline: bool) -> list[tuple[str, str, TextMap]]:
    """``(kind, text, map)`` for the headings and paragraphs of the Markdown in ``source[start:]``.

    The first level-1 heading is the headline unless one is already known; other headings are
    subheads. Paragraphs include list items and block quotes; code, HTML blocks and tables are
    not prose and are skipped.
    """
    tokens = _MARKDOWN.parse(source[start:])
    # markdown-it counts "\r\n", "\r" and "\n" each as one line break.
    line_starts = [start] + [match.end() for match in _LINE_BREAK.finditer(source, start)]

    def line_offset(line: int) -> int:
        return line_starts[line] if line < len(line_starts) else len(source)

    out: list[tuple[str, str, TextMap]] = []
    for position, token in enumerate(tokens):
        if token.type != "inline" or token.map is None or position == 0:
            continue
        parent = tokens[position - 1]
        if parent.type == "heading_open":
            if parent.tag == "h1" and not has_headline:
                kind = "headline"
                has_headline = True
            else:
                kind = "subhead"
        elif parent.type == "paragraph_open":
            kind = "paragraph"
        else:  # table cells
            continue
        region_start, region_end = line_offset(token.map[0]), line_offset(token.map[1])
        text, tmap = inline_text(source, token.children or [], region_start, region_end)
        out.append((kind, text, tmap))
    return out


def inline_text(source: str, children: Sequence[Token], start: int, end: int) -> tuple[str, TextMap]:
    """The prose of an inline token's children, each run located in ``source[start:end]``.

    Tokens come in source order, so each is searched for from where the previous one ended; the
    markup in between (emphasis markers, link targets, code spans, images, inline HTML) is
    stepped over and left out of the text.
    """
    builder = TextBuilder()
    cursor = start

    def copy(text: str, raw: str) -> None:
        nonlocal cursor
        found = source.find(raw, cursor, end)
        if found == -1 and "\ufffd" in raw:
            # markdown-it turns NUL into U+FFFD; keep the source's own character.
            raw = text = raw.replace("\ufffd", "\0")
            found = source.find(raw, cursor, end)
        if found == -1:
            # Should not happen; keep the text, pinned to where we are, rather than fail.
            builder.add_atomic(text, cursor, cursor)
            return
        builder.add_decoded(text, raw, found)
        cursor = found + len(raw)

    def copy_line_break() -> None:
        nonlocal cursor
        match = _LINE_BREAK.search(source, cursor, end)
        if match is None:
            return
        # "\r\n" reads as "\n" (its second character); a lone "\r" stays as it is written.
        builder.add_linear(match.group()[-1], match.end() - 1)
        cursor = match.end()

    for child in children:
        kind = child.type
        if kind == "text":
            copy(child.content, child.content)
        elif kind == "text_special":  # an entity or a backslash escape: markup is the source form
            copy(child.content, child.markup)
        elif kind in ("softbreak", "hardbreak"):
            copy_line_break()
        elif kind == "code_inline":
            cursor = _skip_code_span(source, child.markup, cursor, end)
        elif kind == "html_inline":
            found = source.find(child.content, cursor, end)
            if found != -1:
                cursor = found + len(child.content)
        elif kind == "image":
            found = source.find("![", cursor, end)
            if found != -1:
                cursor = _skip_link_tail(source, _skip_brackets(source, found + 1, end), end)
        elif kind == "link_close":
            if child.markup == "autolink":
                found = source.find(">", cursor, end)
                cursor = cursor if found == -1 else found + 1
            else:
                found = source.find("]", cursor, end)
                if found != -1:
                    cursor = _skip_link_tail(source, found + 1, end)
        # em/strong/link_open and the like are pure markup: nothing to copy.
    return builder.build()


def _skip_code_span(source: str, ticks: str, cursor: int, end: int) -> int:
    """The offset just past the code span opened by the backtick run ``ticks`` after ``cursor``."""
    opening = source.find(ticks, cursor, end)
    if opening == -1:
        return cursor
    index = opening + len(ticks)
    while True:
        closing = source.find(ticks, index, end)
        if closing == -1:
            return cursor
        run_end = closing
        while run_end < end and source[run_end] == "`":
            run_end += 1
        if run_end - closing == len(ticks):  # a closer must be a run of exactly the same length
            return run_end
        index = run_end


def _skip_brackets(source: str, index: int, end: int) -> int:
    """The offset past the bracket group opening at ``source[index]`` ('[' or '(')."""
    opener = source[index] if index < end else ""
    closer = {"[": "]", "(": ")"}.get(opener)
    if closer is None:
        return index
    depth = 0
    position = index
    while position < end:
        char = source[position]
        if char == "\\":
            position += 2
            continue
        if char == opener:
            depth += 1
        elif char == closer:
            depth -= 1
            if depth == 0:
                return position + 1
        position += 1
    return index + 1  # unbalanced: step over the opener only


def _skip_link_tail(source: str, index: int, end: int) -> int:
    """After a link's ']': step over a ``(destination "title")`` or ``[reference]``."""
    if index < end and source[index] in "([":
        return _skip_brackets(source, index, end)
    return index
