"""Readers turn a source text into an :class:`~linter.article.Article`.

Each format lives in its own module with one function, ``read(source) -> Article``. All of them
produce blocks whose maps point into the source exactly as given.
"""

from __future__ import annotations

import importlib
from pathlib import PurePath

from ..article import Article

#: Format name -> module implementing ``read(source: str) -> Article``.
FORMATS = {
    "text": "linter.readers.text",
    "markdown": "linter.readers.markdown",
    "html": "linter.readers.html",
    "cms-json": "linter.readers.cms_json",
}

_SUFFIXES = {
    ".md": "markdown", ".markdown": "markdown", ".mdown": "markdown", ".mkd": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".json": "cms-json",
}


class ReadError(ValueError):
    """A source that cannot be read as an article (malformed JSON, say)."""


def detect_format(path: str | PurePath | None) -> str:
    """The format a file name implies; anything unknown is read as plain text."""
    if path is None:
        return "text"
    return _SUFFIXES.get(PurePath(str(path)).suffix.lower(), "text")


def read_article(source: str, format: str = "text", path: str | None = None) -> Article:
    """Parse ``source`` in ``format`` into an article."""
    try:
        module = importlib.import_module(FORMATS[format])
    except KeyError:
        raise ReadError(f"unknown format {format!r} (known: {', '.join(FORMATS)})") from None
    article = module.read(source)
    if path is not None:
        from dataclasses import replace

        article = replace(article, path=path)
    return article
