"""The command line end to end: exit codes, formats, --fix, --diff, standard input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

STORY = "Rates Story Headline\n\nRates rose 5 per cent on Friday, the bank said.\n\nThe the bank will meet again in June.\n"


def run(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "linter", *args], capture_output=True, text=True, cwd=cwd, input=stdin,
        env={**os.environ, "NO_COLOR": "1"},
    )


@pytest.fixture
def story(tmp_path: Path) -> Path:
    path = tmp_path / "story.txt"
    path.write_text(STORY, encoding="utf-8")
    return path


def test_text_report_and_exit_1_on_findings(story):
    result = run("check", "--no-config", story.name, cwd=story.parent)
    assert result.returncode == 1
    assert "story.txt:3:14: warning [starter.percent] Write 'percent', not 'per cent'." in result.stdout
    assert "story.txt:5:1: error [starter.doubled-word]" in result.stdout


def test_fail_on_error_and_never(story):
    assert run("check", "--no-config", "--disable", "starter.doubled-word", "--fail-on", "error", story.name, cwd=story.parent).returncode == 0
    assert run("check", "--no-config", "--fail-on", "never", story.name, cwd=story.parent).returncode == 0


def test_json_report_lists_every_file_with_offsets_into_the_source(story, tmp_path):
    clean = tmp_path / "clean.txt"
    clean.write_text("A quiet headline here\n\nNothing happened today.\n")
    result = run("check", "--no-config", "--format", "json", story.name, clean.name, cwd=tmp_path)
    report = json.loads(result.stdout)
    assert report["version"] == 1
    files = {f["path"]: f["findings"] for f in report["files"]}
    assert set(files) == {"story.txt", "clean.txt"}
    assert [f for f in files["clean.txt"] if f["severity"] != "suggestion"] == []
    percent = next(f for f in files["story.txt"] if f["rule"] == "starter.percent")
    assert STORY[percent["start"]:percent["end"]] == "per cent"
    assert (percent["line"], percent["column"], percent["end_line"], percent["end_column"]) == (3, 14, 3, 22)
    assert percent["fix"] == {**percent["fix"], "replacement": "percent", "applicability": "safe"}


def test_missing_file_is_exit_2_and_other_files_still_linted(story):
    result = run("check", "--no-config", "--format", "json", "nope.txt", story.name, cwd=story.parent)
    assert result.returncode == 2
    report = json.loads(result.stdout)
    by_path = {f["path"]: f for f in report["files"]}
    assert "no such file" in by_path["nope.txt"]["error"]
    assert by_path["story.txt"]["findings"]
    assert "Traceback" not in result.stderr


def test_fix_writes_safe_fixes_and_keeps_crlf(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(STORY.replace("\n", "\r\n").encode("utf-8"))
    result = run("check", "--no-config", "--fix", path.name, cwd=tmp_path)
    fixed = path.read_bytes().decode("utf-8")
    assert fixed == STORY.replace("per cent", "percent").replace("The the bank", "The bank").replace("\n", "\r\n")
    assert result.returncode == 0, result.stdout
    assert not [p for p in tmp_path.iterdir() if p.name != "crlf.txt"]  # no temporary files left


def test_diff_prints_a_unified_diff_and_writes_nothing(story):
    before = story.read_bytes()
    result = run("check", "--no-config", "--diff", story.name, cwd=story.parent)
    assert result.returncode == 1
    assert "-Rates rose 5 per cent on Friday, the bank said." in result.stdout
    assert "+Rates rose 5 percent on Friday, the bank said." in result.stdout
    assert story.read_bytes() == before


def test_fix_on_read_only_file_is_an_error_and_leaves_it(story):
    story.chmod(0o444)
    try:
        if os.access(story, os.W_OK):
            pytest.skip("running as a user who can write read-only files")
        result = run("check", "--no-config", "--fix", story.name, cwd=story.parent)
        assert result.returncode == 2
        assert "read-only" in result.stdout + result.stderr
        assert story.read_text() == STORY
    finally:
        story.chmod(0o644)


def test_stdin_with_stdin_filename_picks_format_and_reports_name(tmp_path):
    markdown = "# Rates story\n\nRates rose 5 **per cent** on Friday.\n"
    result = run("check", "--no-config", "--format", "line", "--stdin-filename", "drafts/rates.md", "-", cwd=tmp_path, stdin=markdown)
    line = next(l for l in result.stdout.splitlines() if "starter.percent" in l)
    assert line.startswith("drafts/rates.md:3:16:")


def test_stdin_fix_writes_fixed_text_to_stdout(tmp_path):
    result = run("check", "--no-config", "--fix", "-", cwd=tmp_path, stdin=STORY)
    assert result.stdout == STORY.replace("per cent", "percent").replace("The the bank", "The bank")


def test_unknown_option_and_no_paths_are_usage_errors(tmp_path):
    unknown = run("check", "--bogus", "x.txt", cwd=tmp_path)
    assert unknown.returncode == 2 and "unrecognized arguments: --bogus" in unknown.stderr
    nothing = run("check", cwd=tmp_path)
    assert nothing.returncode == 2 and "no files given" in nothing.stderr


@pytest.mark.parametrize(
    "content, words",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
        ("Caf\u00e9 story\n\nA caf\u00e9 opened.\n".encode("latin-1"), "not valid UTF-8"),
    ],
)
def test_bad_input_is_a_clear_error(tmp_path, content, words):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = run("check", "--no-config", path.name, cwd=tmp_path)
    assert result.returncode == 2
    assert words in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_utf16_with_bom_is_read_and_fixed_in_its_encoding(tmp_path):
    path = tmp_path / "wide.txt"
    path.write_bytes(STORY.encode("utf-16"))
    run("check", "--no-config", "--fix", path.name, cwd=tmp_path)
    assert path.read_bytes().decode("utf-16") == STORY.replace("per cent", "percent").replace("The the bank", "The bank")


def test_folder_walk_finds_stories_and_survives_a_symlink_loop(tmp_path):
    (tmp_path / "desk").mkdir()
    (tmp_path / "desk" / "a.md").write_text("# Head line here\n\nRates rose 5 per cent.\n")
    (tmp_path / "desk" / "notes.py").write_text("print('not a story')\n")
    os.symlink(tmp_path / "desk", tmp_path / "desk" / "loop")
    result = run("check", "--no-config", "--format", "json", "desk", cwd=tmp_path)
    assert [f["path"] for f in json.loads(result.stdout)["files"]] == ["desk/a.md"]


def test_rules_and_explain(tmp_path):
    listing = run("rules", "--no-config", cwd=tmp_path)
    assert "starter.percent" in listing.stdout and "substitution" in listing.stdout
    explained = run("explain", "--no-config", "starter.percent", cwd=tmp_path)
    assert "AP style spells" in explained.stdout and "Rates rose 5 per cent." in explained.stdout
    missing = run("explain", "--no-config", "starter.nope", cwd=tmp_path)
    assert missing.returncode == 2 and "no rule named" in missing.stderr
    built_in = run("explain", "--no-config", "copydesk.front-matter", cwd=tmp_path)
    assert built_in.returncode == 0 and "front matter" in built_in.stdout and "disable:" in built_in.stdout


def test_test_rules_command_fails_on_a_broken_example(tmp_path):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "r.yml").write_text(
        "type: existence\nmessage: m\ntokens: [foo]\nexamples:\n  valid: ['a foo']\n  invalid: ['foo bar']\n"
    )
    result = run("test-rules", str(pack), cwd=tmp_path)
    assert result.returncode == 1
    assert "pack.r: valid example 'a foo': expected no finding" in result.stdout or "r: valid example 'a foo'" in result.stdout


def test_jobs_gives_the_same_report_as_one_process(tmp_path):
    for index in range(6):
        (tmp_path / f"s{index}.txt").write_text(STORY.replace("5 per cent", f"{index} per cent"))
    single = run("check", "--no-config", "--format", "json", ".", cwd=tmp_path)
    parallel = run("check", "--no-config", "--format", "json", "--jobs", "2", ".", cwd=tmp_path)
    assert single.returncode == parallel.returncode == 1
    assert json.loads(parallel.stdout) == json.loads(single.stdout)
    assert len(json.loads(single.stdout)["files"]) == 6


def test_fix_that_cannot_write_still_reports_the_findings(story, monkeypatch, capsys):
    """--fix in a folder it may not write to (simulated in-process: root writes anywhere): the
    file stays as it was, the error names it, its findings are reported as they stand, exit 2."""
    import tempfile

    from linter.cli import main

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refused)  # what write_atomic meets in a read-only folder
    monkeypatch.chdir(story.parent)
    monkeypatch.setenv("NO_COLOR", "1")
    code = main(["check", "--no-config", "--fix", story.name])
    out = capsys.readouterr().out
    assert code == 2
    assert story.read_text(encoding="utf-8") == STORY
    assert ("story.txt: error: cannot write: Permission denied; not changed "
            "(2 fixes not applied; the findings are for the file as it stands)") in out
    # The findings are those of the unchanged file, at its positions, fixable ones included.
    assert "story.txt:3:14: warning [starter.percent] Write 'percent', not 'per cent'." in out
    assert "story.txt:5:1: error [starter.doubled-word]" in out
    assert "Fixed" not in out
    assert out.rstrip().endswith("; 1 file could not be written")

    code = main(["check", "--no-config", "--fix", "--format", "json", story.name])
    entry = json.loads(capsys.readouterr().out)["files"][0]
    assert code == 2
    assert entry["error"].startswith("cannot write: Permission denied; not changed")
    assert {f["rule"] for f in entry["findings"]} >= {"starter.percent", "starter.doubled-word"}
    assert story.read_text(encoding="utf-8") == STORY


def test_many_files_are_checked_in_one_process_per_core_by_default(monkeypatch) -> None:
    from linter import cli

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    assert cli.auto_jobs(cli.AUTO_JOBS_FILES - 1) == 1  # a few files: starting workers costs more
    assert cli.auto_jobs(cli.AUTO_JOBS_FILES) == 3
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(64)), raising=False)
    assert cli.auto_jobs(10_000) == cli.AUTO_JOBS_MAX


def test_the_default_jobs_give_the_output_of_one_process(tmp_path) -> None:
    from linter import cli

    desk = tmp_path / "desk"
    desk.mkdir()
    for number in range(cli.AUTO_JOBS_FILES + 6):
        (desk / f"story-{number:03}.txt").write_text(
            f"Council vote {number}\n\nThe council met on October {number % 28 + 1}st. This is a developing story.\n\n"
            f"Members voted {number} times, officials said.\n", encoding="utf-8")
    one = run("check", "--no-daemon", "--jobs", "1", "--format", "json", "desk", cwd=tmp_path)
    default = run("check", "--no-daemon", "--format", "json", "desk", cwd=tmp_path)
    assert one.returncode == default.returncode == 1
    assert json.loads(default.stdout) == json.loads(one.stdout)
    assert len(json.loads(one.stdout)["files"]) == cli.AUTO_JOBS_FILES + 6
