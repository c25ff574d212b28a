"""Malformed rule files fail with the file, the line and the key; the CLI exits 2."""

import subprocess
import sys
from pathlib import Path

import pytest

from linter.loading import RuleLoadError, load_rules, rule_id


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text, line, key, words",
    [
        ("type: nonsense\nmessage: m\n", 1, "type", "unknown rule type 'nonsense'"),
        ("type: existence\nmessage: m\ntokens: [a]\ncolour: red\n", 4, "colour", "unknown key"),
        ("type: existence\nmessage: m\npatterns:\n  - 'ok'\n  - '(unclosed'\n", 5, "patterns.1", "bad regular expression"),
        ("type: existence\ntokens: [a]\n", 1, "message", "'message' is a required property"),
        ("type: substitution\nmessage: m\nswap: {a: 1}\n", 3, "swap.a", "is not of type 'string'"),
        ("type: existence\nmessage: m\ntokens: [a]\nseverity: fatal\n", 4, "severity", "is not one of"),
        ("type: existence\nmessage: m\ntokens: [a\n", None, None, "invalid YAML"),
    ],
)
def test_malformed_rule_names_file_line_and_key(tmp_path, text, line, key, words):
    path = _write(tmp_path, "pack/bad.yml", text)
    with pytest.raises(RuleLoadError) as caught:
        load_rules([tmp_path / "pack"], include_bundled=False)
    error = caught.value
    assert error.path == str(path)
    assert words in str(error)
    if line is not None:
        assert error.line == line
    assert error.key == key


def test_rule_id_comes_from_the_path(tmp_path):
    root = tmp_path / "rules"
    assert rule_id(root / "ap" / "dates.yml", root) == "ap.dates"
    _write(root, "house/names.yml", "type: existence\nmessage: m\ntokens: [x]\n")
    _write(root, "house/data/list.yml", "- not a rule\n")
    _write(root, "house/_draft.yml", "not: a rule\n")
    assert [r.spec.id for r in load_rules([root], include_bundled=False).rules] == ["house.names"]


def test_a_later_pack_overrides_a_bundled_rule_by_id(tmp_path):
    _write(tmp_path, "starter/percent.yml", "type: existence\nmessage: overridden\ntokens: [zzz]\n")
    rules = load_rules([tmp_path]).rules
    assert next(r for r in rules if r.spec.id == "starter.percent").spec.message == "overridden"


def test_cli_exits_2_on_a_bad_rule_without_traceback(tmp_path):
    _write(tmp_path, "pack/bad.yml", "type: existence\nmessage: m\ntokens: [a]\nbogus: 1\n")
    story = _write(tmp_path, "story.txt", "Headline\n\nBody text.\n")
    run = subprocess.run(
        [sys.executable, "-m", "linter", "check", "--no-config", "--rules", str(tmp_path / "pack"), str(story)],
        capture_output=True, text=True,
    )
    assert run.returncode == 2
    assert "bad.yml:4: key 'bogus': unknown key" in run.stderr
    assert "Traceback" not in run.stderr
