"""Readers: blocks, fields and source maps for Markdown, HTML and CMS JSON stories.

Every fixture is invented for these tests. The central property: each character of block text
maps back into the raw source, so a span found in prose lands on the right bytes of the file.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linter.article import Article, Block
from linter.readers import ReadError, read_article
from linter.readers import cms_json, markdown
from linter.readers import html as html_reader

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


# -- helpers ----------------------------------------------------------------------------------


def _decodes(raw: str, text: str, format: str, body_format: str = "text") -> bool:
    """Whether an atomic piece's source ``raw`` is a legitimate encoding of ``text``."""
    if format == "cms-json":
        # JSON escapes, then (for an HTML or Markdown body) that format's own references.
        value = json.loads(f'"{raw}"')
        return value == text or _decodes(value, text, body_format)
    if format in ("html", "markdown") and html.unescape(raw) == text:
        return True  # an entity (Markdown allows them too)
    if format == "html" and text == "\n" and re.fullmatch(r"<br\s*/?>", raw, re.IGNORECASE):
        return True  # a line break tag
    if format == "markdown":
        if raw == "\\" + text:  # a backslash escape (Markdown) or \" in double-quoted YAML
            return True
        if raw == "''" and text == "'":  # single-quoted YAML
            return True
    return False


def assert_maps_into_source(article: Article) -> None:
    """The reader invariant: pieces tile the block text and point at matching source text."""
    source = article.source
    for block in article.blocks:
        assert block.text, block
        position = 0
        for piece in block.map.pieces:
            assert piece.text_start == position, (block, piece)
            position = piece.text_end
            assert 0 <= piece.source_start <= piece.source_end <= len(source)
            raw = source[piece.source_start:piece.source_end]
            text = block.text[piece.text_start:piece.text_end]
            if piece.linear:
                assert raw == text, (block.kind, piece)
            else:
                body_format = article.meta.get("body_format", "text")
                assert _decodes(raw, text, article.format, body_format), (block.kind, raw, text)
        assert position == len(block.text), block
        # Blocks never overlap: spans come in source order.
    spans = sorted((b.source_start, b.source_end) for b in article.blocks)
    for (_, end), (start, _) in zip(spans, spans[1:]):
        assert end <= start


def source_of(article: Article, block: Block, phrase: str) -> str:
    """The source text a phrase of a block's text maps to."""
    start = block.text.index(phrase)
    source_start, source_end = block.source_span(start, start + len(phrase))
    return article.source[source_start:source_end]


def only(article: Article, kind: str) -> Block:
    found = [block for block in article.blocks if block.kind == kind]
    assert len(found) == 1, found
    return found[0]


def texts(article: Article, kind: str) -> list[str]:
    return [block.text for block in article.blocks if block.kind == kind]


# -- Markdown ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def md_story() -> Article:
    return read_article(fixture("reader_story.md"), "markdown")


def test_markdown_fixture_maps_every_character(md_story: Article) -> None:
    assert md_story.format == "markdown"
    assert_maps_into_source(md_story)


def test_markdown_front_matter_fields(md_story: Article) -> None:
    assert md_story.headline is not None
    assert md_story.headline.text == "Riverbend council backs footbridge over Mill Creek"
    assert only(md_story, "dek").text == 'A 5-4 vote ends a "long" fight over the crossing'
    assert only(md_story, "byline").text == "Dana O'Rourke"
    assert md_story.meta["date"] == "2031-04-18"
    assert md_story.meta["tags"] == "transport, council"


def test_markdown_front_matter_spans_land_in_the_yaml(md_story: Article) -> None:
    source = md_story.source
    headline = md_story.headline
    assert headline is not None
    assert source_of(md_story, headline, "footbridge") == "footbridge"
    assert headline.source_start == source.index("Riverbend council backs")
    # Quoted scalars: the escapes map as wholes.
    assert source_of(md_story, only(md_story, "dek"), '"long"') == '\\"long\\"'
    assert source_of(md_story, only(md_story, "byline"), "O'Rourke") == "O''Rourke"


def test_markdown_dateline_and_lede(md_story: Article) -> None:
    assert only(md_story, "dateline").text == "RIVERBEND, Ore. (AP)"
    lede = md_story.paragraphs[0]
    assert lede.index == 0
    assert lede.text.startswith("The Riverbend City Council voted 5-4 on Tuesday")


