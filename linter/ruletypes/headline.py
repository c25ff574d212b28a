"""``headline``: what the headline promises and the body never delivers.

``check: places`` flags a place in the headline (a country, a US state, a major city; with
``demonyms: true`` also "Texan", "French") that the body never mentions under any of its
names, its demonyms, or a place inside it ("Houston" covers "Texas"). A capital also counts as
mentioned when the body names its country, since headlines use capitals for governments
("Beijing warns ..."), and a city when the body names its state or country
(``cities_covered_by_parent``, on by default).

``check: people`` flags a person named with a title in the headline ("Gov. Jane Roe", "Queen
Elizabeth") when the body never uses any part of the name. Only sentence-case headlines are
read: in a title-case headline every word is capitalised, and "Sheriff Faces Backlash" reads
like a name.

``check: numbers`` flags a count in the headline ("5 killed") when the body gives the same
thing a different count ("four people were killed") and never the headline's.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from ..article import Article, Block
from ..gazetteer import GazetteerError, PlaceGazetteer, compile_names, load_places
from ..patterns import compile_re
from .base import LintContext, Match, RuleConfigError, RuleType


def _longest_first(word: str) -> tuple[int, str]:
    """Sort key for the alternatives of a pattern: longer first, then alphabetical, so the
    pattern (and its compiled program, kept across runs) is the same in every process."""
    return -len(word), word

CHECKS = ("places", "people", "numbers")

# "Bristol City 2-1 Milton Keynes": a place followed by one of these names a sports club.
_CLUB = compile_re(
    r"\s+(?:City|United|Utd|Town|Rovers|Athletic|Wanderers|Albion|County|Rangers|FC|Villa|Wednesday|"
    r"Hotspur|Argyle|Orient|Dons)\b"
)

_PARTY_TAG = compile_re(r"\b[RDI]-([A-Z]{2})\b")

_CAPITAL_WORD = compile_re(r"\b[A-Z][A-Z'’\-]*[A-Z]\b")


def _title_case_capitals(text: str, keep: set[str]) -> str:
    """Title-case words in capitals ("TEXAS" -> "Texas") unless they are a known capital form
    ("USA", "UAE"); the result has the same length, so offsets still hold."""
    return _CAPITAL_WORD.sub(lambda m: m.group() if m.group() in keep else m.group().title(), text)


_LATIN_WORD = compile_re(r"[A-Za-z]{2,}")


def _mostly_capitals(text: str) -> bool:
    words = _LATIN_WORD.findall(text)
    return bool(words) and sum(w.isupper() for w in words) >= 0.6 * len(words)


@lru_cache(maxsize=4096)
def _forms_pattern(forms: tuple[str, ...]) -> re.Pattern[str]:
    """A matcher for a few forms anywhere in the body, also inside a longer name ("Virginia"
    in "West Virginia"), in capitals ("TEXAS") and, for a one-word name, in lower case: a
    headline's "Turkey" over a story about a turkey is not a missing country."""
    variants = set(forms) | {f.upper() for f in forms if len(f) > 3}
    variants |= {f.lower() for f in forms if f.isalpha() and len(f) > 3}
    return compile_names(variants)


