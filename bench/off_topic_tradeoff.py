"""Recall against false alarms for ``newsroom.off-topic`` as the threshold moves; plot and refit.

Two measurements, drawn as two curves in ``docs/off-topic-tradeoff.png`` with the rule's default
threshold marked on each:

* the dev set (``../shared/eval/dev``): off-topic cases and clean articles, matched as
  ``score.py`` matches them (a finding overlapping the planted paragraph);
* planted corpus paragraphs: articles of ``../shared/corpus`` that the dev set does not use
  (neither as case, donor nor clean article), each with one paragraph (30 to 110 words) from
  another random article inserted after the second paragraph and before the last; false alarms
  are counted on the same articles untouched. By default only professional newsrooms (BBC, ABC,
  CNN, Politico) count as clean articles, as in the dev set; ``--all-sources`` counts all.

``--fit`` refits the weights (logistic regression on standardised features, L2 penalty, Newton
steps; numpy) on the planted paragraphs and prints the YAML ``bias`` and ``weights`` to paste into
``rules/newsroom/off-topic.yml``; no dev case is ever used for fitting. The corpus text is read
in memory and never written anywhere.

    python bench/off_topic_tradeoff.py                 # plot with the rule's current weights
    python bench/off_topic_tradeoff.py --fit           # print refitted weights, then plot
    python bench/off_topic_tradeoff.py --no-plot       # figures only

Needs numpy and matplotlib (bench-only: ``pip install matplotlib``).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from linter.loading import load_rule  # noqa: E402
from linter.readers import read_article  # noqa: E402
from linter.ruletypes.off_topic import FEATURES, Evidence, OffTopic  # noqa: E402

SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
DEV = SHARED / "eval" / "dev"
RULE = ROOT / "rules" / "newsroom" / "off-topic.yml"
OUT = ROOT / "docs" / "off-topic-tradeoff.png"
PROFESSIONAL = re.compile(r"^(?:bbc/|buzzfeed_webis/(?:abc|cnn|politico)_)")


@dataclass
class Story:
    """One scored story: the evidence of its paragraphs and, for a planted one, the target."""

    evidence: list[Evidence]
    planted: int | None  # index of the planted paragraph (None for a clean story)
    clean: bool  # counts for false alarms
    host: str


def score(rule: OffTopic, text: str) -> tuple[list[Evidence], list]:
    article = read_article(text, "text")
    blocks = [b for b in article.paragraphs if b.text.strip()]
    headline = article.headline.text if article.headline else ""
    return rule.score_story(headline, [b.text for b in blocks]), blocks


def flagged(rule: OffTopic, evidence: list[Evidence], threshold: float) -> list[Evidence]:
    if len(evidence) < rule.min_paragraphs:
        return []
    rule.threshold = threshold
    return rule._select(evidence)


# -- the dev set --------------------------------------------------------------------------------
def dev_stories(rule: OffTopic) -> tuple[list[tuple[list[Evidence], list, dict]], list[list[Evidence]]]:
    gold = [json.loads(line) for line in (DEV / "gold.jsonl").open(encoding="utf-8")]
    cases = []
    for g in gold:
        if g["category"] != "off-topic":
            continue
        evidence, blocks = score(rule, (DEV / "cases" / g["case"]).read_text(encoding="utf-8"))
        cases.append((evidence, blocks, g))
    clean = [score(rule, p.read_text(encoding="utf-8"))[0] for p in sorted((DEV / "clean").glob("*.txt"))]
    return cases, clean


def dev_point(rule: OffTopic, cases, clean, threshold: float) -> tuple[float, float]:
    hits = 0
    for evidence, blocks, g in cases:
        spans = [(blocks[e.index].source_start, blocks[e.index].source_end) for e in flagged(rule, evidence, threshold)]
        hits += any(start < g["end"] and g["start"] < end for start, end in spans)
    alarms = sum(len(flagged(rule, evidence, threshold)) for evidence in clean)
    return hits / max(1, len(cases)), 100 * alarms / max(1, len(clean))


# -- planted corpus paragraphs ------------------------------------------------------------------
def dev_articles() -> set[str]:
    used: set[str] = set()
    if (DEV / "gold.jsonl").is_file():
        for line in (DEV / "gold.jsonl").open(encoding="utf-8"):
            g = json.loads(line)
            used.add(g["source"])
            donor = re.search(r"donor (\S+)", g.get("note", ""))
            if donor:
                used.add(donor.group(1))
        used |= {p.name.replace("__", "/", 1) for p in (DEV / "clean").glob("*.txt")}
    duplicates = CORPUS / "DUPLICATES.tsv"
    if duplicates.is_file():
        for line in duplicates.open(encoding="utf-8"):
            used |= {f for f in line.strip().split("\t")[1:] if f.endswith(".txt")}
    return used


def split(text: str) -> tuple[str, list[str]]:
    parts = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return parts[0], parts[1:]


def planted_stories(rule: OffTopic, *, seed: int, plants: int, all_sources: bool, limit: int | None) -> list[Story]:
    rng = random.Random(seed)
    used = dev_articles()
    files = sorted(str(p.relative_to(CORPUS)) for p in CORPUS.glob("*/*.txt"))
    files = [f for f in files if f not in used]
    rng.shuffle(files)
    texts = {f: split((CORPUS / f).read_text(encoding="utf-8")) for f in files}
    hosts = [f for f in files if len(texts[f][1]) >= 5 and "\n" not in texts[f][0]]
    if limit:
        hosts = hosts[:limit]
    donors = [f for f in files if any(30 <= len(p.split()) <= 110 for p in texts[f][1])]
    stories = []
    for host in hosts:
        headline, paragraphs = texts[host]
        clean = all_sources or bool(PROFESSIONAL.match(host))
        evidence, _ = score(rule, headline + "\n\n" + "\n\n".join(paragraphs))
        stories.append(Story(evidence, None, clean, host))
        for _ in range(plants):
            donor = rng.choice(donors)
            while donor == host:
                donor = rng.choice(donors)
            pasted = rng.choice([p for p in texts[donor][1] if 30 <= len(p.split()) <= 110])
            at = rng.randint(2, len(paragraphs) - 1)
            body = paragraphs[:at] + [pasted] + paragraphs[at:]
            evidence, _ = score(rule, headline + "\n\n" + "\n\n".join(body))
            stories.append(Story(evidence, at, clean, host))
    return stories


def planted_point(rule: OffTopic, stories: list[Story], threshold: float) -> tuple[float, float]:
    planted = [s for s in stories if s.planted is not None and s.clean]
    clean = [s for s in stories if s.planted is None and s.clean]
    hits = sum(any(e.index == s.planted for e in flagged(rule, s.evidence, threshold)) for s in planted)
    alarms = sum(len(flagged(rule, s.evidence, threshold)) for s in clean)
    return hits / max(1, len(planted)), 100 * alarms / max(1, len(clean))


# -- fitting ------------------------------------------------------------------------------------
def fit(rule: OffTopic, stories: list[Story], l2: float = 10.0) -> tuple[float, dict[str, float]]:
    """Logistic regression: planted paragraphs against the paragraphs of untouched articles."""
    import numpy as np

    rows, labels = [], []
    for s in stories:
        last = len(s.evidence) - 1
        for e in s.evidence:
            if e.index < rule.protect_first or e.index == last or e.words < rule.min_words:
                continue
            if s.planted is None:
                rows.append([e.features[n] for n in FEATURES]); labels.append(0.0)
            elif e.index == s.planted:
                rows.append([e.features[n] for n in FEATURES]); labels.append(1.0)
    x, y = np.array(rows), np.array(labels)
    mean, spread = x.mean(0), x.std(0) + 1e-9
    z = np.hstack([(x - mean) / spread, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    penalty = l2 * np.eye(len(w)); penalty[-1, -1] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-z @ w))
        gradient = z.T @ (p - y) + penalty @ w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + penalty
        w -= np.linalg.solve(hessian, gradient)
    raw = w[:-1] / spread
    bias = float(w[-1] - (raw * mean).sum())
    return bias, {n: float(c) for n, c in zip(FEATURES, raw)}


def rescore(rule: OffTopic, evidence: list[Evidence]) -> None:
    """Scores from new weights; the features do not change."""
    last = len(evidence) - 1
    for e in evidence:
        e.score = rule.bias + sum(w * e.features[n] for n, w in rule.weights.items())
        if e.index == last:
            e.score -= rule.kicker_penalty


# -- main ---------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--plants", type=int, default=3, help="planted copies of each host article (default 3)")
    parser.add_argument("--limit", type=int, help="at most this many host articles")
    parser.add_argument("--all-sources", action="store_true", help="count every corpus folder as clean articles")
    parser.add_argument("--fit", action="store_true", help="refit the weights on the planted set and print them")
    parser.add_argument("--no-plot", action="store_true")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if not CORPUS.is_dir() or not DEV.is_dir():
        sys.exit(f"needs {CORPUS} and {DEV} (the shared evaluation data)")

    rule = load_rule(RULE, ROOT / "rules")
    default = rule.threshold
    stories = planted_stories(rule, seed=args.seed, plants=args.plants, all_sources=args.all_sources, limit=args.limit)
    if args.fit:
        bias, weights = fit(rule, stories)
        print(f"bias: {bias:.3f}\nweights:\n" + "\n".join(f"  {n}: {w:.3f}" for n, w in weights.items()))
        rule.bias, rule.weights = bias, weights
        for s in stories:
            rescore(rule, s.evidence)
    cases, clean = dev_stories(rule)  # scored with the rule's (possibly refitted) weights

    thresholds = [t / 8 for t in range(-24, 41)]
    dev = [dev_point(rule, cases, clean, t) for t in thresholds]
    planted = [planted_point(rule, stories, t) for t in thresholds]
    n_planted = sum(1 for s in stories if s.planted is not None and s.clean)
    n_clean = sum(1 for s in stories if s.planted is None and s.clean)
    print(f"dev: {len(cases)} off-topic cases, {len(clean)} clean articles; planted: {n_planted} planted paragraphs, "
          f"{n_clean} clean articles ({'all sources' if args.all_sources else 'professional newsrooms'})")
    print(f"{'threshold':>9} {'dev recall':>10} {'dev alarms':>10} {'planted recall':>14} {'planted alarms':>14}")
    for t, (dr, da), (pr, pa) in zip(thresholds, dev, planted):
        if abs(t * 4 - round(t * 4)) < 1e-9 and -1.5 <= t <= 3:
            mark = "  <- default" if abs(t - default) < 1e-9 else ""
            print(f"{t:>9.2f} {dr:>10.3f} {da:>10.1f} {pr:>14.3f} {pa:>14.2f}{mark}")
    dr, da = dev_point(rule, cases, clean, default)
    pr, pa = planted_point(rule, stories, default)
    print(f"default threshold {default}: dev recall {dr:.3f} at {da:.1f} alarms/100; planted recall {pr:.3f} at {pa:.2f} alarms/100")
    if args.no_plot:
        return

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 5))
    ax.plot([a for _, a in dev], [r for r, _ in dev], "-o", ms=3, color="tab:blue",
            label=f"dev set ({len(cases)} cases, {len(clean)} clean articles)")
    ax.plot([a for _, a in planted], [r for r, _ in planted], "-", color="tab:orange",
            label=f"planted corpus paragraphs ({n_planted}; {n_clean} clean articles; the fit set)")
    # Labels in the empty area right of the curves, joined to their stars.
    for (r, a), colour, where in (((dr, da), "tab:blue", (8, 0.78)), ((pr, pa), "tab:orange", (10, 0.88))):
        ax.plot([a], [r], "*", ms=16, color=colour, markeredgecolor="black")
        ax.annotate(f"default threshold {default:g}:\nrecall {r:.2f} at {a:.1f}", (a, r), textcoords="data",
                    xytext=where, fontsize=8, color=colour, bbox={"fc": "white", "ec": "none", "alpha": 0.9}, arrowprops={"arrowstyle": "-", "color": colour, "lw": 0.8})
    ax.axvline(5, color="grey", ls=":", lw=1)
    ax.axhline(0.85, color="grey", ls=":", lw=1)
    ax.text(5.3, 0.52, "target: recall ≥ 0.85\nat ≤ 5 alarms / 100", fontsize=8, color="grey")
    ax.set_xlim(0, 30)
    ax.set_ylim(0.5, 1.0)
    ax.set_xlabel("false alarms per 100 clean articles")
    ax.set_ylabel("recall of planted off-topic paragraphs")
    ax.set_title("newsroom.off-topic: recall against false alarms as the threshold moves")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out, dpi=120)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