def test_markdown_inline_markup_is_removed(md_story: Article) -> None:
    lede = md_story.paragraphs[0]
    assert "*" not in lede.text and "](" not in lede.text and "https://" not in lede.text
    assert "ending a two-year debate\nabout the crossing" in lede.text
    # The link text maps inside the brackets, the emphasised words inside the asterisks.
    assert source_of(md_story, lede, "two-year debate") == "two-year debate"
    assert source_of(md_story, lede, "Riverbend City Council") == "Riverbend City Council"
    start = lede.text.index("two-year")
    assert md_story.source[lede.source_span(start, start + 3)[0] - 1] == "["
    # Code spans and images are not prose.
    cost = md_story.paragraphs[1]
    assert "bridge --plan" not in cost.text and "`" not in cost.text
    assert all("rendering" not in block.text for block in md_story.blocks)


def test_markdown_entity_is_atomic(md_story: Article) -> None:
    cost = md_story.paragraphs[1]
    assert "Monday & should" in cost.text
    assert source_of(md_story, cost, "&") == "&amp;"
    assert source_of(md_story, cost, "Monday & should") == "Monday &amp; should"


def test_markdown_block_structure(md_story: Article) -> None:
    assert texts(md_story, "subhead") == ["Cost and timing"]
    paragraphs = [block.text for block in md_story.paragraphs]
    assert "Supporters filled the chamber." in paragraphs  # list items
    assert '"We have waited long enough," said Sen. Jane Roe, who lives nearby.' in paragraphs  # quote
    assert [block.index for block in md_story.paragraphs] == list(range(len(paragraphs)))
    everything = "\n".join(md_story.iter_text())
    assert "not prose" not in everything  # fenced code
    assert "Count" not in everything and "Yes" not in everything  # table


def test_markdown_suppression_comment(md_story: Article) -> None:
    (suppression,) = md_story.suppressions
    assert suppression.rule == "style.wordy"
    covered = md_story.source[suppression.start:suppression.end]
    assert covered == "Residents who live along the creek said the bridge was long overdue."
    residents = md_story.paragraphs[2]
    assert suppression.covers("style.wordy", residents.source_start)
    assert not suppression.covers("style.other", residents.source_start)
    assert "copydesk" not in residents.text


def test_markdown_first_h1_is_the_headline_without_front_matter() -> None:
    source = "# Storm closes  *coastal* road\n\nBy Rita Vance\n\nThe road reopened Friday.\n\n# Second heading\n"
    article = markdown.read(source)
    assert_maps_into_source(article)
    assert article.headline is not None and article.headline.text == "Storm closes  coastal road"
    assert source_of(article, article.headline, "coastal road") == "coastal* road"
    assert only(article, "byline").text == "By Rita Vance"
    assert texts(article, "subhead") == ["Second heading"]
    assert [p.text for p in article.paragraphs] == ["The road reopened Friday."]


def test_markdown_setext_heading_and_front_matter_headline_demotes_h1() -> None:
    source = "---\ntitle: Front matter wins\n---\nBody headline\n=============\n\nText here.\n"
    article = markdown.read(source)
    assert_maps_into_source(article)
    assert article.headline is not None and article.headline.text == "Front matter wins"
    assert texts(article, "subhead") == ["Body headline"]


def test_markdown_folded_and_block_scalars_map_line_by_line() -> None:
    source = (
        "---\n"
        "headline: Dam repair\n  runs late\n"
        "dek: >-\n  Engineers found\n  more cracks\n"
        "dateline: DELTA CITY\n"
        "---\n\nCrews worked overnight.\n"
    )
    article = markdown.read(source)
    assert_maps_into_source(article)
    assert article.headline is not None and article.headline.text == "Dam repair\nruns late"
    assert article.meta["headline"] == "Dam repair runs late"  # meta keeps YAML's value
    dek = only(article, "dek")
    assert dek.text == "Engineers found\nmore cracks"
    assert source_of(article, dek, "more cracks") == "more cracks"
    assert only(article, "dateline").text == "DELTA CITY"


