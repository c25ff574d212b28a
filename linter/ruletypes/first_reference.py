"""``first-reference``: a person named by surname alone before the story gives the full name.

News style introduces a person with a full name (and usually a title) and only then shortens to
the surname: "Mayor Jim Kenney ... Kenney said". A paragraph pasted from another story, or a
careless edit, leaves "Kenney has been ..." or "Mayor Kenney" with no full name before it.

How it reads a story (body only: a surname in the headline is normal):

* Every run of capitalised words ("Attorney General Jeff Sessions", "Bill de Blasio") is a name
  sequence. Leading titles and sentence openers are stripped; if two or more words remain, every
  word after the first is a known surname from there on, and every word before the last is a
  first name or part of an organisation or place ("Philadelphia Police Department"), never
  reported as a surname.
* A single remaining word is a *surname reference* when a title stood before it ("Mayor
  Kenney"), when it attributes ("Kenney said", "according to Kenney", "..., said Kenney."), or,
  with ``subject_position``, when it opens a sentence before a verb ("Kenney has been ...").
* It is reported when no full name ending in that word came before it and the word looks like a
  person: a title stood before it, it has a surname particle ("De Blasio"), it is a common
  surname (the census list in data/names.yml), or, for an attribution, "he" or "she" follows
  before any "it". Never reported: known non-person words (openers, organisations, places from
  the gazetteers), acronyms, CamelCase brands, common first names ("Samantha said"), words the
  story also uses in lower case, names governed by a preposition or article ("a spokesman for
  Dell said"), and anything inside a quotation. Each person is reported once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from ..article import Article, Block
from ..patterns import compile_re
from .base import LintContext, Match, RuleConfigError, RuleType


def _longest_first(word: str) -> tuple[int, str]:
    """Sort key for the alternatives of a pattern: longer first, then alphabetical, so the
    pattern (and its compiled program, kept across runs) is the same in every process."""
    return -len(word), word

_UPPER = "A-ZÀ-ÖØ-Þ"
# A capitalised word, with inner apostrophes and hyphens ("O'Brien", "Jean-Claude", "Kenney's").
_WORD = rf"[{_UPPER}][^\W\d_]*(?:['’\-][^\W\d_]+)*"
_INITIAL = rf"[{_UPPER}]\.(?:[{_UPPER}]\.)*"
_POSSESSIVE = compile_re(r"['’]s?$")
_CAMEL = compile_re(r"^(?!Mc|Mac|O['’]|Fitz|De|Di|Da|Du|La|Le|Van)[A-Z][a-z]+[A-Z]")
_DETERMINERS = {"the", "a", "an", "this", "that", "these", "those"}
# A lower-case word right before the name makes it an object or a modifier, not a bare surname:
# "a spokesman for Dell said", "the Archbishop of Canterbury said", "the former Olympian said".
_GOVERNED = compile_re(
    r"\b(?:the|a|an|this|that|its|their|our|his|her|of|for|at|from|with|by|to|on|in|into|about|"
    r"former|late|new|young|old|star|fellow|rival|and|or|nor)[ \t]+$"
)
_SENTENCE_BREAK = compile_re(r"(?:^|[.!?:;][\"'”’)\]]*\s+|[\"“(]\s*)$")


# What a name sequence is (see FirstReference._plan).
_SKIP, _FULL_NAME, _SINGLE_NAME, _CANDIDATE = "skip", "full name", "single name", "candidate"


@dataclass(frozen=True, slots=True)
class _Token:
    text: str  # as written, particles included ("de Blasio")
    key: str  # lower case, no possessive, no full stop ("de blasio")
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Reference:
    block: Block
    token: _Token
    kind: str  # "title", "attribution" or "subject"
    title: str = ""
    determiner: bool = False  # "The Academy said": a thing, not a person


def _norm(text: str) -> str:
    return _POSSESSIVE.sub("", text.rstrip(".")).lower()


def _strings(value: Any) -> Iterable[str]:
    """Every string in a YAML value, however it is nested (gazetteers differ in shape)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield key
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


