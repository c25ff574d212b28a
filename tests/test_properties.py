"""Property-based tests: no generated story breaks the readers, the engine or the fixes.

Stories are generated, not sampled: a headline and paragraphs of words drawn from a newsroom
vocabulary that includes what the bundled rules look for ("per cent", "October 11th", "NYPD",
doubled words, stray boilerplate paragraphs, quotation marks and apostrophes, emoji), rendered
as plain text, Markdown (front matter, emphasis, links, lists, block quotes, subheads), HTML
(entities, inline tags, nesting, <br>) and CMS JSON (any of the three as its body), with LF or
CRLF line endings. Every text here is invented for these tests.

The properties, for every story in every format:

- reading, linting and fixing raise nothing, and every block maps back into the source;
- every finding's span and every edit of its fix lie inside the source;
- fixing twice gives what fixing once gives (and the fix loop converges);
- one pass of fixes leaves every character outside the accepted edits where it was, in order;
- re-linting the fixed text does not report a fixed finding again (same rule, place and text),
  and after the fix loop nothing fixable is left;
- the document's structure survives: Markdown block tokens, HTML tags, the JSON object's keys
  and the line-ending style are the same, apart from paragraphs a fix deleted whole.

These properties found two faults, since fixed: the boilerplate fix deleted a stray paragraph up
to the next block's text (taking its "## ", "- ", "<h2>" or the next JSON field with it), and a
replacement across inline markup ("<em>per</em> cent") overwrote the markup (such a fix is now
display only). The structure property asserts that neither happens (``eats_next_block_markup``,
``replaces_across_markup``), and the tests at the end of this file keep the examples.
"""

from __future__ import annotations

import functools
import html
import json
import math
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Sequence

import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from linter import Linter
from linter.article import Article
from linter.config import Config
from linter.findings import Applicability, Edit, Finding
from linter.fixes import apply_fixes
from linter.readers import read_article
from linter.readers.markdown import parse_front_matter
from linter.readers.text import paragraph_spans

# -- vocabulary ---------------------------------------------------------------------------------

WORDS = (
    "council", "voted", "budget", "city", "officials", "residents", "park", "plan", "school",
    "board", "police", "officers", "mayor", "said", "on", "Tuesday", "to", "approve", "for",
    "new", "with", "year", "rose", "fell", "million", "$5", "spending", "after", "meeting",
    "Riverton", "New", "Orleans", "Jane", "Roe", "Sen.", "U.S.", "9", "a.m.", "bridge",
    "department", "the", "a", "of", "in", "and", "its", "their", "report", "state",
)
#: Phrases the bundled rules react to, and characters that stress offsets and escaping.
TRIGGERS = (
    "per cent", "October 11th", "Sept. 5th", "NYPD", "the the", "said said", "a October",
    "The Department of Justice (DOJ)", "colour", "utilise", "city's", "city’s", "officers\" involvement",
    "AT&T", "5 < 6", "📈", "𝒜lgebra", "café", "naïve", "—", "“It is done,” he said.",
    "\"We will rebuild,\" she said.", "'single' quotes", "e.g.", "fifty-fifty", "St. Louis",
)
#: Whole paragraphs the boilerplate rules remove.
BOILERPLATE = (
    "This is a developing story.",
    "This is a developing story. Check back for updates.",
    "Sign up for our daily newsletter.",
    "Subscribe to our YouTube channel.",
)
SUBHEADS = ("Reaction", "What comes next", "Budget details", "Background")


@dataclass
class Story:
    """A story independent of format: the renderers below write it out."""

    headline: str
    blocks: list[tuple[str, object]]  # ("para", [(style, text)]), ("boiler"|"subhead"|"quote", str), ("list", [str])
    crlf: bool = False
    extras: dict[str, object] = field(default_factory=dict)


words = st.sampled_from(WORDS)
tokens = st.one_of(words, words, words, st.sampled_from(TRIGGERS))