@pytest.mark.parametrize(
    "front_matter, problem",
    [
        ("---\nheadline: [unclosed\n---\n", "not valid YAML"),
        ("---\n- just\n- a list\n---\n", "not a mapping"),
        ("---\nheadline: never closed\n", "no closing"),
    ],
)
def test_markdown_malformed_front_matter_is_read_as_text(front_matter: str, problem: str) -> None:
    source = front_matter + "\n# Ferry fares rise\n\nFares rise by a dollar in May.\n"
    article = markdown.read(source)
    assert_maps_into_source(article)
    assert problem in article.meta["front_matter_error"]
    assert article.headline is not None and article.headline.text == "Ferry fares rise"
    assert "Fares rise by a dollar in May." in [p.text for p in article.paragraphs]


def test_markdown_crlf_escapes_autolinks_and_inline_html() -> None:
    source = "# Head\r\n\r\nShe said \\*not\\* now <b>today</b>\r\nsee <https://example.com/a> too.\r\n"
    article = markdown.read(source)
    assert_maps_into_source(article)
    (paragraph,) = article.paragraphs
    assert paragraph.text == "She said *not* now today\nsee https://example.com/a too."
    assert source_of(article, paragraph, "*not*") == "\\*not\\*"
    assert source_of(article, paragraph, "now today") == "now <b>today"


def test_markdown_link_with_brackets_in_target_does_not_confuse_offsets() -> None:
    source = "Read [the plan](https://example.com/plan_(final)) plan today.\n"
    article = markdown.read(source)
    (paragraph,) = article.paragraphs
    assert paragraph.text == "Read the plan plan today."
    # The second "plan" is the prose after the link, not the one inside its URL.
    second = paragraph.text.index("plan today")
    start, _ = paragraph.source_span(second, second + 4)
    assert start == source.index("plan today")


# -- HTML -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def html_story() -> Article:
    return read_article(fixture("reader_story.html"), "html")


def test_html_fixture_maps_every_character(html_story: Article) -> None:
    assert html_story.format == "html"
    assert_maps_into_source(html_story)


def test_html_fields(html_story: Article) -> None:
    assert html_story.headline is not None
    assert html_story.headline.text == "Harbor ferry returns after storm & repairs"  # <h1>, not <title>
    assert only(html_story, "dek").text == "Service resumes Friday with a shorter route"
    assert only(html_story, "byline").text == "Luis Ortega & Mae Chen"  # <meta name="author">
    assert only(html_story, "dateline").text == "PORT ALDEN (AP)"
    assert html_story.meta["published"] == "2031-02-09T08:00:00Z"


def test_html_byline_from_meta_maps_into_the_attribute(html_story: Article) -> None:
    byline = only(html_story, "byline")
    assert source_of(html_story, byline, "Mae Chen") == "Mae Chen"
    assert source_of(html_story, byline, "Ortega & Mae") == "Ortega &amp; Mae"


def test_html_entities_are_atomic(html_story: Article) -> None:
    lede = html_story.paragraphs[0]
    assert "the port’s director" in lede.text
    assert source_of(html_story, lede, "’") == "&#8217;"
    assert source_of(html_story, lede, "port’s") == "port&#8217;s"
    assert source_of(html_story, lede, "two\xa0weeks") == "two&nbsp;weeks"
    assert source_of(html_story, html_story.headline, "&") == "&amp;"


def test_html_inline_tags_dropped_and_whitespace_tidied(html_story: Article) -> None:
    lede = html_story.paragraphs[0]
    assert lede.text.startswith("The harbor ferry will run again on\nFriday,")
    assert source_of(html_story, lede, "harbor ferry will") == 'harbor ferry</a> will'
    crews = html_story.paragraphs[1]
    assert crews.text == "Crews replaced the landing ramp and a pump.\nTickets cost $3."
    assert source_of(html_story, crews, "pump.\nTickets") == "pump.<br>Tickets"


def test_html_structure(html_story: Article) -> None:
    assert texts(html_story, "subhead") == ["What changed"]
    caption = only(html_story, "caption")
    assert caption.field == "body" and caption.text == "The ferry at the Port Alden landing."
    paragraphs = [block.text for block in html_story.paragraphs]
    assert paragraphs[-3:] == [
        "Weekday trips start at 6 a.m.",  # <li> closed by the next <li>
        "Weekend trips start at 8 a.m.",
        "Schedules are posted at the terminal.",  # text directly in a <div>
    ]
    assert [block.index for block in html_story.paragraphs] == list(range(len(paragraphs)))


