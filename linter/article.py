"""The article model: fields and blocks of prose that remember where they came from.

A reader turns a source (plain text, Markdown, HTML, CMS JSON) into an :class:`Article`. Each
:class:`Block` holds the prose a rule reads (markup removed, entities decoded) and a
:class:`TextMap` from positions in that prose back to code-point offsets in the original source,
so that findings and fixes land in the raw Markdown or HTML.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterator, Mapping

from .patterns import compile_re

_WORD = compile_re(r"\w+")
_DOTTED = compile_re(r"(?:[A-Za-z]\.){2,}")
_DOTTED_HINT = compile_re(r"\.[A-Za-z]\.")  # starts with a literal: a quick search rules most stories out

#: Article fields, in the order they appear in a story.
FIELDS = ("headline", "dek", "byline", "dateline", "body")
#: Scopes a rule can target: the fields, plus finer divisions of the body.
SCOPES = FIELDS + ("paragraph", "sentence", "quote", "text")


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of block text ``[text_start, text_end)`` taken from ``[source_start, source_end)``.

    Runs of equal length map character for character. A run of unequal length is atomic (an HTML
    entity such as ``&amp;`` or a JSON escape): it maps as a whole.
    """

    text_start: int
    text_end: int
    source_start: int
    source_end: int

    @property
    def linear(self) -> bool:
        return self.text_end - self.text_start == self.source_end - self.source_start