class FirstReference(RuleType):
    """Reports the first surname-only or title-and-surname reference to a person whose full name
    the story has not given yet. ``data`` names the word lists (titles, particles, attribution
    verbs, non-names, places, and the files of names and places to read) relative to the rule
    file; ``titles``, ``attribution`` and ``subject_position`` (all true by default) switch the
    three kinds of reference on or off."""

    name = "first-reference"
    default_scope = "body"
    options_schema = {
        "data": {"type": "string", "minLength": 1},
        "subject_position": {"type": "boolean"},
        "attribution": {"type": "boolean"},
        "titles": {"type": "boolean"},
    }
    required_options = ("data",)

    def __init__(self, spec) -> None:
        super().__init__(spec)
        options = spec.options
        self.use_subject = bool(options.get("subject_position", True))
        self.use_attribution = bool(options.get("attribution", True))
        self.use_titles = bool(options.get("titles", True))
        path = spec.data_path(options["data"])
        data = self._load_yaml(path, "data")

        def words(key: str) -> list[str]:
            return [str(w).strip() for w in data.get(key) or () if str(w).strip()]

        self.titles = {self._title_key(t) for t in words("titles")}
        self.single_name_titles = {self._title_key(t) for t in words("single_name_titles")}
        self.max_title_words = max((len(t) for t in self.titles | self.single_name_titles), default=1)
        particles = [p.lower() for p in words("particles")]
        self.particles = set(particles)
        self.openers = {w.lower() for w in words("openers")}
        self.not_names = {w.lower() for w in words("not_names")} | self.openers
        places = {w.lower() for w in words("places")}
        for name in words("place_files"):
            places.update(self._load_places(path.parent / name))
        self.places = places
        self.surnames: set[str] = set()
        self.first_names: set[str] = set()
        for name in words("name_files"):
            lists = self._load_yaml(path.parent / name, "data")
            self.surnames.update(str(lists.get("surnames") or "").lower().split())
            self.first_names.update(str(lists.get("first_names") or "").lower().split())

        particle = "|".join(sorted(map(re.escape, particles), key=_longest_first)) or r"(?!x)x"
        capitalized = "|".join(
            sorted((re.escape(p.lower().capitalize()) for p in words("capitalized_particles")), key=_longest_first)
        ) or r"(?!x)x"
        abbreviations = sorted(
            (t[0] for t in self.titles | self.single_name_titles if len(t) == 1 and len(t[0]) <= 4), key=_longest_first
        )
        abbreviation = "|".join(re.escape(a.capitalize()) for a in abbreviations) or r"(?!x)x"
        # One token: an abbreviated title with its full stop, a capitalised word (optionally
        # after lower-case particles, or a capitalised particle: "De Blasio"), or an initial.
        token = (
            rf"(?:(?:{abbreviation})\.(?=\s)"
            rf"|{_INITIAL}"
            rf"|(?:(?:{particle}|{capitalized})[ \t]+)*{_WORD})"
        )
        # A nickname in quotation marks may stand inside a name: Brian 'Head' Welch.
        nickname = r"(?:[ \t]+['‘\"“][A-Z][\w .\-]{0,20}?['’\"”])?"
        # The characters a token can start with, checked first: most word starts fail there at
        # once instead of trying every title and particle (a quarter of the scan's time).
        firsts = {p[0] for p in particles if p} | {a.capitalize()[0] for a in abbreviations if a}
        firsts |= {p.lower().capitalize()[0] for p in words("capitalized_particles")}
        starts = "".join(re.escape(c) for c in sorted(firsts))
        self.sequence = compile_re(rf"(?<![\w’'.\-])(?=[{_UPPER}{starts}]){token}(?:{nickname}[ \t]+{token})*")
        self.token = compile_re(token)
        attribution = "|".join(sorted(map(re.escape, words("attribution_verbs")), key=_longest_first)) or r"(?!x)x"
        subject = "|".join(sorted(map(re.escape, words("subject_verbs")), key=_longest_first)) or r"(?!x)x"
        self.attribution_after = compile_re(
            rf"[ \t]+(?:(?:has|had|have|also|later|previously|then|again|once|would|will|recently)[ \t]+)*(?:{attribution})\b"
        )
        self.subject_after = compile_re(rf"[ \t]+(?:{subject})\b")
        self.according_before = compile_re(r"\baccording[ \t]+to[ \t]+$", re.IGNORECASE)
        # ", said Kenney." or "..." said Kenney: the verb follows a comma or a closing quote.
        self.inverted_before = compile_re(r"[,\"”’][ \t]*(?:said|says|added|adds|wrote|writes|asked|asks)[ \t]+$")
        self.inverted_after = compile_re(r"[ \t]*(?:[.,;:!?]|$)")
        self.he_she = compile_re(r"\b(?:(he|she|his|her|him|hers)|(it|its|they|their))\b", re.IGNORECASE)
        # A word starting in lower case, not after a letter or apostrophe. (The letter is matched
        # before the look back at the character ahead of it: quicker, the same matches.)
        self.lower_word = compile_re(r"[a-zà-ÿ](?<![\w’'].)[\w’'\-]*")
        self._plans: dict[str, tuple] = {}  # name sequence -> what it means (see _plan)

    @staticmethod
    def _load_yaml(path: Path, key: str) -> dict:
        from ..datafiles import DataFileError, read_data_file

        try:
            data = read_data_file(path) or {}
        except DataFileError as error:
            raise RuleConfigError(f"cannot read word lists: {error}", key) from None
        if not isinstance(data, dict):
            raise RuleConfigError(f"{path}: the word lists must be a mapping", key)
        return data

    @staticmethod
    def _title_key(title: str) -> tuple[str, ...]:
        return tuple(part.rstrip(".").lower() for part in title.split())

    @classmethod
    def _load_places(cls, path: Path) -> set[str]:
        """Place names from a gazetteer. Entries marked ``ambiguous`` ("Jordan", "Chad") are
        left out: they are people as often as places. Any other shape of file counts every
        string in it."""
        if not path.is_file():
            return set()  # the shared gazetteer is optional
        data = cls._load_yaml(path, "data")
        entries = data.get("places")
        names: Iterable[str]
        if isinstance(entries, list) and all(isinstance(e, dict) for e in entries):
            names = (
                s
                for e in entries
                if not e.get("ambiguous")
                for s in _strings([e.get("name"), e.get("aliases"), e.get("demonyms")])
            )
        else:
            names = _strings(data)
        return {s.strip().lower() for s in names if s.strip()}

    # -- reading name sequences -------------------------------------------------------------------
    def _tokens(self, text: str, start: int, end: int) -> list[_Token]:
        out = []
        for found in self.token.finditer(text, start, end):
            out.append(_Token(found.group(), _norm(found.group()), found.start(), found.end()))
        return out

    def _strip_titles(self, tokens: list[_Token]) -> tuple[list[_Token], str, bool, str]:
        """A leading sentence opener ("The", "When") and titles removed; returns the rest, the
        last title, whether that title takes a single name ("King Abdullah") and the opener."""
        title, single = "", False
        index = 1 if tokens and tokens[0].key in self.openers else 0
        opener = tokens[0].key if index else ""
        while index < len(tokens):
            if _POSSESSIVE.search(tokens[index].text):
                break  # "President's Day": not a title
            for size in range(min(self.max_title_words, len(tokens) - index), 0, -1):
                key = tuple(t.key for t in tokens[index:index + size])
                if key in self.titles or key in self.single_name_titles:
                    title = " ".join(t.text.rstrip(".") for t in tokens[index:index + size])
                    single = key in self.single_name_titles
                    index += size
                    break
            else:
                break
        return tokens[index:], title, single, opener

    @staticmethod
    def _keys(token: _Token) -> set[str]:
        """The ways a surname is looked up: "de blasio" and "blasio"."""
        key = token.key
        return {key, key.split()[-1]}

    def _skippable(self, ref: _Reference, story_lower: set[str], non_final: set[str]) -> bool:
        """Words that are not a bare reference to a person's surname, whatever their position."""
        token = ref.token
        last = token.key.split()[-1]
        bare = _POSSESSIVE.sub("", token.text.split()[-1].rstrip("."))
        if ref.determiner or re.search(r"-[a-z]", bare):  # "The Academy", "Three-quarters"
            return True
        text = ref.block.text
        if ref.kind != "title" and _GOVERNED.search(text, max(0, token.start - 12), token.start):
            if not self.according_before.search(text, max(0, token.start - 16), token.start):
                return True
        if _CAMEL.search(bare):  # "WorldCom", "YouTube" (but "McCall", "DeVos")
            return True
        return (
            len(last) < 3
            or bare.isupper()
            or last in self.not_names
            or token.key in self.places
            or last in self.places
            or last in story_lower
            or last in non_final
        )

    def _looks_like_person(self, ref: _Reference) -> bool:
        """Evidence beyond the position. A title, a surname particle ("De Blasio") or a common
        surname count; "it"/"its" following in the sentence or the next marks an organisation;
        for attribution, "he"/"she" following counts too."""
        token = ref.token
        if ref.kind == "title":
            return token.key not in self.first_names  # "Dr Phil": a stage name
        if token.key in self.first_names:
            return False  # "Samantha said": a first-name reference to a passer-by, another matter
        text = ref.block.text
        stop = text.find(".", token.end)
        stop = text.find(".", stop + 1) if stop != -1 else -1
        pronoun = self.he_she.search(text, token.end, stop if stop != -1 else len(text))
        if pronoun and pronoun.group(2):
            return False  # "Marsh said it is co-operating": an organisation
        if " " in token.key or token.key in self.surnames:
            return True
        # A pronoun alone is weak evidence, and none for a plural ("Colleagues said he ...").
        return ref.kind == "attribution" and bool(pronoun) and not token.key.endswith("s")

    # -- checking ---------------------------------------------------------------------------------
    def _plan(self, sequence: str) -> tuple:
        """What a name sequence means, worked out once per distinct sequence: it depends only on
        the sequence's text and the word lists, not on the story. ``(lower, kind, data)``: the
        sequence is skipped when ``lower`` (a key, or None) is a word the story also uses in
        lower case; ``kind`` is ``_SKIP``; ``_FULL_NAME`` with ``data`` = (keys introduced, keys
        that are not final); ``_SINGLE_NAME`` ("King Abdullah") with the keys introduced; or
        ``_CANDIDATE`` with (the token, in ``sequence`` coordinates, its title, its opener)."""
        lower = None
        if not (" " in sequence or "\t" in sequence or "\n" in sequence):
            if self._plainly_not_a_surname(sequence, frozenset()):
                return (None, _SKIP, None)
            key = _norm(sequence)
            if not ((key,) in self.titles or (key,) in self.single_name_titles):
                lower = key  # _plainly_not_a_surname's one test that depends on the story
        tokens, title, single, opener = self._strip_titles(self._tokens(sequence, 0, len(sequence)))
        if not tokens:
            return (lower, _SKIP, None)
        if len(tokens) >= 2:
            introduced = tuple(key for token in tokens[1:] for key in self._keys(token))
            return (lower, _FULL_NAME, (introduced, tuple(token.key.split()[-1] for token in tokens[:-1])))
        if single:
            return (lower, _SINGLE_NAME, tuple(self._keys(tokens[0])))
        return (lower, _CANDIDATE, (tokens[0], title, opener))

    def check(self, article: Article, context: LintContext) -> Iterable[Match]:
        blocks = [b for b in self.blocks(article) if b.kind != "headline"]
        # Blocks joined by a newline, which no lower-case word crosses or follows.
        story_lower = {w.lower() for w in set(self.lower_word.findall("\n".join(b.text for b in blocks)))}
        introduced: dict[str, int] = {}  # surname key -> order of its first full-name mention
        non_final: set[str] = set()
        references: list[tuple[int, _Reference]] = []
        order = 0
        plans = self._plans
        if len(plans) > 200_000:  # a long-running service: keep memory bounded
            plans.clear()
        for block in blocks:
            text = block.text
            for found in self.sequence.finditer(text):
                order += 1
                sequence = found.group()
                plan = plans.get(sequence)
                if plan is None:
                    plan = plans[sequence] = self._plan(sequence)
                lower, kind, data = plan
                if kind is _SKIP or (lower is not None and lower in story_lower):
                    continue
                if kind is _FULL_NAME:
                    for key in data[0]:
                        introduced.setdefault(key, order)
                    non_final.update(data[1])
                elif kind is _SINGLE_NAME:
                    for key in data:
                        introduced.setdefault(key, order)
                else:
                    relative, title, opener = data
                    offset = found.start()
                    token = _Token(relative.text, relative.key, relative.start + offset, relative.end + offset)
                    kind = self._reference_kind(text, token, title)
                    if kind:
                        references.append((order, _Reference(block, token, kind, title, opener in _DETERMINERS)))
        reported: set[str] = set()
        for order, ref in references:
            token = ref.token
            keys = self._keys(token)
            if keys & reported or self._skippable(ref, story_lower, non_final):
                continue
            if not self._looks_like_person(ref):
                continue
            first_full = min((introduced[k] for k in keys if k in introduced), default=None)
            if first_full is not None and first_full < order:
                continue
            start, end = ref.block.source_span(token.start, token.end)
            if article.in_quotation(start, end):
                continue
            reported |= keys
            yield self._match(ref, later=first_full is not None)

    def _plainly_not_a_surname(self, word: str, story_lower: set[str] | frozenset[str]) -> bool:
        """A one-word sequence that can be neither a surname reference nor a title ("The",
        "Tuesday", "London"): skipped before the costlier reading, which would skip it too."""
        if " " in word or "\t" in word or "\n" in word:
            return False
        key = _norm(word)
        if (key,) in self.titles or (key,) in self.single_name_titles:
            return False
        return len(key) < 3 or key in self.not_names or key in self.places or key in story_lower or \
            _POSSESSIVE.sub("", word.rstrip(".")).isupper()

    def _reference_kind(self, text: str, token: _Token, title: str) -> str:
        if title:
            return "title" if self.use_titles else ""
        before = text[max(0, token.start - 40):token.start]
        if self.use_attribution:
            if self.attribution_after.match(text, token.end):
                return "attribution"
            if self.according_before.search(before):
                return "attribution"
            if self.inverted_before.search(before) and self.inverted_after.match(text, token.end):
                return "attribution"
        if self.use_subject and _SENTENCE_BREAK.search(before) and self.subject_after.match(text, token.end):
            return "subject"
        return ""

    def _match(self, ref: _Reference, *, later: bool) -> Match:
        token = ref.token
        name = _POSSESSIVE.sub("", token.text)
        start, end = token.start, token.start + len(name)
        if ref.kind == "title":
            # Report the title with the name: "Mayor Kenney".
            title_start = ref.block.text.rfind(ref.title.split()[0], 0, token.start)
            if title_start != -1:
                start = title_start
        shown = ref.block.text[start:end]
        data = {
            "name": name,
            "reference": "title and surname" if ref.kind == "title" else "surname only",
            "where": "the full name comes only later in the story" if later else "the story never gives the full name",
            "advice": "title, first name and surname" if ref.kind == "title" else "full name and title",
        }
        return Match(ref.block, start, end, actual=shown, data=data)
