"""YAML rule files -> validated :class:`RuleSpec` and compiled rule objects.

A rule's ID is its path under its pack root: ``rules/ap/dates.yml`` is ``ap.dates``. Every file
is validated against one JSON Schema made of the keys all rules share plus its type's own keys;
an error names the file, the line and the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from . import cache
from .article import SCOPES
from .findings import Applicability, Severity
from .patterns import trusted_patterns
from .ruletypes.base import RuleConfigError, RuleSpec, RuleType

if TYPE_CHECKING:
    import yaml  # imported at run time only to parse (see parse_yaml)

ENTRY_POINT_GROUP = "copydesk.rule_types"
RULE_SUFFIXES = (".yml", ".yaml")

_EXAMPLE = {
    "oneOf": [
        {"type": "string"},
        {
            "type": "object",
            "properties": {
                "text": {"type": "string"},
                "output": {"type": "string"},
                "format": {"enum": ["text", "markdown", "html"]},
                "style": {"type": "string"},
            },
            "required": ["text"],
            "additionalProperties": False,
        },
    ]
}

#: The keys every rule shares, in one place.
SHARED_KEYS: dict[str, Any] = {
    "type": {"type": "string"},
    "message": {"type": "string", "minLength": 1},
    "severity": {"enum": [s.value for s in Severity]},
    "category": {"type": "string", "minLength": 1},
    "scope": {"enum": list(SCOPES)},
    "link": {"type": "string"},
    "description": {"type": "string"},
    "fix": {"enum": [a.value for a in Applicability]},
    "styles": {"type": "array", "items": {"type": "string"}},
    "fix_in_quotes": {"type": "boolean"},
    "enabled": {"type": "boolean"},
    "examples": {
        "type": "object",
        "properties": {
            "valid": {"type": "array", "items": _EXAMPLE},
            "invalid": {"type": "array", "items": _EXAMPLE},
        },
        "additionalProperties": False,
    },
}
REQUIRED_SHARED = ("type", "message")


class RuleLoadError(Exception):
    """A rule file that cannot be used; the message names file, line and key."""

    def __init__(self, path: Path | str, line: int | None, key: str | None, problem: str) -> None:
        self.path, self.line, self.key, self.problem = str(path), line, key, problem
        where = self.path + (f":{line}" if line else "")
        what = f"key '{key}': " if key else ""
        super().__init__(f"{where}: {what}{problem}")


# -- rule type registry --------------------------------------------------------------------------
# Listing entry points reads the metadata of every installed distribution (tens of
# milliseconds in a busy environment, plus importing importlib.metadata), on every run. The
# list only changes when something is installed or removed, which changes the modification
# time of a folder on sys.path, so the registry is kept in the cache folder keyed by those.
_ENTRY_POINTS_CACHE = "rule-type-entry-points.marshal"


@dataclass(frozen=True)
class RuleTypeEntry:
    """A registered rule type: its name and ``module:attribute`` (as an entry point gives it)."""

    name: str
    value: str

    def load(self) -> Any:
        from importlib import import_module

        module_name, _, attribute = self.value.partition(":")
        loaded = import_module(module_name.strip())
        for step in attribute.split("[", 1)[0].strip().split(".") if attribute.strip() else ():
            loaded = getattr(loaded, step)
        return loaded


@lru_cache(maxsize=1)
def rule_type_entry_points() -> Mapping[str, RuleTypeEntry]:
    """Registered rule types by name; built-ins come through the same group as plugins."""
    stamp = cache.installation_stamp()
    places = tuple(entry for entry, _ in stamp[2:])  # one entry per search path (tests, tools)
    stored = cache.read(_ENTRY_POINTS_CACHE)
    stored = stored if isinstance(stored, dict) else {}
    kept = stored.get(places)
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == stamp and isinstance(kept[1], dict):
        values = kept[1]
    else:
        from importlib.metadata import entry_points

        values = {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}
        if len(stored) >= 16:
            stored.clear()
        stored[places] = (stamp, values)
        cache.write(_ENTRY_POINTS_CACHE, stored)
    return {name: RuleTypeEntry(name, value) for name, value in values.items()}


@lru_cache(maxsize=None)
def rule_type(name: str) -> type[RuleType]:
    """Import a rule type's module on first use only, so unused heavy types cost nothing."""
    registry = rule_type_entry_points()
    if name not in registry:
        raise KeyError(name)
    loaded = registry[name].load()
    if not (isinstance(loaded, type) and issubclass(loaded, RuleType)):
        raise TypeError(f"entry point {name!r} does not name a linter.RuleType subclass")
    return loaded


@lru_cache(maxsize=None)
def _schema(type_name: str) -> dict[str, Any]:
    kind = rule_type(type_name)
    return {
        "type": "object",
        "properties": {**SHARED_KEYS, **kind.options_schema},
        "required": list(REQUIRED_SHARED) + list(kind.required_options),
        "additionalProperties": False,
    }


@lru_cache(maxsize=None)
def _validator(type_name: str):
    from jsonschema import Draft202012Validator  # imported only when a rule file is new or changed

    return Draft202012Validator(_schema(type_name))


