"""``copydesk daemon``: a check handed to it gives what the same check gives run in place.
Stories here are invented."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from linter import daemon

REPO = Path(__file__).resolve().parents[1]
STORY = "Ferry fares rise\n\nFares rose 5 per cent on Monday.\n\nThis is a developing story.\n\nRiders were angry.\n"


def run(*args: str, cwd: Path, env: dict, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "linter", *args], cwd=cwd, env=env, input=stdin,
                          capture_output=True, timeout=120)
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(), done.stderr.decode())


@pytest.fixture()
def env(tmp_path) -> dict:
    # A short socket path (Unix sockets allow about 100 bytes) in a private folder of our own.
    folder = Path(f"/tmp/cd-test-{os.getpid()}-{time.monotonic_ns()}")
    # CI is dropped too: under CI --start-daemon starts nothing, and the test that wants that sets it.
    values = {key: value for key, value in os.environ.items()
              if not key.startswith("COPYDESK_") and key != "CI"}
    values.update(PYTHONPATH=str(REPO), NO_COLOR="1", COPYDESK_DAEMON_SOCKET=str(folder / "d.sock"))
    yield values
    subprocess.run([sys.executable, "-m", "linter", "daemon", "--stop"], env=values, capture_output=True, timeout=30)
    if folder.exists():
        for leftover in folder.iterdir():
            leftover.unlink()
        folder.rmdir()


def start(env: dict, tmp_path: Path) -> None:
    started = run("daemon", "--detach", "--idle", "120", cwd=tmp_path, env=env)
    assert started.returncode == 0, started.stderr
    status = run("daemon", "--status", cwd=tmp_path, env=env)
    assert status.returncode == 0 and "0 commands served" in status.stdout


def served(env: dict, tmp_path: Path) -> int:
    status = run("daemon", "--status", cwd=tmp_path, env=env).stdout
    return int(status.split(", ")[1].split()[0])  # "(pid 123, 4 commands served, up 1 s)"


def test_a_check_through_the_daemon_is_the_check_run_in_place(env, tmp_path) -> None:
    (tmp_path / "story.txt").write_text(STORY, encoding="utf-8")
    here = run("check", "--no-daemon", "story.txt", cwd=tmp_path, env=env)
    start(env, tmp_path)
    there = run("check", "story.txt", cwd=tmp_path, env=env)
    assert served(env, tmp_path) == 1
    assert (there.returncode, there.stdout) == (here.returncode, here.stdout) == (1, there.stdout)
    assert "newsroom.developing-story" in there.stdout and "grammar checks skipped" in there.stderr
    # Formats, standard input and a usage error come back the same way.
    for args, stdin in ((("check", "--format", "json", "story.txt"), None),
                        (("check", "--stdin-filename", "story.txt", "-"), STORY.encode()),
                        (("check", "--nonsense"), None)):
        expected = run(*args[:1], "--no-daemon", *args[1:], cwd=tmp_path, env=env, stdin=stdin)
        got = run(*args, cwd=tmp_path, env=env, stdin=stdin)
        assert (got.returncode, got.stdout) == (expected.returncode, expected.stdout), args
    assert served(env, tmp_path) == 4


def test_fix_through_the_daemon_writes_the_callers_file(env, tmp_path) -> None:
    desk = tmp_path / "desk"
    desk.mkdir()
    (desk / "story.txt").write_text(STORY, encoding="utf-8")
    start(env, tmp_path)
    fixed = run("check", "--fix", "story.txt", cwd=desk, env=env)
    assert fixed.returncode in (0, 1) and served(env, tmp_path) == 1
    assert "developing story" not in (desk / "story.txt").read_text(encoding="utf-8")
    assert "Fares rose 5 percent on Monday." in (desk / "story.txt").read_text(encoding="utf-8")


def test_an_edited_house_rule_is_read_again(env, tmp_path) -> None:
    desk = tmp_path / "desk"
    (desk / "house").mkdir(parents=True)
    rule = desk / "house" / "ferry.yml"
    rule.write_text("type: existence\nmessage: 'Say boat.'\ntokens: [fares]\nignorecase: true\n", encoding="utf-8")
    (desk / ".copydesk.yaml").write_text("rules: [house]\n", encoding="utf-8")
    (desk / "story.txt").write_text(STORY, encoding="utf-8")
    start(env, tmp_path)
    assert "Say boat." in run("check", "story.txt", cwd=desk, env=env).stdout
    rule.write_text("type: existence\nmessage: 'Say vessel.'\ntokens: [riders]\nignorecase: true\n", encoding="utf-8")
    later = run("check", "story.txt", cwd=desk, env=env).stdout
    assert "Say vessel." in later and "Say boat." not in later
    assert served(env, tmp_path) == 2


def test_no_daemon_or_a_daemon_of_another_copydesk_means_running_in_place(env, tmp_path, monkeypatch) -> None:
    (tmp_path / "story.txt").write_text(STORY, encoding="utf-8")
    monkeypatch.setenv("COPYDESK_DAEMON_SOCKET", env["COPYDESK_DAEMON_SOCKET"])
    assert daemon.forward(["check", "story.txt"]) is None  # nobody listening
    start(env, tmp_path)
    monkeypatch.setattr(daemon, "code_stamp", lambda: "another installation")
    assert daemon.forward(["check", "story.txt"]) is None  # refused: the caller runs it itself
    assert served(env, tmp_path) == 0  # and the daemon goes on serving its own installation
    assert run("check", "story.txt", cwd=tmp_path, env=env).returncode == 1
    assert served(env, tmp_path) == 1


def test_the_socket_folder_must_be_private(env, tmp_path) -> None:
    folder = Path(env["COPYDESK_DAEMON_SOCKET"]).parent
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    refused = run("daemon", "--idle", "5", cwd=tmp_path, env=env)
    assert refused.returncode == 2 and "only you can use" in refused.stderr


def test_a_detached_daemon_is_the_copydesk_that_started_it(env, tmp_path) -> None:
    # A source checkout named "linter" in the caller's folder must not be what the daemon runs.
    decoy = tmp_path / "linter"
    decoy.mkdir()
    (decoy / "__init__.py").write_text("", encoding="utf-8")
    (decoy / "__main__.py").write_text("raise SystemExit('the decoy ran')\n", encoding="utf-8")
    (tmp_path / "story.txt").write_text(STORY, encoding="utf-8")
    # -P: the caller itself does not import from its folder (it runs the copydesk on PYTHONPATH).
    started = subprocess.run([sys.executable, "-P", "-c", "import sys; from linter.launch import main; sys.exit(main())",
                              "daemon", "--detach", "--idle", "60"], cwd=tmp_path, env=env, capture_output=True,
                             timeout=60, text=True)
    assert started.returncode == 0, started.stderr
    answer = daemon.ask(Path(env["COPYDESK_DAEMON_SOCKET"]), {"command": "status"})
    assert answer is not None and answer["code"] == daemon.code_stamp()


def wait_for_daemon(env: dict, tmp_path: Path) -> bool:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if run("daemon", "--status", cwd=tmp_path, env=env).returncode == 0:
            return True
        time.sleep(0.2)
    return False


def test_start_daemon_runs_this_check_in_place_and_serves_the_next(env, tmp_path) -> None:
    (tmp_path / "story.txt").write_text(STORY, encoding="utf-8")
    expected = run("check", "--no-daemon", "story.txt", cwd=tmp_path, env=env)
    assert run("daemon", "--status", cwd=tmp_path, env=env).returncode != 0  # none yet
    first = run("check", "--start-daemon", "story.txt", cwd=tmp_path, env=env)
    assert (first.returncode, first.stdout) == (expected.returncode, expected.stdout)
    assert wait_for_daemon(env, tmp_path), "no daemon came up"
    second = run("check", "--start-daemon", "story.txt", cwd=tmp_path, env=env)
    assert (second.returncode, second.stdout) == (expected.returncode, expected.stdout)
    assert served(env, tmp_path) == 1  # the second check went to the daemon
    assert daemon.start_in_background(Path(env["COPYDESK_DAEMON_SOCKET"])) is False  # one is running
    socket_folder = Path(env["COPYDESK_DAEMON_SOCKET"]).parent
    assert not (socket_folder / "starting").exists()  # the daemon cleared the marker


def test_start_daemon_starts_one_only_and_none_under_ci(env, tmp_path) -> None:
    path = Path(env["COPYDESK_DAEMON_SOCKET"])
    folder = path.parent
    folder.mkdir(mode=0o700)
    # A marker left by a check that is starting a daemon stops the next check from starting
    # another; one older than a minute is taken as left by a start that failed.
    (folder / "starting").touch()
    assert daemon.start_in_background(path) is False
    old = time.time() - 120
    os.utime(folder / "starting", (old, old))
    spawned = []
    original, daemon._spawn = daemon._spawn, lambda *args: spawned.append(args)
    try:
        assert daemon.start_in_background(path) is True and spawned == [(path, 900.0)]
    finally:
        daemon._spawn = original
    (folder / "starting").unlink()
    (tmp_path / "story.txt").write_text(STORY, encoding="utf-8")
    checked = run("check", "--start-daemon", "story.txt", cwd=tmp_path, env={**env, "CI": "true"})
    assert checked.returncode == 1 and "newsroom.developing-story" in checked.stdout
    assert not (folder / "starting").exists()  # under CI nothing was started:
    time.sleep(3)  # (a daemon would have warmed up by now)
    assert run("daemon", "--status", cwd=tmp_path, env=env).returncode != 0
