"""Plain-text stories: line 1 the headline, a blank line, paragraphs separated by blank lines;
a short last line may be a byline."""

from __future__ import annotations

from ..article import Article, Block, TextMap
from ..patterns import compile_re
from .common import looks_like_byline, split_dateline

_BLANK_LINES = compile_re(r"\n[ \t\r\f\v]*\n(?:[ \t\r\f\v]*\n)*")


def paragraph_spans(source: str, offset: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of blank-line-separated paragraphs, outer white space trimmed."""
    end = len(source) if end is None else end
    spans = []
    cursor = offset
    for match in _BLANK_LINES.finditer(source, offset, end):
        spans.append((cursor, match.start()))
        cursor = match.end()
    spans.append((cursor, end))
    out = []
    for start, stop in spans:
        while start < stop and source[start].isspace():
            start += 1
        while stop > start and source[stop - 1].isspace():
            stop -= 1
        if start < stop:
            out.append((start, stop))
    return out


def body_blocks(source: str, spans: list[tuple[int, int]], *, allow_byline: bool = True) -> list[Block]:
    """Body paragraphs (with a leading dateline and a trailing byline split out)."""
    blocks: list[Block] = []
    count = len(spans)
    paragraphs = 0  # counted as we go: recounting the blocks per paragraph was quadratic
    for position, (start, stop) in enumerate(spans):
        text = source[start:stop]
        tmap = TextMap.contiguous(start, stop - start)
        if allow_byline and position == count - 1 and count > 1 and looks_like_byline(text):
            blocks.append(Block("byline", "byline", text, tmap, 0))
            continue
        block = Block("paragraph", "body", text, tmap, paragraphs)
        if paragraphs == 0:
            dateline, block = split_dateline(block)
            if dateline is not None:
                blocks.append(dateline)
        blocks.append(block)
        paragraphs += 1
    return blocks


def read(source: str) -> Article:
    spans = paragraph_spans(source)
    blocks: list[Block] = []
    if len(spans) > 1 and "\n" not in source[spans[0][0]:spans[0][1]]:
        start, stop = spans[0]
        blocks.append(Block("headline", "headline", source[start:stop], TextMap.contiguous(start, stop - start)))
        spans = spans[1:]
    blocks.extend(body_blocks(source, spans))
    return Article(source=source, format="text", blocks=tuple(blocks))
