"""The ``off-topic`` rule type on invented stories (no corpus text)."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.config import Config
from linter.findings import Applicability
from linter.fixes import apply_fixes
from linter.linting import Linter
from linter.loading import RuleLoadError, load_rule
from conftest import make_rule

ROOT = Path(__file__).resolve().parents[1]
RULE = ROOT / "rules" / "newsroom" / "off-topic.yml"

HEADLINE = "Ashford school board delays vote on closing two elementary schools"
LEDE = (
    "The Ashford school board on Monday postponed a vote on closing Maple Street and Riverside "
    "elementary schools, after more than 200 parents packed the meeting to object to a plan that would "
    "move about 600 pupils to three other buildings next fall."
)
PLAN = (
    "District officials say the closures would save about $3.1 million a year. Enrollment in Ashford's "
    "elementary schools has fallen by almost a fifth since 2015, and both buildings need new roofs and "
    "heating systems that the district estimates would cost $9 million."
)
BACKGROUND = (  # the story's own background: same subject, told from further back
    "Ashford last closed a school in 2009, when the board merged two middle schools after a long fight "
    "over bus routes. Several board members said that experience shaped how slowly they want to move "
    "this time, and the district hired an outside firm to study enrollment."
)
PARENT = (
    "Parents who spoke at the meeting said the plan would crowd classrooms at the receiving schools and "
    "force younger pupils onto longer bus rides. Kara Whitfield, whose two children attend Maple Street, "
    "said families had learned of the proposal only two weeks ago."
)
PASTED = (  # from a sports story: nothing in common with the school board
    "The Dallas Cowboys rallied for a 27-24 overtime win over the New York Giants on Sunday night, as "
    "quarterback Jake Morrow threw for 312 yards and two touchdowns and kicker Luis Ortega made a "
    "51-yard field goal with seven seconds left in the extra period."
)
QUOTE = '"We are not against change," Whitfield said.'  # short quote
BOARD = (
    "Board president Leon Marsh said the board would hold two more public hearings before voting in "
    "March, and asked district staff to look at keeping one of the two schools open as a kindergarten "
    "center for the east side of Ashford."
)
KICKER = (  # steps back from the story, as kickers do
    "For Whitfield, the delay is a small victory. \"At least now we get to be in the room,\" she said, "
    "as parents filed out into the parking lot after the meeting ended just before midnight."
)

STORY = [LEDE, PLAN, BACKGROUND, PARENT, PASTED, QUOTE, BOARD, KICKER]


def story(*paragraphs: str) -> str:
    return HEADLINE + "\n\n" + "\n\n".join(paragraphs) + "\n"


@pytest.fixture(scope="module")
def linter() -> Linter:
    return Linter(Config(), rules=[load_rule(RULE, ROOT / "rules")])


def off_topic(linter: Linter, text: str):
    article, findings = linter.check(text)
    return [(article.source[f.start:f.end], f) for f in findings if f.category == "off-topic"]


def test_pasted_sports_paragraph_is_flagged_whole(linter: Linter) -> None:
    found = off_topic(linter, story(*STORY))
    assert [text for text, _ in found] == [PASTED]
    finding = found[0][1]
    assert finding.rule == "newsroom.off-topic"
    assert finding.severity.value == "warning"


def test_message_names_the_evidence(linter: Linter) -> None:
    (_, finding), = off_topic(linter, story(*STORY))
    assert finding.message.startswith(
        "This paragraph shares no people, places or key terms with the headline or the rest of the story; "
        "it is about Dallas Cowboys, New York Giants and Jake Morrow."
    )


def test_background_short_quote_and_kicker_are_not_flagged(linter: Linter) -> None:
    assert off_topic(linter, story(*[p for p in STORY if p != PASTED])) == []


def test_fix_removes_the_paragraph_but_is_display_only(linter: Linter) -> None:
    text = story(*STORY)
    (_, finding), = off_topic(linter, text)
    assert finding.fix is not None and finding.fix.applicability is Applicability.DISPLAY
    fixed, applied = apply_fixes(text, [finding])
    assert applied == [finding] and fixed == story(*[p for p in STORY if p != PASTED])
    assert linter.fix(text, minimum=Applicability.UNSAFE).text == text  # never applied by --fix


def test_lede_and_second_paragraph_are_never_flagged(linter: Linter) -> None:
    assert off_topic(linter, story(LEDE, PASTED, PLAN, BACKGROUND, PARENT, BOARD, KICKER)) == []


def test_short_paragraph_needs_more_evidence(linter: Linter) -> None:
    short = "The Dallas Cowboys won in overtime on Sunday night."
    assert off_topic(linter, story(LEDE, PLAN, BACKGROUND, short, PARENT, BOARD, KICKER)) == []


def test_short_story_is_left_alone(linter: Linter) -> None:
    assert off_topic(linter, story(LEDE, PLAN, PASTED)) == []


STYLE_STORY = [
    "The Ashford school board on Monday postponed a vote on closing Maple Street and Riverside elementary "
    "schools, after parents packed the meeting. “We need more time,” board president Leon Marsh said.",
    "District officials say the closures would save about $3.1 million a year; the board’s finance "
    "committee said the district’s savings estimate was “conservative” and that enrollment keeps falling.",
    "Parents said the plan would crowd classrooms. “It’s too fast,” said Kara Whitfield, whose children "
    "attend Maple Street, and who said families learned of it only two weeks ago.",
    # Straight quotes in a story that uses curly ones, on a loosely related subject.
    "Statewide, rural districts have struggled with enrollment as young families leave for the cities, "
    "and lawmakers are debating a funding formula that \"rewards growth,\" according to a report by a "
    "policy institute in the capital that studied forty districts over ten years.",
    "Marsh said the board would hold two more public hearings before voting in March and would look at "
    "keeping one school open as a kindergarten center.",
    "The board’s next meeting is on Feb. 12 at Ashford High School, and the district’s enrollment study "
    "will be posted online the week before.",
]


def test_typography_unlike_the_rest_of_the_story_is_evidence(linter: Linter) -> None:
    rule = load_rule(RULE, ROOT / "rules")
    evidence = rule.score_story(HEADLINE, STYLE_STORY)
    assert evidence[3].style == ["quotation marks ('straight' where the rest has 'curly')"]
    assert [e.index for e in evidence if e.style] == [3]
    found = off_topic(linter, story(*STYLE_STORY))
    assert [text for text, _ in found] == [STYLE_STORY[3]]
    assert "its quotation marks ('straight' where the rest has 'curly') differ from the rest of the story" in found[0][1].message


CITY_HEADLINE = "New Orleans police keep limits on immigration questions"
CITY_STORY = [
    "New Orleans will keep its rule barring police officers from asking people about their immigration "
    "status, Mayor Carla Benoit said Thursday, despite a federal warning that the city could lose a grant.",
    "The warning came in a letter from the Justice Department, which said the New Orleans rule may "
    "conflict with a federal law on sharing information with immigration officials.",
    "Benoit said the rule helps officers solve crimes because witnesses who fear deportation will not "
    "come forward otherwise.",
    "A federal review says Philadelphia is violating the federal immigration law.",
    "A Chicago federal judge last year blocked similar conditions on police grants in another case.",
    "Police Superintendent Marcus Hale said New Orleans officers already share information with federal "
    "agents whenever a suspect is booked into jail.",
]


def test_a_city_acting_in_place_of_the_story_city_is_flagged(linter: Linter) -> None:
    found = off_topic(linter, CITY_HEADLINE + "\n\n" + "\n\n".join(CITY_STORY) + "\n")
    assert [text for text, _ in found] == [CITY_STORY[3]]  # not the lede, not "a Chicago federal judge"
    assert found[0][1].message == (
        "This paragraph is about Philadelphia, but the story is about New Orleans; was it pasted from another story?"
    )


def test_options_are_validated(tmp_path: Path) -> None:
    with pytest.raises(RuleLoadError, match="weights"):
        make_rule("type: off-topic\nmessage: m\nthreshold: 1\nweights: {bogus: 1}\n", tmp_path=tmp_path)
    with pytest.raises(RuleLoadError, match="threshold"):
        make_rule("type: off-topic\nmessage: m\nweights: {coverage: -1}\n", tmp_path=tmp_path)
    with pytest.raises(RuleLoadError, match="gazetteers"):
        make_rule(
            "type: off-topic\nmessage: m\nthreshold: 1\nweights: {coverage: -1}\n"
            "place_conflicts: {gazetteers: [missing.yml]}\n",
            tmp_path=tmp_path,
        )


def test_scores_follow_the_yaml_weights(tmp_path: Path) -> None:
    # One feature, weight -10, bias 5: flagged when coverage < 0.5 (and the paragraph is long enough).
    rule = make_rule(
        "type: off-topic\nmessage: m\nthreshold: 0\nbias: 5\nweights: {coverage: -10}\nkicker_penalty: 0\n"
        "max_per_story: 10\n",
        tmp_path=tmp_path,
    )
    evidence = rule.score_story(HEADLINE, STORY)
    for e in evidence:
        assert e.score == pytest.approx(5 - 10 * e.features["coverage"])
    assert evidence[4].features["coverage"] < 0.05  # the pasted paragraph
    assert [e.index for e in rule.flagged(HEADLINE, STORY)] == [
        e.index for e in evidence if e.index >= 2 and e.words >= 25 and e.score >= 0
    ]


def test_seed_story(shared_dir: Path, linter: Linter) -> None:
    """The founding example: the Sessions/Russia paragraph and the Philadelphia paragraphs are
    flagged; the lede and the New Orleans paragraphs are not."""
    text = (shared_dir / "seed" / "sanctuary-cities.txt").read_text(encoding="utf-8")
    article, findings = linter.check(text)
    flagged = {f.start for f in findings if f.category == "off-topic"}
    paragraphs = article.paragraphs
    by_word = lambda word: [p for p in paragraphs if word in p.text]  # noqa: E731
    assert len(by_word("Philadelphia")) == 2
    for paragraph in by_word("Philadelphia") + by_word("Sessions"):
        assert paragraph.source_start in flagged
    for paragraph in [paragraphs[0]] + by_word("New Orleans") + by_word("Landrieu"):
        assert paragraph.source_start not in flagged


def test_credit_lines_are_not_judged(linter: Linter) -> None:
    credit = (
        "Reporters Ana Lopez, Ben Okoro, Chris Dalton, Dana Fujimoto, Evan Marsh, Fatima Noor, Greg Holt, "
        "Hana Kim, Ivan Petrov, Julia Stone and Kyle Brandt contributed to this report from Washington, "
        "Denver and Los Angeles."
    )
    paragraphs = [LEDE, PLAN, BACKGROUND, PARENT, BOARD, credit, KICKER]
    rule = load_rule(RULE, ROOT / "rules")
    evidence = rule.score_story(HEADLINE, paragraphs)
    assert evidence[5].skipped and evidence[5].score >= rule.threshold  # it would be flagged otherwise
    assert off_topic(linter, story(*paragraphs)) == []
