"""AP usage and style rules (rules/ap/), editorialising, courtesy titles, and the existence
type's ``skip_quotes`` option, on invented copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.article import Article, Block, TextMap
from linter.config import Config
from linter.findings import Applicability
from linter.linting import Linter
from linter.loading import build_rule, load_rule
from linter.ruletypes.base import LintContext

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"
MINE = [
    "ap/spelling.yml", "ap/common-nouns.yml", "ap/web-terms.yml", "ap/british-spelling.yml",
    "ap/usage.yml", "ap/usage-patterns.yml", "ap/british-words.yml", "ap/organizations.yml", "ap/acronym-parentheses.yml",
    "newsroom/editorializing.yml", "newsroom/courtesy-titles.yml",
]


@pytest.fixture(scope="module")
def rules():
    return [load_rule(RULES / name, RULES) for name in MINE]


def run(rules, text: str, style: str = "ap"):
    linter = Linter(Config(style=style), rules=rules)
    article, findings = linter.check(text)
    return [(f.rule, article.source[f.start:f.end], f.fix.edits[0].text if f.fix else None,
             f.fix.applicability.value if f.fix else None) for f in findings]


def fixed(rules, text: str, unsafe: bool = False) -> str:
    linter = Linter(Config(), rules=rules)
    return linter.fix(text, minimum=Applicability.UNSAFE if unsafe else Applicability.SAFE).text


def test_justice_department_and_parenthetical_acronym(rules):
    text = "Probe widens\n\nThe Department of Justice (DOJ) opened an inquiry into the Environmental Protection Agency (EPA).\n"
    found = run(rules, text)
    assert ("ap.organizations", "Department of Justice", "Justice Department", "unsafe") in found
    assert ("ap.acronym-parentheses", "Justice (DOJ)", "Justice", "unsafe") in found
    assert ("ap.acronym-parentheses", "Agency (EPA)", "Agency", "unsafe") in found
    assert fixed(rules, text) == text  # nothing safe to apply
    assert fixed(rules, text, unsafe=True) == (
        "Probe widens\n\nThe Justice Department opened an inquiry into the Environmental Protection Agency.\n"
    )


def test_possessive_department_and_non_us_department(rules):
    found = run(rules, "Memo\n\nThe Department of State's memo reached the Department for Education.\n")
    assert found == [("ap.organizations", "Department of State's", "State Department's", "unsafe")]


def test_spelling_fixes_are_safe_and_keep_capitals(rules):
    text = "Crowds\n\nTowards noon the crowd moved amongst the stalls. Okay, she said, the e-mail was cancelled.\n"
    assert fixed(rules, text) == "Crowds\n\nToward noon the crowd moved among the stalls. OK, she said, the email was canceled.\n"


def test_lowercase_only_for_words_that_are_names_when_capitalised(rules):
    text = "Show\n\nThe Globe Theatre and Earl Grey stayed; the theatre was grey and her advisor ate a donut.\n"
    assert fixed(rules, text) == "Show\n\nThe Globe Theatre and Earl Grey stayed; the theater was gray and her adviser ate a doughnut.\n"


def test_british_spelling_under_ap_but_not_under_british(rules):
    text = "Plans\n\nThe centre organised a defence programme for the neighbourhood's favourite theatre.\n"
    assert fixed(rules, text) == "Plans\n\nThe center organized a defense program for the neighborhood's favorite theater.\n"
    assert run(rules, text, style="british") == []
    names = "Parties\n\nThe Labour Party met at the Kennedy Centre to advise on the compromise.\n"
    assert run(rules, names) == []


def test_web_terms(rules):
    text = "Online\n\nInternet sales rose on the Internet and on the Web site; Web browsers need wifi.\n"
    assert fixed(rules, text) == "Online\n\nInternet sales rose on the internet and on the website; web browsers need Wi-Fi.\n"


def test_usage(rules):
    text = "Court\n\nThe jury is comprised of 12. He could of left, but he pled guilty at the first annual hearing.\n"
    assert fixed(rules, text) == "Court\n\nThe jury is composed of 12. He could have left, but he pleaded guilty at the first hearing.\n"
    assert [r for r in run(rules, "Rain\n\nIt could of course rain on the African American museum.\n") if r[0] == "ap.usage"] == []


def test_fixes_inside_quotations_are_only_shown(rules):
    found = run(rules, "Talk\n\n\"We walked towards the river,\" she said.\n")
    assert found == [("ap.spelling", "towards", "toward", "display")]


def test_editorializing_skips_quotations(rules):
    text = (
        "Vote\n\n"
        "This is why the council needs to act. \"This is why we need to act, clearly,\" the mayor said.\n\n"
        "The result is shocking, and the mayor, of course, claimed victory. \"It was shocking,\" she admitted.\n"
    )
    found = [(rule, span) for rule, span, _, _ in run(rules, text) if rule == "newsroom.editorializing"]
    assert found == [
        ("newsroom.editorializing", "This is why"),
        ("newsroom.editorializing", "needs to"),
        ("newsroom.editorializing", "shocking"),
        ("newsroom.editorializing", "of course"),
        ("newsroom.editorializing", "admitted"),
    ]


def test_editorializing_leaves_neutral_uses(rules):
    text = (
        "Match\n\n"
        "He needs to win twice more, he said. The bill needs to be approved by the Senate. "
        "Rivera claimed the title and conceded a late goal. She was admitted to hospital.\n"
    )
    assert [r for r in run(rules, text) if r[0] == "newsroom.editorializing"] == []


def test_courtesy_titles_in_narration_only(rules):
    text = "Talk\n\nJane Doe spoke. Mrs. Doe and Mr Roe left. \"Ms. Doe was right,\" he said. She was Miss America.\n"
    found = [r for r in run(rules, text) if r[0] == "newsroom.courtesy-titles"]
    assert found == [
        ("newsroom.courtesy-titles", "Mrs. ", "", "unsafe"),
        ("newsroom.courtesy-titles", "Mr ", "", "unsafe"),
    ]
    assert run(rules, text, style="british") == []


# -- existence: skip_quotes ----------------------------------------------------------------------
def _existence(**options):
    data = {"type": "existence", "message": "'{actual}'", "scope": "paragraph", "tokens": ["clearly"], **options}
    return build_rule(data, None, RULES / "test.yml", "test.clearly")


def _paragraph(text: str) -> Article:
    return Article(source=text, format="text", blocks=(Block("paragraph", "body", text, TextMap.contiguous(0, len(text))),))


TEXT = 'It is clearly late. "It is clearly late," he said. It is “clearly” so.'


def test_existence_reports_inside_quotes_by_default():
    matches = list(_existence().check(_paragraph(TEXT), LintContext()))
    assert [m.start for m in matches] == [6, 27, 58]


def test_existence_skip_quotes():
    matches = list(_existence(skip_quotes=True).check(_paragraph(TEXT), LintContext()))
    assert [(m.start, m.end) for m in matches] == [(6, 13)]