class HeadlineMismatch(RuleType):
    """Headline against body: places, people and numbers the body does not bear out."""

    name = "headline"
    default_scope = "headline"
    options_schema = {
        "check": {"enum": list(CHECKS)},
        "gazetteers": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
        "cities_covered_by_parent": {"type": "boolean"},
        "demonyms": {"type": "boolean"},
        "exceptions": {"type": "array", "items": {"type": "string"}},
    }
    required_options = ("check",)

    def __init__(self, spec) -> None:
        super().__init__(spec)
        options = spec.options
        self.check_kind = options["check"]
        self.exceptions = set(options.get("exceptions", ()))
        self.places: PlaceGazetteer | None = None
        if self.check_kind == "places":
            if not options.get("gazetteers"):
                raise RuleConfigError("a places check needs 'gazetteers' (place gazetteer files)", "gazetteers")
            try:
                self.places = load_places([spec.data_path(p) for p in options["gazetteers"]])
            except GazetteerError as error:
                raise RuleConfigError(str(error), "gazetteers") from None
            # Forms written in capitals ("USA", "UAE", "NYC") stay as they are in a shouted headline.
            self.capital_forms = {form for form in self.places.by_form if form.isupper()}
            self.codes: dict[str, tuple[int, ...]] = {}
            for index, place in enumerate(self.places.places):
                if place.kind == "state":
                    for code in place.codes:
                        self.codes[code] = self.codes.get(code, ()) + (index,)
        self.cities_covered_by_parent = bool(options.get("cities_covered_by_parent", True))
        self.demonyms = bool(options.get("demonyms", False))

    def check(self, article: Article, context: LintContext) -> Iterable[Match]:
        headline = article.headline
        if headline is None or not headline.text.strip():
            return ()
        body = [b for b in article.blocks if b.field in ("dek", "dateline", "body")]
        if not body:
            return ()
        if self.check_kind == "places":
            return self._check_places(headline, body)
        if self.check_kind == "numbers":
            return _check_numbers(headline, body)
        return _check_people(headline, body)

    # -- places ------------------------------------------------------------------------------------
    def _check_places(self, headline: Block, body: list[Block]) -> Iterable[Match]:
        places = self.places
        assert places is not None
        shouted = _mostly_capitals(headline.text)
        text = _title_case_capitals(headline.text, self.capital_forms)
        found = [
            (start, end, form)
            for start, end, form in places.find(text)
            if form not in self.exceptions
            and not (shouted and form == "US")
            and not (not self.demonyms and places.is_demonym(form))
            and not all(places.places[i].ambiguous for i in places.indices(form))
            and not _CLUB.match(text, end)
        ]
        if not found:
            return
        body_text = "\n\n".join(b.text for b in body)
        covered_by: tuple[set[int], set[int]] | None = None  # (named, covered), worked out on demand
        reported: set[str] = set()
        for start, end, form in found:
            if form in reported:
                continue
            # Most headline places are named in the body as written (or inside a longer name):
            # one search of the body says so, without reading every place the body names.
            if self._named_in_body(form, body_text):
                continue
            if covered_by is None:
                covered_by = self._places_named(body, body_text)
            if self._mentioned(form, body_text, *covered_by):
                continue
            reported.add(form)
            yield Match(headline, start, end, actual=headline.text[start:end])

    def _places_named(self, body: list[Block], body_text: str) -> tuple[set[int], set[int]]:
        """Every place the body names, and those plus the places that contain them ("Houston"
        -> Texas, US)."""
        places = self.places
        assert places is not None
        named: set[int] = set()
        for _, _, form in places.find(body_text):
            named.update(places.indices(form))
        named |= set(_title_case_places(places, body))
        for tag in _PARTY_TAG.finditer(body_text):  # "(R-VA)": a US state by its postal code
            named.update(self.codes.get(tag.group(1), ()))
        covered = set(named)
        for index in named:
            if not places.places[index].ambiguous:  # "Austin Healey" says nothing about Texas
                covered |= places.ancestors[index]
        return named, covered

    def _named_in_body(self, form: str, body_text: str) -> bool:
        """The last test of :meth:`_mentioned`, which needs no list of the places the body
        names: one of the place's forms is in the body."""
        places = self.places
        assert places is not None
        return any(_forms_pattern(places.places[index].forms).search(body_text) for index in places.indices(form))

    def _mentioned(self, form: str, body_text: str, named: set[int], covered: set[int]) -> bool:
        places = self.places
        assert places is not None
        for index in places.indices(form):
            place = places.places[index]
            if index in covered:
                return True
            parents = places.by_name(place.parent) if place.parent else ()
            if place.capital and any(p in named for p in parents):
                return True
            if self.cities_covered_by_parent and place.kind == "city" and any(p in named for p in parents):
                return True
            if any(p in named for name in place.stands_for for p in places.by_name(name)):
                return True
            if _forms_pattern(place.forms).search(body_text):
                return True  # inside a longer name ("Virginia" in "West Virginia")
        return False


