"""The ``headline`` rule type on invented stories: places, titled people and casualty counts
that the body does not bear out, and the many ways a body mentions a place after all."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.engine import lint
from linter.gazetteer import load_places
from linter.loading import RuleLoadError, build_rule, bundled_rules_dir, load_rule
from linter.readers import read_article
from linter.ruletypes.base import LintContext

RULES = bundled_rules_dir()


@pytest.fixture(scope="module")
def places_rule():
    return load_rule(RULES / "newsroom" / "headline-places.yml", RULES)


@pytest.fixture(scope="module")
def numbers_rule():
    return load_rule(RULES / "newsroom" / "headline-numbers.yml", RULES)


@pytest.fixture(scope="module")
def people_rule():
    return load_rule(RULES / "newsroom" / "headline-people.yml", RULES)


def findings(rule, headline: str, *paragraphs: str):
    story = headline + "\n\n" + "\n\n".join(paragraphs) + "\n"
    return story, lint(read_article(story, "text"), [rule], LintContext())


def test_state_in_the_headline_never_mentioned_is_flagged(places_rule):
    story, found = findings(
        places_rule,
        "Connecticut mayor defends police policy",
        "NEW ORLEANS (AP) — Mayor Anne Reyes said the city's police policy complies with federal law.",
        "Reyes said the policy had been reviewed by city lawyers.",
    )
    (finding,) = found
    assert (finding.start, finding.end) == (0, len("Connecticut"))
    assert finding.category == "headline"
    assert finding.fix is None
    assert finding.message == "The headline names Connecticut, but the story never mentions it."


def test_place_in_a_shouted_headline_is_read(places_rule):
    story, found = findings(places_rule, "KENTUCKY FARMERS BRACE FOR DROUGHT", "Growers in Ohio said rain was weeks away.")
    assert [story[f.start:f.end] for f in found] == ["KENTUCKY"]


@pytest.mark.parametrize(
    "headline, body",
    [
        ("Britain raises interest rates", "The UK central bank raised rates for the first time in a decade."),
        ("UK carmakers cut output", "British factories built fewer cars in March."),
        ("France names new squad", "The French coach named 31 players on Monday."),
        ("Texas lawmaker backs plan", "A Houston lawmaker said she would vote for it."),
        ("Beijing warns on tariffs", "China's commerce ministry said tariffs would hurt both sides."),
        ("Brussels fines search giant", "The European Commission imposed a record fine."),
        ("Virginia voters head to polls", "West Virginia residents voted on Tuesday."),
        ("New York landlords sue city", "Manhattan property owners filed suit on Friday."),
        ("Agassi fears for Melbourne", "Agassi may miss the Australian Open with a hip injury."),
        ("Georgia senator blocks bill", "Sen. Ann Lee (R-GA) blocked the measure on Thursday."),
        ("Connecticut mayor defends policy", "HARTFORD, CONN. (AP) — The mayor spoke on Monday."),
        ("Nice work by rescue crews", "Firefighters pulled two people from the river."),
        ("Obama pardons Turkey", "The president spared a 40-pound turkey on Wednesday."),
        ("Bristol City 2-1 Swindon", "Two late goals gave the hosts the win."),
        ("US firm buys rival", "The deal was announced on Monday in a filing."),
    ],
)
def test_place_mentioned_another_way_is_not_flagged(places_rule, headline, body):
    assert findings(places_rule, headline, body)[1] == []


def test_each_missing_place_is_reported_once(places_rule):
    story, found = findings(
        places_rule,
        "Iraq and Kentucky sign Kentucky deal",
        "Officials from Russia and Syria met in Geneva.",
    )
    assert [story[f.start:f.end] for f in found] == ["Iraq", "Kentucky"]


def test_places_gazetteer_links_parts_to_wholes():
    gazetteer = load_places([RULES / "newsroom" / "data" / "places.yml"])
    (houston,) = gazetteer.by_name("Houston")
    names = {gazetteer.places[i].name for i in gazetteer.ancestors[houston]}
    assert names == {"Texas", "United States"}
    assert gazetteer.is_demonym("Texans") and not gazetteer.is_demonym("Texas")
    assert [form for _, _, form in gazetteer.find("In Washington, D.C., and Conn., the U.S.-led plan")] == [
        "Washington, D.C.",
        "Conn.",
        "U.S.",
    ]


def test_second_place_gazetteer_adds_places(tmp_path: Path):
    (tmp_path / "ours.yml").write_text(
        "places:\n  - {name: Springfield Falls, kind: city, in: Oregon}\n", encoding="utf-8"
    )
    data = {
        "type": "headline",
        "check": "places",
        "message": "{actual}",
        "gazetteers": [str(RULES / "newsroom" / "data" / "places.yml"), "ours.yml"],
    }
    rule = build_rule(data, None, tmp_path / "house.yml", "house.headline")
    assert [f.message for f in findings(rule, "Springfield Falls mill closes", "The mill in Bend shut.")[1]] == [
        "Springfield Falls"
    ]
    assert findings(rule, "Springfield Falls mill closes", "The Oregon mill shut.")[1] == []


def test_places_check_needs_a_gazetteer(tmp_path: Path):
    with pytest.raises(RuleLoadError, match="gazetteers"):
        build_rule({"type": "headline", "check": "places", "message": "m"}, None, tmp_path / "r.yml", "r")


def test_headline_count_contradicted_by_the_body(numbers_rule):
    story, found = findings(
        numbers_rule,
        "5 killed in warehouse explosion",
        "Four people were killed and two injured in the blast on Tuesday.",
    )
    (finding,) = found
    assert story[finding.start:finding.end] == "5"
    assert finding.message == "The headline says 5 killed, but the story says 4."


@pytest.mark.parametrize(
    "headline, body",
    [
        ("Five killed in pileup", "Five people were killed and 12 injured on Interstate 10."),
        ("Toll rises to 6 in fire", "The number of people killed rose from four to six on Monday."),
        ("3 injured in crash", "The driver was taken to hospital; no one else was reported hurt."),
        ("200 arrested after march", "Police arrested two hundred people, a spokesman said."),
    ],
)
def test_headline_count_borne_out_or_not_contradicted(numbers_rule, headline, body):
    assert findings(numbers_rule, headline, body)[1] == []


def test_titled_person_missing_from_the_body(people_rule):
    story, found = findings(
        people_rule,
        "Gov. Jane Roe signs the state budget",
        "Gov. Mark Diaz signed the $40 billion plan on Friday.",
    )
    (finding,) = found
    assert story[finding.start:finding.end] == "Jane Roe"
    assert finding.message == "The headline names Gov. Jane Roe, but the story never mentions Jane Roe."


def test_title_case_headline_is_not_read_for_people(people_rule):
    assert findings(people_rule, "Sheriff Faces Backlash Over Campaign Ad", "The county sheriff said no.")[1] == []
