"""The ``boilerplate`` rule type and the newsroom pack's CMS and scraper residue rules.

Every story here is invented for these tests.
"""

from __future__ import annotations

import pytest

from linter import Applicability, Linter
from linter.loading import bundled_rules_dir, load_rule
from linter.ruletypes.base import RuleConfigError
from linter.ruletypes.boilerplate import repair, required_literals

from conftest import make_rule

RESIDUE_RULES = (
    "ad-residue", "cms-metadata", "contributed-report", "copyright", "developing-story",
    "editors-note", "html-residue", "mojibake", "newsletter-prompts", "photo-credits",
    "reader-prompts", "related-links", "social-prompts", "syndication-note", "video-prompts",
    "wire-dateline",
)


@pytest.fixture(scope="module")
def linter() -> Linter:
    root = bundled_rules_dir()
    rules = [load_rule(root / "newsroom" / f"{name}.yml", root) for name in RESIDUE_RULES]
    return Linter(rules=rules)


HEADLINE = "Council Raises Parking Fees"
PARAGRAPHS = [
    "The city council voted 6-3 on Tuesday to raise downtown parking fees by 50 cents an hour.",
    "Supporters said the money would pay for new bus shelters along Main Street.",
    "Shop owners on Elm Avenue warned that higher fees would keep shoppers away.",
    "The new rates take effect on the first day of next month.",
    "Meters will also run until 9 p.m. instead of 6 p.m., the transit office said.",
]


def story(*, insert: str | None = None, at: int = 2, paragraphs: list[str] | None = None) -> str:
    """An invented plain-text story, with ``insert`` as its own paragraph before ``at``."""
    body = list(paragraphs or PARAGRAPHS)
    if insert is not None:
        body.insert(at, insert)
    return HEADLINE + "\n\n" + "\n\n".join(body) + "\n"


def residue(linter: Linter, text: str, fmt: str = "text"):
    return [f for f in linter.check(text, fmt)[1] if f.category == "boilerplate"]


def stray_line_finding(linter: Linter, line: str, at: int = 2):
    text = story(insert=line, at=at)
    start = text.index(line)
    return [f for f in residue(linter, text) if f.start <= start < f.end]


# -- the families, in several wordings ------------------------------------------------------------
FAMILIES = {
    "newsroom.developing-story": [
        "This is a developing story.",
        "This story is developing and will be updated.",
        "This is a breaking news story and will be updated.",
        "Check back for updates.",
        "Check back later for more.",
        "More updates to follow.",
        "Refresh this page for the latest.",
        "BREAKING NEWS",
    ],
    "newsroom.ad-residue": [
        "Advertisement",
        "ADVERTISEMENT",
        "Story continues below",
        "Story Continued Below",
        "Article continues after advertisement",
        "Continue reading below",
        "Sponsored content",
    ],
    "newsroom.newsletter-prompts": [
        "Sign up for our newsletter.",
        "Subscribe to our weekly email digest.",
        "Download our app for the latest headlines.",
        "Get the morning briefing delivered to your inbox.",
    ],
    "newsroom.social-prompts": [
        "Like us on Facebook",
        "Follow us on Twitter for the latest news.",
        "Share this article",
        "Share on Facebook",
        "Leave a comment",
    ],
    "newsroom.related-links": [
        "Read more: Mayor names new transit chief",
        "READ MORE",
        "Related: Bus fares rise in neighboring county",
        "Click here to see a map of the new zones.",
        "You may also like",
    ],
    "newsroom.photo-credits": [
        "Photo: Jane Roe / Getty Images",
        "(Photo by John Roe/AFP)",
        "Image copyright City Hall",
        "Featured image via Flickr",
    ],
    "newsroom.copyright": [
        "Copyright 2017 The Associated Press. All rights reserved.",
        "This material may not be published, broadcast, rewritten or redistributed.",
        "© 2016 Example Media Group",
    ],
    "newsroom.video-prompts": [
        "Watch the video above.",
        "WATCH: Drivers react to the new rates",
        "Video: Council meeting turns heated",
    ],
    "newsroom.reader-prompts": ["Have a news tip? Email tips@example.com."],
    "newsroom.cms-metadata": ["Tags: parking, city council, transit"],
}


