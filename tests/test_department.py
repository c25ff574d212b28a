"""The ``department`` rule type on invented stories: misplaced departments, their fixes, and the
stories that must stay quiet (both cities involved, shared acronyms, no clear place)."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.engine import lint
from linter.findings import Applicability
from linter.fixes import apply_fixes
from linter.loading import RuleLoadError, build_rule, bundled_rules_dir, load_rule
from linter.readers import read_article
from linter.ruletypes.base import LintContext

RULES = bundled_rules_dir()
RULE_FILE = RULES / "newsroom" / "department.yml"


@pytest.fixture(scope="module")
def rule():
    return load_rule(RULE_FILE, RULES)


def findings(rule, story: str):
    return lint(read_article(story, "text"), [rule], LintContext())


NEW_ORLEANS = (
    "Council questions police overtime in New Orleans\n"
    "\n"
    "NEW ORLEANS (AP) — The New Orleans City Council questioned police overtime on Tuesday.\n"
    "\n"
    "Auditors said NYPD members were paid for shifts they did not work.\n"
    "\n"
    "The council will take up the audit again next month in New Orleans.\n"
)


def test_acronym_of_another_city_is_flagged_with_the_story_department(rule):
    (finding,) = findings(rule, NEW_ORLEANS)
    start = NEW_ORLEANS.index("NYPD")
    assert (finding.start, finding.end) == (start, start + 4)
    assert finding.category == "department"
    assert finding.fix.replacement == "NOPD"
    assert finding.fix.applicability is Applicability.UNSAFE
    assert finding.message == "NYPD is the New York Police Department, but this story is about New Orleans (NOPD)."


def test_fix_rewrites_the_acronym(rule):
    fixed, applied = apply_fixes(NEW_ORLEANS, findings(rule, NEW_ORLEANS))
    assert len(applied) == 1
    assert "Auditors said NOPD members were paid" in fixed


def test_full_name_of_another_city_gets_the_full_name(rule):
    story = NEW_ORLEANS.replace("NYPD members", "members of the New York Police Department")
    (finding,) = findings(rule, story)
    assert story[finding.start:finding.end] == "New York Police Department"
    assert finding.fix.replacement == "New Orleans Police Department"


def test_story_that_involves_both_cities_is_left_alone(rule):
    story = (
        "Two departments compare notes on street stops\n"
        "\n"
        "NEW YORK (AP) — Commanders from the NYPD flew to Los Angeles last week to study how the LAPD "
        "cut street stops.\n"
        "\n"
        "New York officials said the trip would shape a new policy.\n"
    )
    assert findings(rule, story) == []


def test_officer_who_moved_between_cities_is_not_flagged(rule):
    story = NEW_ORLEANS.replace(
        "Auditors said NYPD members were paid for shifts they did not work.",
        "The new commander, a former NYPD captain who left New York in 2015, said shifts were padded.",
    )
    assert findings(rule, story) == []


def test_department_named_twice_counts_as_involved(rule):
    story = NEW_ORLEANS.replace("did not work.", "did not work, and NYPD auditors will review them.")
    assert findings(rule, story) == []


def test_one_passing_reference_far_away_does_not_make_the_story_about_both(rule):
    # A quotation about New York pasted at the end is not a story about New York.
    story = NEW_ORLEANS + (
        "\n"
        "Officials said the audit covered every district in New Orleans.\n"
        "\n"
        '"New York City has the right approach," the mayor of another city has said.\n'
    )
    (finding,) = findings(rule, story)
    assert finding.fix.replacement == "NOPD"


def test_department_named_again_far_away_counts_as_involved(rule):
    story = NEW_ORLEANS + "\nOfficials said the audit covered every district.\n\nThe NYPD did not respond.\n"
    assert findings(rule, story) == []


def test_ambiguous_acronym_without_evidence_is_not_judged(rule):
    story = NEW_ORLEANS.replace("NYPD members", "MPD members")
    assert findings(rule, story) == []


def test_ambiguous_acronym_resolved_by_its_city_is_consistent(rule):
    story = (
        "Memphis police chief defends budget\n"
        "\n"
        "MEMPHIS, Tenn. (AP) — The Memphis police chief defended her budget on Monday.\n"
        "\n"
        "She said MPD officers had worked record overtime in Memphis this year.\n"
    )
    assert findings(rule, story) == []


def test_dateline_decides_between_two_cities(rule):
    story = (
        "Protesters march for a second night\n"
        "\n"
        "CHARLOTTE, N.C. (AP) — Protesters marched again on Wednesday after a shooting by police.\n"
        "\n"
        "Marchers carried signs from a rally held in Dallas last summer.\n"
        "\n"
        "At least four SAPD officers were hurt, a spokesman said.\n"
    )
    (finding,) = findings(rule, story)
    assert story[finding.start:finding.end] == "SAPD"
    assert finding.fix.replacement == "CMPD"


def test_city_named_in_the_same_sentence_gives_the_fix(rule):
    story = (
        "Candidate comments on two police shootings\n"
        "\n"
        "The candidate spoke about a shooting in Tulsa, where officers fired on an unarmed man.\n"
        "\n"
        "Tulsa officials promised a full inquiry, and Tulsa residents marched downtown.\n"
        "\n"
        "He did not address the shooting in Charlotte of a man who LAPD say was armed.\n"
        "\n"
        "Charlotte leaders asked for calm.\n"
    )
    (finding,) = findings(rule, story)
    assert story[finding.start:finding.end] == "LAPD"
    assert finding.fix.replacement == "CMPD"


def test_story_with_no_clear_place_is_left_alone(rule):
    story = (
        "Police unions weigh in on the campaign\n"
        "\n"
        "Police unions across the country have begun to endorse candidates.\n"
        "\n"
        "A spokesman for the LAPD union declined to comment.\n"
    )
    assert findings(rule, story) == []


def test_mention_in_a_quotation_gets_a_display_fix(rule):
    story = NEW_ORLEANS.replace(
        "Auditors said NYPD members were paid for shifts they did not work.",
        '"NYPD members were paid for shifts they did not work," an auditor said.',
    )
    (finding,) = findings(rule, story)
    assert finding.fix.replacement == "NOPD"
    assert finding.fix.applicability is Applicability.DISPLAY


def test_a_newsroom_adds_its_own_bodies_in_a_second_gazetteer(tmp_path: Path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "sheriffs.yml").write_text(
        "bodies:\n"
        "  - acronym: HCSO\n"
        "    name: Harris County Sheriff's Office\n"
        "    city: Harris County\n"
        "    state: TX\n"
        "    places: [Harris County]\n",
        encoding="utf-8",
    )
    data = {
        "type": "department",
        "message": "{actual} is {belongs}, but this story is about {story_city} ({story_acronym}).",
        "category": "department",
        "fix": "unsafe",
        "gazetteers": [str(RULES / "newsroom" / "data" / "departments.yml"), "data/sheriffs.yml"],
    }
    rule = build_rule(data, None, tmp_path / "house.yml", "house.department")
    (finding,) = findings(rule, NEW_ORLEANS.replace("NYPD members", "HCSO deputies"))
    assert finding.fix.replacement == "NOPD"
    assert finding.message == (
        "HCSO is the Harris County Sheriff's Office, but this story is about New Orleans (NOPD)."
    )
    story = (
        "Harris County deputies patrol flooded streets\n"
        "\n"
        "HOUSTON (AP) — Harris County deputies patrolled flooded streets on Sunday.\n"
        "\n"
        "Harris County officials said NOPD deputies rescued 40 people.\n"
    )
    (finding,) = findings(rule, story)
    assert finding.fix.replacement == "HCSO"


def test_missing_gazetteer_is_a_load_error(tmp_path: Path):
    data = {"type": "department", "message": "m", "gazetteers": ["data/nowhere.yml"]}
    with pytest.raises(RuleLoadError, match="nowhere.yml"):
        build_rule(data, None, tmp_path / "house.yml", "house.department")