def _title_case_places(places: PlaceGazetteer, blocks: list[Block]) -> Iterable[int]:
    """Places in a dateline written in capitals ("NEW ORLEANS (AP) —")."""
    for block in blocks:
        if block.field == "dateline" or (block.field == "body" and block.index == 0):
            head = block.text[:60]
            if any(c.isupper() for c in head):
                for _, _, form in places.find(_title_case_capitals(head, set())):
                    yield from places.indices(form)


# -- numbers -----------------------------------------------------------------------------------------
_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1000000}
_WORD = "|".join(sorted(list(_UNITS) + list(_SCALES), key=_longest_first))
# A whole number: "5", "1,184", "four", "twenty-five", "two hundred", "3 million".
_NUMBER = (
    r"(?P<number>(?:\d{1,3}(?:,\d{3})+|\d+|" + _WORD + r")(?:(?:[\s\-]+(?:and\s+)?)(?:" + _WORD + r"))*)(?![\w,.]\d)"
)
# What a headline counts: casualties and arrests, where a wrong number is a real error.
_OUTCOMES = {
    "killed": "killed", "dead": "killed", "die": "killed", "dies": "killed", "died": "killed", "deaths": "killed",
    "injured": "injured", "hurt": "injured", "wounded": "injured",
    "arrested": "arrested", "arrests": "arrested", "detained": "arrested",
    "missing": "missing", "rescued": "rescued", "evacuated": "evacuated",
}
_OUTCOME = r"(?P<outcome>" + "|".join(sorted(_OUTCOMES, key=_longest_first)) + r")"
# "5 killed", "Five people dead", "four people were killed", "12 more arrested"
_COUNT_BEFORE = compile_re(
    r"\b" + _NUMBER + r"\s+(?:(?:more|people|persons|men|women|children|officers|police|soldiers|civilians|"
    r"students|others|protesters|tourists|miners|passengers|migrants|workers|were|are|have|been|was|"
    r"reported|now|confirmed|feared)\s+){0,3}" + _OUTCOME + r"\b",
    re.IGNORECASE,
)
# "killing five", "killed 4 people"
_COUNT_AFTER = compile_re(
    r"\b(?P<outcome>kills?|killing|killed|injures?|injuring|injured|wounds|wounding|wounded|"
    r"arrests?|arresting|arrested)\s+(?:at\s+least\s+)?" + _NUMBER + r"\b",
    re.IGNORECASE,
)
_AFTER_OUTCOME = {
    "kill": "killed", "kills": "killed", "killing": "killed", "killed": "killed",
    "injure": "injured", "injures": "injured", "injuring": "injured", "injured": "injured",
    "wounds": "injured", "wounding": "injured", "wounded": "injured",
    "arrest": "arrested", "arrests": "arrested", "arresting": "arrested", "arrested": "arrested",
}


def _value(words: str) -> int | None:
    """The value of a number as written: "1,184", "twenty-five", "two hundred", "3 million"."""
    total = current = 0
    for word in re.split(r"[\s\-]+", words.lower().replace(",", "")):
        if word == "and":
            continue
        if word.isdigit():
            current += int(word)
        elif word in _UNITS:
            current += _UNITS[word]
        elif word in _SCALES:
            scale = _SCALES[word]
            if scale == 100:
                current = (current or 1) * 100
            else:
                total += (current or 1) * scale
                current = 0
        else:
            return None
    return total + current


