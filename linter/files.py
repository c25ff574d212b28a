"""Reading stories from disk and writing fixes back without losing a byte."""

from __future__ import annotations

import codecs
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from .readers import FORMATS, detect_format

#: File endings linted when a folder is given.
STORY_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".mdown", ".mkd", ".html", ".htm", ".xhtml", ".json"})
#: Folders never searched for stories.
SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox"})


class InputError(Exception):
    """A file that cannot be linted: missing, unreadable, binary, or not in a known encoding."""

    def __init__(self, path: object, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path, self.problem = str(path), problem


@dataclass(frozen=True)
class SourceText:
    """A decoded file and how to encode it again exactly as it was."""

    text: str
    encoding: str  # a codec name: "utf-8", "utf-8-sig", "utf-16"

    def encode(self, text: str) -> bytes:
        return text.encode(self.encoding)


def decode(data: bytes, name: str) -> SourceText:
    """Decode a story: UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else is an
    error that says what to do, never a guess that could corrupt the text on ``--fix``."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16: FF FE 00 00
        raise InputError(name, "UTF-32 text is not supported; save the file as UTF-8")
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
        head = data[:8192]
        if b"\x00" in head:
            if _looks_like_utf16(head):
                raise InputError(
                    name, "looks like UTF-16 without a byte-order mark; save it as UTF-8 (or UTF-16 with a BOM)"
                )
            raise InputError(name, "binary file (it contains NUL bytes); not a story")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise InputError(
            name, f"not valid {encoding.upper().replace('-SIG', '')} (byte 0x{data[error.start]:02x} at offset "
            f"{error.start}); save the file as UTF-8 (for example: iconv -f latin1 -t utf-8)"
        ) from None
    if "\x00" in text:
        raise InputError(name, "binary file (it contains NUL characters); not a story")
    return SourceText(text, encoding)


def _looks_like_utf16(head: bytes) -> bool:
    """Text in UTF-16 has a NUL in every other byte when it is mostly ASCII."""
    if len(head) < 4:
        return False
    even, odd = head[0::2], head[1::2]
    return max(even.count(0), odd.count(0)) >= 0.4 * len(head) / 2 and min(even.count(0), odd.count(0)) == 0


#: What ``stat`` calls the kinds of file that are not stories (and could block or never end).
_NOT_REGULAR = ((stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def read_file(path: Path) -> SourceText:
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError
        for test, kind in _NOT_REGULAR:
            if test(mode):
                raise InputError(path, f"not a regular file ({kind}); not a story")
        data = _read_fifo(path) if stat.S_ISFIFO(mode) else path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory") from None
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror or error}") from None
    return decode(data, str(path))


def _read_fifo(path: Path) -> bytes:
    """Read a named pipe (``copydesk check <(curl ...)``) without waiting for ever to open one
    that no program writes to: opened without blocking, such a pipe reads as empty."""
    handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        os.set_blocking(handle, True)  # a writer that is there may take its time
        chunks = []
        while chunk := os.read(handle, 1 << 16):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(handle)


def write_atomic(path: Path, data: bytes) -> None:
    """Write by a temporary file in the same folder and a rename, so a crash or a full disk
    leaves either the old story or the new one, never half of each. Permissions are kept."""
    if not os.access(path, os.W_OK):
        raise InputError(path, "file is read-only; not changed")
    folder = path.parent
    try:
        mode = path.stat().st_mode & 0o7777
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".copydesk", dir=folder)
    except OSError as error:  # a read-only folder, say: the story stays as it was
        raise InputError(path, f"cannot write: {error.strerror or error}; not changed") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError as error:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise InputError(path, f"cannot write: {error.strerror or error}; not changed") from None


def iter_story_files(
    paths: list[Path], is_excluded: Callable[[Path], bool] = lambda p: False
) -> Iterator[Path | InputError]:
    """Files to lint: files given by name always; stories found in folders, once each, without
    following symbolic links into loops."""
    seen: set[tuple[int, int]] = set()
    for given in paths:
        if not given.exists() and not given.is_symlink():
            yield InputError(given, "no such file or directory")
            continue
        if not given.is_dir():
            yield given
            continue
        for folder, dirs, files in os.walk(given, followlinks=False):
            dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
            for name in sorted(files):
                path = Path(folder) / name
                if path.suffix.lower() not in STORY_SUFFIXES or name.startswith("."):
                    continue
                try:
                    status = path.stat()
                except OSError as error:
                    yield InputError(path, f"cannot read: {error.strerror or error}")
                    continue
                if not stat.S_ISREG(status.st_mode):
                    continue  # a pipe or device named like a story is never read from a folder walk
                key = (status.st_dev, status.st_ino)
                if key in seen or is_excluded(path):
                    continue
                seen.add(key)
                yield path


def format_for(path: str | None, explicit: str | None = None) -> str:
    if explicit:
        if explicit not in FORMATS:
            raise InputError("-", f"unknown input format {explicit!r} (known: {', '.join(FORMATS)})")
        return explicit
    return detect_format(path)
