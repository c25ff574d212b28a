"""copydesk's small cache folder: data that is slow to compute and the same from run to run.

It lives in ``$XDG_CACHE_HOME/copydesk`` (``~/.cache/copydesk``); ``COPYDESK_CACHE_DIR`` moves
it. Everything in it can be deleted at any time; a cache that cannot be read is rebuilt, and one
that cannot be written is kept in memory for the run, so a read-only home never stops a run.
"""

from __future__ import annotations

import marshal
import os
from pathlib import Path
from typing import Any


def cache_dir() -> Path:
    explicit = os.environ.get("COPYDESK_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "copydesk"


def read(name: str) -> Any | None:
    """The value stored under ``name``, or None when there is none or it cannot be read."""
    try:
        return marshal.loads((cache_dir() / name).read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None


def write(name: str, value: Any) -> bool:
    """Store ``value`` (plain data: marshal's types) atomically; False when it cannot be written."""
    path = cache_dir() / name
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(marshal.dumps(value))
        os.replace(temporary, path)
    except (OSError, ValueError):
        try:
            temporary.unlink()
        except OSError:
            pass
        return False
    return True


class Memo:
    """A function of plain values whose results are kept in the cache folder across runs (the
    literal text boilerplate patterns need, worked out from their parse trees, say). Results
    must be plain data marshal can store; :func:`flush` writes new ones (the rule loader calls it
    once after loading)."""

    def __init__(self, name: str, function) -> None:
        import sys

        self.name = f"memo-{name}-py{sys.version_info[0]}{sys.version_info[1]}.marshal"
        self.function = function
        self.values: dict | None = None
        self.dirty = False
        _MEMOS.append(self)

    def __call__(self, *args):
        if self.values is None:
            stored = read(self.name)
            self.values = stored if isinstance(stored, dict) else {}
        import hashlib

        key = hashlib.blake2b(repr(args).encode("utf-8", "surrogatepass"), digest_size=16).digest()
        if key in self.values:
            return self.values[key]
        value = self.function(*args)
        self.values[key] = value
        if not self.dirty:
            self.dirty = True
            _flush_at_exit()
        return value

    def flush(self) -> None:
        if self.dirty and self.values is not None:
            if len(self.values) > 20_000:  # rule sets that came and went: start again
                self.values.clear()
            write(self.name, self.values)
            self.dirty = False


_MEMOS: list[Memo] = []
_exit_hook = False


def _flush_at_exit() -> None:
    """Results worked out after loading (patterns compiled on first use) are written at exit."""
    global _exit_hook
    if not _exit_hook:
        import atexit

        atexit.register(flush)
        _exit_hook = True


def flush() -> None:
    """Write every memo's new results."""
    for memo in _MEMOS:
        memo.flush()