def test_html_non_prose_is_ignored(html_story: Article) -> None:
    everything = "\n".join(html_story.iter_text())
    for hidden in ("script text", "color", "Enable scripts", "Template text", "Home", "Coastline Daily"):
        assert hidden not in everything


def test_html_suppression_region(html_story: Article) -> None:
    (suppression,) = html_story.suppressions
    assert suppression.rule == "style.cliches"
    riders = next(p for p in html_story.paragraphs if p.text.startswith("Riders"))
    assert suppression.covers("style.cliches", riders.source_start)
    assert not suppression.covers("style.cliches", html_story.paragraphs[0].source_start)


def test_html_title_is_the_fallback_headline() -> None:
    article = html_reader.read("<title>Bake sale raises $900</title><p>The school bake sale raised $900.</p>")
    assert article.headline is not None and article.headline.text == "Bake sale raises $900"
    assert [p.text for p in article.paragraphs] == ["The school bake sale raised $900."]


def test_html_bare_text_and_odd_references() -> None:
    source = "Stray text AT&amp T &bogus; &#x2014; end"
    article = html_reader.read(source)
    assert_maps_into_source(article)
    (paragraph,) = article.paragraphs
    assert paragraph.text == "Stray text AT& T &bogus; — end"
    assert source_of(article, paragraph, "&") == "&amp"  # a legacy entity without ";"
    assert source_of(article, paragraph, "—") == "&#x2014;"


@pytest.mark.parametrize(
    "source",
    [
        "<p>Unclosed <b>bold <i>italic",
        "<p>Misnested <b>tags</p> here</b> and </div></span> stray ends",
        '<p>Cut off <a href="',
        "<p>Comment <!-- never closed",
        "<![if gte mso 9]><p>Conditional</p><![endif]>",
        "<h1>Only a headline",
        "",
    ],
)
def test_html_broken_markup_does_not_crash(source: str) -> None:
    article = html_reader.read(source)
    assert_maps_into_source(article)


def test_html_broken_markup_keeps_text() -> None:
    article = html_reader.read("<p>Misnested <b>tags</p> here</b>")
    assert [p.text for p in article.paragraphs] == ["Misnested tags", "here"]
    # An unclosed <li> ends at the next one, even with inline markup left open inside it.
    article = html_reader.read("<ul><li><b>One<li>Two<ul><li>Nested</ul><li>Three</ul>")
    assert [p.text for p in article.paragraphs] == ["One", "Two", "Nested", "Three"]


def test_html_deep_nesting_does_not_recurse() -> None:
    depth = 20_000
    source = "<div>" * depth + "<p>Deep &amp; down</p>" + "</div>" * depth
    article = html_reader.read(source)
    (paragraph,) = article.paragraphs
    assert paragraph.text == "Deep & down"
    assert source_of(article, paragraph, "down") == "down"


# -- CMS JSON ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def json_story() -> Article:
    return read_article(fixture("reader_story.json"), "cms-json")


def test_cms_json_fixture_maps_every_character(json_story: Article) -> None:
    assert json_story.format == "cms-json"
    assert_maps_into_source(json_story)


def test_cms_json_fields_and_meta(json_story: Article) -> None:
    assert json_story.headline is not None
    assert json_story.headline.text == 'Library\'s "quiet hours" plan draws praise'
    assert only(json_story, "dek").text == "Trustees vote Monday on the café schedule"
    assert only(json_story, "byline").text == "By Ana Lima"
    assert only(json_story, "dateline").text == "GREENFIELD, Mass."
    assert json_story.meta["published"] == "2031-06-02T14:30:00Z"
    assert json_story.meta["id"] == "4417"
    assert len(json_story.paragraphs) == 3
    assert json_story.paragraphs[0].text.startswith("The town library will add quiet hours")


def test_cms_json_offsets_go_through_escapes(json_story: Article) -> None:
    headline = json_story.headline
    assert headline is not None
    assert source_of(json_story, headline, '"quiet hours"') == '\\"quiet hours\\"'
    assert source_of(json_story, only(json_story, "dek"), "café") == "caf\\u00e9"
    second = json_story.paragraphs[1]
    assert source_of(json_story, second, "nothing — staff") == "nothing \\u2014 staff"
    third = json_story.paragraphs[2]
    assert source_of(json_story, third, "🙂") == "\\ud83d\\ude42"  # a surrogate pair is one character
    assert source_of(json_story, third, "9 a.m.") == "9 a.m."


