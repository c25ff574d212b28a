"""The off-topic and department checks cost time in proportion to the story (issue 7: "no check
may be quadratic in the number of paragraphs or sentences").

Each check is timed (CPU time, best of three, garbage collector paused) on an invented story and on the same story four
times as long. Linear code takes about four times as long; the quadratic code these tests
replaced took ten to twelve times as long at these sizes, so the bound of 7.5 leaves room for a
noisy machine and still fails on a quadratic step.
"""

from __future__ import annotations

import gc
import random
import time

import pytest

from linter.loading import bundled_rules_dir, load_rule
from linter.readers import read_article
from linter.ruletypes.base import LintContext
from linter.ruletypes.off_topic import _median, _SortedWithoutOne

RULES = bundled_rules_dir()
LINEAR_BOUND = 7.5

# Invented paragraphs: a New Orleans story with its own department, a department from another
# city that the story keeps naming (so it is involved, and every mention is weighed again), and
# a paragraph in which another city acts (a place conflict, reported every time it recurs).
UNIT = [
    "The New Orleans City Council voted on Tuesday to audit police overtime after a report found "
    "officers billed shifts they never worked.",
    "Council member Dana Whitcombe said the NOPD had lost track of its schedules, and that the audit "
    "would cover every district in New Orleans.",
    "Philadelphia is violating the same federal rules on overtime pay, according to a lawsuit filed by "
    "a group of taxpayers last spring.",
    "A former NYPD sergeant hired as a consultant told the council that the scheduling software was out "
    "of date and rarely checked.",
]
HEADLINE = "Council orders audit of police overtime in New Orleans"


def story(units: int) -> str:
    return HEADLINE + "\n\n" + "\n\n".join(UNIT * units) + "\n"


def cpu_seconds(rule, article) -> tuple[float, int]:
    """Best CPU time of three runs of the rule alone, and how many findings it made. The garbage
    collector is paused while timing: a full collection landing in one run but not another
    would measure the heap the test suite has built, not the rule."""
    best, found = float("inf"), 0
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            started = time.process_time()
            found = len(list(rule.check(article, LintContext())))
            best = min(best, time.process_time() - started)
    finally:
        gc.enable()
    return best, found


@pytest.fixture(scope="module")
def off_topic():
    rule = load_rule(RULES / "newsroom" / "off-topic.yml", RULES)
    if not rule.word_weights.available:
        pytest.skip("wordfreq is not installed")
    return rule


@pytest.fixture(scope="module")
def department():
    return load_rule(RULES / "newsroom" / "department.yml", RULES)


def test_off_topic_time_grows_linearly_with_paragraphs(off_topic) -> None:
    short, long = read_article(story(400)), read_article(story(1600))  # 1,600 and 6,400 paragraphs
    short_time, short_found = cpu_seconds(off_topic, short)
    long_time, long_found = cpu_seconds(off_topic, long)
    # Every pasted "Philadelphia is violating ..." paragraph is reported, in both stories.
    assert (short_found, long_found) == (400, 1600)
    assert long_time / short_time < LINEAR_BOUND, (short_time, long_time)


def test_department_time_grows_linearly_with_mentions(department) -> None:
    short, long = read_article(story(1000)), read_article(story(4000))
    short_time, short_found = cpu_seconds(department, short)
    long_time, long_found = cpu_seconds(department, long)
    assert (short_found, long_found) == (0, 0)  # the story keeps naming the NYPD: it is involved
    assert long_time / short_time < LINEAR_BOUND, (short_time, long_time)


def test_calibration_without_one_paragraph_matches_removing_it() -> None:
    rng = random.Random(7)
    for size in range(1, 40):
        ordered = sorted(round(rng.random(), 1) for _ in range(size))  # with repeated values
        for value in set(ordered):
            rest = list(ordered)
            rest.remove(value)
            view = _SortedWithoutOne(ordered, value)
            assert len(view) == len(rest)
            assert [view[i] for i in range(len(view))] == rest
            if rest:
                assert _median(view) == _median(rest)
        whole = _SortedWithoutOne(ordered, None)  # a paragraph outside the calibration set
        assert [whole[i] for i in range(len(whole))] == ordered