@st.composite
def sentences(draw) -> str:
    picked = draw(st.lists(tokens, min_size=2, max_size=12))
    # No accidental doubled words: the vocabulary's own doubles are the ones under test.
    kept = [picked[0]]
    for token in picked[1:]:
        if token.split()[0].lower() != kept[-1].split()[-1].lower():
            kept.append(token)
    text = " ".join(kept)
    return text[:1].upper() + text[1:] + draw(st.sampled_from([".", ".", ".", "?", "!", ""]))


@st.composite
def paragraphs(draw) -> list[tuple[str, str]]:
    """Sentences, some words styled (emphasis, strong, link) where the format has styling."""
    out: list[tuple[str, str]] = []
    for number, sentence in enumerate(draw(st.lists(sentences(), min_size=1, max_size=3))):
        if number:
            out.append(("plain", " "))
        style = draw(st.sampled_from(["plain", "plain", "plain", "em", "strong", "link"]))
        if style == "plain" or " " not in sentence:
            out.append(("plain", sentence))
            continue
        head, _, tail = sentence.partition(" ")
        out.append(("plain", head + " "))
        styled, _, rest = tail.partition(" ")
        out.append((style, styled))
        if rest:
            out.append(("plain", " " + rest))
    return out


block = st.one_of(
    paragraphs().map(lambda p: ("para", p)),
    paragraphs().map(lambda p: ("para", p)),
    paragraphs().map(lambda p: ("para", p)),
    st.sampled_from(BOILERPLATE).map(lambda t: ("boiler", t)),
    st.sampled_from(SUBHEADS).map(lambda t: ("subhead", t)),
    st.lists(sentences(), min_size=1, max_size=3).map(lambda items: ("list", items)),
    sentences().map(lambda t: ("quote", t)),
)


@st.composite
def stories(draw) -> Story:
    headline = draw(sentences()).rstrip(".?!")
    blocks = draw(st.lists(block, min_size=1, max_size=7))
    if blocks[0][0] != "para":  # a story opens with a lede
        blocks.insert(0, ("para", draw(paragraphs())))
    return Story(headline, blocks, crlf=draw(st.booleans()), extras={
        "front_matter": draw(st.booleans()),
        "wrappers": draw(st.lists(st.sampled_from(["div", "section", "article", "main"]), max_size=3)),
        "entities": draw(st.booleans()),
        "br": draw(st.booleans()),
        "byline": draw(st.sampled_from([None, "By Jane Roe", "Jane Roe and Sam Poe"])),
        "ensure_ascii": draw(st.booleans()),
        "indent": draw(st.sampled_from([None, 1, 2])),
    })


# -- renderers -------------------------------------------------------------------------------


def _newlines(text: str, story: Story) -> str:
    return text.replace("\n", "\r\n") if story.crlf else text


def _plain(parts: Sequence[tuple[str, str]]) -> str:
    return "".join(text for _, text in parts)


def render_text(story: Story) -> str:
    out = [story.headline]
    for kind, value in story.blocks:
        if kind == "para":
            out.append(_plain(value))
        elif kind == "list":
            out.append("\n".join(value))
        else:
            out.append(value)
    if story.extras["byline"]:
        out.append(story.extras["byline"])
    return _newlines("\n\n".join(out) + "\n", story)


def _markdown_inline(parts: Sequence[tuple[str, str]]) -> str:
    marks = {"em": "*{}*", "strong": "**{}**", "link": "[{}](https://news.example/story)", "plain": "{}"}
    return "".join(marks[style].format(text) for style, text in parts)


def render_markdown_body(story: Story) -> str:
    out = []
    lists = 0
    for kind, value in story.blocks:
        if kind == "para":
            out.append(_markdown_inline(value))
        elif kind == "boiler":
            out.append(value)
        elif kind == "subhead":
            out.append("## " + value)
        elif kind == "list":
            marker = "-*"[lists % 2]  # two lists in a row stay two lists
            lists += 1
            out.append("\n".join(f"{marker} {item}" for item in value))
        else:
            out.append("> " + value)
    return "\n\n".join(out) + "\n"