def _cms(body: str, body_format: str, **fields: str) -> str:
    return json.dumps({"headline": "Ferry fares rise", **fields, "body": body, "body_format": body_format}, indent=1)


def test_cms_json_html_body_composes_entities_with_escapes() -> None:
    body = '<h1>Fares</h1><p class="x">AT&amp;T said "yes"\n<em>today</em>.</p><script>skip()</script>'
    article = cms_json.read(_cms(body, "html"))
    assert_maps_into_source(article)
    (paragraph,) = article.paragraphs
    assert paragraph.text == 'AT&T said "yes"\ntoday.'
    assert source_of(article, paragraph, "&") == "&amp;"
    assert source_of(article, paragraph, '"yes"\ntoday') == '\\"yes\\"\\n<em>today'
    # The story has a headline, so an <h1> in the body is a subhead.
    assert texts(article, "subhead") == ["Fares"]
    assert article.headline is not None and article.headline.text == "Ferry fares rise"
    assert article.meta["body_format"] == "html"


def test_cms_json_markdown_body_and_suppressions() -> None:
    body = "Lede with *emphasis* here.\n\n<!-- copydesk-disable-next-line house.rule -->\nQuiet line."
    article = cms_json.read(_cms(body, "markdown"))
    assert_maps_into_source(article)
    assert [p.text for p in article.paragraphs] == ["Lede with emphasis here.", "Quiet line."]
    assert source_of(article, article.paragraphs[0], "emphasis here") == "emphasis* here"
    (suppression,) = article.suppressions
    quiet = article.paragraphs[1]
    assert article.source[suppression.start:suppression.end] == "Quiet line."
    assert suppression.covers("house.rule", quiet.source_start)


def test_cms_json_text_body_has_no_headline_line() -> None:
    source = json.dumps({"body": "One short line\n\nAnother paragraph follows."})
    article = cms_json.read(source)
    assert article.headline is None
    assert [p.text for p in article.paragraphs] == ["One short line", "Another paragraph follows."]
    assert article.meta["body_format"] == "text"


@pytest.mark.parametrize(
    "source, message",
    [
        ('{\n  "headline": "Open\n}', r"line 2 column \d+"),
        ('{\n  "headline": "A",\n  "body": "B",\n}', r"line 4 column 1"),
        ("", r"line 1 column 1"),
        ('\n  ["a", "list"]', r"must be an object.*line 2 column 3"),
        ('{"body": "x", "body_format": "docx"}', r"unknown body_format 'docx'"),
        ('{"body": ["not", "a", "string"]}', r"'body' must be a string"),
        ('{"deep": ' + "[" * 100_000 + "]" * 100_000 + "}", r"nested too deeply"),
    ],
)
def test_cms_json_malformed_input_raises_read_error(source: str, message: str) -> None:
    with pytest.raises(ReadError, match=message):
        cms_json.read(source)


# -- robustness: arbitrary input never breaks the map ------------------------------------------

# Fragments of markup, glued together at random.
_MARKUP = st.lists(
    st.sampled_from(
        list("ab C.\n -*_[]()!`<>/&;#x\"'\\=:|~\r")
        + ["&amp;", "&#8217;", "<p>", "</p>", "<b>", "<br>", "---\n", "# ", "](u)", "<!--", "-->", "<script>"]
    ),
    max_size=40,
).map("".join)
_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(_MARKUP)
def test_markdown_any_input_maps_into_source(source: str) -> None:
    assert_maps_into_source(markdown.read(source))


@_SETTINGS
@given(_MARKUP)
def test_html_any_input_maps_into_source(source: str) -> None:
    assert_maps_into_source(html_reader.read(source))


@_SETTINGS
@given(st.text(max_size=60), st.sampled_from(["text", "html", "markdown"]), st.booleans())
def test_cms_json_any_strings_map_into_source(body: str, body_format: str, ascii_only: bool) -> None:
    story = {"headline": body[:10] or "x", "body": body, "body_format": body_format}
    source = json.dumps(story, ensure_ascii=ascii_only)
    assert_maps_into_source(cms_json.read(source))
