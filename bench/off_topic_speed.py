"""Cost of the ``newsroom.off-topic`` rule: one-off load time and milliseconds per 1,000 words.

The target (issue 4) is at most 10 ms per 1,000-word article for the default method. The rule is
timed alone, through ``RuleType.check`` on already-read articles, so reading and the other rules
are not counted. Articles come from ``../shared/corpus`` when it is present (read only, never
copied), else from an invented ~1,000-word story:

    python bench/off_topic_speed.py                 # 300 corpus articles, 3 rounds
    python bench/off_topic_speed.py --articles 1000 --rounds 5

Check times are CPU seconds of this process, each article under the engine's pattern budget.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from linter.loading import load_rule  # noqa: E402
from linter.patterns import DEFAULT_BUDGET, time_budget  # noqa: E402
from linter.readers import read_article  # noqa: E402
from linter.ruletypes.base import LintContext  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
RULE = ROOT / "rules" / "newsroom" / "off-topic.yml"

# Invented paragraphs for a transit story, used when the corpus is absent.
INVENTED = [
    "The Millbrook City Council voted 7-2 on Tuesday to expand the city's bus service, adding three "
    "routes and late-night buses on weekends after a study found east-end riders waited twice as long.",
    "The plan will cost about $4.2 million a year and takes effect in March, extending Route 12 to the "
    "Eastgate shopping district and adding a crosstown route along Harmon Avenue.",
    "Council member Rosa Delgado said the study confirmed what her constituents had told her for years. "
    "\"People are missing shifts because the bus never comes,\" she said.",
    "The transit authority plans to hire 25 drivers before March and will hold public meetings on the "
    "new routes at the Eastgate library next month, a spokeswoman said.",
    "Ridership fell by a third after the council cut weekend service in 2011 to close a budget gap, and "
    "the authority has since lost drivers to neighbouring systems that pay more.",
]


def corpus_sources(count: int, seed: int) -> list[str]:
    files = sorted(p for p in CORPUS.glob("*/*.txt"))
    random.Random(seed).shuffle(files)
    return [p.read_text(encoding="utf-8") for p in files[:count]]


def invented_sources(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        paragraphs = [rng.choice(INVENTED) for _ in range(28)]  # about 1,000 words
        out.append("Millbrook expands bus service\n\n" + "\n\n".join(paragraphs) + "\n")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--invented", action="store_true", help="use the invented story even when the corpus is there")
    args = parser.parse_args()

    started = time.perf_counter()
    rule = load_rule(RULE, ROOT / "rules")
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    rule.word_weights  # noqa: B018 - the wordfreq table loads on first use; time it apart
    table_seconds = time.perf_counter() - started

    use_corpus = CORPUS.is_dir() and not args.invented
    sources = corpus_sources(args.articles, args.seed) if use_corpus else invented_sources(args.articles, args.seed)
    articles = [read_article(text, "text") for text in sources]
    words = sum(len(a.body_text.split()) for a in articles)
    context = LintContext()
    per_round = []
    for _ in range(args.rounds):
        # CPU time of this process (steadier than wall time on a shared machine), each check
        # under a pattern budget as the engine runs it (the budgeted engines cost more per call).
        started = time.process_time()
        for article in articles:
            with time_budget(DEFAULT_BUDGET):
                list(rule.check(article, context))
        per_round.append(time.process_time() - started)
    best = min(per_round)
    print(f"articles: {len(articles)} ({'corpus' if use_corpus else 'invented'}), {words} body words")
    print(f"rule load (YAML, gazetteer): {1000 * load_seconds:.0f} ms; wordfreq table, once per process: "
          f"{1000 * table_seconds:.0f} ms")
    print(f"check: {1000 * best / len(articles):.2f} ms per article, {1000 * best * 1000 / words:.2f} ms per 1,000 words "
          f"(best of {args.rounds}; median {1000 * statistics.median(per_round) * 1000 / words:.2f}; first round, "
          f"word cache cold, {1000 * per_round[0] * 1000 / words:.2f})")


if __name__ == "__main__":
    main()
