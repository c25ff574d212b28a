import subprocess
import sys

import pytest

from linter.config import Config, ConfigError, find_config, load_config
from linter.findings import Severity
from linter.linting import Linter


def test_config_is_found_by_walking_up(tmp_path):
    (tmp_path / ".copydesk.yaml").write_text("style: british\n")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    story = deep / "story.txt"
    story.write_text("x")
    assert find_config(story) == tmp_path / ".copydesk.yaml"
    assert load_config(find_config(story)).style == "british"


def test_enable_disable_most_specific_wins():
    config = Config(disable=("starter",), enable=("starter.percent",))
    assert config.selects("starter.percent", True)
    assert not config.selects("starter.wordy", True)
    assert Config(enable=("newsroom.grammar",)).selects("newsroom.grammar", False)
    assert not Config().selects("newsroom.grammar", False)


def test_severity_and_fix_overrides_apply(tmp_path):
    path = tmp_path / ".copydesk.yaml"
    path.write_text("severity: {starter.percent: error}\nfix: {starter.percent: display}\n")
    linter = Linter(load_config(path))
    rule = next(r for r in linter.rules if r.spec.id == "starter.percent")
    assert rule.spec.severity is Severity.ERROR
    assert rule.spec.fix.value == "display"
    # The bundled rule object itself is untouched.
    assert next(r for r in Linter().rules if r.spec.id == "starter.percent").spec.severity is Severity.WARNING


@pytest.mark.parametrize(
    "text, expected",
    [
        ("styel: ap\n", ":1: key 'styel': unknown key"),
        ("style: ap\nfail_on: sometimes\n", ":2: key 'fail_on'"),
        ("disable: starter.percent\n", ":1: key 'disable': 'starter.percent' is not of type 'array'"),
        ("style: [unclosed\n", "invalid YAML"),
        ("- a list\n", "must be a mapping"),
    ],
)
def test_malformed_config_names_file_line_and_key(tmp_path, text, expected):
    path = tmp_path / ".copydesk.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(path) in str(caught.value)
    assert expected in str(caught.value)


def test_cli_exits_2_naming_a_malformed_config(tmp_path):
    (tmp_path / ".copydesk.yaml").write_text("style: ap\nnonsense: true\n")
    story = tmp_path / "story.txt"
    story.write_text("Headline\n\nRates rose 5 per cent.\n")
    run = subprocess.run([sys.executable, "-m", "linter", "check", str(story)], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 2
    assert ".copydesk.yaml:2: key 'nonsense'" in run.stderr
    assert "Traceback" not in run.stderr


def test_config_disable_and_exclude_are_honoured(tmp_path):
    (tmp_path / ".copydesk.yaml").write_text("disable: [starter.percent]\nexclude: ['drafts/*']\n")
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "d.txt").write_text("Headline\n\nRates rose 5 per cent.\n")
    (tmp_path / "s.txt").write_text("Headline\n\nRates rose 5 per cent.\n")
    run = subprocess.run([sys.executable, "-m", "linter", "check", "--format", "line", "."], capture_output=True, text=True, cwd=tmp_path)
    assert "starter.percent" not in run.stdout
    assert "d.txt" not in run.stdout
    assert run.returncode == 0, run.stdout + run.stderr
