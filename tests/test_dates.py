"""The ``dates`` rule type: parsing and rendering per house style, spans, look-alikes, weekdays,
overrides, and fixes that converge (with the a/an rule) through the engine."""

from __future__ import annotations

import pytest

from linter import Config, Linter
from linter.loading import RuleLoadError, build_rule, bundled_rules_dir, load_rule

RULES = bundled_rules_dir()


def rule(style: str):
    return load_rule(RULES / style / "dates.yml", RULES)


def linter(style: str, *extra) -> Linter:
    return Linter(Config(style=style), rules=[rule(style), *extra])


def findings(style: str, text: str):
    return [f for f in linter(style).check(text)[1] if f.category == "date-style"]


def fixed(style: str, text: str) -> str:
    result = linter(style).fix(text)
    assert result.converged
    return result.text


# -- rendering, table-driven ----------------------------------------------------------------------------
# (written, AP, Chicago, British) -- each inside "The board met on ___ in Dover."
DATES = [
    ("October 11", "Oct. 11", "October 11", "11 October"),
    ("Oct 11", "Oct. 11", "October 11", "11 October"),
    ("Oct. 11th", "Oct. 11", "October 11", "11 October"),
    ("11 October", "Oct. 11", "October 11", "11 October"),
    ("11th October", "Oct. 11", "October 11", "11 October"),
    ("the 11th of October", "Oct. 11", "October 11", "11 October"),
    ("October the 11th", "Oct. 11", "October 11", "11 October"),
    ("October 11th, 2017", "Oct. 11, 2017", "October 11, 2017", "11 October 2017"),
    ("11 October 2017", "Oct. 11, 2017", "October 11, 2017", "11 October 2017"),
    ("October 11 2017", "Oct. 11, 2017", "October 11, 2017", "11 October 2017"),
    ("Sep 9", "Sept. 9", "September 9", "9 September"),
    ("Sept 9", "Sept. 9", "September 9", "9 September"),
    ("Sept. 9", "Sept. 9", "September 9", "9 September"),
    ("Jun. 30", "June 30", "June 30", "30 June"),
    ("Mar 7", "March 7", "March 7", "7 March"),
    ("August 26", "Aug. 26", "August 26", "26 August"),
    ("1 July", "July 1", "July 1", "1 July"),
    ("Feb. 29, 2016", "Feb. 29, 2016", "February 29, 2016", "29 February 2016"),
    ("Oct. 2017", "October 2017", "October 2017", "October 2017"),
    ("June of 2012", "June 2012", "June 2012", "June 2012"),
    ("2017-10-11", "Oct. 11, 2017", "October 11, 2017", "11 October 2017"),
    ("25/12/2016", "Dec. 25, 2016", "December 25, 2016", "25 December 2016"),
    ("12/25/2016", "Dec. 25, 2016", "December 25, 2016", "25 December 2016"),
]


@pytest.mark.parametrize("written,ap,chicago,british", DATES)
def test_dates_render_in_each_house_style(written: str, ap: str, chicago: str, british: str) -> None:
    for style, want in (("ap", ap), ("chicago", chicago), ("british", british)):
        text = f"The board met on {written} in Dover."
        assert fixed(style, text) == f"The board met on {want} in Dover.", style


# (written, AP, Chicago, British) -- each inside "Voting ends at ___ on Friday."
TIMES = [
    ("9:00 AM", "9 a.m.", "9:00 a.m.", "9am"),
    ("9am", "9 a.m.", "9 a.m.", "9am"),
    ("9 AM", "9 a.m.", "9 a.m.", "9am"),
    ("9 a.m", "9 a.m.", "9 a.m.", "9am"),
    ("9.30pm", "9:30 p.m.", "9:30 p.m.", "9.30pm"),
    ("9:30 PM", "9:30 p.m.", "9:30 p.m.", "9.30pm"),
    ("12 noon", "noon", "noon", "noon"),
    ("12:00 p.m.", "noon", "noon", "noon"),
    ("12 a.m.", "midnight", "midnight", "midnight"),
    ("12 midnight", "midnight", "midnight", "midnight"),
    ("12:30 p.m.", "12:30 p.m.", "12:30 p.m.", "12.30pm"),
    ("1400 GMT", "2 p.m. GMT", "2 p.m. GMT", "1400 GMT"),
]


