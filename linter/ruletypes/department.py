"""``department``: a police department (or other place-bound body) from another city.

The rule works out where a story happens from what it names and where: the dateline, the
headline and the lede weigh most, then every mention in the body of a city, its neighbourhoods,
its state or its department. A department mention ("NYPD", "New York Police Department")
whose city the story never otherwise names, in a story that is clearly about another city, is
flagged; the fix names the story's own department ("NOPD", or its full name for a full name).

No alarm when the story really involves the department's city (it names the department
again, or the city, a borough or a team of it twice, or once near the mention), when the
story's own place is not clear, or for an acronym or name that several cities share (MPD,
BPD, "Metropolitan Police Department") unless the story names one of those cities.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from ..article import Article, Block
from ..gazetteer import Department as Body
from ..gazetteer import GazetteerError, compile_names, load_departments, load_places
from ..patterns import compile_re
from ..sentences import split_sentences
from ._matching import required_words
from .base import LintContext, Match, RuleConfigError, RuleType

CityKey = tuple[str, str]
# Words of department names that tell little about which one ("New York City Police Department").
_GENERIC_NAME_WORDS = frozenset(
    "police department dept sheriff sheriffs office county city town new north south east west fort saint st "
    "san los las long little public safety metropolitan metro bureau state".split()
)

# "KENT, OHIO—", "CHARLOTTE, N.C. (AP) -": a wire dateline the reader left in the lede.
_LEDE_DATELINE = compile_re(
    r"^(?P<place>[A-Z][A-Z.'’\- ]{2,40}?(?:,\s*[A-Z][A-Za-z.’'\- ]{1,20}?)?)"
    r"(?:,?\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*(?:\([^)]{1,30}\))?\s*(?:—|–|--|-|:)"
)

DEFAULT_WEIGHTS = {"dateline": 6.0, "headline": 4.0, "dek": 3.0, "lede": 2.0, "early": 1.5, "body": 1.0}


@dataclass(frozen=True, slots=True)
class _Mention:
    block: Block
    start: int
    end: int
    text: str
    kind: str  # "acronym", "name", "place", "weak", "state"
    targets: tuple  # department indices (acronym/name), city keys (place/weak), state codes
    weight: float
    paragraph: int  # an id for local context (one per block)


def _title_case_capitals(text: str) -> str:
    """"NEW ORLEANS, N.C. (AP)" -> "New Orleans, N.C. (Ap)": same length, so offsets hold."""
    return _CAPITAL_WORD.sub(lambda m: m.group() if _INITIALS.match(m.group()) else m.group().title(), text)


_CAPITAL_WORD = compile_re(r"[A-Z][A-Z'’.\-]+")
_INITIALS = compile_re(r"^(?:[A-Z]\.)+$")


class Department(RuleType):
    """Flags a department mention that belongs to a city the story is not about."""

    name = "department"
    default_scope = "text"
    options_schema = {
        "gazetteers": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
        "places": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "min_score": {"type": "number", "minimum": 0},
        "single_min_score": {"type": "number", "minimum": 0},
        "local_min_score": {"type": "number", "minimum": 0},
        "involved_references": {"type": "integer", "minimum": 1},
        "dominance": {"type": "number", "minimum": 1},
        "name_min_score": {"type": "number", "minimum": 0},
        "weights": {
            "type": "object",
            "properties": {k: {"type": "number", "minimum": 0} for k in DEFAULT_WEIGHTS},
            "additionalProperties": False,
        },
        "flag_names": {"type": "boolean"},
    }
    required_options = ("gazetteers",)

    def __init__(self, spec) -> None:
        super().__init__(spec)
        options = spec.options
        try:
            gazetteer = load_departments([spec.data_path(p) for p in options["gazetteers"]])
            place_files = [spec.data_path(p) for p in options.get("places", ())]
            places = load_places(place_files) if place_files else None
        except GazetteerError as error:
            raise RuleConfigError(str(error), "gazetteers") from None
        self.bodies: tuple[Body, ...] = gazetteer.departments
        self.ambiguous = gazetteer.ambiguous
        self.min_score = float(options.get("min_score", 3.0))
        self.single_min_score = float(options.get("single_min_score", 1.5))
        self.local_min_score = float(options.get("local_min_score", 3.0))
        self.involved_references = int(options.get("involved_references", 2))
        self.name_min_score = float(options.get("name_min_score", 6.0))
        self.dominance = float(options.get("dominance", 2.0))
        self.weights = {**DEFAULT_WEIGHTS, **options.get("weights", {})}
        self.flag_names = bool(options.get("flag_names", True))

        # One table from every form a story may write to what it stands for.
        table: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        self.primary: dict[CityKey, int] = {}
        self.cities_of_state: dict[str, list[CityKey]] = defaultdict(list)
        for index, body in enumerate(self.bodies):
            self.primary.setdefault(body.city_key, index)
            if body.city_key not in self.cities_of_state[body.state]:
                self.cities_of_state[body.state].append(body.city_key)
            for form in body.acronym_forms:
                table[form]["acronym"].append(index)
            for form in body.name_forms:
                if form.endswith(" Police"):
                    # "Boston Police" is how a story names the city's police, not the body's
                    # title: it places the story, and is never flagged.
                    table[form]["place"].append(body.city_key)
                else:
                    table[form]["name"].append(index)
            for form in body.places:
                table[form]["place"].append(body.city_key)
            for form in body.weak_places:
                table[form]["weak"].append(body.city_key)
        for form in gazetteer.ignore:
            table[form]["ignore"] = []
        if places is not None:
            state_names: dict[str, tuple[str, ...]] = {}
            for place in places.places:
                if place.kind == "state" and place.codes:
                    state_names[place.codes[0]] = place.names
                    for form in place.forms:
                        table[form]["state"].append(place.codes[0])
            # "Ferguson, Missouri" and "Mesa, Ariz." place a story even where the bare city name
            # is too common a word to count.
            for body in self.bodies:
                for state in state_names.get(body.state, ()):
                    table[f"{body.city}, {state}"]["place"].append(body.city_key)
        self.table = {
            form: {kind: tuple(dict.fromkeys(targets)) for kind, targets in kinds.items()} for form, kinds in table.items()
        }
        self._matcher: re.Pattern[str] | None = None  # compiled on first need (see matcher)
        # A story with none of these words names no department: nothing to match or judge.
        self.triggers = required_words(
            (form for form, kinds in self.table.items() if "acronym" in kinds or "name" in kinds), common=_GENERIC_NAME_WORDS
        )

    @property
    def matcher(self) -> re.Pattern[str]:
        """One matcher for every form in the table; compiling it takes a tenth of a second, which a
        one-story run about no police force need not pay."""
        if self._matcher is None:
            self._matcher = compile_names(self.table)
        return self._matcher

    # -- reading the story -----------------------------------------------------------------------
    def _weight(self, block: Block) -> float:
        if block.field in ("dateline", "headline", "dek"):
            return self.weights[block.field]
        if block.field == "body":
            if block.index == 0:
                return self.weights["lede"]
            if block.index <= 2:
                return self.weights["early"]
        return self.weights["body"]

    def _mentions(self, article: Article) -> list[_Mention]:
        out: list[_Mention] = []
        for number, block in enumerate(article.blocks):
            if block.field not in ("headline", "dek", "dateline", "body"):
                continue
            text = block.text
            weight = self._weight(block)
            dateline_end = 0
            if block.field == "dateline":
                text = _title_case_capitals(text)
            elif block.field == "body" and block.index == 0 and not article.field("dateline"):
                found = _LEDE_DATELINE.match(text)
                if found and not any(c.islower() for c in found.group("place").split(",")[0]):
                    dateline_end = found.end("place")
                    text = _title_case_capitals(text[:dateline_end]) + text[dateline_end:]
            for found in self.matcher.finditer(text):
                form = found.group()
                kinds = self.table.get(form)
                if kinds is None:
                    continue
                here = self.weights["dateline"] if found.start() < dateline_end else weight
                original = block.text[found.start():found.end()]
                for kind, targets in kinds.items():
                    if kind == "ignore":
                        break
                    out.append(_Mention(block, found.start(), found.end(), original, kind, targets, here, number))
        return out

    def _resolve(self, mention: _Mention, involved: set[CityKey]) -> int | None:
        """The department an acronym or name stands for here, or None when it cannot be told."""
        candidates = mention.targets
        if len(candidates) == 1 and mention.kind == "name":
            return candidates[0]
        named = [i for i in candidates if self.bodies[i].city_key in involved]
        if named:
            return named[0]
        if mention.text in self.ambiguous:
            return None
        if mention.kind == "acronym" and self.bodies[candidates[0]].acronym in self.ambiguous:
            return None
        return candidates[0]

    # -- judging -----------------------------------------------------------------------------------
    def check(self, article: Article, context: LintContext) -> Iterable[Match]:
        if self.triggers is not None and self.triggers.isdisjoint(article.vocabulary):
            return
        mentions = self._mentions(article)
        if not any(m.kind in ("acronym", "name") for m in mentions):
            return
        # Cities named outright (places and weak references): what an acronym may stand for.
        involved: set[CityKey] = {key for m in mentions if m.kind in ("place", "weak") for key in m.targets}

        score: dict[CityKey, float] = defaultdict(float)
        # Where each city is referred to: (block, True for its department, False for a place).
        references: dict[CityKey, list[tuple[int, bool]]] = defaultdict(list)
        located: list[tuple[_Mention, CityKey]] = []  # strong references, for the local context
        resolved: list[tuple[_Mention, int]] = []
        states: list[_Mention] = []
        for mention in mentions:
            if mention.kind in ("place", "weak"):
                for key in mention.targets:
                    references[key].append((mention.paragraph, False))
                    if mention.kind == "place":
                        score[key] += mention.weight
                        located.append((mention, key))
            elif mention.kind == "state":
                states.append(mention)
            else:
                index = self._resolve(mention, involved)
                if index is None:
                    continue
                key = self.bodies[index].city_key
                references[key].append((mention.paragraph, True))
                score[key] += mention.weight
                located.append((mention, key))
                resolved.append((mention, index))
        # A state supports the cities of it that the story names anyway ("Charlotte" and
        # "North Carolina"); it does not place a story in a city it never names.
        named = {key for key, value in score.items() if value > 0}
        for mention in states:
            for code in mention.targets:
                for key in self.cities_of_state.get(code, ()):
                    if key in named:
                        score[key] += mention.weight / 2
                        located.append((mention, key))

        # Everything below is set against story-wide tallies made once, so that a long story
        # costs time in proportion to its mentions, not their square.
        tallies = {key: _References(refs) for key, refs in references.items()}
        nearby = _Nearby(located)
        overall: dict[CityKey, CityKey | None] = {}
        for mention, index in resolved:
            if mention.kind == "name" and not self.flag_names:
                continue
            body = self.bodies[index]
            key = body.city_key
            if self._involved(tallies[key], mention):
                continue
            if key not in overall:
                overall[key] = self._overall_city(score, key)
            story_key = self._story_city(score, overall[key], nearby.nearest(mention, key))
            if story_key is None:
                continue
            if mention.kind == "name" and score[story_key] < self.name_min_score:
                continue
            own = self.bodies[self.primary[story_key]]
            replacement = own.acronym if mention.kind == "acronym" else own.name
            if replacement == mention.text:
                continue
            belongs = f"the {body.name}" if mention.kind == "acronym" else f"{body.city}'s police department"
            yield Match(
                mention.block,
                mention.start,
                mention.end,
                actual=mention.text,
                expected=replacement,
                replacement=replacement,
                data={
                    "belongs": belongs,
                    "department": body.name,
                    "city": body.city,
                    "story_city": own.city,
                    "story_acronym": own.acronym,
                    "story_department": own.name,
                },
            )

    def _involved(self, references: "_References", mention: _Mention) -> bool:
        """Does the story involve the department's city beyond this mention? Yes when it names
        the department again, names the city twice more, or names it near the mention ("a
        former NYPD captain who left New York"). A single passing reference to the city far
        away, such as a quotation pasted from another story, does not count."""
        # The other references are all of them but this mention's own (a department reference
        # in its own paragraph).
        if references.departments > 1:
            return True
        if references.total - 1 >= self.involved_references:
            return True
        return references.near(mention.paragraph) > 1

    def _overall_city(self, score: dict[CityKey, float], exclude: CityKey) -> CityKey | None:
        """The city the whole story is clearly about (well ahead of any other), leaving out the
        mention's own city; None when no city is clear."""
        ranked = sorted(((value, key) for key, value in score.items() if key != exclude and value > 0), reverse=True)
        if len(ranked) == 1:
            return ranked[0][1] if ranked[0][0] >= self.single_min_score else None
        if ranked and ranked[0][0] >= self.min_score and ranked[0][0] >= self.dominance * ranked[1][0]:
            return ranked[0][1]
        return None

    def _story_city(
        self, score: dict[CityKey, float], overall: CityKey | None, nearby: CityKey | None
    ) -> CityKey | None:
        """The city this mention's story is about: the nearest city named in the mention's own
        sentence, else the city the whole story is clearly about. A sentence's city alone
        decides only when the story names it often enough; None when no city is clear."""
        if nearby is not None and (overall is not None or score.get(nearby, 0.0) >= self.local_min_score):
            return nearby
        return overall


class _References:
    """Where one city is referred to: how often, how often by its department, and per block."""

    __slots__ = ("total", "departments", "per_block")

    def __init__(self, references: list[tuple[int, bool]]) -> None:
        self.total = len(references)
        self.departments = sum(1 for _, is_department in references if is_department)
        self.per_block: dict[int, int] = {}
        for block, _ in references:
            self.per_block[block] = self.per_block.get(block, 0) + 1

    def near(self, block: int) -> int:
        """References in this block and the blocks either side."""
        get = self.per_block.get
        return get(block - 1, 0) + get(block, 0) + get(block + 1, 0)


class _Nearby:
    """Strong references grouped by block, with each body block's sentences split once, so that
    finding the city named in a mention's sentence looks only at that block."""

    def __init__(self, located: list[tuple[_Mention, CityKey]]) -> None:
        self.by_block: dict[int, list[tuple[_Mention, CityKey]]] = defaultdict(list)
        for other, key in located:
            self.by_block[other.paragraph].append((other, key))
        self.sentences: dict[int, tuple[list[int], tuple[tuple[int, int], ...]]] = {}

    def _sentence(self, mention: _Mention) -> tuple[int, int]:
        found = self.sentences.get(mention.paragraph)
        if found is None:
            spans = split_sentences(mention.block.text)
            found = self.sentences[mention.paragraph] = ([s for s, _ in spans], spans)
        starts, spans = found
        # The first sentence containing the mention's start (sentences do not overlap).
        at = bisect.bisect_right(starts, mention.start) - 1
        if at >= 0 and spans[at][0] <= mention.start < spans[at][1]:
            return spans[at]
        return (0, len(mention.block.text))

    def nearest(self, mention: _Mention, exclude: CityKey) -> CityKey | None:
        """The city named nearest the mention within its sentence (other than ``exclude``)."""
        if mention.block.field != "body":
            return None
        bounds = self._sentence(mention)
        best: tuple[int, CityKey] | None = None
        for other, key in self.by_block.get(mention.paragraph, ()):
            if key == exclude or other is mention:
                continue
            if not (bounds[0] <= other.start < bounds[1]):
                continue
            distance = abs(other.start - mention.start)
            if best is None or distance < best[0]:
                best = (distance, key)
        return best[1] if best else None
