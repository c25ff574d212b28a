"""Large word tables (syllables per word, word frequencies) read word by word from the cache.

The readability and off-topic checks look up a few hundred words per story in tables of 100,000
words or more. Loading such a table whole (parsing the CMU dictionary, importing wordfreq and
unpacking its list) costs a quarter to half a second, which a pre-commit hook on one file pays on
every commit. So the first run on a machine writes each table to an SQLite file in copydesk's
cache folder (:mod:`linter.cache`), and later runs look words up there, remembering each answer
for the rest of the process; a run that has looked up a few thousand words (many stories) reads
the whole table at once from a marshal copy instead. The numbers are exactly the source's. When the cache cannot be
written, the table is kept in memory for the run.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path
from typing import Callable, Iterable, Mapping

from . import cache

_MISSING = object()
# Words looked up one by one before the whole table is read into memory: one story needs a few
# hundred; a run over many stories soon needs so many that loading the table whole is cheaper.
_BULK_AFTER = 2000
# Fewer words than this are looked up one by one; SQLite takes at most 999 parameters a query.
_PREFETCH_FROM = 8
_WORDS_PER_QUERY = 500


class WordTable:
    """word -> number, built by ``build`` once per machine and stored as ``<name>.sqlite``.

    ``name`` should carry the source's version, so that a new release of the data gets a new
    file. Safe to share between threads; a forked worker opens its own connection.
    """

    def __init__(self, name: str, build: Callable[[], Mapping[str, float]]) -> None:
        self.name = name
        self._build = build
        self._memo: dict[str, float | None] = {}
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._pid: int | None = None
        self._in_memory: Mapping[str, float] | None = None
        self._queries = 0

    @property
    def path(self) -> Path:
        return cache.cache_dir() / f"{self.name}.sqlite"

    def get(self, word: str, default: float | None = None) -> float | None:
        found = self._memo.get(word, _MISSING)
        if found is _MISSING:
            found = self._look_up(word)
            if len(self._memo) >= 500_000:  # a long-running service: keep memory bounded
                self._memo.clear()
            self._memo[word] = found
        return default if found is None else found

    def prefetch(self, words: Iterable[str]) -> None:
        """Look up the ``words`` not asked for before in a few queries rather than one each (a
        story's few hundred words are one round trip to SQLite); ``get`` then answers from memory."""
        if self._in_memory is not None:  # a long run: the table is in memory, nothing to fetch
            return
        memo = self._memo
        wanted = list({word for word in words if word not in memo})
        if len(wanted) < _PREFETCH_FROM:
            return
        with self._lock:
            if self._in_memory is None and (self._connection is None or self._pid != os.getpid()):
                self._open()
            if self._in_memory is not None or self._queries + len(wanted) > _BULK_AFTER:
                return  # a long run: ``get`` is about to read the table whole
            self._queries += len(wanted)
            if len(memo) + len(wanted) >= 500_000:
                memo.clear()
            try:
                for first in range(0, len(wanted), _WORDS_PER_QUERY):
                    chunk = wanted[first:first + _WORDS_PER_QUERY]
                    marks = ",".join("?" * len(chunk))
                    found = dict(self._connection.execute(f"SELECT word, value FROM words WHERE word IN ({marks})", chunk))
                    for word in chunk:
                        memo[word] = found.get(word)
            except sqlite3.Error:
                return  # ``get`` meets the same trouble and rebuilds the table

    def getter(self) -> Callable[[str], float | None]:
        """The quickest ``get`` for now: the plain dictionary's once the table is in memory."""
        table = self._in_memory
        return table.get if isinstance(table, dict) else self.get

    def __contains__(self, word: str) -> bool:
        return self.get(word) is not None

    def __getitem__(self, word: str) -> float:
        found = self.get(word)
        if found is None:
            raise KeyError(word)
        return found

    def _look_up(self, word: str) -> float | None:
        with self._lock:
            if self._in_memory is None and (self._connection is None or self._pid != os.getpid()):
                self._open()
            if self._in_memory is not None:
                return self._in_memory.get(word)
            self._queries += 1
            try:
                if self._queries > _BULK_AFTER:
                    # A long run (many stories): reading the whole table once is now cheaper.
                    whole = cache.read(self.name + ".marshal")
                    if not isinstance(whole, dict):
                        whole = dict(self._connection.execute("SELECT word, value FROM words"))
                    self._in_memory = whole
                    return self._in_memory.get(word)
                row = self._connection.execute("SELECT value FROM words WHERE word = ?", (word,)).fetchone()
            except sqlite3.Error:  # damaged or deleted under us: rebuild, in memory for this run
                self._in_memory = self._build()
                return self._in_memory.get(word)
            return row[0] if row else None

    def _open(self) -> None:
        path = self.path
        if not path.is_file():
            data = self._build()
            if not self._write(path, data):
                self._in_memory = data
                return
            # The whole table too, for a long run to load at once (marshal reads it fastest).
            cache.write(self.name + ".marshal", dict(data))
        try:
            self._connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            self._connection.execute("SELECT value FROM words LIMIT 1").fetchall()
        except sqlite3.Error:
            self._connection = None
            self._in_memory = self._build()
            return
        self._pid = os.getpid()

    @staticmethod
    def _write(path: Path, data: Mapping[str, float]) -> bool:
        """Store ``data`` in ``path`` (atomically); False when it cannot be written."""
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.unlink(missing_ok=True)
            connection = sqlite3.connect(temporary)
            try:
                # No declared type: integers stay integers and frequencies stay floats.
                connection.execute("CREATE TABLE words (word TEXT PRIMARY KEY, value) WITHOUT ROWID")
                connection.executemany("INSERT OR REPLACE INTO words VALUES (?, ?)", data.items())
                connection.commit()
            finally:
                connection.close()
            os.replace(temporary, path)
        except (OSError, sqlite3.Error):
            try:
                temporary.unlink(missing_ok=True)
            except OSError:
                pass
            return False
        return True


_ENGLISH: list = []  # [table or None] once looked for


def english_frequencies() -> WordTable | None:
    """wordfreq's English table (word -> frequency per word of text), or None when wordfreq is
    not installed. Importing wordfreq and unpacking its list takes about half a second, so the
    table is stored in the cache folder on the first run (see :class:`WordTable`)."""
    if not _ENGLISH:
        release = cache.package_version("wordfreq")
        if release is None:
            _ENGLISH.append(None)
        else:
            def build() -> Mapping[str, float]:
                from wordfreq import get_frequency_dict

                return get_frequency_dict("en")

            _ENGLISH.append(WordTable(f"wordfreq-en-{release}", build))
    return _ENGLISH[0]