@pytest.mark.parametrize(
    ("rule", "line"), [(rule, line) for rule, lines in FAMILIES.items() for line in lines]
)
def test_each_family_is_recognised_as_a_stray_line(linter, rule, line):
    found = stray_line_finding(linter, line)
    assert [f.rule for f in found] == [rule]
    finding = found[0]
    assert finding.fix is not None and finding.fix.applicability is Applicability.SAFE
    text = story(insert=line)
    assert text[finding.start:finding.end] == line


def test_stray_line_mid_story_is_removed_with_its_blank_line(linter):
    original = story()
    dirty = story(insert="Story Continued Below", at=2)
    result = linter.fix(dirty, "text")
    assert result.text == original
    assert [f.rule for f in result.applied] == ["newsroom.ad-residue"]


def test_fix_leaves_everything_else_byte_for_byte(linter):
    # Odd spacing, a trailing space and CRLF-free text elsewhere must survive the fix.
    paragraphs = ["First  paragraph,  with double spaces. ", "Second one.", "Third one.", "Fourth one."]
    original = HEADLINE + "\n\n" + "\n\n".join(paragraphs) + "\n"
    dirty = original.replace("Second one.", "Second one.\n\nThis is a developing story.")
    assert linter.fix(dirty, "text").text == original


def test_stray_line_at_the_foot_is_removed_with_the_blank_line_before_it(linter):
    dirty = story() + "\nShare this article\n"
    assert linter.fix(dirty, "text").text == story()


def test_stray_line_in_html_takes_its_element_with_it(linter):
    html = (
        "<html><body><h1>Council Raises Parking Fees</h1>\n"
        "<p>The council voted on Tuesday.</p>\n<p>Advertisement</p>\n<p>Fees rise next month.</p>\n"
        "<p>Meters run later.</p>\n</body></html>\n"
    )
    fixed = linter.fix(html, "html").text
    assert fixed == html.replace("<p>Advertisement</p>\n", "")


def test_boilerplate_inside_a_sentence_gets_a_display_fix(linter):
    text = story(paragraphs=[
        PARAGRAPHS[0],
        PARAGRAPHS[1] + " Check back for updates.",
        *PARAGRAPHS[2:],
    ])
    found = residue(linter, text)
    assert len(found) == 1
    finding = found[0]
    assert text[finding.start:finding.end] == "Check back for updates."
    assert finding.fix.applicability is Applicability.DISPLAY
    assert finding.fix.replacement == ""
    assert linter.fix(text, "text").text == text  # display fixes are never applied


def test_advertisement_in_a_sentence_about_an_ad_campaign_is_not_residue(linter):
    text = story(paragraphs=[
        "The brewer spent $4 million on an advertisement that ran during the championship game.",
        "Critics said the advertisement misled viewers, and a consumer group filed a complaint.",
        "Advertising executives said the campaign was the brewer's largest in a decade.",
        "The company declined to share its sales figures.",
    ])
    assert residue(linter, text) == []


def test_editors_note_at_the_top_is_legitimate(linter):
    note = "Editor's note: This story contains details of a court case some readers may find distressing."
    assert residue(linter, story(insert=note, at=0)) == []


def test_editors_note_mid_story_is_flagged(linter):
    note = "Editor's note: This story has been updated to correct the vote count."
    found = stray_line_finding(linter, note, at=2)
    assert [f.rule for f in found] == ["newsroom.editors-note"]
    assert found[0].fix.applicability is Applicability.UNSAFE


def test_update_notice_at_the_end_is_legitimate(linter):
    assert residue(linter, story(insert="This story will be updated.", at=len(PARAGRAPHS))) == []


def test_contributed_line_is_legitimate_at_the_end_only(linter):
    credit = "Associated Press writer Jane Roe in Springfield contributed to this report."
    assert residue(linter, story(insert=credit, at=len(PARAGRAPHS))) == []
    found = stray_line_finding(linter, credit, at=1)
    assert [f.rule for f in found] == ["newsroom.contributed-report"]


