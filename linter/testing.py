"""The rule tester: every YAML rule carries its own valid and invalid examples.

Public for newsroom teams writing their own packs::

    from linter.testing import check_rules
    from linter.loading import load_rules

    failures = check_rules(load_rules(["house-rules"], include_bundled=False).rules)
    assert not failures, "\\n".join(map(str, failures))

What is checked, for each rule (in the spirit of ESLint's RuleTester and prh's specs):

* the rule has at least one valid and one invalid example, and no example twice;
* a valid example gives no finding of this rule;
* an invalid example gives at least one;
* with ``output``, applying the rule's fixes (safe, or unsafe too when the rule's fixes are
  unsafe) until nothing changes gives exactly ``output``, and the fixes converge;
* without ``output``, the rule must not offer an applicable fix (display fixes are fine).

An example's text is read as the field the rule targets when that is a single field
(``headline``, ``dek``, ``byline``, ``dateline``); as a whole plain-text story (headline, blank
line, paragraphs) when it contains a blank line; otherwise as one body paragraph. An example may
name its ``format`` (``markdown``, ``html``) and ``style``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from .article import Article, Block, TextMap
from .engine import lint
from .findings import Applicability, Finding
from .fixes import fix_until_stable
from .readers import read_article
from .ruletypes.base import LintContext, RuleType

_FIELD_SCOPES = ("headline", "dek", "byline", "dateline")


@dataclass(frozen=True)
class ExampleFailure:
    rule: str
    kind: str  # "valid", "invalid" or "rule"
    text: str
    problem: str

    def __str__(self) -> str:
        shown = self.text if len(self.text) <= 120 else self.text[:117] + "..."
        return f"{self.rule}: {self.kind} example {shown!r}: {self.problem}"


def example_article(text: str, scope: str, format: str | None = None) -> Article:
    """Build the article an example stands for (see the module docs)."""
    if format and format != "text":
        return read_article(text, format)
    if scope in _FIELD_SCOPES and "\n\n" not in text:
        return Article(source=text, format="text", blocks=(Block(scope, scope, text, TextMap.contiguous(0, len(text))),))
    if "\n\n" in text:
        return read_article(text, "text")
    return Article(source=text, format="text", blocks=(Block("paragraph", "body", text, TextMap.contiguous(0, len(text))),))


def _unpack(example: Any) -> tuple[str, str | None, str | None, str | None]:
    if isinstance(example, str):
        return example, None, None, None
    return example["text"], example.get("output"), example.get("format"), example.get("style")


def run_example(rule: RuleType, text: str, format: str | None = None, style: str | None = None) -> list[Finding]:
    """Findings of ``rule`` alone on an example text."""
    context = LintContext(style=style or (rule.spec.styles[0] if rule.spec.styles else "ap"))
    article = example_article(text, rule.spec.scope, format)
    return [f for f in lint(article, [rule], context) if f.rule == rule.spec.id]


def check_rule(rule: RuleType) -> list[ExampleFailure]:
    """Every way this rule's examples disagree with what it does."""
    spec = rule.spec
    failures: list[ExampleFailure] = []
    skip = getattr(rule, "skip_examples", None)
    if callable(skip) and skip():
        return failures  # the rule needs an outside service that is not there (LanguageTool)
    examples = spec.examples or {}
    valid, invalid = examples.get("valid") or [], examples.get("invalid") or []
    if not valid or not invalid:
        failures.append(ExampleFailure(spec.id, "rule", "", "needs at least one valid and one invalid example"))
    seen: set[str] = set()
    minimum = Applicability.UNSAFE if spec.fix is Applicability.UNSAFE else Applicability.SAFE

    for example in valid:
        text, _, fmt, style = _unpack(example)
        if text in seen:
            failures.append(ExampleFailure(spec.id, "valid", text, "duplicate example"))
        seen.add(text)
        found = run_example(rule, text, fmt, style)
        if found:
            failures.append(ExampleFailure(spec.id, "valid", text, f"expected no finding, got: {found[0].message}"))

    for example in invalid:
        text, output, fmt, style = _unpack(example)
        if text in seen:
            failures.append(ExampleFailure(spec.id, "invalid", text, "duplicate example"))
        seen.add(text)
        found = run_example(rule, text, fmt, style)
        if not found:
            failures.append(ExampleFailure(spec.id, "invalid", text, "expected a finding, got none"))
            continue
        applicable = [f for f in found if f.fix and f.fix.applicability.rank >= minimum.rank]
        if output is None:
            if applicable:
                failures.append(ExampleFailure(spec.id, "invalid", text, "offers a fix but the example gives no 'output'"))
            continue
        context = LintContext(style=style or (spec.styles[0] if spec.styles else "ap"))
        result = fix_until_stable(
            text,
            lambda source: [f for f in lint(example_article(source, spec.scope, fmt), [rule], context) if f.rule == spec.id],
            minimum,
        )
        if not result.converged:
            failures.append(ExampleFailure(spec.id, "invalid", text, f"fixes did not converge after {result.passes} passes"))
        elif result.text != output:
            failures.append(ExampleFailure(spec.id, "invalid", text, f"fixed text is {result.text!r}, expected {output!r}"))
    return failures


def check_rules(rules: Iterable[RuleType]) -> list[ExampleFailure]:
    failures: list[ExampleFailure] = []
    for rule in rules:
        failures.extend(check_rule(rule))
    return failures


__all__: Sequence[str] = ["ExampleFailure", "check_rule", "check_rules", "example_article", "run_example"]
