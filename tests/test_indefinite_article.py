"""The ``indefinite-article`` rule type: "a"/"an" by sound, with letters, figures, acronyms and
the look-alikes it must leave alone."""

from __future__ import annotations

import pytest

from linter import Config, Linter
from linter.loading import bundled_rules_dir, load_rule
from linter.ruletypes.indefinite_article import CONSONANT, VOWEL, number_sound

RULES = bundled_rules_dir()
RULE = load_rule(RULES / "ap" / "indefinite-article.yml", RULES)
LINT = Linter(Config(style="ap"), rules=[RULE])


def findings(text: str):
    return [f for f in LINT.check(text)[1] if f.rule == "ap.indefinite-article"]


RIGHT = [
    "an Oct. 11 letter", "an NYPD officer", "an FBI agent", "an 18-year-old", "an 8 percent rise",
    "a U.S. official", "a one-time payment", "a European bank", "a unanimous vote", "an hour",
    "an honest answer", "a university", "an 11th-hour deal", "an 80-page report", "an 800-mile trip",
    "an 11,000-seat arena", "a 110-year-old bridge", "a 1990s sitcom", "an 1880s mill", "a NATO summit",
    "a NASA probe", "an MRI scan", "an X-ray", "an F-16", "a B-52", "a UN envoy", "an EU rule",
    "an $8 million deal", "a $1 million deal", "a UK-listed firm", "an MSc degree", "a Uefa Cup tie",
    "an uninsured driver", "a usable keyboard", "a historic day", "an heir", "a CIA report",
    "an LAPD detective", "a Utah senator", "an ’80s hit", "a St Petersburg summit", "an HDTV set",
    "an Xbox game", "a once-proud club", "an onerous task", "an umbrella", "a year", "an SUV",
]


@pytest.mark.parametrize("phrase", RIGHT)
def test_right_article_is_left_alone(phrase: str) -> None:
    assert findings(f"She saw {phrase} there.") == []


@pytest.mark.parametrize("phrase", RIGHT)
def test_wrong_article_is_swapped(phrase: str) -> None:
    article, rest = phrase.split(" ", 1)
    wrong = "a" if article == "an" else "an"
    text = f"She saw {wrong} {rest} there."
    (finding,) = findings(text)
    assert text[finding.start:finding.end] == wrong
    assert finding.fix.replacement == article
    assert LINT.fix(text).text == f"She saw {phrase} there."


def test_capitalised_article_keeps_its_capital() -> None:
    text = "A 18-year-old was charged. An European court ruled."
    assert LINT.fix(text).text == "An 18-year-old was charged. A European court ruled."
    assert [f.message for f in findings(text)] == [
        "Write 'An' before '18-year-old': it begins with a vowel sound.",
        "Write 'A' before 'European': it begins with a consonant sound.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Plan A is cheaper, and Vitamin A is an antioxidant.",  # a letter or label, not an article
        "The paper ran Section A Above the fold.",
        "He sang a cappella and argued a priori.",
        "A HUGE WIN FOR THE HOME SIDE",  # shouted capitals
        "AN EXTRAORDINARY YEAR",
        "He bought a herb garden; she wrote an herb guide.",  # either is right
        "Whether it's a on a Bosman or not, he stays.",  # a typo the article cannot mend
        "They had a obtained a copy.",  # stray article before a verb
        "Officials from a METI office spoke.",  # read as a word or as letters? unknown
        "He got an e-mail from an fbi.gov address.",
        "It took a while, a.k.a. forever.",
    ],
)
def test_no_alarm(text: str) -> None:
    assert findings(text) == []


@pytest.mark.parametrize(
    "figure,sound",
    [("8", VOWEL), ("11", VOWEL), ("18", VOWEL), ("80", VOWEL), ("800", VOWEL), ("8,000", VOWEL),
     ("11,500", VOWEL), ("18th", VOWEL), ("1800s", VOWEL), ("1", CONSONANT), ("110", CONSONANT),
     ("180", CONSONANT), ("1,800", CONSONANT), ("2017", CONSONANT), ("118", CONSONANT), ("8.5", VOWEL)],
)
def test_number_sound(figure: str, sound: str) -> None:
    assert number_sound(figure) == sound


def test_quotation_gets_a_display_fix_only() -> None:
    text = '"It was a honour," she said.'
    (finding,) = findings(text)
    assert finding.fix.applicability.value == "display"
    assert LINT.fix(text).text == text
