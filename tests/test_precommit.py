"""The pre-commit hooks, for real: pre-commit installs copydesk from this repository into its own
environment and runs it in a scratch git repository (``pre-commit try-repo``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CLEAN = "Council approves new budget\n\nThe council voted 6-1 on Tuesday to approve the budget.\n\nThe mayor said work would start in July.\n"
STRAY = CLEAN.replace("\n\nThe mayor", "\n\nThis is a developing story.\n\nThe mayor")

pytestmark = pytest.mark.slow


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    return tmp_path_factory.mktemp("pre-commit-home")


def _try_repo(home: Path, workdir: Path, hook: str, *files: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), hook, "--files", *files],
        cwd=workdir, env=env, capture_output=True, text=True, timeout=900,
    )


@pytest.fixture
def newsroom(tmp_path: Path) -> Path:
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "config", "user.email", "desk@example.org")
    _git(tmp_path, "config", "user.name", "Desk")
    (tmp_path / "stray.txt").write_text(STRAY)
    (tmp_path / "clean.txt").write_text(CLEAN)
    _git(tmp_path, "add", ".")
    return tmp_path


def test_check_hook_fails_on_stray_boilerplate_and_passes_clean(pre_commit_home, newsroom):
    failing = _try_repo(pre_commit_home, newsroom, "copydesk", "stray.txt")
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "developing" in failing.stdout.lower()
    passing = _try_repo(pre_commit_home, newsroom, "copydesk", "clean.txt")
    assert passing.returncode == 0, passing.stdout + passing.stderr


def test_fix_hook_removes_the_line_and_fails_because_it_changed_the_file(pre_commit_home, newsroom):
    result = _try_repo(pre_commit_home, newsroom, "copydesk-fix", "stray.txt")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "files were modified by this hook" in result.stdout
    assert (newsroom / "stray.txt").read_text() == CLEAN
    again = _try_repo(pre_commit_home, newsroom, "copydesk-fix", "stray.txt")
    assert again.returncode == 0, again.stdout + again.stderr


def test_check_hook_honours_the_newsroom_config(pre_commit_home, newsroom):
    (newsroom / ".copydesk.yaml").write_text("disable: [newsroom]\n")
    result = _try_repo(pre_commit_home, newsroom, "copydesk", "stray.txt")
    assert result.returncode == 0, result.stdout + result.stderr
