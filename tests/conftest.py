"""Shared test helpers. Fixture articles are invented for these tests; no corpus text."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.loading import build_rule, parse_yaml

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def make_rule(yaml_text: str, rule_id: str = "test.rule", tmp_path: Path | None = None):
    """Build a rule object from YAML text, as loading a rule file would."""
    path = (tmp_path or Path("/nonexistent")) / "rule.yml"
    data, node = parse_yaml(yaml_text, path)
    return build_rule(data, node, path, rule_id)


@pytest.fixture
def shared_dir() -> Path:
    """The read-only shared data folder; absent on a user's machine, so tests skip cleanly."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED
