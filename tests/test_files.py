"""Reading and writing stories: encodings, atomic writes, folder walks."""

import codecs
import os

import pytest

from linter.files import InputError, decode, write_atomic


def test_decode_keeps_what_it_needs_to_write_back():
    assert decode("caf\u00e9\r\n".encode(), "a").text == "caf\u00e9\r\n"
    with_bom = decode(codecs.BOM_UTF8 + b"x", "a")
    assert with_bom.text == "x" and with_bom.encode("y") == codecs.BOM_UTF8 + b"y"
    wide = decode("h\u00e9".encode("utf-16"), "a")
    assert wide.text == "h\u00e9" and wide.encode("h\u00e9").decode("utf-16") == "h\u00e9"


def test_decode_rejects_latin1_and_binary_with_a_reason():
    with pytest.raises(InputError, match="not valid UTF-8 \\(byte 0xe9 at offset 3\\)"):
        decode("caf\u00e9".encode("latin-1"), "story.txt")
    with pytest.raises(InputError, match="binary file"):
        decode(b"abc\x00def", "x.txt")


def test_empty_file_is_a_story_with_nothing_in_it():
    assert decode(b"", "empty.txt").text == ""


def test_atomic_write_leaves_the_original_when_the_rename_fails(tmp_path, monkeypatch):
    path = tmp_path / "story.txt"
    path.write_text("original")
    path.chmod(0o640)

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(InputError, match="No space left on device; not changed"):
        write_atomic(path, b"new text")
    assert path.read_text() == "original"
    assert os.listdir(tmp_path) == ["story.txt"]


def test_atomic_write_keeps_permissions(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("original")
    path.chmod(0o640)
    write_atomic(path, b"new")
    assert path.read_bytes() == b"new"
    assert path.stat().st_mode & 0o777 == 0o640
