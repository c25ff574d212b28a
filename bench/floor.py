#!/usr/bin/env python3
"""What a pure-Python linter cannot avoid spending, against the 10x-proselint budget.

    python bench/floor.py [--rounds 5] [--per-folder 250]

Issue 7 asks for ten times proselint's throughput on the benchmark's 500 corpus articles (250
``bbc``, 250 ``buzzfeed_webis``). This script times proselint once on those files, divides by
ten, and sets beside that budget the work every check of a story rests on, each timed alone in
this process (medians of the rounds):

* starting Python and importing the engine (``python -c "import linter.engine"``),
* reading the files, and reading each into an :class:`~linter.article.Article`,
* splitting the paragraphs into sentences, and the paragraphs into words,
* one search per article with a typical word-list matcher (65 phrases as one trie-shaped
  pattern, the way the substitution rules compile theirs), and that times the 51 rules of the
  default set, which is what one pass per rule would cost.

It does not lint: it prices the floor. Skips cleanly without the corpus or proselint.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus"

from compare import corpus_files, fair_environment, proselint_command  # noqa: E402

# Invented spellings to look for; what matters is the size and shape of the pattern.
PHRASES = [f"{stem}{ending}" for stem in ("colo", "favo", "hono", "neighbo", "behavio", "harbo", "humo",
                                           "rumo", "vapo", "vigo", "armo", "flavo", "endeavo")
           for ending in ("ur", "urs", "ured", "uring", "urful")]


def median_time(function, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--per-folder", type=int, default=250)
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"skipped: no corpus at {CORPUS}")
        return 0
    proselint = proselint_command()
    if proselint is None:
        print("skipped: proselint is not installed (pip install proselint)")
        return 0

    import re

    from linter.readers import read_article
    from linter.ruletypes._matching import compile_phrases

    files = corpus_files(args.per_folder)
    texts = [Path(f).read_text(encoding="utf-8") for f in files]
    articles = [read_article(text, "text", None) for text in texts]
    start = time.perf_counter()
    subprocess.run(proselint + ["check", *files], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=fair_environment())
    budget = (time.perf_counter() - start) / 10

    word = re.compile(r"\w+")
    matcher = compile_phrases(PHRASES, ignorecase=True)
    start_up = [sys.executable, "-c", "import linter.engine, linter.readers"]
    parts = {
        "start Python, import the engine": lambda: subprocess.run(start_up, env=fair_environment(), check=True),
        "read the files": lambda: [Path(f).read_text(encoding="utf-8") for f in files],
        "read them into articles": lambda: [read_article(text, "text", None) for text in texts],
        "split sentences": lambda: [len(read_article(text, "text", None).sentences) for text in texts],
        "split words": lambda: [word.findall(b.text.casefold()) for a in articles for b in a.paragraphs],
        "one word-list search per article": lambda: [matcher.search(text) for text in texts],
    }
    timed = {name: median_time(function, args.rounds) for name, function in parts.items()}
    timed["split sentences"] -= timed["read them into articles"]  # it read them again
    timed["one such search per rule (51)"] = timed["one word-list search per article"] * 51

    print(f"{len(files)} articles; budget for 10x proselint: {budget:.2f} s (proselint {budget * 10:.2f} s)\n")
    for name, seconds in timed.items():
        print(f"{name:36} {seconds:7.3f} s  {seconds / budget * 100:6.1f}% of the budget")
    base = sum(timed[k] for k in ("start Python, import the engine", "read the files", "read them into articles",
                                  "split sentences", "split words"))
    print(f"\nstart, reading, sentences and words alone: {base:.3f} s ({base / budget * 100:.0f}% of the budget)")
    print(f"left for 51 rules: {max(budget - base, 0) * 1e6 / len(files) / 51:.1f} microseconds per rule per article")
    return 0


if __name__ == "__main__":
    sys.exit(main())
