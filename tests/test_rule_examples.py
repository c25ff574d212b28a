"""Every bundled rule's own valid and invalid examples, one test per rule (ESLint RuleTester)."""

import pytest

from linter.loading import load_rules
from linter.testing import check_rule

RULES = load_rules().rules


@pytest.mark.parametrize("rule", RULES, ids=[r.spec.id for r in RULES])
def test_rule_examples(rule):
    failures = check_rule(rule)
    assert not failures, "\n".join(map(str, failures))


def test_every_rule_has_examples_description_and_category():
    for rule in RULES:
        spec = rule.spec
        assert spec.examples.get("valid") and spec.examples.get("invalid"), spec.id
        assert spec.description, f"{spec.id} has no description"
        assert spec.category, spec.id


def test_the_tester_catches_a_wrong_output(tmp_path):
    from conftest import make_rule

    rule = make_rule("""
type: substitution
message: m
fix: safe
swap: {per cent: percent}
examples:
  valid: ["5 percent"]
  invalid:
    - text: "5 per cent"
      output: "5 pc"
    - text: "nothing to see"
""")
    problems = [f.problem for f in check_rule(rule)]
    assert any("fixed text is '5 percent', expected '5 pc'" in p for p in problems)
    assert any("expected a finding, got none" in p for p in problems)