def render_markdown(story: Story) -> str:
    body = render_markdown_body(story)
    if story.extras["front_matter"]:
        head = "---\ntitle: " + json.dumps(story.headline, ensure_ascii=False) + "\n"
        if story.extras["byline"]:
            head += f"author: {story.extras['byline']}\n"
        text = head + "---\n\n" + body
    else:
        text = "# " + story.headline + "\n\n" + body
    return _newlines(text, story)


def _html_text(text: str, story: Story) -> str:
    escaped = html.escape(text, quote=False)
    if story.extras["entities"]:
        escaped = escaped.replace("’", "&#8217;").replace("—", "&mdash;").replace("é", "&eacute;").replace('"', "&quot;")
    return escaped


def render_html_body(story: Story) -> str:
    tags = {"em": "<em>{}</em>", "strong": "<strong>{}</strong>", "link": '<a href="https://news.example/s?a=1&amp;b=2">{}</a>', "plain": "{}"}
    out = []
    for number, (kind, value) in enumerate(story.blocks):
        if kind == "para":
            inner = "".join(tags[style].format(_html_text(text, story)) for style, text in value)
            if story.extras["br"] and number % 2:
                inner = inner.replace(". ", ".<br>\n", 1)
            out.append(f"<p>{inner}</p>")
        elif kind == "boiler":
            out.append(f"<p>{_html_text(value, story)}</p>")
        elif kind == "subhead":
            out.append(f"<h2>{_html_text(value, story)}</h2>")
        elif kind == "list":
            out.append("<ul>" + "".join(f"<li>{_html_text(item, story)}</li>" for item in value) + "</ul>")
        else:
            out.append(f"<blockquote><p>{_html_text(value, story)}</p></blockquote>")
    return "\n".join(out) + "\n"


def render_html(story: Story) -> str:
    body = render_html_body(story)
    if story.extras["byline"]:
        body += f'<p class="byline">{html.escape(story.extras["byline"])}</p>\n'
    for wrapper in reversed(story.extras["wrappers"]):
        body = f"<{wrapper}>\n{body}</{wrapper}>\n"
    text = (
        "<!DOCTYPE html>\n<html>\n<head><title>" + html.escape(story.headline) + "</title>"
        "<style>p { margin: 0 }</style></head>\n<body>\n<h1>" + _html_text(story.headline, story) + "</h1>\n"
        + body + "<script>var x = 1 < 2;</script>\n</body>\n</html>\n"
    )
    return _newlines(text, story)


def render_cms_json(story: Story, body_format: str) -> str:
    body = {"text": lambda s: render_text(Story("", s.blocks, s.crlf, {**s.extras, "byline": None})).lstrip("\r\n"),
            "markdown": render_markdown_body, "html": render_html_body}[body_format](story)
    if story.crlf:
        body = body.replace("\r\n", "\n").replace("\n", "\r\n")
    document: dict[str, object] = {"id": 4417, "headline": story.headline, "body": body, "body_format": body_format}
    if story.extras["byline"]:
        document["byline"] = story.extras["byline"]
    document["published"] = "2031-10-11T09:30:00Z"
    document["featured"] = False
    return json.dumps(document, ensure_ascii=story.extras["ensure_ascii"], indent=story.extras["indent"])


FORMATS = ("text", "markdown", "html", "cms-json")


@st.composite
def sources(draw, format: str) -> tuple[str, str]:
    story = draw(stories())
    if format == "text":
        return render_text(story), "text"
    if format == "markdown":
        return render_markdown(story), "markdown"
    if format == "html":
        return render_html(story), "html"
    return render_cms_json(story, draw(st.sampled_from(["text", "markdown", "html"]))), "cms-json"


# -- the linter under test ------------------------------------------------------------------------

PROPERTY_SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@pytest.fixture(scope="module")
def linter() -> Linter:
    # Grammar checks need a LanguageTool server; everything else runs as shipped.
    return Linter(Config(disable=("newsroom.grammar",)))


def lint(linter: Linter, source: str, format: str) -> tuple[Article, list[Finding]]:
    return linter.check(source, format)


