"""The one small interface every rule type implements.

A rule type is a class. Loading a YAML rule instantiates its type once with the validated
:class:`RuleSpec` (compile patterns, load data there); :meth:`RuleType.check` then reads an
:class:`~linter.article.Article` and yields :class:`Match` objects in block coordinates. The engine
turns matches into findings: it maps spans to the source, formats the message, applies the
shared keys (severity, category, fix applicability) and honours suppressions.

Third-party packages register their own types in the ``copydesk.rule_types`` entry-point group,
exactly as the built-ins do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Iterable, Mapping

from ..article import Article, Block
from ..findings import Applicability, Edit, Severity


@dataclass(frozen=True)
class RuleSpec:
    """A validated YAML rule: the shared keys, plus ``options`` for the rule type's own keys."""

    id: str
    type: str
    message: str
    severity: Severity
    category: str
    scope: str
    fix: Applicability | None
    link: str | None = None
    description: str = ""
    examples: Mapping[str, Any] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)
    styles: tuple[str, ...] = ()
    fix_in_quotes: bool = False
    enabled: bool = True
    path: Path | None = None
    pack_root: Path | None = None

    def data_path(self, name: str) -> Path:
        """A data file named in the rule, relative to the rule file's folder."""
        base = self.path.parent if self.path else Path.cwd()
        return (base / name).resolve()


@dataclass(frozen=True)
class LintContext:
    """Settings a run passes to every rule: the house style and free-form settings."""

    style: str = "ap"
    settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Match:
    """What a rule type found, in the coordinates of ``block.text``.

    ``replacement`` is the corrected text of ``[start, end)`` (``""`` deletes it; ``None`` means
    no fix). A rule that must edit outside the matched span (removing a whole paragraph with its
    blank line, say) gives ``edits`` in source coordinates instead. ``actual`` and ``expected``
    fill the message's placeholders; ``message`` replaces the rule's message outright.
    """

    block: Block
    start: int
    end: int
    actual: str = ""
    expected: str | None = None
    replacement: str | None = None
    message: str | None = None
    edits: tuple[Edit, ...] | None = None
    applicability: Applicability | None = None  # overrides the rule's ``fix`` for this match
    data: Mapping[str, Any] | None = None  # extra placeholders for the message


class RuleType:
    """Base class for rule types. Subclasses set ``name`` and ``options_schema``."""

    #: The ``type:`` value in YAML.
    name: ClassVar[str] = ""
    #: JSON Schema ``properties`` of the type's own keys (the shared keys are added by loading).
    options_schema: ClassVar[Mapping[str, Any]] = {}
    #: Which of the type's own keys are required.
    required_options: ClassVar[tuple[str, ...]] = ()
    #: The scope used when a rule names none.
    default_scope: ClassVar[str] = "sentence"

    def __init__(self, spec: RuleSpec) -> None:
        self.spec = spec

    def check(self, article: Article, context: LintContext) -> Iterable[Match]:
        raise NotImplementedError

    def blocks(self, article: Article) -> tuple[Block, ...]:
        return article.scope(self.spec.scope)

    #: Rules of one type with the same ``group`` (not None) may be checked together, in one pass
    #: over the article, by the type's :meth:`check_group`: so that ten times the rules of one
    #: kind do not cost ten times the time. A type that cannot share work leaves it None.
    group: Any = None

    @classmethod
    def check_group(cls, rules: "list[RuleType]", article: Article, context: LintContext) -> Iterable[tuple["RuleType", Match]]:
        """(rule, match) pairs for ``rules`` (all of this type, one ``group``): the same matches
        their :meth:`check` would give, found at once."""
        for rule in rules:
            for match in rule.check(article, context):
                yield rule, match


def combined_pattern(patterns: list[str], key: str, *, ignorecase: bool = False, multiline: bool = False):
    """One :class:`~linter.patterns.UserPattern` for a rule author's ``patterns`` (listed under
    option ``key``), or None for none. Each is checked on its own first, so that an error names
    the pattern and its place (``patterns.2``)."""
    import re

    from ..patterns import UserPattern, validating

    for index, pattern in enumerate(patterns if validating() else ()):  # (a trusted file: checked before)
        try:
            re.compile(pattern)
        except re.error as error:
            raise RuleConfigError(f"bad regular expression {pattern!r}: {error}", f"{key}.{index}") from None
    if not patterns:
        return None
    try:
        return UserPattern(("(?m)" if multiline else "") + "|".join(f"(?:{p})" for p in patterns), ignorecase=ignorecase)
    except re.error as error:  # each compiles alone, but not together (a global flag mid-pattern)
        raise RuleConfigError(f"{key} do not combine: {error}", key) from None


def load_mapping(spec: RuleSpec, key: str) -> Mapping[str, Any]:
    """The YAML mapping in the data file that option ``key`` names (relative to the rule file)."""
    from ..datafiles import DataFileError, read_data_file

    path = spec.data_path(spec.options[key])
    try:
        data = read_data_file(path)
    except DataFileError as error:
        raise RuleConfigError(str(error), key) from None
    if not isinstance(data, dict):
        raise RuleConfigError(f"{path} must hold a mapping", key)
    return data


class RuleConfigError(ValueError):
    """Raised by a rule type's constructor when its options are valid JSON but make no sense
    (a regular expression that does not compile, a data file that is missing).

    ``key`` names the offending option so the error can point at its line.
    """

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key
