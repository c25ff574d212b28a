"""Gazetteers in YAML: places (countries, states, cities) and place-bound bodies (police
departments), loaded once per file and shared by the rules that read them.

The formats are documented at the top of ``rules/newsroom/data/places.yml`` and
``rules/newsroom/data/departments.yml``. Everything here is plain data plus one combined
matcher per gazetteer; the rule types decide what a match means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence


from .ruletypes._matching import phrase_pattern
from .patterns import compile_re

# Names also match after '#' or '@' (hashtags, handles), before "'s" and around hyphens
# ("Wisconsin-based"), never inside a longer word. A name ending in a full stop ("Conn.",
# "D.C.") may end a sentence, so nothing is asked after it.
_NAME_START = r"(?<!\w)"
_NAME_END = r"(?:(?<=\.)|(?!\w))"


class GazetteerError(ValueError):
    """A gazetteer file that cannot be used (missing, not YAML, wrong shape)."""


def compile_names(names: Iterable[str]) -> re.Pattern[str]:
    """One case-sensitive matcher for many names, longest first at each position."""
    items = sorted({n for n in names if n})
    if not items:
        return re.compile(r"(?!x)x")
    return compile_re(_NAME_START + "(?:" + phrase_pattern(items, word_boundaries=False) + ")" + _NAME_END)


def _read_yaml(path: Path) -> Any:
    from .datafiles import DataFileError, read_data_file

    try:
        return read_data_file(path)
    except DataFileError as error:
        raise GazetteerError(f"gazetteer: {error}") from None


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise GazetteerError(f"{where}: expected a list of strings")
    return tuple(v for v in value if v)


def _plural(word: str) -> str | None:
    if word.endswith(("s", "sh", "ch", "ese", "x", "z")):
        return None
    if word.endswith("man"):
        return None  # Frenchman/Frenchmen are listed by hand
    return word + "s"


# -- places ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Place:
    name: str
    kind: str
    parent: str | None
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]
    codes: tuple[str, ...]
    capital: bool
    ambiguous: bool
    stands_for: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The name and its aliases (no demonyms)."""
        return (self.name,) + self.aliases

    @property
    def forms(self) -> tuple[str, ...]:
        """Every form running text uses: name, aliases, demonyms and their plurals."""
        out = list(self.names)
        for demonym in self.demonyms:
            out.append(demonym)
            plural = _plural(demonym)
            if plural:
                out.append(plural)
        return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class PlaceGazetteer:
    places: tuple[Place, ...]
    #: form -> indices of the places written that way ("Georgia" -> the state and the country)
    by_form: dict[str, tuple[int, ...]]
    #: index -> indices of the places it lies in (its state, its country ...)
    ancestors: tuple[frozenset[int], ...]
    matcher: re.Pattern[str]
    #: name -> indices of the places of that name
    names: dict[str, tuple[int, ...]]

    def find(self, text: str) -> Iterable[tuple[int, int, str]]:
        """(start, end, form) of every place form in ``text``, longest first, no overlaps."""
        for found in self.matcher.finditer(text):
            yield found.start(), found.end(), found.group()

    def indices(self, form: str) -> tuple[int, ...]:
        return self.by_form.get(form, ())

    def by_name(self, name: str) -> tuple[int, ...]:
        return self.names.get(name, ())

    def is_demonym(self, form: str) -> bool:
        """True when every place written this way uses it as a demonym ("French", "Texans")."""
        return all(form not in self.places[i].names for i in self.indices(form))


def _parse_places(data: Any, path: Path) -> list[Place]:
    if not isinstance(data, dict) or not isinstance(data.get("places"), list):
        raise GazetteerError(f"{path}: a place gazetteer is a mapping with a 'places' list")
    out = []
    for number, item in enumerate(data["places"]):
        where = f"{path}: places[{number}]"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise GazetteerError(f"{where}: each place needs a 'name'")
        out.append(
            Place(
                name=item["name"],
                kind=str(item.get("kind", "place")),
                parent=item.get("in"),
                aliases=_strings(item.get("aliases"), where + ".aliases"),
                demonyms=_strings(item.get("demonyms"), where + ".demonyms"),
                codes=_strings(item.get("codes"), where + ".codes"),
                capital=bool(item.get("capital", False)),
                ambiguous=bool(item.get("ambiguous", False)),
                stands_for=_strings(item.get("stands_for"), where + ".stands_for"),
            )
        )
    return out