def eligible(findings: Sequence[Finding]) -> list[Finding]:
    """Findings whose fixes ``--fix --unsafe-fixes`` would apply."""
    return [f for f in findings if f.fix is not None and f.fix.applicability is not Applicability.DISPLAY]


# -- checks --------------------------------------------------------------------------------------


def check_maps_into_source(article: Article) -> None:
    source = article.source
    spans = []
    for block in article.blocks:
        assert block.text, block
        position = 0
        for piece in block.map.pieces:
            assert piece.text_start == position, (block.kind, piece)
            position = piece.text_end
            assert 0 <= piece.source_start <= piece.source_end <= len(source), (block.kind, piece)
            if piece.linear:
                assert source[piece.source_start:piece.source_end] == block.text[piece.text_start:piece.text_end]
        assert position == len(block.text)
        spans.append((block.source_start, block.source_end))
    spans.sort()
    for (_, end), (start, _) in zip(spans, spans[1:]):
        assert end <= start, "blocks overlap"


def check_spans(source: str, findings: Sequence[Finding]) -> None:
    for finding in findings:
        assert 0 <= finding.start <= finding.end <= len(source), finding
        if finding.fix is not None:
            for edit in finding.fix.edits:
                assert 0 <= edit.start <= edit.end <= len(source), (finding.rule, edit)
    assert [f.sort_key for f in findings] == sorted(f.sort_key for f in findings)


def accepted_edits(applied: Sequence[Finding]) -> list[Edit]:
    edits = sorted(edit for finding in applied for edit in finding.fix.edits)
    for before, after in zip(edits, edits[1:]):
        assert before.end <= after.start, f"accepted edits overlap: {before} {after}"
    return edits


def check_untouched_text_kept(source: str, fixed: str, edits: Sequence[Edit]) -> None:
    """Every character outside the edits is in the output, in order, and nothing else changed."""
    cursor_in, cursor_out = 0, 0
    for edit in edits:
        kept = source[cursor_in:edit.start]
        assert fixed[cursor_out:cursor_out + len(kept)] == kept, f"text before offset {edit.start} changed"
        cursor_out += len(kept)
        assert fixed[cursor_out:cursor_out + len(edit.text)] == edit.text
        cursor_out += len(edit.text)
        cursor_in = edit.end
    assert fixed[cursor_out:] == source[cursor_in:], "the text after the last edit changed"


def shifted(position: int, edits: Sequence[Edit]) -> int:
    """Where a source offset at or before an edit's start ends up after the edits."""
    return position + sum(len(e.text) - (e.end - e.start) for e in edits if e.end <= position)


def check_fixed_findings_gone(
    linter: Linter, source: str, fixed: str, format: str, findings: Sequence[Finding], applied: Sequence[Finding], edits: Sequence[Edit]
) -> None:
    _, after = lint(linter, fixed, format)
    seen = {(f.rule, f.start, fixed[f.start:f.end]) for f in after}
    # A finding left for the next pass (its fix overlapped one applied) may now sit where a
    # fixed one was: that is the same finding as before, not the fixed one come back.
    done = {id(f) for f in applied}
    seen -= {(f.rule, shifted(f.start, edits), source[f.start:f.end]) for f in findings if id(f) not in done}
    for finding in applied:
        original = source[finding.start:finding.end]
        if original.strip() == "":
            continue
        place = shifted(finding.start, edits)
        assert (finding.rule, place, original) not in seen, (
            f"{finding.rule} still reports {original!r} at the place it fixed"
        )


# -- structure ------------------------------------------------------------------------------------

_MARKDOWN = MarkdownIt("commonmark").enable("table")


def markdown_blocks(source: str) -> tuple[list[str], list[tuple[str, ...]]]:
    """Block token types (paragraphs apart), and the inline markup of each paragraph."""
    body = source[parse_front_matter(source).body_start:]
    tokens = _MARKDOWN.parse(body)
    skeleton = [t.type for t in tokens if t.type not in ("inline", "paragraph_open", "paragraph_close")]
    paragraphs = [
        tuple(child.type for child in tokens[i + 1].children or () if child.type not in ("text", "softbreak", "text_special"))
        for i, t in enumerate(tokens) if t.type == "paragraph_open"
    ]
    return skeleton, paragraphs