@dataclass(frozen=True, slots=True)
class TextMap:
    """Maps offsets in a block's text to offsets in the article source."""

    pieces: tuple[Piece, ...]

    @classmethod
    def contiguous(cls, source_start: int, length: int) -> "TextMap":
        return cls((Piece(0, length, source_start, source_start + length),))

    def _find(self, offset: int, *, prefer_end: bool) -> Piece:
        pieces = self.pieces
        lo, hi = 0, len(pieces)
        while lo < hi:  # the last piece starting at or before offset
            mid = (lo + hi) // 2
            if pieces[mid].text_start <= offset:
                lo = mid + 1
            else:
                hi = mid
        index = max(lo - 1, 0)
        if prefer_end:
            # An end offset on a boundary belongs to the piece before it, so a span that ends
            # just before markup does not swallow the markup.
            while index > 0 and pieces[index].text_start >= offset:
                index -= 1
        return pieces[index]

    def to_source(self, offset: int, *, end: bool = False) -> int:
        """The source offset of a text offset; ``end`` marks the exclusive end of a span."""
        if not self.pieces:
            return 0
        piece = self._find(offset, prefer_end=end)
        if piece.linear:
            delta = min(max(offset - piece.text_start, 0), piece.text_end - piece.text_start)
            return piece.source_start + delta
        if end:
            return piece.source_end if offset > piece.text_start else piece.source_start
        return piece.source_start if offset < piece.text_end else piece.source_end

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The source span of the text span ``[start, end)``."""
        if start == end:
            position = self.to_source(start)
            return position, position
        return self.to_source(start), self.to_source(end, end=True)

    def slice(self, start: int, end: int) -> "TextMap":
        """The map of ``text[start:end]``, re-based to start at 0."""
        pieces = self.pieces
        if len(pieces) == 1 and start < end:  # most paragraphs: one run of plain text
            piece = pieces[0]
            if (piece.text_start <= start and end <= piece.text_end
                    and piece.text_end - piece.text_start == piece.source_end - piece.source_start):
                shift = piece.source_start - piece.text_start
                return TextMap((Piece(0, end - start, start + shift, end + shift),))
        # Binary search for the first piece that can overlap, so slicing many sentences out of a
        # long paragraph stays linear overall.
        lo, hi = 0, len(pieces)
        while lo < hi:
            mid = (lo + hi) // 2
            if pieces[mid].text_end < start:
                lo = mid + 1
            else:
                hi = mid
        out: list[Piece] = []
        for index in range(lo, len(pieces)):  # not pieces[lo:]: copying the tail is quadratic
            piece = pieces[index]
            if piece.text_start > end or (piece.text_start == end and piece.text_end > end):
                break
            if piece.text_end <= start and not (piece.text_start == piece.text_end == start):
                continue
            low, high = max(piece.text_start, start), min(piece.text_end, end)
            if piece.linear:
                src_lo = piece.source_start + (low - piece.text_start)
                src_hi = piece.source_start + (high - piece.text_start)
            else:
                src_lo, src_hi = piece.source_start, piece.source_end
            out.append(Piece(low - start, high - start, src_lo, src_hi))
        return TextMap(tuple(out))


@dataclass(frozen=True, slots=True)
class Block:
    """A scoped piece of prose: a headline, a paragraph, a sentence, a quotation.

    ``kind`` is what the block is (``headline``, ``paragraph``, ``subhead``, ``sentence``,
    ``quote`` ...); ``field`` is the article field it belongs to; ``index`` counts blocks of the
    same kind within the field (paragraph 0 is the lede).
    """

    kind: str
    field: str
    text: str
    map: TextMap
    index: int = 0

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        return self.map.span(start, end)

    @property
    def source_start(self) -> int:
        return self.map.to_source(0)

    @property
    def source_end(self) -> int:
        return self.map.to_source(len(self.text), end=True)

    def sub(self, kind: str, start: int, end: int, index: int = 0) -> "Block":
        """A block for ``text[start:end]`` of this one (a sentence of a paragraph, say)."""
        return Block(kind, self.field, self.text[start:end], self.map.slice(start, end), index)


@dataclass(frozen=True, slots=True)
class Suppression:
    """An inline ``copydesk-disable`` region: ``rule`` (or prefix, or ``None`` = all) is off in
    ``[start, end)`` of the source."""

    rule: str | None
    start: int
    end: int

    def covers(self, rule_id: str, start: int) -> bool:
        if not self.start <= start < self.end:
            return False
        return self.rule is None or rule_id == self.rule or rule_id.startswith(self.rule + ".")


@dataclass(frozen=True)
class Article:
    """A story: its source text, its blocks in source order, and its metadata."""

    source: str
    format: str
    blocks: tuple[Block, ...]
    meta: Mapping[str, str] = field(default_factory=dict)
    suppressions: tuple[Suppression, ...] = ()
    path: str | None = None

    # -- fields -------------------------------------------------------------------------------
    def field(self, name: str) -> tuple[Block, ...]:
        return tuple(block for block in self.blocks if block.field == name)

    @property
    def headline(self) -> Block | None:
        found = self.field("headline")
        return found[0] if found else None

    @cached_property
    def paragraphs(self) -> tuple[Block, ...]:
        """Body paragraphs in order (subheads excluded)."""
        return tuple(b for b in self.blocks if b.field == "body" and b.kind == "paragraph")

    def _divide(self, kind: str, spans_of) -> tuple[Block, ...]:
        """Sub-blocks of every body block, numbered across the article."""
        return tuple(sub for _, _, _, subs in self._divisions(kind, spans_of) for sub in subs)

    def _divisions(self, kind: str, spans_of) -> list[tuple[Block, list[int], list[int], list[Block]]]:
        """Per body block: the block, the starts and ends of its sub-blocks, and the sub-blocks."""
        out: list[tuple[Block, list[int], list[int], list[Block]]] = []
        count = 0
        for block in self.blocks:
            if block.field == "body":
                spans = spans_of(block.text)
                subs = [block.sub(kind, start, end, count + i) for i, (start, end) in enumerate(spans)]
                count += len(subs)
                out.append((block, [start for start, _ in spans], [end for _, end in spans], subs))
        return out

    @cached_property
    def _sentence_divisions(self) -> list[tuple[Block, list[int], list[int], list[Block]]]:
        from .sentences import split_sentences

        return self._divisions("sentence", split_sentences)

    @cached_property
    def sentences(self) -> tuple[Block, ...]:
        return tuple(sub for _, _, _, subs in self._sentence_divisions for sub in subs)

    def find_in_scope(self, scope: str, finditer) -> Iterator[tuple[Block, int, int, str]]:
        """(block, start, end, text) of each match of ``finditer`` (a compiled pattern's) in the
        blocks of ``scope``. For sentences, each paragraph is searched once and a match is given
        to the sentence holding it whole (one search per paragraph, not one per sentence), which
        finds what searching sentence by sentence finds for patterns of words and spaces, whose
        matches cannot run across a sentence end. Patterns a rule's author wrote (anchors,
        lookarounds that see past the sentence) must search ``scope(...)`` block by block."""
        if scope != "sentence":
            for block in self.scope(scope):
                for found in finditer(block.text):
                    yield block, found.start(), found.end(), found.group()
            return
        for parent, starts, ends, subs in self._sentence_divisions:
            if not subs:
                continue
            for found in finditer(parent.text):
                start, end = found.span()
                index = bisect.bisect_right(starts, start) - 1
                if index >= 0 and end <= ends[index]:
                    offset = starts[index]
                    yield subs[index], start - offset, end - offset, found.group()

    @cached_property
    def quotes(self) -> tuple[Block, ...]:
        """The text inside quotation marks, one block per quotation."""
        from .sentences import find_quotations

        return self._divide("quote", find_quotations)

    @cached_property
    def quote_spans(self) -> tuple[tuple[int, int], ...]:
        """Source spans of direct quotations, sorted, for protecting them from fixes."""
        return tuple(sorted(q.source_span(0, len(q.text)) for q in self.quotes))

    def in_quotation(self, start: int, end: int) -> bool:
        spans = self.quote_spans
        index = bisect.bisect_right(spans, (start, float("inf"))) - 1
        return index >= 0 and spans[index][0] <= start and end <= spans[index][1]

    def scope(self, name: str) -> tuple[Block, ...]:
        """The blocks a rule with this scope reads."""
        if name == "paragraph":
            return self.paragraphs
        if name == "sentence":
            return self.sentences
        if name == "quote":
            return self.quotes
        if name == "text":
            return self.blocks
        return self.field(name)

    @cached_property
    def all_text(self) -> str:
        """The text of every block, one per line: what a rule searches once to learn whether
        it can match anywhere before it matches scope by scope."""
        return "\n".join(block.text for block in self.blocks)

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Every word (``\\w+``) in the article, case-folded: a rule with a word list skips an
        article that holds none of its words without scanning it (see
        :func:`linter.ruletypes._matching.required_words`)."""
        text = self.all_text
        words = set(_WORD.findall(text))  # blocks are joined by newlines: no word spans two
        folded = {word.casefold() for word in words}
        # Python's case-insensitive matching uses simple case mappings ("İ" matches "i"), which
        # casefold() does not always give; keep those spellings of non-ASCII words too.
        folded.update("".join(char.lower()[:1] for char in word) for word in words if not word.isascii())
        # Dotted initials ("N.Y.P.D.") also count as the words they spell, every run of 2 to 8 of
        # them, so that a listed acronym can be looked for whatever initials stand around it.
        for run in _DOTTED.findall(text) if _DOTTED_HINT.search(text) else ():
            letters = run.replace(".", "").casefold()
            folded.update(letters[i:j] for i in range(len(letters)) for j in range(i + 2, min(len(letters), i + 8) + 1))
        return frozenset(folded)

    @cached_property
    def body_text(self) -> str:
        return "\n\n".join(block.text for block in self.blocks if block.field == "body")

    # -- positions ------------------------------------------------------------------------------
    @cached_property
    def _line_starts(self) -> list[int]:
        starts = [0]
        find = self.source.find
        index = find("\n")
        while index != -1:
            starts.append(index + 1)
            index = find("\n", index + 1)
        return starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a source offset; columns count code points."""
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def line_text(self, line: int) -> str:
        starts = self._line_starts
        start = starts[line - 1]
        end = starts[line] - 1 if line < len(starts) else len(self.source)
        return self.source[start:end].rstrip("\r")

    def iter_text(self) -> Iterator[str]:
        for block in self.blocks:
            yield block.text