@lru_cache(maxsize=16)
def _load_places_cached(paths: tuple[Path, ...], stamps: tuple[float, ...]) -> PlaceGazetteer:
    places: list[Place] = []
    for path in paths:
        places.extend(_parse_places(_read_yaml(path), path))
    by_form: dict[str, list[int]] = {}
    for index, place in enumerate(places):
        for form in place.forms:
            by_form.setdefault(form, []).append(index)
    by_name: dict[str, list[int]] = {}
    for index, place in enumerate(places):
        by_name.setdefault(place.name, []).append(index)

    def ancestors_of(index: int) -> frozenset[int]:
        seen: set[int] = set()
        todo = list(by_name.get(places[index].parent or "", ()))
        while todo:
            current = todo.pop()
            if current in seen or current == index:
                continue
            seen.add(current)
            todo.extend(by_name.get(places[current].parent or "", ()))
        return frozenset(seen)

    return PlaceGazetteer(
        places=tuple(places),
        by_form={k: tuple(v) for k, v in by_form.items()},
        ancestors=tuple(ancestors_of(i) for i in range(len(places))),
        matcher=compile_names(by_form),
        names={k: tuple(v) for k, v in by_name.items()},
    )


def _stamp(paths: Sequence[Path]) -> tuple[float, ...]:
    stamps = []
    for path in paths:
        try:
            stamps.append(path.stat().st_mtime)
        except OSError as error:
            raise GazetteerError(f"cannot read gazetteer {path}: {error}") from None
    return tuple(stamps)


def load_places(paths: Sequence[Path | str]) -> PlaceGazetteer:
    """The place gazetteer made of ``paths`` (later files add places), cached per file set."""
    resolved = tuple(Path(p).resolve() for p in paths)
    return _load_places_cached(resolved, _stamp(resolved))


# -- departments -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Department:
    acronym: str
    name: str
    acronym_forms: tuple[str, ...]  # the acronym and aliases in capitals ("N.O.P.D.")
    name_forms: tuple[str, ...]  # the full name and the other full-name aliases
    city: str
    state: str
    places: tuple[str, ...]
    weak_places: tuple[str, ...]

    @property
    def city_key(self) -> tuple[str, str]:
        return (self.city, self.state)


@dataclass(frozen=True)
class DepartmentGazetteer:
    departments: tuple[Department, ...]
    ambiguous: frozenset[str]
    #: names that contain a city's name but say nothing about where a story is (newspapers)
    ignore: frozenset[str] = frozenset()


def _is_acronym_form(alias: str) -> bool:
    return not any(c.islower() for c in alias) and " " not in alias


def _parse_departments(data: Any, path: Path) -> tuple[list[Department], set[str], set[str]]:
    if not isinstance(data, dict) or not isinstance(data.get("bodies"), list):
        raise GazetteerError(f"{path}: a department gazetteer is a mapping with a 'bodies' list")
    departments = []
    for number, item in enumerate(data["bodies"]):
        where = f"{path}: bodies[{number}]"
        if not isinstance(item, dict):
            raise GazetteerError(f"{where}: each body is a mapping")
        missing = [k for k in ("acronym", "name", "city", "state") if not isinstance(item.get(k), str)]
        if missing:
            raise GazetteerError(f"{where}: missing {', '.join(missing)}")
        aliases = _strings(item.get("aliases"), where + ".aliases")
        acronyms = tuple(a for a in aliases if _is_acronym_form(a))
        names = tuple(a for a in aliases if not _is_acronym_form(a))
        departments.append(
            Department(
                acronym=item["acronym"],
                name=item["name"],
                acronym_forms=tuple(dict.fromkeys((item["acronym"],) + acronyms)),
                name_forms=tuple(dict.fromkeys((item["name"],) + names)),
                city=item["city"],
                state=item["state"],
                places=_strings(item.get("places"), where + ".places"),
                weak_places=_strings(item.get("weak_places"), where + ".weak_places"),
            )
        )
    ambiguous = set(_strings(data.get("ambiguous"), f"{path}: ambiguous"))
    ignore = set(_strings(data.get("ignore"), f"{path}: ignore"))
    return departments, ambiguous, ignore


@lru_cache(maxsize=16)
def _load_departments_cached(paths: tuple[Path, ...], stamps: tuple[float, ...]) -> DepartmentGazetteer:
    departments: list[Department] = []
    ambiguous: set[str] = set()
    ignore: set[str] = set()
    for path in paths:
        found, ambiguous_here, ignore_here = _parse_departments(_read_yaml(path), path)
        departments.extend(found)
        ambiguous |= ambiguous_here
        ignore |= ignore_here
    return DepartmentGazetteer(tuple(departments), frozenset(ambiguous), frozenset(ignore))


def load_departments(paths: Sequence[Path | str]) -> DepartmentGazetteer:
    """The department gazetteer made of ``paths`` (later files add bodies), cached per file set."""
    resolved = tuple(Path(p).resolve() for p in paths)
    return _load_departments_cached(resolved, _stamp(resolved))