def _counts(text: str) -> list[tuple[int, int, int, str]]:
    """(start, end, value, outcome) of every casualty-style count in ``text``."""
    out = []
    for found in _COUNT_BEFORE.finditer(text):
        value = _value(found.group("number"))
        if value is not None:
            out.append((found.start("number"), found.end("number"), value, _OUTCOMES[found.group("outcome").lower()]))
    for found in _COUNT_AFTER.finditer(text):
        value = _value(found.group("number"))
        if value is not None:
            outcome = _AFTER_OUTCOME[found.group("outcome").lower()]
            out.append((found.start("number"), found.end("number"), value, outcome))
    return out


_ANY_NUMBER = compile_re(r"(?<![\d.,])\b" + _NUMBER, re.IGNORECASE)


def _all_numbers(text: str) -> set[int]:
    return {v for v in (_value(m.group()) for m in _ANY_NUMBER.finditer(text)) if v is not None}


# Every match of _COUNT_BEFORE or _COUNT_AFTER holds one of these (their outcome words), in any case.
_OUTCOME_HINT = compile_re(r"kill|dead|die|death|injur|hurt|wound|arrest|detained|missing|rescued|evacuated", re.IGNORECASE)


def _check_numbers(headline: Block, body: list[Block]) -> Iterable[Match]:
    """A headline count the body contradicts: the body counts the same outcome, always with
    another number, and never writes the headline's number at all (so "toll rises from 4 to 5"
    and "5 killed, including four officers" stay quiet)."""
    if not _OUTCOME_HINT.search(headline.text):
        return  # no word a count is made of (both count patterns need one)
    counts = _counts(headline.text)
    if not counts:
        return
    body_text = "\n\n".join(b.text for b in body)
    body_counts = _counts(body_text)
    mentioned = _all_numbers(body_text)
    for start, end, value, outcome in counts:
        same = sorted({v for _, _, v, o in body_counts if o == outcome})
        if not same or value in mentioned:
            continue
        said = ", ".join(str(v) for v in same)
        yield Match(
            headline,
            start,
            end,
            actual=headline.text[start:end],
            expected=said,
            data={"outcome": outcome},
        )


# -- people --------------------------------------------------------------------------------------------
_TITLES = (
    r"(?:President|Vice President|Sen\.|Senator|Rep\.|Gov\.|Governor|Mayor|Judge|Sheriff|Prime Minister|Minister|"
    r"Secretary|Gen\.|General|Pope|King|Queen|Prince|Princess|Dr\.|Coach|Commissioner|Chancellor|Speaker|"
    r"Chairman|Chairwoman|Ambassador|Attorney General|Justice|Rev\.|Archbishop|Bishop|Detective|Officer)"
)
_NAME_WORD = r"[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?"  # "Roe", "O'Neill", "Smith-Jones"
_TITLED_NAME = compile_re(
    r"\b" + _TITLES + r"\s+(?P<name>" + _NAME_WORD + r"(?:\s+(?:[A-Z]\.\s*)*" + _NAME_WORD + r"){0,2})"
)
_POSSESSIVE = compile_re(r"['’]s$")


_LONGER_WORD = compile_re(r"[A-Za-z][a-z]{3,}")


def _sentence_case(text: str) -> bool:
    """True for "Gov. Roe signs budget" style, False for "Gov. Roe Signs Budget" or capitals."""
    words = _LONGER_WORD.findall(text)
    return bool(words) and sum(w[0].isupper() for w in words) < 0.6 * len(words)


def _check_people(headline: Block, body: list[Block]) -> Iterable[Match]:
    if not _sentence_case(headline.text):
        return
    body_text = None  # built for the first titled name: most headlines have none
    for found in _TITLED_NAME.finditer(headline.text):
        if body_text is None:
            body_text = "\n\n".join(b.text for b in body).lower()
        words = [_POSSESSIVE.sub("", w).lower() for w in found.group("name").split()]
        if any(re.search(r"\b" + re.escape(w) + r"\b", body_text) for w in words if len(w) > 1):
            continue
        name = found.group("name")
        yield Match(headline, found.start("name"), found.end("name"), actual=name, data={"titled": found.group()})
