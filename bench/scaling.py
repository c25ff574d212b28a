#!/usr/bin/env python3
"""How copydesk's cost grows: with the size of a rule, the number of rules, and article length.

    python bench/scaling.py

1. A substitution rule's swap list grown from 200 to 2,000 entries, and the number of existence
   rules grown tenfold (20 to 200): time per article on the same invented stories. The target
   is at most 1.5 times the time: one combined matcher per rule, not one expression per entry.
2. The full default rule set on one article from 10 KB to 20 MB (an invented story repeated):
   time per megabyte should stay flat (nothing quadratic in paragraphs or sentences).

Everything is generated here (no corpus needed). Times are medians of several runs; the machine
is noisy, so read the ratios.
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


def lint_all(articles, rules) -> None:
    for article in articles:
        lint(article, rules)


def rule_scaling() -> None:
    articles = [read_article(story(12, seed)) for seed in range(40)]
    print("rule size (substitution swap entries) and rule count (existence rules)")
    small_sub = rule("type: substitution\nmessage: m\nfix: safe\nignorecase: true\nswap:\n" + "".join(
        f"  {p}: x{i}\n" for i, p in enumerate(fake_phrases(200, 1))), "bench.sub")
    large_sub = rule("type: substitution\nmessage: m\nfix: safe\nignorecase: true\nswap:\n" + "".join(
        f"  {p}: x{i}\n" for i, p in enumerate(fake_phrases(2000, 1))), "bench.sub")
    a = median_time(lambda: lint_all(articles, [small_sub]))
    b = median_time(lambda: lint_all(articles, [large_sub]))
    print(f"  substitution   200 entries {1000 * a / len(articles):7.3f} ms/article   "
          f"2,000 entries {1000 * b / len(articles):7.3f} ms/article   ratio {b / a:.2f} (target <= 1.5)")

    def existence_rules(count: int):
        phrases = fake_phrases(count * 10, 2)
        return [rule("type: existence\nmessage: m\ntokens:\n" + "".join(f"  - {p}\n" for p in phrases[i * 10:(i + 1) * 10]),
                     f"bench.e{i}") for i in range(count)]

    # Timed one after the other: rules of one kind share a matcher, so the 20-rule run must come
    # before the other 180 rules exist.
    few = existence_rules(20)
    a = median_time(lambda: lint_all(articles, few))
    many = existence_rules(200)
    b = median_time(lambda: lint_all(articles, many))
    print(f"  existence      20 rules    {1000 * a / len(articles):7.3f} ms/article   "
          f"200 rules     {1000 * b / len(articles):7.3f} ms/article   ratio {b / a:.2f} (target <= 1.5)")


def length_scaling(max_mb: float) -> None:
    linter = Linter()
    print("\nfull default rule set, one article of growing length")
    unit = story(8, 7)
    sizes = [10_000, 100_000, 1_000_000, 5_000_000, 20_000_000]
    base = None
    for size in sizes:
        if size > max_mb * 1_000_000:
            break
        text = (unit * (size // len(unit) + 1))[:size]
        text = text[: text.rfind("\n\n")] + "\n"
        repeats = 3 if size <= 1_000_000 else 1
        seconds = median_time(lambda: linter.check(text), repeats)
        per_mb = seconds / (len(text) / 1_000_000)
        base = base or per_mb
        print(f"  {len(text) / 1000:10,.0f} KB  {seconds:8.2f} s   {per_mb:7.2f} s/MB   x{per_mb / base:.2f} of the 10 KB rate")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-mb", type=float, default=20.0, help="largest article to time (MB)")
    args = parser.parse_args()
    rule_scaling()
    length_scaling(args.max_mb)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
