"""``.copydesk.yaml``: found by walking up from the file being linted.

    style: ap                 # house style
    rules: [house-rules]      # extra rule directories, relative to this file
    enable: [grammar]         # rule IDs or prefixes to switch on (rules may be off by default)
    disable: [starter.passive]
    severity: {ap.dates: error}
    fix: {newsroom.departments: safe}
    fail_on: warning          # lowest severity that makes the exit code 1
    exclude: ["drafts/**"]
    languagetool_url: http://localhost:8081
"""

from __future__ import annotations

import copy
import fnmatch
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from .findings import Applicability, Severity
from . import cache, loading
from .loading import RuleLoadError, _line_of, parse_yaml
from .ruletypes.base import RuleType

CONFIG_NAMES = (".copydesk.yaml", ".copydesk.yml")

_ID_LIST = {"type": "array", "items": {"type": "string", "minLength": 1}}
CONFIG_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "style": {"type": "string", "minLength": 1},
        "rules": _ID_LIST,
        "enable": _ID_LIST,
        "disable": _ID_LIST,
        "severity": {"type": "object", "additionalProperties": {"enum": [s.value for s in Severity]}},
        "fix": {"type": "object", "additionalProperties": {"enum": [a.value for a in Applicability]}},
        "fail_on": {"enum": [s.value for s in Severity] + ["never"]},
        "exclude": _ID_LIST,
        "languagetool_url": {"type": "string"},
        "settings": {"type": "object"},
    },
    "additionalProperties": False,
}


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file, line and key."""


@dataclass(frozen=True)
class Config:
    """Settings for a run, from a config file and then the command line."""

    style: str = "ap"
    rule_dirs: tuple[Path, ...] = ()
    enable: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    fix: Mapping[str, Applicability] = field(default_factory=dict)
    fail_on: str = "warning"
    exclude: tuple[str, ...] = ()
    languagetool_url: str | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)
    path: Path | None = None

    @property
    def root(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def with_overrides(
        self,
        *,
        style: str | None = None,
        rule_dirs: Sequence[str] = (),
        enable: Sequence[str] = (),
        disable: Sequence[str] = (),
        fail_on: str | None = None,
    ) -> "Config":
        """Command-line flags on top of the file: they win where they speak."""
        return replace(
            self,
            style=style or self.style,
            rule_dirs=self.rule_dirs + tuple(Path(d).resolve() for d in rule_dirs),
            enable=self.enable + tuple(enable),
            disable=self.disable + tuple(disable),
            fail_on=fail_on or self.fail_on,
        )

    def is_excluded(self, path: Path) -> bool:
        try:
            relative = path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            relative = path.as_posix()
        return any(fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(path.name, pattern) for pattern in self.exclude)

    # -- selecting and adjusting rules --------------------------------------------------------------
    def selects(self, rule_id: str, enabled_by_default: bool) -> bool:
        """Whether a rule runs: the most specific ``enable``/``disable`` entry wins; on a tie
        the later one (command line after file) wins."""
        decision, best = enabled_by_default, -1
        ordered = [(p, True) for p in self.enable] + [(p, False) for p in self.disable]
        for pattern, value in ordered:
            if _matches(rule_id, pattern) and len(pattern) >= best:
                decision, best = value, len(pattern)
        return decision

    def apply(self, rules: Iterable[RuleType]) -> list[RuleType]:
        """The rules this configuration runs, with severity and fix overrides applied."""
        selected: list[RuleType] = []
        for rule in rules:
            spec = rule.spec
            if not self.selects(spec.id, spec.enabled):
                continue
            severity = _most_specific(self.severity, spec.id)
            fix = _most_specific(self.fix, spec.id)
            if severity is not None or fix is not None:
                rule = copy.copy(rule)
                rule.spec = replace(spec, severity=severity or spec.severity, fix=fix or spec.fix)
            selected.append(rule)
        return selected


def _matches(rule_id: str, pattern: str) -> bool:
    return rule_id == pattern or rule_id.startswith(pattern + ".")


def _most_specific(table: Mapping[str, Any], rule_id: str) -> Any:
    keys = [k for k in table if _matches(rule_id, k)]
    return table[max(keys, key=len)] if keys else None


def find_config(start: Path) -> Path | None:
    """The nearest config file in ``start`` (a folder or file) or any folder above it."""
    folder = start if start.is_dir() else start.parent
    folder = folder.resolve()
    for candidate in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            path = candidate / name
            if path.is_file():
                return path
    return None


def _config_digest(text: str) -> bytes:
    import json
    import sys

    schema = json.dumps(CONFIG_SCHEMA, sort_keys=True)
    return cache.blake2b(f"config\0{sys.version_info[:2]}\0{schema}\0{text}".encode("utf-8", "surrogatepass"),
                           digest_size=16).digest()


def load_config(path: Path) -> Config:
    """Read and validate a config file; errors name the file, line and key.

    As with rule files, a configuration validated in an earlier run and unchanged since is read
    back from the cache folder (neither YAML nor jsonschema is imported: a pre-commit hook in a
    repository with a ``.copydesk.yaml`` pays for them only when the file changes)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read configuration: {error}") from None
    digest = _config_digest(text)
    data = loading.parsed_before(text) if digest in loading._known_valid() else None
    if data is None:
        data = _validated_config(path, text)
        loading._newly_validated.add(digest)
        loading.remember_parsed(text, data)
        loading.remember_loaded()
    return _config_from(path, data)


def _validated_config(path: Path, text: str) -> dict:
    from jsonschema import Draft202012Validator

    try:
        data, node = parse_yaml(text, path)
    except RuleLoadError as error:
        raise ConfigError(str(error)) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: the configuration must be a mapping of keys")
    errors = sorted(Draft202012Validator(CONFIG_SCHEMA).iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        error = errors[0]
        location = list(error.absolute_path)
        message = error.message
        if error.validator == "additionalProperties" and not location:
            extra = sorted(set(data) - set(CONFIG_SCHEMA["properties"]))
            location = extra[:1]
            message = "unknown key (known: " + ", ".join(CONFIG_SCHEMA["properties"]) + ")"
        key = ".".join(str(p) for p in location)
        line = _line_of(node, location)
        raise ConfigError(f"{path}:{line}: key '{key}': {message}" if key else f"{path}:{line}: {message}")
    return data


def _config_from(path: Path, data: dict) -> Config:
    root = path.parent
    return Config(
        style=data.get("style", "ap"),
        rule_dirs=tuple((root / d).resolve() for d in data.get("rules", ())),
        enable=tuple(data.get("enable", ())),
        disable=tuple(data.get("disable", ())),
        severity={k: Severity(v) for k, v in (data.get("severity") or {}).items()},
        fix={k: Applicability(v) for k, v in (data.get("fix") or {}).items()},
        fail_on=data.get("fail_on", "warning"),
        exclude=tuple(data.get("exclude", ())),
        languagetool_url=data.get("languagetool_url"),
        settings=data.get("settings") or {},
        path=path,
    )
