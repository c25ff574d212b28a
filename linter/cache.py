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