def is_subsequence(short: Sequence[object], long: Sequence[object]) -> bool:
    items = iter(long)
    return all(any(item == wanted for item in items) for wanted in short)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_endtag(self, tag):
        self.tags.append("/" + tag)


def html_tags(source: str) -> list[str]:
    parser = _Tags()
    parser.feed(source)
    parser.close()
    return parser.tags


def removed_whole(blocks: Sequence[tuple[int, int]], edits: Sequence[Edit]) -> int:
    """How many of the spans a deleting edit covers whole (a stray paragraph fixed away)."""
    def gone(start: int, end: int) -> bool:
        return any(e.text == "" and e.start <= start and end <= e.end for e in edits)

    return sum(1 for start, end in blocks if gone(start, end))


def strip_elements(before: list[str], after: list[str]) -> int:
    """``after`` must be ``before`` with whole elements taken out; returns how many went."""
    ends = {}  # opening tag index -> index past its element
    stack: list[int] = []
    for index, tag in enumerate(before):
        if tag.startswith("/"):
            while stack and before[stack[-1]] != tag[1:]:
                stack.pop()
            if stack:
                ends[stack.pop()] = index + 1
        else:
            stack.append(index)

    @functools.lru_cache(maxsize=None)
    def fewest(i: int, j: int) -> float:  # whole elements to drop from before[i:] to get after[j:]
        if i == len(before):
            return 0 if j == len(after) else math.inf
        best = math.inf
        if j < len(after) and before[i] == after[j]:
            best = fewest(i + 1, j + 1)
        if i in ends:
            best = min(best, 1 + fewest(ends[i], j))
        return best

    removed = fewest(0, 0)
    assert removed != math.inf, f"tags changed, not just whole elements removed: {before} -> {after}"
    return int(removed)


def replaces_across_markup(article: Article, applied: Sequence[Finding]) -> bool:
    """Whether an applied replacement for prose that markup interrupts ("per</em> cent") would
    overwrite the markup too (see test_a_replacement_across_markup_keeps_the_markup)."""
    pieces = sorted((p.source_start, p.source_end) for b in article.blocks for p in b.map.pieces)
    for finding in applied:
        for edit in finding.fix.edits:
            if not edit.text:
                continue
            cursor = edit.start
            for start, end in pieces:
                if end <= cursor or start >= edit.end:
                    continue
                if start > cursor:
                    return True  # a gap: source that is not prose inside the edit
                cursor = max(cursor, end)
            if cursor < edit.end:
                return True
    return False


def eats_next_block_markup(source: str, format: str, applied: Sequence[Finding]) -> bool:
    """Whether deleting a stray paragraph also deleted the next block's markup ("## ", "- ",
    "> ", an opening tag of another kind, or the next JSON field) (see
    test_boilerplate_removal_keeps_the_next_blocks_markup)."""
    markup = format
    if format == "cms-json":
        markup = json.loads(source).get("body_format", "text")
    for finding in applied:
        for edit in finding.fix.edits:
            if edit.text or not (edit.start <= finding.start and finding.end <= edit.end):
                continue
            outside = source[edit.start:finding.start] + source[finding.end:edit.end]
            if format == "cms-json":
                try:
                    outside = json.loads(f'"{outside}"')  # edits fall between escapes, never inside one
                except ValueError:
                    return True  # the deletion ran out of the body's string into the next field
            if markup == "markdown" and outside.strip():
                return True
            if markup == "html":
                names = re.findall(r"<(/?)([a-zA-Z0-9]+)", outside)
                closers = [name for slash, name in names if slash]
                openers = [name for slash, name in names if not slash]
                if closers[::-1] != openers:
                    return True
    return False


