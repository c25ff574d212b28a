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

try:  # hashlib's own BLAKE2, without hashlib loading OpenSSL first (4 ms of every start)
    from _blake2 import blake2b
except ImportError:  # a Python built without it
    from hashlib import blake2b


_cache_dir_for: tuple = (None, None)  # (the variables, the folder they give)


def cache_dir() -> Path:
    # Asked for on every cache read (hundreds in a run), so the answer is kept for as long as
    # the variables that decide it stay the same (tests and embedders change them).
    global _cache_dir_for
    settings = (os.environ.get("COPYDESK_CACHE_DIR"), os.environ.get("XDG_CACHE_HOME"), os.environ.get("HOME"))
    known_settings, folder = _cache_dir_for
    if known_settings != settings:
        explicit, base, _ = settings
        folder = Path(explicit) if explicit else Path(base or str(Path.home() / ".cache")) / "copydesk"
        _cache_dir_for = (settings, folder)
    return folder


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


def installation_stamp() -> list:
    """What changes when a package is installed or removed: the Python, and the modification
    time of each folder on ``sys.path``. Not the working folder or the script's: they change
    with every edit in a repository of stories, and distributions are not installed there."""
    import sys

    stamp: list = [sys.version, sys.prefix]  # then (folder, modified) for each search path
    here = {"", ".", os.getcwd()}
    if sys.argv and sys.argv[0] and os.path.isfile(sys.argv[0]):
        here.add(os.path.dirname(os.path.abspath(sys.argv[0])))
    for entry in sys.path:
        if entry in here:
            continue
        try:
            stamp.append((entry, os.stat(entry or ".").st_mtime_ns))
        except OSError:
            stamp.append((entry, None))
    return stamp


_VERSIONS_FILE = "package-versions-by-path.marshal"
_versions: dict[str, str | None] | None = None


def package_version(name: str) -> str | None:
    """The installed version of distribution ``name`` (None when not installed), as
    ``importlib.metadata.version`` gives it. Data tables are named by their source's version;
    asking importlib.metadata costs an import and a scan of the installed distributions on
    every run, so the answers are kept, keyed by :func:`installation_stamp`."""
    global _versions
    if _versions is None:
        stamp = installation_stamp()
        kept = _stored_versions().get(_places(stamp))
        valid = isinstance(kept, dict) and kept.get("stamp") == stamp and isinstance(kept.get("versions"), dict)
        _versions = dict(kept["versions"]) if valid else {}
        _versions["\0stamp"] = stamp  # type: ignore[assignment]
    if name not in _versions:
        from importlib.metadata import PackageNotFoundError, version

        try:
            _versions[name] = version(name)
        except PackageNotFoundError:
            _versions[name] = None
        stamp = _versions["\0stamp"]
        # One entry per set of search paths (the command, a pre-commit environment, the test
        # runner), so that running copydesk from several does not throw each other's away.
        stored = _stored_versions()
        if len(stored) >= 16:
            stored.clear()
        stored[_places(stamp)] = {"stamp": stamp, "versions": {k: v for k, v in _versions.items() if k != "\0stamp"}}
        write(_VERSIONS_FILE, stored)
    return _versions[name]


def _places(stamp: list) -> tuple:
    return tuple(entry for entry, _ in stamp[2:])


def _stored_versions() -> dict:
    stored = read(_VERSIONS_FILE)
    return stored if isinstance(stored, dict) else {}


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

        key = blake2b(repr(args).encode("utf-8", "surrogatepass"), digest_size=16).digest()
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
