"""The ``first-reference`` rule type on invented stories."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.config import Config
from linter.linting import Linter
from linter.loading import load_rule

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def linter() -> Linter:
    rule = load_rule(ROOT / "rules" / "newsroom" / "first-reference.yml", ROOT / "rules")
    return Linter(Config(), rules=[rule])


def flagged(linter: Linter, story: str) -> list[tuple[str, str]]:
    article, findings = linter.check(story)
    return [(article.source[f.start:f.end], f.message) for f in findings]


def names(linter: Linter, story: str) -> list[str]:
    return [text for text, _ in flagged(linter, story)]


PASTED = """Harbor city weighs new rules for police

Mayor Rita Alvarado said on Tuesday the city would keep its policy. "We are within the law," Alvarado said.

Castellano has been a firm supporter of the policy in his own city.

"The approach works for everyone," De Luca has said.

The council meets again next month.
"""


def test_surname_only_references_are_reported_with_exact_spans(linter):
    found = flagged(linter, PASTED)
    assert [text for text, _ in found] == ["Castellano", "De Luca"]
    assert found[0][1] == (
        "'Castellano': first reference by surname only; the story never gives the full name "
        "(first reference: full name and title)."
    )
    article, findings = linter.check(PASTED)
    assert article.source[findings[1].start:findings[1].end] == "De Luca"
    assert findings[0].category == "names" and findings[0].fix is None


def test_full_name_first_then_surname_is_fine(linter):
    story = (
        "Budget passes\n\n"
        "Attorney General Jeff Sessions spoke first. Sessions said the plan was sound.\n\n"
        "City Council President Dana Hartwell, a Democrat, voted yes. Hartwell's aides cheered, "
        "and Hartwell said the vote was overdue.\n\n"
        "John Q. Pemberton, the treasurer, agreed. \"It is a fair budget,\" Pemberton said.\n\n"
        "Brian 'Red' Dunleavy was absent. Dunleavy told reporters he was ill.\n\n"
        "Council member Bill de Marco said little. De Marco has said he will run again.\n"
    )
    assert names(linter, story) == []


def test_title_and_surname_before_any_full_name(linter):
    story = "Roads plan\n\nThe plan has critics. Mayor Castellano defended it on Monday.\n"
    assert flagged(linter, story) == [(
        "Mayor Castellano",
        "'Mayor Castellano': first reference by title and surname; the story never gives the "
        "full name (first reference: title, first name and surname).",
    )]


def test_full_name_only_later_says_so(linter):
    story = (
        "Vote delayed\n\n"
        "Pemberton said the vote would wait.\n\n"
        "Treasurer Alma Pemberton has held the job since 2019.\n"
    )
    [(text, message)] = flagged(linter, story)
    assert text == "Pemberton" and "the full name comes only later in the story" in message


def test_each_person_reported_once(linter):
    story = "Vote\n\nCastellano said no. Castellano said it twice. Later Castellano told reporters the same.\n"
    assert names(linter, story) == ["Castellano"]


def test_headline_surname_is_normal_but_headline_full_name_does_not_introduce(linter):
    assert names(linter, "Castellano quits\n\nMayor Luis Castellano resigned. Castellano said he was tired.\n") == []
    assert names(linter, "Luis Castellano quits\n\nCastellano said he was tired of the job.\n") == ["Castellano"]


def test_quotations_places_organisations_and_plain_words(linter):
    story = (
        "Deal closes\n\n"
        "\"Castellano never called us back,\" a neighbour said.\n\n"
        "Microsoft said its profits rose. Philadelphia has a new budget. Denver said it would appeal.\n\n"
        "According to Gartner, sales rose. A spokesman for Dell said prices would fall.\n\n"
        "Police said the road was closed. Officials said it would reopen. The Academy has announced a date.\n\n"
        "Marsh said it was co-operating with regulators.\n"
    )
    assert names(linter, story) == []


def test_single_name_titles_and_first_names(linter):
    story = (
        "Visit\n\n"
        "Pope Francis said Mass. King Abdullah met him; Abdullah said little.\n\n"
        "President Obama sent a message. Prime Minister Blair spoke by phone.\n\n"
        "\"It was lovely,\" Samantha said. Jim, a retired teacher, agreed.\n"
    )
    assert names(linter, story) == []


def test_attribution_forms(linter):
    story = (
        "Plan\n\n"
        "The plan, according to Hartwell, will cost $3 million.\n\n"
        "\"It will pass,\" said Dunleavy.\n"
    )
    assert names(linter, story) == ["Hartwell", "Dunleavy"]


def test_surname_not_in_the_census_list_needs_a_pronoun(linter):
    # "Okonkwo" is not a common US surname: an attribution counts only with he/she after it.
    assert names(linter, "Vote\n\nOkonkwo said he would vote against it.\n") == ["Okonkwo"]
    assert names(linter, "Vote\n\nOkonkwo said the vote would fail.\n") == []
    assert names(linter, "Vote\n\nOkonkwo has been busy this year.\n") == []


def test_a_name_led_by_a_lower_case_particle_is_read(linter):
    # The scan checks a token's first character before anything else: a lower-case particle
    # ("da", "van der") must still start a name.
    assert names(linter, "Plan\n\nThe plan, according to da Costa, will cost $3 million.\n") == ["da Costa"]
    story = "Plan\n\nMayor Pieter van der Berg spoke. Van der Berg said the plan works.\n"
    assert names(linter, story) == []


def test_what_a_name_means_is_kept_per_name_but_the_story_still_decides(linter):
    # The same one-word sequence in two stories: the second also uses the word in lower case,
    # so there it is a plain word; the first story's reading must not carry over.
    assert names(linter, "Vote\n\nCastellano has been a strong supporter of the plan.\n") == ["Castellano"]
    story = "Vote\n\nCastellano has been a strong supporter of the plan.\n\nThe castellano grape is late.\n"
    assert names(linter, story) == []
    assert names(linter, "Vote\n\nCastellano has been a strong supporter of the plan.\n") == ["Castellano"]
    # A lower-case word at the very start of a later paragraph counts too.
    assert names(linter, "Vote\n\nCastellano has been a strong supporter.\n\ncastellano grapes are late.\n") == []
