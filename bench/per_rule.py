#!/usr/bin/env python3
"""What each rule of the default set costs per article, on the benchmark's 500 corpus articles.

    python bench/per_rule.py [--per-folder 250] [--top 30]

Reads the same articles as ``bench/compare.py`` (250 ``bbc``, 250 ``buzzfeed_webis``), checks
one story first so that one-off loading is not counted, then runs each rule alone on every
article (CPU time) and prints milliseconds per article, costliest first. Work the rules share
(sentence splitting, the article's vocabulary) is counted against the first rule that asks
for it. Skips cleanly without the corpus.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from compare import CORPUS, corpus_files  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-folder", type=int, default=250)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"skipped: no corpus at {CORPUS}")
        return 0

    from linter import Linter
    from linter.engine import lint
    from linter.readers import read_article

    texts = [Path(f).read_text(encoding="utf-8") for f in corpus_files(args.per_folder)]
    linter = Linter()
    linter.check(texts[0], "text")
    cost: collections.Counter[str] = collections.Counter()
    for text in texts:
        article = read_article(text, "text", None)
        for rule in linter.rules:
            start = time.process_time()
            lint(article, (rule,), linter.context)
            cost[rule.spec.id] += time.process_time() - start
    total = sum(cost.values())
    print(f"{len(texts)} articles; all {len(linter.rules)} rules: {1000 * total / len(texts):.2f} ms per article\n")
    for rule_id, seconds in cost.most_common(args.top):
        print(f"  {rule_id:40} {1000 * seconds / len(texts):6.3f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