def test_wire_dateline_is_fine_in_the_lede_but_not_mid_body(linter):
    lede = "SPRINGFIELD (AP) — " + PARAGRAPHS[0]
    assert residue(linter, story(paragraphs=[lede, *PARAGRAPHS[1:]])) == []
    pasted = "CHICAGO (AP) — A judge on Monday blocked the county's new toll plan."
    text = story(insert=pasted, at=3)
    found = residue(linter, text)
    assert [f.rule for f in found] == ["newsroom.wire-dateline"]
    assert text[found[0].start:found[0].end] == "CHICAGO (AP) — "
    assert found[0].fix.replacement == ""
    assert found[0].fix.applicability is Applicability.DISPLAY


def test_boilerplate_inside_a_quotation_is_left_alone(linter):
    quoted = '"Check back for updates," the transit director told reporters, laughing.'
    text = story(paragraphs=[PARAGRAPHS[0], quoted, *PARAGRAPHS[1:]])
    assert residue(linter, text) == []


def test_html_entities_and_mojibake_get_safe_fixes(linter):
    text = story(paragraphs=[
        PARAGRAPHS[0],
        "Smith &amp; Sons, the oldest shop on the street, opposed the plan.",
        "The mayorâ€™s office said the cafÃ© owners were consulted.",
        *PARAGRAPHS[1:],
    ])
    fixed = linter.fix(text, "text").text
    assert "Smith & Sons, the oldest shop" in fixed
    assert "The mayor’s office said the café owners were consulted." in fixed


def test_repair_only_decodes_certain_sequences():
    assert repair("â€™") == "’"
    assert repair("â€”") == "—"
    assert repair("Ã©") == "é"
    assert repair("&#8217;") == "’"
    assert repair("&nbsp;") == " "
    assert repair("&#191;") is None  # "America&#191;s": an apostrophe once, not a "¿"
    assert repair("&madeup;") is None


def test_required_literals_multiplies_out_alternatives():
    assert required_literals(r"(?:check|come) back for updates", 0) == {"check back for updates", "come back for updates"}
    assert required_literals(r"this (?:is|remains) a (?:developing|breaking) story", 0) >= {"this is a developing story"}
    assert required_literals(r"\w+ said", 0) is None  # only common words: no useful prefilter


def test_pattern_that_is_not_a_regular_expression_is_a_config_error(tmp_path):
    with pytest.raises(Exception) as error:
        make_rule("type: boilerplate\nmessage: x\npatterns: ['(unclosed']\n", tmp_path=tmp_path)
    assert "patterns.0" in str(error.value)


def test_rule_needs_patterns(tmp_path):
    with pytest.raises(Exception) as error:
        make_rule("type: boilerplate\nmessage: x\n", tmp_path=tmp_path)
    assert "patterns" in str(error.value)
    assert issubclass(RuleConfigError, ValueError)


def test_a_newsroom_can_write_its_own_family(tmp_path):
    rule = make_rule(
        "type: boilerplate\nmessage: 'House promo: {actual}'\ncategory: boilerplate\nscope: paragraph\n"
        "fix: safe\npatterns: ['get the gazette at home\\b[^.!?\\n]{0,40}[.!]?']\n",
        tmp_path=tmp_path,
    )
    house = Linter(rules=[rule])
    dirty = story(insert="Get the Gazette at home for $1 a week!", at=3)
    assert house.fix(dirty, "text").text == story()


def test_mojibake_inside_a_quotation_is_still_repaired(linter):
    text = story(paragraphs=[PARAGRAPHS[0], '"Weâ€™re not happy," one shop owner said.', *PARAGRAPHS[1:]])
    assert '"We’re not happy," one shop owner said.' in linter.fix(text, "text").text


def test_a_real_sentence_that_mentions_sharing_is_not_deleted(linter):
    sentence = "Share this article with your neighbors before the meeting, the council urged residents."
    text = story(insert=sentence, at=2)
    assert linter.fix(text, "text").text == text