# -- rule files validated in earlier runs ---------------------------------------------------------
# Validating a file against its schema (and importing jsonschema to do it) is most of the cost
# of loading the rules, and a pre-commit hook pays it on every commit. So the digests of rule
# files that passed (with their type's schema) are kept in the cache
# folder; an unchanged file is not validated again. Any change to the file or schema changes
# the digest.
_VALIDATED_CACHE = "validated-rules.marshal"
_validated: dict[str, set[bytes]] = {}  # cache folder -> digests read from it
_newly_validated: set[bytes] = set()


@lru_cache(maxsize=None)
def _schema_digest(type_name: str) -> bytes:
    import json
    import sys

    # Python's version too: a pattern valid on one may not compile on another.
    text = json.dumps(_schema(type_name), sort_keys=True, default=str)
    return cache.blake2b(f"{sys.version_info[:2]}\0{type_name}\0{text}".encode(), digest_size=16).digest()


def _file_digest(type_name: str, text: str) -> bytes:
    return cache.blake2b(_schema_digest(type_name) + text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _known_valid() -> set[bytes]:
    folder = str(cache.cache_dir())
    if folder not in _validated:
        stored = cache.read(_VALIDATED_CACHE)
        _validated[folder] = set(stored) if isinstance(stored, (set, frozenset)) else set()
    return _validated[folder]


def _remember_validated() -> None:
    """Write the digests of files validated in this run to the cache (at most 4,000)."""
    if not _newly_validated:
        return
    known = _known_valid()
    new = set(_newly_validated)
    _newly_validated.clear()
    if new <= known:
        return
    if len(known) + len(new) > 4000:  # an old cache: start again rather than grow without end
        known.clear()
    known.update(new)
    cache.write(_VALIDATED_CACHE, frozenset(known))


# -- finding rule files ---------------------------------------------------------------------------
def bundled_rules_dir() -> Path:
    """The packs shipped with copydesk: inside the wheel, or ``rules/`` in a source checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "_rules"
    return installed if installed.is_dir() else here.parent / "rules"


def rule_files(root: Path) -> Iterable[Path]:
    """Rule files under a pack root; ``data/`` folders and ``_``-prefixed files are not rules."""
    for path in sorted(root.rglob("*")):
        if path.suffix not in RULE_SUFFIXES or not path.is_file():
            continue
        relative = path.relative_to(root)
        if "data" in relative.parts[:-1] or any(p.startswith(("_", ".")) for p in relative.parts):
            continue
        yield path


def rule_id(path: Path, root: Path) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts)


# -- loading ------------------------------------------------------------------------------------
def _line_of(node: yaml.Node | None, path: Iterable[Any]) -> int | None:
    """The 1-based line of the YAML node at a JSON path, or of the nearest parent."""
    if node is None:
        return None
    import yaml

    line = node.start_mark.line + 1
    for step in path:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == step:
                    node, line = value_node, key_node.start_mark.line + 1
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def parse_yaml(text: str, path: Path | str) -> tuple[Any, yaml.Node | None]:
    """Parse YAML once, returning the data and the node tree (for line numbers in errors)."""
    import yaml  # imported only when a file is new or changed (see parse_cached)

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)  # libyaml when present: much faster
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(error, "problem", None) or str(error)
        raise RuleLoadError(path, line, None, f"invalid YAML: {problem}") from None
    finally:
        loader.dispose()
    return data, node


# Parsing the YAML of the bundled rule files costs more than reading back what it gave, so the
# parsed data of each file is kept in the cache folder, keyed by the file's text. Line numbers
# (for error messages) are not kept: a file that turns out to be faulty is parsed again.
_PARSED_CACHE = "rule-files-parsed.marshal"
_parsed: dict[str, dict[bytes, bytes]] = {}  # cache folder -> text digest -> data (marshalled)
_newly_parsed: dict[bytes, Any] = {}


def _text_digest(text: str) -> bytes:
    return cache.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _parsed_before() -> dict[bytes, bytes]:
    folder = str(cache.cache_dir())
    if folder not in _parsed:
        stored = cache.read(_PARSED_CACHE)
        _parsed[folder] = stored if isinstance(stored, dict) else {}
    return _parsed[folder]


def remember_loaded() -> None:
    """Write what this run validated and parsed to the cache folder (the rule loader does it
    after loading; a configuration file's reader after reading one)."""
    _remember_validated()
    _remember_parsed()


def _remember_parsed() -> None:
    if not _newly_parsed:
        return
    import marshal

    known = _parsed_before()
    for digest, data in _newly_parsed.items():
        try:
            known[digest] = marshal.dumps(data)
        except ValueError:  # YAML can give types marshal cannot keep (dates): not cached
            continue
    _newly_parsed.clear()
    if len(known) > 2000:  # rule sets that came and went: start again
        known.clear()
    cache.write(_PARSED_CACHE, known)


def parsed_before(text: str) -> Any | None:
    """What ``text`` (a rule or configuration file) parsed to in an earlier run, as a fresh copy
    (so that rules never share their options), or None."""
    import marshal

    stored = _parsed_before().get(_text_digest(text))
    if not isinstance(stored, bytes):
        return None
    try:
        return marshal.loads(stored)
    except (ValueError, EOFError, TypeError):
        return None


def remember_parsed(text: str, data: Any) -> None:
    """Keep what ``text`` parsed to, once the file has proved good (see :func:`parsed_before`)."""
    _newly_parsed[_text_digest(text)] = data


def load_rule(path: Path, root: Path) -> RuleType:
    """Read, validate and compile one rule file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RuleLoadError(path, None, None, f"cannot read rule file: {error}") from None
    data = parsed_before(text)
    if data is not None:
        try:
            return build_rule(data, None, path, rule_id(path, root), root, source=text)
        except RuleLoadError:
            pass  # parsed again below, for the line the error is on
    data, node = parse_yaml(text, path)
    rule = build_rule(data, node, path, rule_id(path, root), root, source=text)
    remember_parsed(text, data)
    return rule


def build_rule(data: Any, node: yaml.Node | None, path: Path, rid: str, root: Path | None = None,
               *, source: str | None = None) -> RuleType:
    """Validate and compile one parsed rule file; ``source`` (the file's text) lets a file
    validated in an earlier run skip validation."""
    if not isinstance(data, dict):
        raise RuleLoadError(path, 1, None, "a rule file must be a mapping of keys")
    type_name = data.get("type")
    if not isinstance(type_name, str):
        raise RuleLoadError(path, _line_of(node, []), "type", "missing or not a string")
    try:
        kind = rule_type(type_name)
    except KeyError:
        known = ", ".join(sorted(rule_type_entry_points()))
        raise RuleLoadError(path, _line_of(node, ["type"]), "type", f"unknown rule type {type_name!r} (known: {known})") from None
    digest = _file_digest(type_name, source) if source is not None else None
    known_valid = digest is not None and digest in _known_valid()
    if known_valid:
        errors = []
    else:
        errors = sorted(_validator(type_name).iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        error = errors[0]
        location = list(error.absolute_path)
        key = ".".join(str(p) for p in location) or None
        message = error.message
        if error.validator == "additionalProperties" and not location:
            extra = sorted(set(data) - set(error.schema.get("properties", {})))
            key = extra[0] if extra else None
            location = [key] if key else []
            message = f"unknown key for a rule of type {type_name!r}"
        elif error.validator == "required":
            missing = re.search(r"'([^']+)' is a required property", message)
            key = missing.group(1) if missing else key
        raise RuleLoadError(path, _line_of(node, location), key, message)
    spec = RuleSpec(
        id=rid,
        type=type_name,
        message=data["message"],
        severity=Severity(data.get("severity", "warning")),
        category=data.get("category", "style"),
        scope=data.get("scope", kind.default_scope),
        fix=Applicability(data["fix"]) if "fix" in data else None,
        link=data.get("link"),
        description=(data.get("description") or "").strip(),
        examples=data.get("examples") or {},
        options={k: v for k, v in data.items() if k not in SHARED_KEYS},
        styles=tuple(data.get("styles", ())),
        fix_in_quotes=bool(data.get("fix_in_quotes", False)),
        enabled=bool(data.get("enabled", True)),
        path=path,
        pack_root=root,
    )
    try:
        if known_valid:
            with trusted_patterns():  # compiled on first use: they compiled when last validated
                rule = kind(spec)
        else:
            rule = kind(spec)
    except RuleConfigError as error:
        steps = [int(p) if p.isdigit() else p for p in error.key.split(".", 1)] if error.key else []
        if len(steps) == 2 and isinstance(steps[1], str) and steps[1].isdigit():
            steps[1] = int(steps[1])
        raise RuleLoadError(path, _line_of(node, steps), error.key, str(error)) from None
    if digest is not None:
        _newly_validated.add(digest)
    return rule


@dataclass(frozen=True)
class RuleSet:
    """All loaded rules, in ID order."""

    rules: tuple[RuleType, ...]

    def by_id(self, rid: str) -> RuleType | None:
        for rule in self.rules:
            if rule.spec.id == rid:
                return rule
        return None


def load_rules(dirs: Iterable[Path] | None = None, *, include_bundled: bool = True) -> RuleSet:
    """Load every rule under the bundled packs and ``dirs``; a later pack's rule with the same ID
    replaces an earlier one, so a newsroom can override a bundled rule file by file."""
    roots: list[Path] = [bundled_rules_dir()] if include_bundled else []
    roots.extend(Path(d) for d in dirs or ())
    rules: dict[str, RuleType] = {}
    for root in roots:
        if not root.is_dir():
            raise RuleLoadError(root, None, None, "rule directory not found")
        for path in rule_files(root):
            rule = load_rule(path, root)
            rules[rule.spec.id] = rule
    _remember_validated()
    _remember_parsed()
    cache.flush()  # what rule types worked out while loading, for the next run
    return RuleSet(tuple(rules[k] for k in sorted(rules)))
