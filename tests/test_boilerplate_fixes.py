"""Where the boilerplate fix cuts: a stray paragraph goes with the white space beside it, and
never with the markup or the JSON around it (issue 8: a CMS JSON body).

Every story here is invented for these tests.
"""

from __future__ import annotations

import json

import pytest

from linter import Linter
from linter.loading import bundled_rules_dir, load_rule


@pytest.fixture(scope="module")
def linter() -> Linter:
    root = bundled_rules_dir()
    names = ("newsletter-prompts", "social-prompts", "developing-story", "ad-residue")
    return Linter(rules=[load_rule(root / "newsroom" / f"{name}.yml", root) for name in names])


LEDE = "The library reopened on Thursday after a month of repairs."
NEXT = "Readers lined up before the doors opened."
STRAY = "Sign up for our daily newsletter."


def fixed_json(linter: Linter, **fields) -> dict:
    source = json.dumps({"headline": "Library Reopens", **fields, "id": 12, "published": True})
    fixed = linter.fix(source, "cms-json").text
    document = json.loads(fixed)  # still valid JSON
    before = json.loads(source)
    for key in before:
        if key not in ("body", "byline"):
            assert document[key] == before[key]  # every other field unchanged
    return document


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # the last paragraph of the body: the blank line before it goes, the final newline stays
        (f"{LEDE}\n\n{STRAY}\n", f"{LEDE}\n"),
        (f"{LEDE}\n\n{STRAY}", LEDE),
        (f"{LEDE}\r\n\r\n{STRAY}\r\n", f"{LEDE}\r\n"),
        # in the middle: it goes with the blank line after it
        (f"{LEDE}\n\n{STRAY}\n\n{NEXT}\n", f"{LEDE}\n\n{NEXT}\n"),
        # the first paragraph
        (f"{STRAY}\n\n{LEDE}\n", f"{LEDE}\n"),
        # the only paragraph
        (f"{STRAY}\n", ""),
        # an escaped quotation mark before it is not the start of the string
        (f'The mayor said "welcome back."\n\n{STRAY}\n', 'The mayor said "welcome back."\n'),
        # an escaped backslash before the blank line is not an escape of a line break
        (f"The path was C:\\books\\\n\n{STRAY}", "The path was C:\\books\\"),
    ],
    ids=["last", "last-no-newline", "crlf", "middle", "first", "only", "escaped-quote", "escaped-backslash"],
)
def test_a_stray_paragraph_in_a_text_body_stays_inside_the_json_string(linter, body, expected):
    assert fixed_json(linter, body=body, body_format="text", byline="By Rosa Vidal")["body"] == expected


def test_unicode_escaped_line_breaks_are_white_space_too(linter):
    source = (
        '{"headline": "Library Reopens", "body": "' + LEDE + '\\u000a\\u000a' + STRAY + '\\u000a", '
        '"body_format": "text", "id": 12}'
    )
    fixed = linter.fix(source, "cms-json").text
    assert fixed == source.replace("\\u000a\\u000a" + STRAY, "")
    assert json.loads(fixed)["body"] == LEDE + "\n"


def test_a_stray_paragraph_at_the_end_of_a_markdown_body(linter):
    body = f"{LEDE}\n\n## Reaction\n\n{NEXT}\n\n{STRAY}\n"
    assert fixed_json(linter, body=body, body_format="markdown")["body"] == f"{LEDE}\n\n## Reaction\n\n{NEXT}\n"


def test_a_stray_paragraph_before_a_markdown_subhead_leaves_the_subhead(linter):
    body = f"{LEDE}\n\n{STRAY}\n\n## Reaction\n\n{NEXT}\n"
    assert fixed_json(linter, body=body, body_format="markdown")["body"] == f"{LEDE}\n\n## Reaction\n\n{NEXT}\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (f"<p>{LEDE}</p>\n<p>{STRAY}</p>\n", f"<p>{LEDE}</p>\n"),
        (f"<p>{LEDE}</p><p>{STRAY}</p>", f"<p>{LEDE}</p>"),
        (f"<p>{LEDE}</p>\n<p class=\"promo\">{STRAY}</p>\n<h2>Reaction</h2>\n<p>{NEXT}</p>",
         f"<p>{LEDE}</p>\n<h2>Reaction</h2>\n<p>{NEXT}</p>"),
    ],
    ids=["last", "no-line-breaks", "before-subhead"],
)
def test_a_stray_paragraph_in_an_html_body_takes_its_element(linter, body, expected):
    assert fixed_json(linter, body=body, body_format="html")["body"] == expected


def test_a_stray_line_read_as_the_byline_empties_that_field_only(linter):
    document = fixed_json(linter, body=f"{LEDE}\n\n{NEXT}\n", body_format="text", byline="Share this article")
    assert document["byline"] == ""
    assert document["body"] == f"{LEDE}\n\n{NEXT}\n"


@pytest.mark.parametrize(
    ("format", "source", "expected"),
    [
        ("text", f"Library Reopens\n\n{LEDE}\n\n{STRAY}\n", f"Library Reopens\n\n{LEDE}\n"),
        ("text", f"Library Reopens\n\n{LEDE}\n\n{STRAY}\n\n{NEXT}\n", f"Library Reopens\n\n{LEDE}\n\n{NEXT}\n"),
        ("markdown", f"# Library Reopens\n\n{LEDE}\n\n{STRAY}\n\n- {NEXT}\n", f"# Library Reopens\n\n{LEDE}\n\n- {NEXT}\n"),
        ("html", f"<h1>Library Reopens</h1>\n<p>{LEDE}</p>\n<p>{STRAY}</p>\n", f"<h1>Library Reopens</h1>\n<p>{LEDE}</p>\n"),
    ],
    ids=["text-last", "text-middle", "markdown-before-list", "html-last"],
)
def test_other_formats_cut_the_same_way(linter, format, source, expected):
    assert linter.fix(source, format).text == expected
