"""Sentence splitting and quotation finding that know news copy.

News abbreviations (``Oct.``, ``Sen.``, ``a.m.``, ``U.S.``) do not end a sentence unless the next
word plainly starts one; a closing quotation mark after the full stop stays with its sentence.
"""

from __future__ import annotations

from functools import lru_cache

from .patterns import compile_re

# Titles and other abbreviations that bind to the word after them ("Sen. Jane Roe", "No. 2"):
# their full stop never ends a sentence (lower-cased, without the dot).
_TITLES = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "lt", "gen", "col", "maj", "capt", "cmdr",
    "sgt", "cpl", "pvt", "adm", "supt", "det", "insp", "atty", "pres", "rev", "msgr", "fr", "st",
    "hon", "amb", "asst", "assoc", "mt", "ft", "no", "nos", "vs", "v", "approx", "fig", "vol",
}
# Abbreviations that often close a sentence ("... Acme Inc. The firm"): they end one only before
# a word that plainly opens a sentence. Months ("Oct. 11") and states ("Ill.") behave the same.
_TRAILING = {"jr", "sr", "inc", "corp", "co", "ltd", "bros", "etc", "ave", "blvd", "rd", "dept", "univ", "assn"}
_MONTHS = {"jan", "feb", "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec"}
_STATES = {
    "ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind", "kan", "ky",
    "la", "md", "mass", "mich", "minn", "miss", "mo", "mont", "neb", "nev", "okla", "ore", "pa",
    "tenn", "vt", "va", "wash", "wis", "wyo",
}
_ENDS_BEFORE_STARTER = _TRAILING | _MONTHS | _STATES

# Possessive runs, started only where a run of marks starts: a long row of dots (".......")
# not followed by white space would otherwise be re-scanned from each of its dots (quadratic).
# The check that no mark comes before is a lookbehind after the first mark, not before it: a
# pattern that opens with a character class lets the engine skip ahead to the next mark, two
# and a half times faster than trying a lookbehind at every character.
_CANDIDATE = compile_re(r"""[.!?](?<![.!?][.!?])[.!?]*+["'”’)\]]*+(?=\s|$)""")
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.")
_INITIALISM = compile_re(r"^(?:[A-Za-z]\.)+[A-Za-z]?$")  # U.S, a.m, D.C, J.
_NEXT_WORD = compile_re(r"\s+([\"'“‘(\[]*)(\S+)")

# Words that commonly open a sentence after an abbreviation ("... in the U.S. The company ...").
_SENTENCE_STARTERS = {
    "The", "A", "An", "It", "He", "She", "They", "We", "I", "But", "And", "In", "On", "At", "This",
    "That", "These", "Those", "His", "Her", "Its", "Their", "Our", "There", "So", "Yet", "As",
    "When", "While", "After", "Before", "If", "Since", "Some", "Many", "Most", "No", "Now", "Then",
}
# Words that continue a time: "9 a.m. Tuesday", "5 p.m. EDT".
_TIME_CONTINUERS = {
    "eastern", "central", "mountain", "pacific", "local", "et", "edt", "est", "pt", "pdt", "pst",
    "ct", "cdt", "cst", "mt", "mdt", "mst", "gmt", "bst", "utc",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "jan", "feb", "march", "april", "may", "june", "july", "aug", "sept", "oct", "nov", "dec",
}


def _ends_sentence(text: str, dot: int, end: int) -> bool:
    """Whether the punctuation run ``text[dot:end]`` closes a sentence."""
    following = _NEXT_WORD.match(text, end)
    next_word = following.group(2) if following else ""
    if not next_word:
        return True
    opens_upper = next_word[0].isupper() or next_word[0].isdigit()
    if text[dot] in "!?":
        # '"Will we?" he asked.' -- a lower-case word after the mark continues the sentence.
        return not next_word[0].islower()
    word = _word_before(text, dot)
    if not word:
        return opens_upper
    bare = word.rstrip(".").lower()
    is_starter = next_word in _SENTENCE_STARTERS
    if bare in ("a.m", "p.m"):
        plain_next = next_word.rstrip(".,;:").lower()
        return next_word[0].isupper() and plain_next not in _TIME_CONTINUERS
    if _INITIALISM.match(word) or "." in bare:
        # "U.S. officials", "John F. Kennedy": an initialism or an initial ends a sentence only
        # before a word that plainly opens one ("in the U.S. The company").
        return is_starter
    if bare in _TITLES:
        return False
    if bare in _ENDS_BEFORE_STARTER:
        return is_starter
    if len(bare) == 1 and word[0].isupper():  # a middle initial, "Malcolm X."
        return is_starter
    return opens_upper


def _word_before(text: str, dot: int) -> str:
    """The word (letters and dots, opening with a letter) that ends at ``dot``: "Oct", "U.S".

    Scanned backwards from the mark, so finding it costs the length of the word, not of the
    text before it (a regex searched from the start of a long paragraph made splitting
    quadratic).
    """
    start = dot
    while start > 0 and text[start - 1] in _WORD_CHARS:
        start -= 1
    while start < dot and text[start] == ".":
        start += 1
    return text[start:dot]


@lru_cache(maxsize=2048)
def split_sentences(text: str) -> tuple[tuple[int, int], ...]:
    """Spans ``[start, end)`` of the sentences of ``text``, leading and trailing space trimmed.

    Cached: the article's sentence scope and the readability counts split the same paragraphs.
    """
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
    return tuple(spans)


def _append(text: str, spans: list[tuple[int, int]], start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))


_OPENERS = {"“": "”", '"': '"', "«": "»"}
_OPENING_MARK = compile_re("[“\"«]")


def find_quotations(text: str) -> list[tuple[int, int]]:
    """Spans of the text inside double quotation marks (straight or curly).

    An opening mark with no close runs to the end of the paragraph, as AP's convention for a
    quotation continued in the next paragraph allows.
    """
    spans: list[tuple[int, int]] = []
    index = 0
    length = len(text)
    while index < length:
        opening = _OPENING_MARK.search(text, index)  # the next opening mark, found in C
        if opening is None:
            break
        index = opening.start()
        closer = _OPENERS[text[index]]
        close = text.find(closer, index + 1)
        if closer == '"' and close == -1:
            close = text.find("”", index + 1)
        if close == -1:
            spans.append((index + 1, length))
            break
        spans.append((index + 1, close))
        index = close + 1
    return spans
