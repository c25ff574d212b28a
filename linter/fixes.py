"""Applying fixes: non-overlapping edits, re-applied until the text stops changing."""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from .findings import Applicability, Edit, Finding

#: How many lint-and-fix passes to make before giving up on convergence (as ruff does).
MAX_FIX_PASSES = 10


def apply_fixes(source: str, findings: Iterable[Finding]) -> tuple[str, list[Finding]]:
    """Apply the fixes of ``findings`` to ``source`` in one pass.

    A fix whose edits overlap an edit already accepted is skipped (a later pass may apply it),
    so no two fixes ever fight over the same characters. Returns the new text and the findings
    whose fixes were applied.
    """
    accepted: list[Edit] = []  # kept sorted; its edits never overlap, so their ends rise too
    starts: list[int] = []  # accepted[i].start, for bisection
    applied: list[Finding] = []
    candidates = sorted((f for f in findings if f.fix is not None), key=lambda f: (f.fix.start, f.fix.end, f.rule))
    for finding in candidates:
        edits = sorted(finding.fix.edits)
        if any(_overlaps(a, b) for a, b in itertools.combinations(edits, 2)):
            continue  # a fix at odds with itself (every pair: an insertion can hide between two)
        if any(_overlaps_accepted(edit, accepted, starts) for edit in edits):
            continue
        for edit in edits:
            index = bisect.bisect_right(accepted, edit)
            accepted.insert(index, edit)
            starts.insert(index, edit.start)
        applied.append(finding)
    if not accepted:
        return source, []
    out: list[str] = []
    cursor = 0
    for edit in accepted:
        out.append(source[cursor:edit.start])
        out.append(edit.text)
        cursor = edit.end
    out.append(source[cursor:])
    return "".join(out), applied


def _overlaps_accepted(edit: Edit, accepted: list[Edit], starts: list[int]) -> bool:
    """Whether ``edit`` overlaps any of ``accepted`` (sorted, pairwise disjoint).

    Found by bisection rather than by comparing with every accepted edit, which made a story
    with thousands of fixes quadratic.
    """
    # Of the edits starting before this one ends, the last ends latest: only it can overlap.
    index = bisect.bisect_left(starts, edit.end)
    if index and _overlaps(accepted[index - 1], edit):
        return True
    # An insertion also collides with an insertion at the same point (which starts at edit.end).
    return index < len(accepted) and _overlaps(accepted[index], edit)


def _overlaps(a: Edit, b: Edit) -> bool:
    if a.start == a.end == b.start == b.end:
        return True  # two insertions at one point: order would be arbitrary
    return a.start < b.end and b.start < a.end


@dataclass(frozen=True)
class FixResult:
    text: str
    applied: tuple[Finding, ...]
    remaining: tuple[Finding, ...]
    passes: int
    converged: bool


def fix_until_stable(
    source: str,
    lint: Callable[[str], Sequence[Finding]],
    minimum: Applicability = Applicability.SAFE,
    max_passes: int = MAX_FIX_PASSES,
) -> FixResult:
    """Lint, apply every fix at or above ``minimum``, and repeat until nothing more applies.

    ``display`` fixes are never applied, whatever ``minimum`` says.
    """
    floor = max(minimum.rank, Applicability.UNSAFE.rank)
    text = source
    applied: list[Finding] = []
    findings: Sequence[Finding] = lint(text)
    for passes in range(1, max_passes + 1):
        eligible = [f for f in findings if f.fix is not None and f.fix.applicability.rank >= floor]
        if not eligible:
            return FixResult(text, tuple(applied), tuple(findings), passes - 1, True)
        new_text, done = apply_fixes(text, eligible)
        if new_text == text:
            return FixResult(text, tuple(applied), tuple(findings), passes - 1, True)
        text = new_text
        applied.extend(done)
        findings = lint(text)
    still = any(f.fix is not None and f.fix.applicability.rank >= floor for f in findings)
    return FixResult(text, tuple(applied), tuple(findings), max_passes, not still)
