"""Pieces the readers share: the dateline, the byline, inline suppression comments."""

from __future__ import annotations

import re

from ..article import Block, Suppression
from ..patterns import compile_re

# "NEW ORLEANS (AP) — ", "WASHINGTON — ", "LONDON, Oct. 11 (Reuters) - "
_DATELINE = compile_re(
    r"""^(?P<dateline>[A-Z][A-Z .'\-]{1,40}[A-Z.](?:,\s+[A-Z][A-Za-z.]+(?:\s+[A-Za-z.]+)?)?"""
    r"""(?:,?\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2})?(?:\s*\((?:AP|Reuters|AFP|UPI|CNN|[A-Z][\w ]{0,20})\))?)"""
    r"""\s*(?:—|–|--|-)\s+"""
)


def split_dateline(paragraph: Block) -> tuple[Block | None, Block]:
    """Separate a wire dateline ("NEW ORLEANS (AP) — ") from the lede it opens."""
    match = _DATELINE.match(paragraph.text)
    if match is None:
        return None, paragraph
    dateline = paragraph.sub("dateline", 0, match.end("dateline"))
    dateline = Block("dateline", "dateline", dateline.text, dateline.map, 0)
    rest = paragraph.sub(paragraph.kind, match.end(), len(paragraph.text), paragraph.index)
    return dateline, rest


_BYLINE_WORD = compile_re(r"^(?:[A-Z][\w'’.\-]*|and|of|the|de|van|von|la|le|da|[A-Z]{2,}|,|&)$")


def looks_like_byline(text: str) -> bool:
    """A short last line naming an author: "By Jane Doe", "Vanessa Coleman", "Jane Doe, AP"."""
    stripped = text.strip()
    if not stripped or "\n" in stripped or len(stripped) > 80:
        return False
    if stripped[-1] in '.!?"”:;':
        return False
    if re.match(r"^(?:By|BY|by)\s+\S", stripped):
        return True
    words = stripped.replace(",", " , ").split()
    return 2 <= len(words) <= 6 and all(_BYLINE_WORD.match(w) for w in words)


# <!-- copydesk-disable RULE --> ... <!-- copydesk-enable RULE -->, <!-- copydesk-disable-next-line RULE -->
_COMMENT = compile_re(r"<!--\s*copydesk-(disable-next-line|disable|enable)\b\s*([\w.\-, ]*?)\s*-->")


def find_suppressions(source: str) -> tuple[Suppression, ...]:
    """Inline suppression regions from HTML comments (used in Markdown and HTML sources)."""
    out: list[Suppression] = []
    open_regions: dict[str | None, int] = {}
    for match in _COMMENT.finditer(source):
        action = match.group(1)
        rules = [r.strip() for r in match.group(2).replace(",", " ").split()] or [None]
        if action == "disable-next-line":
            line_end = source.find("\n", match.end())
            start = len(source) if line_end == -1 else line_end + 1
            # The next line that has text: skip blank lines between comment and prose.
            while start < len(source) and source[start] in "\r\n":
                start += 1
            end = source.find("\n", start)
            end = len(source) if end == -1 else end
            out.extend(Suppression(rule, start, end) for rule in rules)
        elif action == "disable":
            for rule in rules:
                open_regions.setdefault(rule, match.end())
        else:
            for rule in rules:
                if rule in open_regions:
                    out.append(Suppression(rule, open_regions.pop(rule), match.start()))
    out.extend(Suppression(rule, start, len(source)) for rule, start in open_regions.items())
    return tuple(out)