@pytest.mark.parametrize("written,ap,chicago,british", TIMES)
def test_times_render_in_each_house_style(written: str, ap: str, chicago: str, british: str) -> None:
    for style, want in (("ap", ap), ("chicago", chicago), ("british", british)):
        assert fixed(style, f"Voting ends at {written} on Friday.") == f"Voting ends at {want} on Friday.", style


@pytest.mark.parametrize(
    "written,ap,british",
    [
        ("the 1990's", "the 1990s", "the 1990s"),
        ("the late 80's", "the late '80s", "the late 80s"),
        ("the '80's", "the '80s", "the 80s"),
        ("the ‘80s", "the ’80s", "the 80s"),
    ],
)
def test_decades(written: str, ap: str, british: str) -> None:
    assert fixed("ap", f"Music from {written} returned.") == f"Music from {ap} returned."
    assert fixed("british", f"Music from {written} returned.") == f"Music from {british} returned."


def test_ranges_move_with_the_month() -> None:
    assert fixed("ap", "The fair runs from 6 to 9 January.") == "The fair runs from Jan. 6 to 9."
    assert fixed("british", "Shows on June 24 and 25, 2017 sold out.") == "Shows on 24 and 25 June 2017 sold out."
    # When the order is already right only the day beside the month is touched.
    assert fixed("ap", "Polls ran Sept 12-16.") == "Polls ran Sept. 12-16."


def test_full_stop_shared_with_the_sentence() -> None:
    assert fixed("ap", "The vote was at 9am. It ended late.") == "The vote was at 9 a.m. It ended late."
    assert fixed("british", "The vote was at 9 a.m. It ended late.") == "The vote was at 9am. It ended late."
    assert fixed("british", "The vote was at 9 a.m. EDT on Friday.") == "The vote was at 9am EDT on Friday."
    assert fixed("ap", "The plant closed in Sept. Nobody came back.") == "The plant closed in September. Nobody came back."


# -- spans and messages ------------------------------------------------------------------------------------
def test_span_covers_exactly_the_date_and_fix_is_the_rendering() -> None:
    text = "Mayor Lena Ortiz said in a letter dated 19 October that the plan was dead."
    (finding,) = findings("ap", text)
    assert text[finding.start:finding.end] == "19 October"
    assert finding.fix.replacement == "Oct. 19"
    assert finding.fix.applicability.value == "safe"
    assert finding.message == "AP style: write 'Oct. 19', not '19 October' (month before day; 'Oct.' with a day)."


def test_ordinal_date_span_includes_the_and_of() -> None:
    text = "The council will vote on the 3rd of March."
    (finding,) = findings("ap", text)
    assert text[finding.start:finding.end] == "the 3rd of March"
    assert finding.fix.replacement == "March 3"


def test_the_before_a_plain_day_first_date_stays() -> None:
    text = "The 11 October meeting was cancelled."
    (finding,) = findings("ap", text)
    assert text[finding.start:finding.end] == "11 October"
    assert fixed("ap", text) == "The Oct. 11 meeting was cancelled."


# -- look-alikes that are not dates ---------------------------------------------------------------------------
NOT_DATES = [
    "The new rules may help, and crowds will march through the square.",
    "March through the night, the sergeant said.",
    "August Wilson wrote the play, and June Carter sang in it.",
    "April Reyes and June Okafor, both 34, run the bakery.",
    "Augusta National hosts the tournament; the club is near Mar-a-Lago.",
    "The May government lost the vote, and Jan Novak, a clerk, saw it.",
    "The letter, dated Oct. 11, reached her on Sept. 3.",
    "The Sept. 11 attacks reshaped the agency.",
    "He left the company in October and returned in March 2015.",
    "In March 15 people were hurt, and in May 20 percent of the staff left.",
    "Turn to page 3 May readers write in; the flat is No. 12 June Street.",
    "Temperatures reached the 90s and she is in her 90s; the 1990s were calmer.",
    "The score was 6-2 May have helped, said the coach.",
    "It's a mark of respect, the ceremony at 9 a.m., then lunch at noon.",
    "The fund lost 2.5 per cent in 2004's second half.",
    "Ant and Dec. will host again, the channel said.",
    "Fireworks marked the Fourth of July and the 4th of July parade.",
]


