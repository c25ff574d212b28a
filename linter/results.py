"""What a run produced for one file: the input of every reporter."""

from __future__ import annotations

from dataclasses import dataclass

from .article import Article
from .findings import Finding


@dataclass(frozen=True)
class FileResult:
    """Findings for one file. ``article`` is ``None`` when the file could not be read, and
    ``error`` then says why. ``fixed`` holds the findings whose fixes ``--fix`` applied."""

    path: str
    article: Article | None
    findings: tuple[Finding, ...] = ()
    error: str | None = None
    fixed: tuple[Finding, ...] = ()

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a source offset (1, 1 when there is no article)."""
        return self.article.position(offset) if self.article is not None else (1, 1)