def check_structure(source: str, fixed: str, format: str, article: Article, applied: Sequence[Finding], edits: Sequence[Edit]) -> None:
    if format == "text":
        # Plain text has no markup but its blank lines: paragraphs go only when deleted whole.
        before, after = paragraph_spans(source), paragraph_spans(fixed)
        assert len(after) == len(before) - removed_whole(before, edits)
        check_line_endings(source, fixed)
        return
    assert not eats_next_block_markup(source, format, applied), "a deletion took the next block's markup"
    assert not replaces_across_markup(article, applied), "a replacement overwrote inline markup"
    event("structure compared")
    if format == "markdown":
        skeleton_before, paragraphs_before = markdown_blocks(source)
        skeleton_after, paragraphs_after = markdown_blocks(fixed)
        assert skeleton_after == skeleton_before
        gone = removed_whole([(b.source_start, b.source_end) for b in article.blocks], edits)
        assert len(paragraphs_after) == len(paragraphs_before) - gone
        assert is_subsequence(paragraphs_after, paragraphs_before), "inline markup changed"
        check_line_endings(source, fixed)
    elif format == "html":
        removed = strip_elements(html_tags(source), html_tags(fixed))
        assert removed == removed_whole([(b.source_start, b.source_end) for b in article.blocks], edits)
        check_line_endings(source, fixed)
    else:
        before, after = json.loads(source), json.loads(fixed)
        assert list(after) == list(before), "the JSON object's keys changed"
        assert {k: v for k, v in after.items() if not isinstance(v, str)} == {
            k: v for k, v in before.items() if not isinstance(v, str)
        }
        assert after["body_format"] == before["body_format"]
        body_before, body_after = before["body"], after["body"]
        if before["body_format"] == "html":
            strip_elements(html_tags(body_before), html_tags(body_after))
        elif before["body_format"] == "markdown":
            skeleton_before, paragraphs_before = markdown_blocks(body_before)
            skeleton_after, paragraphs_after = markdown_blocks(body_after)
            assert skeleton_after == skeleton_before
            assert is_subsequence(paragraphs_after, paragraphs_before), "inline markup changed"
        check_line_endings(body_before, body_after)


def check_line_endings(before: str, after: str) -> None:
    """CRLF stays CRLF and LF stays LF: a fix never splits or adds a line-ending style."""
    def styles(text: str) -> set[str]:
        return set(re.findall(r"\r\n|\r|\n", text))

    assert styles(after) <= styles(before), f"line endings {styles(before)} became {styles(after)}"


# -- the properties -------------------------------------------------------------------------------


