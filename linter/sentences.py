"""Sentence splitting and quotation finding that know news copy.

News abbreviations (``Oct.``, ``Sen.``, ``a.m.``, ``U.S.``) do not end a sentence unless the next
word plainly starts one; a closing quotation mark after the full stop stays with its sentence.
"""

from __future__ import annotations

import re

# Abbreviations after which a full stop does not end the sentence (lower-cased, without the dot).
_TITLES = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "lt", "gen", "col", "maj", "capt", "cmdr",
    "sgt", "cpl", "pvt", "adm", "supt", "det", "insp", "atty", "gov", "pres", "rev", "msgr", "fr",
    "sr", "jr", "st", "hon", "amb", "asst", "assoc", "mt", "ft", "ave", "blvd", "rd", "no", "nos",
    "vs", "v", "etc", "approx", "dept", "univ", "corp", "inc", "co", "ltd", "bros", "est", "fig",
}
_MONTHS = {"jan", "feb", "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec"}
_STATES = {
    "ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind", "kan", "ky",
    "la", "md", "mass", "mich", "minn", "miss", "mo", "mont", "neb", "nev", "okla", "ore", "pa",
    "tenn", "vt", "va", "wash", "wis", "wyo",
}
# Abbreviations that always bind to what follows (a title before a name, a month before a day).
_BINDING = _TITLES | _MONTHS | _STATES

_CANDIDATE = re.compile(r"""[.!?]+["'”’)\]]*(?=\s+|$)""")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_INITIALISM = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]?$")  # U.S, a.m, D.C, J.
_NEXT_WORD = re.compile(r"\s+([\"'“‘(\[]*)(\S+)")


def _ends_sentence(text: str, dot: int, end: int) -> bool:
    """Whether the punctuation run ``text[dot:end]`` closes a sentence."""
    if text[dot] in "!?":
        return True
    if text[dot:dot + 3] == "...":
        pass
    match = _WORD_BEFORE.search(text, 0, dot)
    following = _NEXT_WORD.match(text, end)
    next_word = following.group(2) if following else ""
    starts_upper = bool(next_word) and (next_word[0].isupper() or next_word[0].isdigit())
    if not next_word:
        return True
    if match is None:
        return starts_upper
    word = match.group(1)
    bare = word.rstrip(".").lower()
    if "." in word.rstrip(".") or _INITIALISM.match(word):
        # An initialism: "U.S." or "a.m." ends a sentence only when a capitalised word that is
        # not itself a name-like continuation follows; keep "U.S. officials" together.
        if bare in {"a.m", "p.m"}:
            return starts_upper and next_word[0].isupper() and next_word.lower() not in _CONTINUERS
        if len(bare) == 1:  # a middle initial: "John F. Kennedy"
            return False
        return starts_upper and next_word in _SENTENCE_STARTERS
    if bare in _BINDING:
        return False
    if len(bare) == 1 and word[0].isupper():  # an initial
        return False
    return starts_upper


# Words that commonly open a sentence after an initialism ("... in the U.S. The company ...").
_SENTENCE_STARTERS = {
    "The", "A", "An", "It", "He", "She", "They", "We", "I", "But", "And", "In", "On", "At", "This",
    "That", "These", "Those", "His", "Her", "Its", "Their", "Our", "There", "So", "Yet", "As",
    "When", "While", "After", "Before", "If", "Since", "Some", "Many", "Most", "No", "Now", "Then",
}
_CONTINUERS = {"eastern", "et", "edt", "est", "pt", "pdt", "ct", "cdt", "mt", "gmt", "bst"}


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans ``[start, end)`` of the sentences of ``text``, leading and trailing space trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    length = len(text)
    for match in _CANDIDATE.finditer(text):
        if not _ends_sentence(text, match.start(), match.end()):
            continue
        _append(text, spans, start, match.end())
        start = match.end()
    if start < length:
        _append(text, spans, start, length)
    return spans


def _append(text: str, spans: list[tuple[int, int]], start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))


_OPENERS = {"“": "”", '"': '"', "«": "»"}


def find_quotations(text: str) -> list[tuple[int, int]]:
    """Spans of the text inside double quotation marks (straight or curly).

    An opening mark with no close runs to the end of the paragraph, as AP's convention for a
    quotation continued in the next paragraph allows.
    """
    spans: list[tuple[int, int]] = []
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        closer = _OPENERS.get(char)
        if closer is None:
            index += 1
            continue
        close = text.find(closer, index + 1)
        if closer == '"' and close == -1:
            close = text.find("”", index + 1)
        if close == -1:
            spans.append((index + 1, length))
            break
        spans.append((index + 1, close))
        index = close + 1
    return spans