@pytest.mark.parametrize("text", NOT_DATES)
def test_no_alarm_on_look_alikes_under_ap(text: str) -> None:
    assert findings("ap", text) == []


def test_british_dates_are_right_under_british_and_wrong_under_ap() -> None:
    text = "The ministry confirmed on 11 October that talks would resume at 9am."
    assert findings("british", text) == []
    assert [text[f.start:f.end] for f in findings("ap", text)] == ["11 October", "9am"]


# -- weekday against date ---------------------------------------------------------------------------------------
def test_weekday_that_contradicts_its_date_is_reported_without_a_fix() -> None:
    text = "The hearing opened on Tuesday, Oct. 11, 2017, in Salem."
    (finding,) = findings("ap", text)
    assert text[finding.start:finding.end] == "Tuesday, Oct. 11, 2017"
    assert finding.message == "Oct. 11, 2017 was a Wednesday, not a Tuesday"
    assert finding.fix is None


def test_weekday_that_matches_or_has_no_year_is_fine() -> None:
    assert findings("ap", "The hearing opened on Wednesday, Oct. 11, 2017, in Salem.") == []
    assert findings("ap", "The hearing opened on Tuesday, Oct. 11, in Salem.") == []


def test_weekday_checked_on_a_day_first_date_too() -> None:
    assert findings("british", "Polls opened on Monday 9 May 2011 in Leeds.") == []
    wrong = "Polls opened on Friday 9 May 2011 in Leeds."
    assert [f.message for f in findings("british", wrong)] == ["9 May 2011 was a Monday, not a Friday"]


# -- overrides in YAML -----------------------------------------------------------------------------------------
def make_rule(overrides: dict):
    path = RULES / "ap" / "house-dates.yml"  # never written: only used to resolve data paths
    data = {
        "type": "dates",
        "message": "{expected}",
        "category": "date-style",
        "fix": "safe",
        "house_style": "data/date-style.yml",
        "vocabulary": "data/date-words.yml",
        "overrides": overrides,
    }
    return build_rule(data, None, path, "house.dates", RULES)


def test_a_house_overrides_parts_of_the_style() -> None:
    house = make_rule({"months": {"September": ["Sep.", "September"]}, "time": {"zero_minutes": "keep"}})
    lint = Linter(Config(style="ap"), rules=[house])
    assert lint.fix("Polls close Sept. 9 at 9:00 a.m.").text == "Polls close Sep. 9 at 9:00 a.m."


def test_bad_override_names_the_key() -> None:
    with pytest.raises(RuleLoadError) as error:
        make_rule({"ordinals": "sometimes"})
    assert "ordinals must be one of drop, keep" in str(error.value)
    with pytest.raises(RuleLoadError):
        make_rule({"colour": "blue"})


# -- the engine: fixes converge with the a/an rule ----------------------------------------------------------------
def test_a_october_letter_becomes_an_oct_letter() -> None:
    article_rule = load_rule(RULES / "ap" / "indefinite-article.yml", RULES)
    lint = linter("ap", article_rule)
    result = lint.fix("In a October 11 letter, the mayor replied.")
    assert result.text == "In an Oct. 11 letter, the mayor replied."
    assert result.converged
    # A date whose AP form starts with another sound: the article follows it on the next pass.
    assert lint.fix("It was an 8 November memo.").text == "It was a Nov. 8 memo."


def test_markdown_source_offsets() -> None:
    source = "# Vote set\n\nThe vote is on **October 11** at 9am.\n"
    article, found = linter("ap").check(source, "markdown")
    spans = sorted(source[f.start:f.end] for f in found)
    assert spans == ["9am", "October 11"]