@pytest.mark.parametrize("format", FORMATS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_readers_map_every_block_into_the_source(format: str, data) -> None:
    source, fmt = data.draw(sources(format))
    article = read_article(source, fmt)
    check_maps_into_source(article)
    assert article.headline is not None
    article.sentences, article.quotes  # dividing the body never fails either
    for sentence in article.sentences:
        assert sentence.text.strip() == sentence.text and sentence.text


@pytest.mark.parametrize("format", FORMATS)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_findings_and_edits_lie_inside_the_source(linter: Linter, format: str, data) -> None:
    source, fmt = data.draw(sources(format))
    article, findings = lint(linter, source, fmt)
    check_spans(source, findings)
    # Recall on the way: each "per cent" written in a body paragraph is found where it is.
    body = [(b.source_start, b.source_end) for b in article.blocks if b.field == "body"]
    written = {m.start() for m in re.finditer("per cent", source) if any(s <= m.start() < e for s, e in body)}
    assert written <= {f.start for f in findings if f.rule == "starter.percent"}


@pytest.mark.parametrize("format", FORMATS)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_one_pass_of_fixes_keeps_everything_else_and_does_not_come_back(linter: Linter, format: str, data) -> None:
    source, fmt = data.draw(sources(format))
    article, findings = lint(linter, source, fmt)
    fixed, applied = apply_fixes(source, eligible(findings))
    edits = accepted_edits(applied)
    note(f"applied: {[(f.rule, source[f.start:f.end]) for f in applied]}")
    event(f"fixes applied: {min(len(applied), 3)}{'+' if len(applied) >= 3 else ''}")
    check_untouched_text_kept(source, fixed, edits)
    check_fixed_findings_gone(linter, source, fixed, fmt, findings, applied, edits)
    check_structure(source, fixed, fmt, article, applied, edits)


@pytest.mark.parametrize("format", FORMATS)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_fixing_twice_is_fixing_once(linter: Linter, format: str, data) -> None:
    source, fmt = data.draw(sources(format))
    once = linter.fix(source, fmt, Applicability.UNSAFE)
    assert once.converged, f"the fix loop did not settle in {once.passes} passes"
    check_spans(once.text, once.remaining)
    assert not eligible(once.remaining), [f.rule for f in eligible(once.remaining)]
    twice = linter.fix(once.text, fmt, Applicability.UNSAFE)
    assert twice.text == once.text
    assert twice.applied == ()
    if fmt == "cms-json":
        json.loads(once.text)  # the fixed file is still JSON


# -- known faults, found by the properties above and reported; each turns green when fixed ------------

def record_change(case_id: str, format: str, before: str, after: str, right: bool) -> None:
    """Note, for docs/reliability.md, the part of a story a fix changed."""
    from test_bad_input import record

    head = 0
    while head < min(len(before), len(after)) and before[head] == after[head]:
        head += 1
    tail = 0
    while tail < min(len(before), len(after)) - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    start = max(0, head - 12)
    was, now = before[start:len(before) - tail + 8], after[start:len(after) - tail + 8]
    record(case_id, f"{'' if right else 'Known fault: '}{format}: `{was!r}` became `{now!r}`")


@pytest.mark.parametrize(
    "format, source",
    [
        ("markdown", "# Pool reopens\n\nThe pool reopened on Monday.\n\nThis is a developing story.\n\n## Reaction\n\nSwimmers cheered.\n"),
        ("markdown", "# Pool reopens\n\nThe pool reopened on Monday.\n\nThis is a developing story.\n\n- Lanes open at 6 a.m.\n"),
        ("markdown", "# Pool reopens\n\nThe pool reopened on Monday.\n\nThis is a developing story.\n\n> We waited all summer, a swimmer said.\n"),
        ("html", "<h1>Pool reopens</h1>\n<p>The pool reopened on Monday.</p>\n<p>This is a developing story.</p>\n<h2>Reaction</h2>\n<p>Swimmers cheered.</p>\n"),
        ("cms-json", json.dumps({"headline": "Pool reopens", "body": "The pool reopened on Monday.\n\nSign up for our daily newsletter.\n",
                                 "body_format": "text", "byline": "By Ana Lima", "id": 7})),
    ],
    ids=["md-subhead", "md-list", "md-blockquote", "html-subhead", "json-next-field"],
)
def test_boilerplate_removal_keeps_the_next_blocks_markup(linter: Linter, format: str, source: str) -> None:
    fixed = linter.fix(source, format).text
    if format == "markdown":
        kept = markdown_blocks(fixed)[0] == markdown_blocks(source)[0]
    elif format == "html":
        try:
            kept = strip_elements(html_tags(source), html_tags(fixed)) == 1
        except AssertionError:  # tags changed, not just one element removed
            kept = False
    else:  # the last paragraph of the body goes; the fields after the body stay
        before, after = json.loads(source), json.loads(fixed)
        kept = after == {**before, "body": "The pool reopened on Monday.\n"}
    gone = "developing story" not in fixed and "newsletter" not in fixed
    record_change("fix-boilerplate-next-block", format, source, fixed, gone and kept)
    assert gone
    assert kept


@pytest.mark.parametrize(
    "format, source",
    [
        ("html", "<h1>Rates rise</h1>\n<p>Rates rose 5 <em>per</em> cent on Friday.</p>\n"),
        ("html", '<h1>Rates rise</h1>\n<p>The <a href="https://news.example/bank">the bank</a> raised rates.</p>\n'),
        ("markdown", "# Rates rise\n\nRates rose 5 **per** cent on Friday.\n"),
        ("html", "<h1>Rates rise</h1>\n<p>Rates rose 5 per<br>cent on Friday.</p>\n"),
    ],
    ids=["html-em", "html-link", "md-strong", "html-br"],
)
def test_a_replacement_across_markup_keeps_the_markup(linter: Linter, format: str, source: str) -> None:
    fixed = linter.fix(source, format).text
    if format == "html":
        kept = html_tags(fixed) == html_tags(source)
    else:
        kept = markdown_blocks(fixed)[1] == markdown_blocks(source)[1]
    # The finding is still reported, its fix shown (display) rather than applied.
    shown = [f for f in linter.check(source, format)[1]
             if f.fix and f.rule in ("starter.percent", "starter.doubled-word")]
    if fixed == source and shown:
        from test_bad_input import record

        spans = ", ".join(f"`{source[f.start:f.end]!r}` ({f.rule}, {f.fix.applicability.value})" for f in shown)
        record("fix-replacement-across-markup", f"{format}: unchanged; fix shown, not applied, for {spans}")
    else:
        record_change("fix-replacement-across-markup", format, source, fixed, kept)
    assert kept
    assert shown and all(f.fix.applicability is Applicability.DISPLAY for f in shown)


# -- the linear-time rewrites agree with the simple versions they replaced ---------------------------


def _reference_apply(source: str, findings: Sequence[Finding]) -> tuple[str, list[Finding]]:
    """apply_fixes as first written: every edit compared with every accepted edit."""
    def overlaps(a: Edit, b: Edit) -> bool:
        return a.start == a.end == b.start == b.end or (a.start < b.end and b.start < a.end)

    accepted: list[Edit] = []
    applied: list[Finding] = []
    for finding in sorted((f for f in findings if f.fix), key=lambda f: (f.fix.start, f.fix.end, f.rule)):
        edits = sorted(finding.fix.edits)
        if any(overlaps(a, b) for i, a in enumerate(edits) for b in edits[i + 1:]):
            continue
        if any(overlaps(edit, other) for edit in edits for other in accepted):
            continue
        accepted.extend(edits)
        applied.append(finding)
    out, cursor = [], 0
    for edit in sorted(accepted):
        out += [source[cursor:edit.start], edit.text]
        cursor = edit.end
    return "".join(out) + source[cursor:], applied


@st.composite
def findings_with_fixes(draw) -> tuple[str, list[Finding]]:
    from linter.findings import Fix, Severity

    source = draw(st.text(alphabet="ab \n", min_size=0, max_size=40))
    size = len(source)
    points = st.integers(0, size)
    out = []
    for number in range(draw(st.integers(0, 12))):
        edits = []
        for _ in range(draw(st.integers(1, 3))):
            start = draw(points)
            end = draw(st.integers(start, min(size, start + 5)))
            edits.append(Edit(start, end, draw(st.sampled_from(["", "x", "yy"]))))
        out.append(Finding(f"r{number % 3}", "style", Severity.WARNING, "m", edits[0].start, edits[0].end, "body",
                           Fix(tuple(edits), Applicability.SAFE)))
    return source, out


@settings(max_examples=400, deadline=None)
@given(findings_with_fixes())
def test_apply_fixes_agrees_with_the_quadratic_reference(case) -> None:
    source, findings = case
    fixed, applied = apply_fixes(source, findings)
    expected, expected_applied = _reference_apply(source, findings)
    assert fixed == expected
    assert applied == expected_applied


_OLD_CANDIDATE = re.compile(r"""[.!?]+["'”’)\]]*(?=\s|$)""")
_OLD_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab.!? \"'”)AB\n", max_size=40))
def test_sentence_candidates_and_words_agree_with_the_regex_versions(text: str) -> None:
    from linter import sentences

    assert [m.span() for m in sentences._CANDIDATE.finditer(text)] == [m.span() for m in _OLD_CANDIDATE.finditer(text)]
    for dot in range(len(text) + 1):
        old = _OLD_WORD_BEFORE.search(text, 0, dot)
        if old is not None and old.end() != dot:
            # "$" also matched just before a line break ending text[:dot] ("Oct\n."): the word
            # before a line break is not the word before the mark, and is no longer taken for it.
            assert sentences._word_before(text, dot) == ""
            continue
        assert sentences._word_before(text, dot) == (old.group(1) if old else ""), (text, dot)
