"""Reading the YAML data files rules name (gazetteers, phrase lists, house styles).

Parsed with libyaml when it is there, and cached per process by path and modification time, so
rules that share a data file (the place gazetteer, say) parse it once. Across runs, the parsed
data of a file is kept in copydesk's cache folder under a digest of the file's bytes: building
Python objects from YAML is slow even with libyaml, and the gazetteers hardly ever change.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any


class DataFileError(ValueError):
    """A data file that cannot be read or parsed; the message names it."""


@lru_cache(maxsize=128)
def _parse(path: str, stamp: int) -> Any:
    from . import cache

    try:
        raw = Path(path).read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DataFileError(f"cannot read {path}: {error}") from None
    name = f"data-{cache.blake2b(raw, digest_size=16).hexdigest()}.marshal"
    stored = cache.read(name)
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == "yaml":
        return stored[1]
    import yaml  # only for a file not parsed before

    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as error:
        raise DataFileError(f"{path} is not valid YAML: {error}") from None
    cache.write(name, ("yaml", data))  # fails quietly on what marshal cannot hold (a date)
    return data


def read_data_file(path: Path) -> Any:
    """The parsed contents of a YAML data file. Callers must not modify what they get."""
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as error:
        raise DataFileError(f"cannot read {path}: {error.strerror or error}") from None
    return _parse(str(path), stamp)
