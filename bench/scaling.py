#!/usr/bin/env python3
"""How copydesk's cost grows: with the size of a rule, the number of rules, and article length.

    python bench/scaling.py                      # everything, articles up to 20 MB
    python bench/scaling.py --max-mb 1           # a short run: articles up to 1 MB
    python bench/scaling.py --length-only --per-rule   # s/MB of each rule as articles grow

1. A substitution rule's swap list grown from 200 to 2,000 entries, and the number of existence
   rules grown tenfold (20 to 200): time per article on the same invented stories, for phrase
   lists the stories' words rule out, lists whose words are all in the stories but never as
   the phrase, and lists the stories partly hold. The target is at most 1.5 times the time:
   one combined matcher per rule, not one expression per entry.
2. The full default rule set on one article of 10 KB, 100 KB, 1 MB, 5 MB and 20 MB (an invented
   police-and-council story repeated: places, a department from another city, quotations,
   dates, courtesy titles, so that every newsroom check has work): seconds per megabyte should
   stay flat (nothing quadratic in paragraphs, sentences or mentions). ``--per-rule`` times each
   rule alone on the read article and lists the rules whose rate grows most.

Everything is generated here (no corpus needed). Times are medians of several runs (one run
from 5 MB up); the machine is noisy, so read the ratios.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from linter import Linter, read_article
from linter.engine import lint
from linter.loading import build_rule, parse_yaml
from linter.ruletypes.existence import SharedPhrases

WORDS = (
    "council mayor budget police officers city residents vote plan water street school parents "
    "hospital court judge state federal agency report said told Tuesday spokesman program money "
    "housing rent tenants landlord inspection permit bridge repair road traffic transit bus fare"
).split()


def story(paragraphs: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    body = []
    for _ in range(paragraphs):
        sentences = []
        for _ in range(rng.randint(2, 4)):
            words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
            words[0] = words[0].capitalize()
            sentences.append(" ".join(words) + ".")
        body.append(" ".join(sentences))
    return "City council weighs new budget\n\n" + "\n\n".join(body) + "\n"


def fake_phrases(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    return sorted({"".join(rng.choice(letters) for _ in range(rng.randint(5, 11))) + rng.choice(["", " " + rng.choice(WORDS)])
                   for _ in range(count * 2)})[:count]


def rule(yaml_text: str, rid: str):
    data, node = parse_yaml(yaml_text, "bench.yml")
    return build_rule(data, node, Path("bench.yml"), rid)


def median_time(function, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def found(articles, rules) -> str:
    """Findings per article."""
    return f"{sum(len(lint(article, tuple(rules))) for article in articles) / len(articles):.1f}/article"


def lint_all(articles, rules) -> None:
    rules = tuple(rules)  # as a Linter holds them
    for article in articles:
        lint(article, rules)


def rule_scaling() -> None:
    articles = [read_article(story(12, seed)) for seed in range(40)]
    print("rule size (substitution swap entries) and rule count (existence rules)")
    # Three kinds of phrase list, each a path a real list takes through the matching:
    # - invented phrases: their words are not in the stories, so the word check skips them;
    # - the stories' words, absent: every word of every phrase is in every story, but never
    #   as the phrase (joined by a comma, which the stories never use), so each story passes
    #   the word check and one search of the whole story (RE2) has to rule it out;
    # - the stories' words, present: word sequences the stories do hold, so the matcher runs
    #   and a list ten times longer also finds several times more (shown; the target is about
    #   the cost of a longer list, not of more findings).
    kinds = (("invented phrases", fake_phrases, True), ("the stories' words, absent", absent_phrases, True),
             ("the stories' words, present", story_word_phrases, False))

    def substitution(phrases: list[str]):
        return rule("type: substitution\nmessage: m\nfix: safe\nignorecase: true\nswap:\n" + "".join(
            f"  {p}: x{i}\n" for i, p in enumerate(phrases)), "bench.sub")

    for label, phrases_of, targeted in kinds:
        small, large = substitution(phrases_of(200, 1)), substitution(phrases_of(2000, 1))
        a = median_time(lambda: lint_all(articles, [small]))
        b = median_time(lambda: lint_all(articles, [large]))
        target = "target <= 1.5; " if targeted else f"findings {found(articles, [small])} -> {found(articles, [large])}; "
        print(f"  substitution   200 entries {1000 * a / len(articles):7.3f} ms/article   "
              f"2,000 entries {1000 * b / len(articles):7.3f} ms/article   ratio {b / a:.2f} ({target}{label})")

    def existence_rules(count: int, phrases_of):
        phrases = phrases_of(count * 10, 2)
        return [rule("type: existence\nmessage: m\ntokens:\n" + "".join(f"  - {p!r}\n" for p in phrases[i * 10:(i + 1) * 10]),
                     f"bench.e{i}") for i in range(count)]

    # Timed one kind after the other: rules of one kind share a matcher, so the 20-rule run
    # must come before the other 180 rules exist.
    for label, phrases_of, targeted in kinds:
        SharedPhrases._registry.clear()
        few = existence_rules(20, phrases_of)
        a = median_time(lambda: lint_all(articles, few))
        many = existence_rules(200, phrases_of)
        b = median_time(lambda: lint_all(articles, many))
        target = "target <= 1.5; " if targeted else f"findings {found(articles, few)} -> {found(articles, many)}; "
        print(f"  existence      20 rules    {1000 * a / len(articles):7.3f} ms/article   "
              f"200 rules     {1000 * b / len(articles):7.3f} ms/article   ratio {b / a:.2f} ({target}{label})")
    SharedPhrases._registry.clear()


def story_word_phrases(count: int, seed: int) -> list[str]:
    """Phrases of three words the stories use, in random order (some occur in the stories)."""
    rng = random.Random(seed)
    found: set[str] = set()
    while len(found) < count:
        found.add(" ".join(rng.sample(WORDS, 3)))
    return sorted(found)


def absent_phrases(count: int, seed: int) -> list[str]:
    """Two words the stories use, joined by a comma: all the words are there, never the phrase."""
    rng = random.Random(seed)
    found: set[str] = set()
    while len(found) < count:
        found.add(", ".join(rng.sample(WORDS, 2)) + ("" if len(found) % 2 else ", " + rng.choice(WORDS)))
    return sorted(found)


# An invented story (no corpus text), repeated to make long articles.
LONG_HEADLINE = "New Orleans council backs overhaul of police overtime rules"
LONG_PARAGRAPHS = (
    "NEW ORLEANS (AP) — The New Orleans City Council voted 5-2 on Thursday, Oct. 12, to overhaul how the "
    "NOPD pays overtime, after an audit found that some officers billed more than 80 hours a week.",
    "Council member Dana Whitcombe, who wrote the measure, said the New Orleans Police Department had "
    "“lost track of who was working and who was only on paper.” The audit covered 2019 through 2022.",
    "Mr. Alvarez, the department's deputy chief, told the council that the NOPD would adopt a new scheduling "
    "system by January and that supervisors would sign off on every shift longer than 12 hours.",
    "The audit, released in September by the city's inspector general, found $4.3 million in overtime that "
    "could not be matched to a shift, a court date or a detail at a Saints game in the Superdome.",
    "“This is taxpayer money, and people in Gentilly and the Lower Ninth Ward deserve to know where it goes,” "
    "Whitcombe said during Thursday's meeting, which ran past 9 p.m.",
    "Police union president Carl Mayeux said officers work long hours because the department is short of "
    "about 300 officers, and that a former NYPD sergeant hired as a consultant had praised their dedication.",
    "The measure caps paid details at 24 hours a week, requires a supervisor's sign-off for court overtime "
    "and orders a quarterly report to the council, starting on April 1, 2024.",
    "Mayor Helen Broussard is expected to sign the ordinance next week. Her office said in a statement that "
    "it “welcomes any step that restores trust” in the NOPD.",
    "Two council members voted against it, saying the city should wait for a federal monitor's review. The "
    "department has been under a federal consent decree since 2013.",
    "The council will take up the department's budget, including a request for 150 new recruits, at a "
    "hearing on Nov. 7 at City Hall on Perdido Street.",
)
SIZES = (10_000, 100_000, 1_000_000, 5_000_000, 20_000_000)


def long_article(size: int) -> str:
    """A plain-text story of about ``size`` characters: the headline, then the paragraphs
    repeated, cut at a paragraph end."""
    unit = "\n\n".join(LONG_PARAGRAPHS)
    copies = max(1, size // (len(unit) + 2) + 1)
    text = LONG_HEADLINE + "\n\n" + "\n\n".join([unit] * copies)
    if len(text) > size:
        text = text[: max(text.rfind("\n\n", 0, size), len(LONG_HEADLINE) + 2 + len(LONG_PARAGRAPHS[0]))]
    return text + "\n"


def length_scaling(max_mb: float, per_rule: bool) -> None:
    linter = Linter()
    linter.check(long_article(10_000))  # load the word tables and gazetteers before timing
    print("\nfull default rule set, one article of growing length")
    print(f"  {'size':>10}  {'seconds':>8}  {'s/MB':>7}  of the 10 KB rate")
    base = None
    rates: dict[str, list[float]] = {}
    timed: list[int] = []
    for size in SIZES:
        if size > max_mb * 1_000_000:
            break
        text = long_article(size)
        megabytes = len(text) / 1_000_000
        repeats = 3 if size <= 1_000_000 else 1
        seconds = median_time(lambda: linter.check(text), repeats)
        per_mb = seconds / megabytes
        base = base or per_mb
        print(f"  {len(text) / 1000:8,.0f} KB  {seconds:8.2f}  {per_mb:7.2f}  x{per_mb / base:.2f}", flush=True)
        if per_rule:
            # One run of each rule after a whole lint of the same article object, so every size
            # is timed alike: the article's sentences and quotations are already split, and the
            # existence rules' shared phrase pass is done (it is charged to the warm-up).
            timed.append(size)
            article = read_article(text)
            lint(article, linter.rules, linter.context)
            for rule_ in linter.rules:
                spent = median_time(lambda: list(rule_.check(article, linter.context)), 1)
                rates.setdefault(rule_.spec.id, []).append(spent / megabytes)
    if per_rule and len(timed) > 1:
        print("\nper rule, s/MB (the ten whose rate grows most from the smallest to the largest article)")
        print(f"  {'rule':36}" + "".join(f"{s / 1_000_000:>9g}MB" for s in timed) + "   growth")
        growth = sorted(rates.items(), key=lambda kv: -(kv[1][-1] / max(kv[1][0], 1e-6)))
        for rule_id, row in growth[:10]:
            print(f"  {rule_id:36}" + "".join(f"{r:11.3f}" for r in row) + f"   x{row[-1] / max(row[0], 1e-6):.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-mb", type=float, default=20.0, help="largest article to time (MB; default 20)")
    parser.add_argument("--length-only", action="store_true", help="skip the rule-size part")
    parser.add_argument("--per-rule", action="store_true", help="also time each rule alone at each length")
    args = parser.parse_args()
    if not args.length_only:
        rule_scaling()
    length_scaling(args.max_mb, args.per_rule)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
