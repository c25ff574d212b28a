"""HTML stories: ``<h1>`` (else ``<title>``) is the headline, ``<p>``/``<li>``/``<blockquote>``
text the body, ``<h2>``-``<h6>`` subheads, ``<figcaption>`` captions.

Tags are dropped and entities decoded (each an atomic piece); scripts, styles and other non-prose
elements are skipped. The parser keeps an explicit stack of open elements, so broken or deeply
nested markup neither fails nor recurses.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from ..article import Article, TextMap
from ..patterns import compile_re
from .common import find_suppressions
from .markdown import TextBuilder, assemble_blocks, keep_spans, trim

# Elements whose whole content is not prose.
_SKIPPED = {
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "canvas",
    "select", "textarea", "button", "pre", "code", "table", "nav", "form",
}
# Elements without an end tag.
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen",
}
# Block-level elements and the kind of block their own text forms. Anything else is inline: it
# is skipped but its text stays in the surrounding block.
_BLOCK_KINDS = {
    "h1": "h1", "h2": "subhead", "h3": "subhead", "h4": "subhead", "h5": "subhead", "h6": "subhead",
    "figcaption": "caption", "title": "title", "head": "none",
    **{tag: "paragraph" for tag in (
        "html", "body", "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "section",
        "article", "main", "header", "footer", "aside", "figure", "address", "hgroup", "details",
        "summary", "fieldset", "center",
    )},
}
# How far up the stack a new <li> looks for an open one (inline markup inside an item is shallow;
# a bound keeps pathological nesting linear).
_ITEM_SEARCH_DEPTH = 64
# class="..." names that mark an article field.
_CLASS_KINDS = {
    "byline": "byline", "author": "byline", "dek": "dek", "subheadline": "dek", "standfirst": "dek",
    "dateline": "dateline",
}
# Starting one of these closes an open <p> (HTML's implied end tag).
_CLOSES_P = set(_BLOCK_KINDS) - {"html", "body", "head", "title"} | {"hr", "table", "pre", "form", "nav"}
# <meta> names that carry the publication date.
_PUBLISHED_NAMES = {"article:published_time", "published", "pubdate", "date", "dc.date"}
_NEWLINE = compile_re("\n")
_BREAK_RUN = compile_re(r"[ \t\r\f\v]*\n\s*")
_ENTITY = compile_re(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)")


class _Element:
    """An open element: its tag, the kind of block its text belongs to, whether it flushes."""

    __slots__ = ("tag", "kind", "is_block")

    def __init__(self, tag: str, kind: str, is_block: bool) -> None:
        self.tag = tag
        self.kind = kind
        self.is_block = is_block


def _neutralised(source: str) -> tuple[str, dict[int, int]]:
    """The source as the standard library's parser should see it, and how to undo the change.

    ``html.parser`` gives up on some broken constructs in ways that cost a scan of the rest of
    the document each time or lose the rest of it:

    - a construct that can never close (a ``<`` after the last ``>``, a ``<!--`` after the last
      ``-->``, a ``<![CDATA[`` after the last ``]]>``) is searched to the end of the document
      for its terminator, once per opener: quadratic ("a<b and c<d ..." with no ``>``);
    - a malformed numeric reference (``&#;``, ``&#x;``) makes it stop, and at the second one it
      hands the whole rest of the document, tags and scripts included, to ``handle_data``.

    Such a ``<`` or ``&`` can only ever be text, so it is swapped for a private-use character
    the source does not contain (one for one, so offsets do not move) and swapped back in the
    text the parser returns.
    """
    doomed_lt = _doomed_openers(source)
    doomed_amp = [match.start() for match in _AMP_HASH.finditer(source) if not _CHARREF.match(source, match.start())]
    if not doomed_lt and not doomed_amp:
        return source, {}
    spare = (chr(code) for code in range(0xE000, 0xF900) if chr(code) not in source)
    lt, amp = next(spare, None), next(spare, None)
    if lt is None or amp is None:  # every private-use character in use: parse as it is
        return source, {}
    chars = list(source)
    for index in doomed_lt:
        chars[index] = lt
    for index in doomed_amp:
        chars[index] = amp
    return "".join(chars), {ord(lt): ord("<"), ord(amp): ord("&")}


def _last_start(pattern: re.Pattern[str], source: str) -> int:
    """Where the last match of ``pattern`` starts (-1 if none); matches here never overlap."""
    last = -1
    for match in pattern.finditer(source):
        last = match.start()
    return last


def _doomed_openers(source: str) -> list[int]:
    """Offsets of each ``<`` that opens a construct whose terminator does not follow it."""
    last_gt = source.rfind(">")
    last_comment_close = _last_start(_COMMENT_CLOSE, source)
    last_section_close = _last_start(_SECTION_CLOSE, source)
    last_ms_section_close = _last_start(_MS_SECTION_CLOSE, source)
    doomed = []
    for match in _LT.finditer(source):
        index = match.start()
        if index > last_gt:
            doomed.append(index)
        elif source.startswith("<!--", index):
            if last_comment_close < index + 4:
                doomed.append(index)
        elif source.startswith("<![", index):
            name = _SECTION_NAME.match(source, index + 3)
            section = name.group().lower() if name else ""
            if section in ("temp", "cdata", "ignore", "include", "rcdata"):
                if last_section_close < index + 3:
                    doomed.append(index)
            elif section in ("if", "else", "endif") and last_ms_section_close < index + 3:
                doomed.append(index)
    return doomed


_LT = compile_re("<")
_AMP_HASH = compile_re("&#")
_CHARREF = compile_re("&#(?:[0-9]+|[xX][0-9a-fA-F]+)[^0-9a-fA-F]")  # as html.parser reads one
_COMMENT_CLOSE = compile_re(r"--\s*>")
_SECTION_CLOSE = compile_re(r"]\s*]\s*>")
_MS_SECTION_CLOSE = compile_re(r"]\s*>")
_SECTION_NAME = compile_re(r"[a-zA-Z][-_.a-zA-Z0-9]*")


class _ArticleParser(HTMLParser):
    def __init__(self, source: str, restore: dict[int, int] | None = None) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        #: Undoes :func:`_neutralised` in text the parser hands back.
        self._restore = restore or {}
        self._line_starts = [0] + [match.end() for match in _NEWLINE.finditer(source)]
        self._stack: list[_Element] = []
        self._open_counts: dict[str, int] = {}
        self._builder = TextBuilder()
        #: (kind, text, map) in document order; kinds include the provisional 'h1' and 'title'.
        self.candidates: list[tuple[str, str, TextMap]] = []
        self.meta: dict[str, str] = {}

    # -- positions ------------------------------------------------------------------------------
    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    # -- element stack -------------------------------------------------------------------------
    @property
    def _kind(self) -> str:
        return self._stack[-1].kind if self._stack else "paragraph"

    def _push(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        parent = self._kind
        classes = (dict(attrs).get("class") or "").lower().split()
        class_kind = next((_CLASS_KINDS[name] for name in classes if name in _CLASS_KINDS), None)
        if parent == "skip" or tag in _SKIPPED:
            kind, is_block = "skip", False
        elif class_kind is not None:
            kind, is_block = class_kind, True
        elif tag in _BLOCK_KINDS:
            kind, is_block = _BLOCK_KINDS[tag], True
        else:
            kind, is_block = parent, False
        if is_block:
            self._flush()
        self._stack.append(_Element(tag, kind, is_block))
        self._open_counts[tag] = self._open_counts.get(tag, 0) + 1

    def _pop_to(self, tag: str) -> None:
        """Close ``tag`` and anything left open inside it; an end tag never opened is ignored."""
        if not self._open_counts.get(tag):
            return
        while self._stack:
            element = self._stack.pop()
            self._open_counts[element.tag] -= 1
            if element.is_block:
                self._flush_as(element.kind)
            if element.tag == tag:
                return

    def _close_open_item(self) -> None:
        """A new <li> ends the open one in the same list (HTML's implied end tag)."""
        for element in reversed(self._stack[-_ITEM_SEARCH_DEPTH:]):
            if element.tag in ("ul", "ol"):
                return  # the open item is in an outer list: this one nests
            if element.tag == "li":
                self._pop_to("li")
                return

    # -- text ----------------------------------------------------------------------------------
    def _flush(self) -> None:
        self._flush_as(self._kind)

    def _flush_as(self, kind: str) -> None:
        if not len(self._builder):
            return
        text, tmap = self._builder.build()
        self._builder = TextBuilder()
        if kind in ("skip", "none"):
            return
        # Markup indentation is not prose: a line break keeps one "\n", the space around it goes.
        spans, cursor = [], 0
        for match in _BREAK_RUN.finditer(text):
            newline = text.index("\n", match.start())
            spans += [(cursor, match.start()), (newline, newline + 1)]
            cursor = match.end()
        spans.append((cursor, len(text)))
        text, tmap = trim(*keep_spans(text, tmap, spans))
        if text:
            self.candidates.append((kind, text, tmap))

    def _collecting(self) -> bool:
        return self._kind not in ("skip", "none")

    # -- parser callbacks ----------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._restore:
            attrs = [(name, value if value is None else value.translate(self._restore)) for name, value in attrs]
        if tag == "meta":
            self._read_meta(attrs)
        if tag in _CLOSES_P and self._open_counts.get("p"):
            self._pop_to("p")
        if tag == "li" and self._open_counts.get("li"):
            self._close_open_item()
        if tag == "br":
            if self._collecting():
                tag_start = self._offset()
                self._builder.add_atomic("\n", tag_start, tag_start + len(self.get_starttag_text() or "<br>"))
            return
        if tag in _VOID:
            if tag in _BLOCK_KINDS or tag == "hr":
                self._flush()
            return
        self._push(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/>, <img/>, and the XHTML-style <p/>: nothing is ever left open.
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self._pop_to(tag)

    def handle_endtag(self, tag: str) -> None:
        self._pop_to(tag)

    def handle_data(self, data: str) -> None:
        if self._collecting():
            self._builder.add_linear(data.translate(self._restore) if self._restore else data, self._offset())

    def handle_entityref(self, name: str) -> None:
        self._add_reference("&" + name)

    def handle_charref(self, name: str) -> None:
        self._add_reference("&#" + name)

    def _add_reference(self, prefix: str) -> None:
        if not self._collecting():
            return
        start = self._offset()
        end = start + len(prefix)
        if self.source.startswith(";", end):
            end += 1
        self._builder.add_map(*decode_entities(self.source[start:end], start))

    def close(self) -> None:
        super().close()
        while self._stack:  # unclosed elements end with the document
            self._pop_to(self._stack[-1].tag)
        self._flush()

    def parse_marked_section(self, i: int, report: int = 1) -> int:
        # The standard library raises on an unknown "<![name"; skip it to its ">" instead, as a
        # browser would, keeping the position counters it may have moved before raising.
        position = self.lineno, self.offset
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            self.lineno, self.offset = position
            end = self.rawdata.find(">", i + 3)
            return -1 if end == -1 else end + 1

    # -- <meta> ---------------------------------------------------------------------------------
    def _read_meta(self, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        name = (values.get("name") or values.get("property") or "").strip().lower()
        if not name or "content" not in values:
            return
        self.meta[name] = values["content"]
        if name in _PUBLISHED_NAMES:
            self.meta.setdefault("published", values["content"])
        if name in ("byline", "author"):
            located = self._attribute_text("content")
            if located is not None:
                self._flush()  # a <meta> amid text (rare) splits it, so blocks never overlap
                self.candidates.append(("byline", *located))

    def _attribute_text(self, attribute: str) -> tuple[str, TextMap] | None:
        """The decoded value of an attribute of the current start tag, mapped into the source."""
        start = self._offset()
        raw_tag = self.source[start:start + len(self.get_starttag_text() or "")]
        match = re.search(
            rf"""\s{attribute}\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", raw_tag, re.IGNORECASE
        )
        if match is None:
            return None
        group = next(index for index in (1, 2, 3) if match.group(index) is not None)
        return decode_entities(match.group(group), start + match.start(group))


def decode_entities(raw: str, source_start: int) -> tuple[str, TextMap]:
    """Decode HTML character references in ``raw`` (found at ``source_start``), each atomic."""
    builder = TextBuilder()
    cursor = 0
    for match in _ENTITY.finditer(raw):
        builder.add_linear(raw[cursor:match.start()], source_start + cursor)
        reference, decoded = match.group(), html.unescape(match.group())
        # "&nbspx" decodes to "\xa0x": only the "&nbsp" part is the reference, "x" is plain text.
        tail = 0
        while tail < len(decoded) - 1 and decoded[-1 - tail] == reference[-1 - tail]:
            tail += 1
        head = len(reference) - tail
        builder.add_decoded(decoded[:len(decoded) - tail], reference[:head], source_start + match.start())
        builder.add_linear(reference[head:], source_start + match.start() + head)
        cursor = match.end()
    builder.add_linear(raw[cursor:], source_start + cursor)
    return builder.build()


def read(source: str) -> Article:
    fed, restore = _neutralised(source)
    parser = _ArticleParser(source, restore)
    parser.feed(fed)
    parser.close()
    candidates = parser.candidates
    has_h1 = any(kind == "h1" for kind, _, _ in candidates)
    resolved: list[tuple[str, str, TextMap]] = []
    headline_taken = False
    for kind, text, tmap in candidates:
        if kind == "title":
            if has_h1:
                continue  # <title> is the fallback headline
            kind = "h1"
        if kind == "h1":
            kind = "subhead" if headline_taken else "headline"
            headline_taken = True
        resolved.append((kind, text, tmap))
    return Article(
        source=source,
        format="html",
        blocks=tuple(assemble_blocks(resolved)),
        meta=dict(parser.meta),
        suppressions=find_suppressions(source),
    )
