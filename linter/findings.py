"""Findings and fixes as plain frozen data, shared unchanged by every adapter."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    """How much a finding matters; ordered so that ``fail_on`` can compare them."""

    SUGGESTION = "suggestion"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.value


_SEVERITY_RANK = {Severity.SUGGESTION: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Applicability(str, Enum):
    """How far a fix may be trusted, as in ruff: display < unsafe < safe.

    ``display`` fixes are shown to the editor and never applied by ``--fix``.
    """

    DISPLAY = "display"
    UNSAFE = "unsafe"
    SAFE = "safe"

    @property
    def rank(self) -> int:
        return _APPLICABILITY_RANK[self]

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.value


_APPLICABILITY_RANK = {Applicability.DISPLAY: 0, Applicability.UNSAFE: 1, Applicability.SAFE: 2}


@dataclass(frozen=True, slots=True, order=True)
class Edit:
    """Replace ``source[start:end]`` with ``text``; offsets are code points into the source."""

    start: int
    end: int
    text: str

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad edit range {self.start}..{self.end}")


@dataclass(frozen=True, slots=True)
class Fix:
    """One or more non-overlapping edits that together correct a finding."""

    edits: tuple[Edit, ...]
    applicability: Applicability

    @property
    def start(self) -> int:
        return min(edit.start for edit in self.edits)

    @property
    def end(self) -> int:
        return max(edit.end for edit in self.edits)

    @property
    def replacement(self) -> str:
        """The text of a single-edit fix (what the JSON report calls ``replacement``)."""
        return "".join(edit.text for edit in sorted(self.edits))


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in an article, located in the original source."""

    rule: str
    category: str
    severity: Severity
    message: str
    start: int
    end: int
    field: str
    fix: Fix | None = None
    link: str | None = None

    @property
    def sort_key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.rule)
