"""``off-topic``: a paragraph pasted in from another story.

Content farms and hurried updates paste paragraphs from one story into another. A pasted
paragraph is about other people, other places and other things: its rare words and its names
turn up nowhere else in the story, and it often keeps the typographic habits of the site it came
from. Each body paragraph after the top of the story is scored from evidence of that kind:

* **key terms**: the paragraph's words weighted by rarity in English (the ``wordfreq`` package's
  frequency table: "the" weighs nothing, "quarterback" a lot); the share of that weight found
  elsewhere in the story (headline and other paragraphs), in the neighbouring paragraphs, among
  its rare words; how much of the story's recurring vocabulary it echoes; and the likelihood of
  its words under the rest of the story against their likelihood in English at large;
* **names** (capitalised words: people, places, organisations): how many it has and how many of
  them the rest of the story also has;
* **calibration within the story**: its cohesion set against the story's other paragraphs and
  the story's length, so that a loose feature and a tight news brief need not share one cut;
* **form**: long paragraphs carry more evidence; quotations are looser than narrative; straight
  quotation marks, double hyphens or "Mr" without a full stop in a story that writes them
  otherwise suggest text copied from elsewhere;
* **position**: the lede and the paragraph after it set the story's subject and are never
  flagged; the last paragraph (the kicker) needs more evidence; short paragraphs are left alone,
  and so are credit lines and sign-offs (``skip_patterns``).

The score is a weighted sum of those features; the weights and the threshold live in the rule's
YAML (fitted offline, by logistic regression, on paragraphs planted in news articles). Apart from
the score, a paragraph that makes another city of the same country act ("Philadelphia is
violating ...") where the story is about one city (New Orleans) is reported as a place conflict;
cities come from the shared gazetteer. Each finding explains its evidence in words and offers
removal of the paragraph as a display-only fix.
"""

from __future__ import annotations

import bisect
import math
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from operator import itemgetter
from typing import Any, Callable, Container, Iterable, Mapping, NamedTuple, Sequence

from ..article import Article, Block
from ..findings import Applicability, Edit
from ..patterns import compile_re, stop_if_late
from .base import LintContext, Match, RuleConfigError, RuleType, combined_pattern

#: The features of the score, each with the weight the YAML gives it.
FEATURES = (
    "coverage",  # share of the paragraph's key-term weight found elsewhere in the story
    "neighbours",  # share found in the two paragraphs either side
    "rare_coverage",  # share of its rare-word weight found elsewhere
    "core_echo",  # log(1 + weight of the story's recurring terms it repeats)
    "names",  # log(1 + distinct names)
    "shared_names",  # log(1 + distinct names found elsewhere in the story)
    "coverage_vs_min",  # coverage minus the lowest coverage among the story's other paragraphs
    "support_vs_median",  # support (repetition-weighted coverage) minus the story's median
    "length",  # log(words)
    "style_mismatch",  # typographic families in which it differs from a consistent story
    "quoted_share",  # share of its characters inside double quotation marks
    "unshared_rare",  # log(1 + weight of its rare words found nowhere else)
    "story_length",  # log(number of paragraphs)
    "likelihood",  # mean log-likelihood ratio of its words: rest of the story vs English
)

# A word: letters with inner apostrophes, hyphens or full stops ("O'Brien", "U.S.", "Jean-Luc").
_WORD = compile_re(r"[^\W\d_]+(?:['’\-.][^\W\d_]+)*")
# What may stand just before a sentence-initial word: nothing, a sentence end, an opening quote.
_SENTENCE_START = compile_re(r"(?:^|[.!?][\"'”’)\]]*\s+|[\"“‘(:—–]\s*)$")
# A word that opens a sentence: the ``_SENTENCE_START`` context within the four characters
# before it (a sentence end, up to two closing marks and white space; or an opening mark and up
# to three spaces), then the word. Its ``findall`` gives the words of ``_WORD`` that stand there.
_CLOSERS = "[\"'”’)\\]]"
_INITIAL_WORD = compile_re(
    rf"(?:[.!?](?:\s{{1,3}}|{_CLOSERS}\s{{1,2}}|{_CLOSERS}{{2}}\s)|[\"“‘(:—–]\s{{0,3}})"
    rf"({_WORD.pattern})"
)
_QUOTED = compile_re(r"“[^”]*”?|\"[^\"]*\"?")

# Typographic habits a newsroom keeps the same throughout a story and a pasted paragraph brings
# from its own site: (family, variant names), matched by one combined pattern whose groups are
# named f<family>_<variant>.
_STYLE_FAMILIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("quotation marks", ("straight", "curly")),
    ("dashes", ("--", "—", " - ")),
    ("courtesy titles", ("Mr.", "Mr")),
)
# Single characters are counted with ``str.count`` (``_style_counts``); the variants that need
# context have patterns of their own, each tried only when its marks occur at all.
_DOUBLE_HYPHEN = compile_re(r"(?<=\w)\s?--\s?(?=\w)")
_SPACED_HYPHEN = compile_re(r"(?<=\w) - (?=\w)")
_TITLE = compile_re(r"\b(?:Mrs|Mr|Ms|Dr)\b(\.?)")  # group 1: "." after it, or ""

# Capitalised words at least this common are not names ("New", "He", "The").
_COMMON_ZIPF = 5.5
# A run of capitalised words, with the small words that join names ("Bank of England").
_NAME_RUN = compile_re(
    r"[A-ZÀ-Þ][\w'’.\-]*(?:\s+(?:(?:of|de|del|la|le|van|von|der|du|da|al|bin|the|and|&)\s+)*[A-ZÀ-Þ][\w'’.\-]*)*"
)
# Leading words of a name run that are not part of the topic ("The", "Mr", "But").
_RUN_OPENERS = frozenset(
    "the a an mr mrs ms dr sir but and in on at for as when while after before if he she they it we i this that "
    "these those his her their its our so also meanwhile however still yet now then there here what why how who "
    "where said says according".split()
)
# After a city that acts ("Philadelphia is violating", "Philadelphia's policies"), unlike a city
# that only modifies or locates ("a Chicago federal judge", "in Chicago").
_ACTOR_FOLLOWER = compile_re(
    r"['’]s\b|\s+(?:is|was|has|had|have|will|would|could|can|does|did|must|should|may|might|says|said|argues|"
    r"claims|insists|wants|plans|passed|voted|refused|violates|violated|remains|became|becomes)\b"
)


# -- word weights -------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _frequencies() -> Mapping[str, float] | None:
    """wordfreq's English table (word -> frequency). Importing wordfreq and unpacking its list
    takes about half a second, so the first run on a machine stores the table in copydesk's
    cache folder and later runs look up only the words they meet (:mod:`linter.wordtables`).
    ``None`` (said once on stderr) when the package is missing: the rule then reports nothing."""
    from ..wordtables import english_frequencies

    table = english_frequencies()
    if table is None:
        sys.stderr.write("copydesk: off-topic checks skipped: the 'wordfreq' package is not installed\n")
    return table


_CACHE_LIMIT = 200_000


class WordWeights:
    """Rarity of English words: ``zipf`` (log10 of frequency per billion words) and a weight
    ``min(max_weight, max(0, cap - zipf))``, memoised per word."""

    def __init__(self, cap: float = 6.5, max_weight: float = 4.0) -> None:
        self.cap, self.max_weight = cap, max_weight
        self.table = _frequencies() or {}
        self.available = _frequencies() is not None
        self.cache: dict[str, tuple[float, float]] = {}
        self.entries: dict[tuple[str, int], tuple[str, float, float]] = {}
        self.token_tables: dict[Settings, _Tokens] = {}

    def __call__(self, word: str) -> tuple[float, float]:
        found = self.cache.get(word)
        if found is None:
            frequency = self.table.get(word)
            zipf = math.log10(frequency) + 9.0 if frequency else 0.0
            found = (zipf, min(self.max_weight, max(0.0, self.cap - zipf)))
            self.cache[word] = found
        return found

    def tokens(self, settings: "Settings") -> "_Tokens":
        """Word as written -> :class:`_Token`, memoised per reading of words (``settings``)."""
        found = self.token_tables.get(settings)
        if found is None:
            found = self.token_tables[settings] = _Tokens(self, settings)
        return found

    def start_story(self) -> None:
        """Empties the memos once they pass ``_CACHE_LIMIT`` entries (a long-running server
        meets endless names): here, between stories, since a story's words are looked up in
        them (at C speed, without a check) until the story is done."""
        if len(self.entries) > _CACHE_LIMIT:
            self.entries.clear()
            self.cache.clear()
            for table in self.token_tables.values():
                table.clear()

    def entry(self, word: str, stem_length: int) -> tuple[str, float, float]:
        """(stem, zipf, weight) of a lower-case word, memoised: the hot path of every story."""
        key = (word, stem_length)
        found = self.entries.get(key)
        if found is None:
            zipf, weight = self(word)
            found = self.entries[key] = (_stem(word, stem_length), zipf, weight)
        return found


# What a capitalised word says about names: none, a name wherever it stands (rare, or an acronym),
# or a name unless it opens a sentence ("Kenney has ..." but not "Officials said ...").
_NOT_NAME, _NAME, _NAME_MID_SENTENCE = 0, 1, 2


def _looked_up_as(word: str) -> str:
    """The form of a word as written that is looked up in the frequency table."""
    lower = word.lower()
    return lower[:-2] if lower.endswith(("'s", "’s")) else lower


class _Token(NamedTuple):
    """All ``_terms`` needs of one word as written."""

    stem: str
    zipf: float
    weight: float
    rare: bool
    name: int  # _NOT_NAME, _NAME or _NAME_MID_SENTENCE
    # (stem, likelihood_prior times its English frequency floored at Zipf 1, the log of that
    # frequency): what its likelihood term needs
    likelihood: tuple[str, float, float]
    key_term: tuple[str, float] | None  # (stem, weight) of a content word (weight > 0)


class _Tokens:
    """Word as written -> :class:`_Token`: ``tokens[word]`` reads a word on first sight. The
    plain dicts ``table``, ``stems`` (word -> stem) and ``key_terms`` (word ->
    ``_Token.key_term``) let the hot path look words up at C speed."""

    def __init__(self, weights: WordWeights, settings: "Settings") -> None:
        self.weights, self.settings = weights, settings
        self.table: dict[str, _Token] = {}
        self.stems: dict[str, str] = {}
        self.key_terms: dict[str, tuple[str, float] | None] = {}

    def clear(self) -> None:
        self.table.clear()
        self.stems.clear()
        self.key_terms.clear()

    def __getitem__(self, word: str) -> _Token:
        found = self.table.get(word)
        if found is None:
            found = self.table[word] = self._read(word)
            self.stems[word] = found.stem
            self.key_terms[word] = found.key_term
        return found

    def learn(self, words: Iterable[str]) -> None:
        """Reads the words not seen before."""
        table = self.table
        new = [word for word in words if word not in table]
        prefetch = getattr(self.weights.table, "prefetch", None)
        if prefetch is not None and new:
            prefetch(_looked_up_as(word) for word in new)  # one query for the story's new words
        for word in new:
            if word not in table:  # (a word may come twice)
                self[word]

    def _read(self, word: str) -> _Token:
        settings = self.settings
        lower = _looked_up_as(word)
        stem, zipf, weight = self.weights.entry(lower, settings.stem_length)
        name = _NOT_NAME
        if weight > 0.0 and word[0].isupper() and zipf < _COMMON_ZIPF:
            always = zipf < settings.name_zipf or (len(word) > 1 and word.isupper())
            name = _NAME if always else _NAME_MID_SENTENCE
        background = max(zipf, 1.0) - 9.0
        return _Token(stem, zipf, weight, zipf < settings.rare_zipf, name,
                      (stem, settings.likelihood_prior * 10.0 ** background, background * _LN10),
                      (stem, weight) if weight > 0.0 else None)


_LIKELIHOOD = itemgetter(5)
_SECOND = itemgetter(1)
_LN10 = math.log(10.0)


def _stem(word: str, length: int) -> str:
    """A crude stem: a plural -s off, a demonym's -n off ("Syrians", "Syrian" -> "syria"), the
    rest cut to ``length`` letters ("immigration", "immigrants" -> "immigra")."""
    if len(word) > 4 and word[-1] == "s" and word[-2] not in "sui":
        word = word[:-1]
    if len(word) > 4 and word.endswith("an"):
        word = word[:-1]
    return word[:length]


# -- evidence -----------------------------------------------------------------------------------
@dataclass
class Terms:
    """The words of one paragraph."""

    weights: dict[str, float] = field(default_factory=dict)  # stem -> weight, content words only
    rare: dict[str, float] = field(default_factory=dict)  # the rare ones among them
    names: set[str] = field(default_factory=set)  # stems of capitalised names
    counts: dict[str, int] = field(default_factory=dict)  # stem -> occurrences, every word
    word_list: list[str] = field(default_factory=list)  # every word, in order
    # (_Token.likelihood, occurrences) per distinct word: its likelihood terms
    vocabulary: list[tuple[tuple[str, float, float], int]] = field(default_factory=list)
    words: int = 0  # number of words


@dataclass
class Evidence:
    """One paragraph's features, score and what the message needs."""

    index: int
    features: dict[str, float]
    score: float = 0.0
    words: int = 0
    stems: set[str] = field(default_factory=set)  # stems of all its words
    shared: set[str] = field(default_factory=set)  # stems of its key terms also found elsewhere
    shared_names: int = 0
    style: list[str] = field(default_factory=list)  # typographic differences, in words
    conflict: tuple[str, str] | None = None  # (city named, the story's city)
    skipped: bool = False  # a credit line or sign-off, never judged (looked for after protect_first)


@dataclass(frozen=True)
class Settings:
    """How words are read; the YAML's ``words`` options."""

    stem_length: int = 7
    rare_zipf: float = 4.0
    name_zipf: float = 4.0
    likelihood_prior: float = 200.0
    calibration_min_words: int = 20
    style_min_marks: int = 4
    style_consistency: float = 0.9


def _terms(text: str, weights: WordWeights, settings: Settings, words: list[str] | None = None,
           detailed: bool = True) -> Terms:
    """The words of ``text`` (``words``, when the caller has found them already): counted in C
    (``findall``, ``Counter``), then each distinct word read once, its reading memoised across
    stories (``WordWeights.tokens``). Without ``detailed``, only the key terms and the number
    of words: all that a paragraph that is not judged adds to the story."""
    if words is None:
        words = _WORD.findall(text)
    reader = weights.tokens(settings)
    if not detailed:
        return _key_terms(words, reader)
    word_counts = Counter(words)
    tokens = reader.table
    try:
        read = list(map(tokens.__getitem__, word_counts))  # at C speed: every word seen before
    except KeyError:
        read = [reader[word] for word in word_counts]
    counts: dict[str, int] = {}
    out = Terms(counts=counts, words=len(words), word_list=words,
                vocabulary=list(zip(map(_LIKELIHOOD, read), word_counts.values())))
    stem_weights, rare, names = out.weights, out.rare, out.names
    mixed_rare: list[str] = []  # stems of rare words of different weights ("immigrants", "immigration")
    mid_sentence: list[tuple[str, str, int]] = []  # (word, stem, occurrences) names unless opening a sentence
    for (stem, _, weight, is_rare, name, _, _), (word, n) in zip(read, word_counts.items()):
        counts[stem] = counts.get(stem, 0) + n
        if weight <= 0.0:
            continue
        if weight > stem_weights.get(stem, 0.0):
            stem_weights[stem] = weight
        if is_rare and rare.setdefault(stem, weight) != weight:
            mixed_rare.append(stem)
        if name == _NAME:
            names.add(stem)
        elif name == _NAME_MID_SENTENCE:
            mid_sentence.append((word, stem, n))
    if mid_sentence:
        # A capitalised common word is a name where it does not open a sentence: when it occurs
        # more often than it opens one (after a sentence end or an opening mark, or as the text's
        # first word, alone or after a newline: _SENTENCE_START's "^" and "$").
        opening = Counter(_INITIAL_WORD.findall(text))
        if text[:1] == words[0][:1] or (text[:1] == "\n" and text[1:2] == words[0][:1]):
            opening[words[0]] += 1
        for word, stem, n in mid_sentence:
            if n > opening.get(word, 0):
                names.add(stem)
    if mixed_rare:  # the weight of the stem's last rare word in the text, as a word-by-word pass has
        last = dict(zip(words, range(len(words))))
        for stem in mixed_rare:
            rare[stem] = max((last[w], token.weight) for w, token in zip(word_counts, read)
                             if token.stem == stem and token.rare)[1]
    return out


def _key_terms(words: list[str], reader: _Tokens) -> Terms:
    """The key terms of ``words`` (stem -> weight, in order of first occurrence, as ``_terms``
    has them) and their number, gathered without a Python loop per word."""
    try:
        key_terms = list(filter(None, map(reader.key_terms.__getitem__, words)))
    except KeyError:  # a word not seen before
        reader.learn(words)
        key_terms = list(filter(None, map(reader.key_terms.__getitem__, words)))
    stem_weights = dict(key_terms)
    if len(stem_weights) < len(key_terms):
        # Words sharing a stem ("immigrants", "immigration"): the largest weight, last in
        # ascending order.
        stem_weights.update(sorted(key_terms, key=_SECOND))
    return Terms(weights=stem_weights, words=len(words), word_list=words)


def _style_counts(text: str) -> list[list[int]]:
    """Marks of each variant of each family in ``_STYLE_FAMILIES``."""
    count = text.count
    counts = [
        [count('"') + count("'"), count("“") + count("”") + count("‘") + count("’")],
        [0, count("—") + count("–"), 0],
        [0, 0],
    ]
    if "--" in text:
        counts[1][0] = len(_DOUBLE_HYPHEN.findall(text))
    if " - " in text:
        counts[1][2] = len(_SPACED_HYPHEN.findall(text))
    if "Mr" in text or "Ms" in text or "Dr" in text:
        dots = _TITLE.findall(text)
        with_dot = dots.count(".")
        counts[2] = [with_dot, len(dots) - with_dot]
    return counts


def _style_mismatches(own: list[list[int]], total: list[list[int]], settings: Settings) -> list[str]:
    """Families in which the paragraph's habit differs from a rest of the story that is
    consistent (``style_min_marks`` marks at least, ``style_consistency`` of them one way)."""
    out = []
    for (family, variants), mine, everything in zip(_STYLE_FAMILIES, own, total):
        if not any(mine):
            continue
        rest = [a - b for a, b in zip(everything, mine)]
        if sum(rest) < settings.style_min_marks:
            continue
        rest_best = max(range(len(rest)), key=rest.__getitem__)
        mine_best = max(range(len(mine)), key=mine.__getitem__)
        if mine_best != rest_best and rest[mine_best] == 0 and rest[rest_best] >= settings.style_consistency * sum(rest):
            out.append(f"{family} ('{variants[mine_best]}' where the rest has '{variants[rest_best]}')")
    return out


def _quoted_share(text: str) -> float:
    if not text or ('"' not in text and "“" not in text):
        return 0.0
    return min(1.0, sum(m.end() - m.start() for m in _QUOTED.finditer(text)) / len(text))


class _SortedWithoutOne:
    """A sorted list with one occurrence of a value left out, read without copying the list:
    each paragraph is set against the others in constant time, not in time of the story."""

    def __init__(self, ordered: list[float], value: float | None) -> None:
        self.ordered = ordered
        self.gap = bisect.bisect_left(ordered, value) if value is not None else len(ordered)
        self.size = len(ordered) - (value is not None)

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index: int) -> float:
        return self.ordered[index if index < self.gap else index + 1]


def _median(ordered: "list[float] | _SortedWithoutOne") -> float:
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def story_evidence(headline: str, paragraphs: Sequence[str], weights: WordWeights, settings: Settings,
                   judged: Callable[[int, int], bool] | None = None) -> list[Evidence]:
    """The features of the body paragraphs of a story (index 0 is the lede), in story order:
    of every paragraph, or only of those ``judged(index, words)`` accepts (the rule's check
    leaves out paragraphs it can never report; they still count as the rest of the story and
    in the calibration, so the others' features are the same either way).

    Linear in the story's length: occurrence counts are made once, and each paragraph is set
    against them with its own words taken out.
    """
    return _story_evidence(headline, paragraphs, weights, settings, judged)[0]


def _story_evidence(headline: str, paragraphs: Sequence[str], weights: WordWeights, settings: Settings,
                    judged: Callable[[int, int], bool] | None) -> tuple[list[Evidence], list[Terms], Terms]:
    """:func:`story_evidence`, with the words of every paragraph and of the headline."""
    weights.start_story()
    terms: list[Terms] = []
    wanted: list[bool] = []
    for number, paragraph in enumerate(paragraphs):
        if number % 64 == 63:
            stop_if_late()  # a service's deadline can stop a long story here
        words = _WORD.findall(paragraph)
        wanted.append(judged is None or judged(number, len(words)))
        terms.append(_terms(paragraph, weights, settings, words, detailed=wanted[-1]))
    head = _terms(headline, weights, settings) if headline else Terms()
    # Counted in C over every stem of the story: paragraphs using it as a key term, and its
    # occurrences (every word of the story has been read, so its stem is there to look up).
    in_paragraphs = Counter(chain.from_iterable(t.weights for t in terms))
    stem_of = weights.tokens(settings).stems.__getitem__
    occurrences = Counter(map(stem_of, chain(head.word_list, chain.from_iterable(t.word_list for t in terms))))
    story_size = sum(occurrences.values())
    lede = set(terms[0].weights) if terms else set()
    core = {stem for stem, n in in_paragraphs.items() if n >= 3} | set(head.weights) | lede
    head_weights = head.weights
    # The story's typographic marks, counted in one pass over its paragraphs joined by a blank
    # line: no mark's pattern can match across one, so these are the paragraphs' counts summed.
    style_total = _style_counts("\n\n".join(paragraphs))
    total = len(paragraphs)
    prior = settings.likelihood_prior
    log = math.log
    log1p = math.log1p
    story_length = log(max(1, total))
    # Calibration sets each paragraph against the story's other paragraphs of some length (or
    # all of them, in a story of short paragraphs): their coverage and support are needed even
    # where the rest of their features are not.
    calibrating = {i for i, t in enumerate(terms) if t.words >= settings.calibration_min_words} or set(range(total))
    calibration: list[tuple[float, float]] = []  # (coverage, support) of each of them

    out: list[Evidence] = []
    for index, t in enumerate(terms):
        if index % 64 == 63:
            stop_if_late()
        if not wanted[index]:
            if index in calibrating:
                _, weight_sum, shared_sum, support_sum, _, _ = _key_term_sums(t, in_paragraphs, head_weights, (), ())
                calibration.append((shared_sum / weight_sum, support_sum / weight_sum))
            continue
        neighbours: set[str] = set()
        for other in (index - 2, index - 1, index + 1, index + 2):
            if 0 <= other < total:
                neighbours.update(terms[other].weights)
        shared, weight_sum, shared_sum, support_sum, core_sum, neighbour_sum = _key_term_sums(
            t, in_paragraphs, head_weights, core, neighbours)
        rare_sum = rare_shared = rare_unshared = 0.0
        for stem, w in t.rare.items():
            rare_sum += w
            if stem in shared:
                rare_shared += w
            else:
                rare_unshared += w
        # Likelihood of each word under the rest of the story (smoothed towards English) over
        # its likelihood in English: high for the story's own rare words, below 0 for strangers.
        # Summed per distinct word: n * (log(in_rest + prior * bg) - log(bg)), less the shared
        # denominator log(rest_size + prior) once per word.
        rest_size = story_size - t.words
        loglik = 0.0
        own_counts = t.counts
        for (stem, prior_background, log_background), n in t.vocabulary:
            loglik += n * (log(occurrences[stem] - own_counts[stem] + prior_background) - log_background)
        loglik -= t.words * log(rest_size + prior)
        shared_names = len(t.names & shared)
        features = {
            "coverage": shared_sum / weight_sum,
            "neighbours": neighbour_sum / weight_sum,
            "rare_coverage": (rare_shared / rare_sum) if rare_sum else 0.5,
            "core_echo": log1p(core_sum),
            "names": log1p(len(t.names)),
            "shared_names": log1p(shared_names),
            "length": log(max(1, t.words)),
            "quoted_share": _quoted_share(paragraphs[index]),
            "unshared_rare": log1p(rare_unshared),
            "story_length": story_length,
            "likelihood": loglik / max(1, t.words),
            "support": support_sum / weight_sum,
        }
        evidence = Evidence(index, features, words=t.words, stems=set(own_counts), shared=shared,
                            shared_names=shared_names)
        evidence.style = _style_mismatches(_style_counts(paragraphs[index]), style_total, settings)
        features["style_mismatch"] = float(len(evidence.style))
        out.append(evidence)
        if index in calibrating:
            calibration.append((features["coverage"], features["support"]))

    coverages = sorted(coverage for coverage, _ in calibration)
    supports = sorted(support for _, support in calibration)
    for e in out:
        coverage, support = e.features["coverage"], e.features["support"]
        member = e.index in calibrating
        other_coverages = _SortedWithoutOne(coverages, coverage if member else None)
        other_supports = _SortedWithoutOne(supports, support if member else None)
        e.features["coverage_vs_min"] = coverage - (other_coverages[0] if other_coverages else coverage)
        e.features["support_vs_median"] = support - (_median(other_supports) if other_supports else support)
    return out, terms, head


def _key_term_sums(t: Terms, in_paragraphs: Mapping[str, int], head_weights: Container[str], core: Container[str],
                   neighbours: Container[str]) -> tuple[set[str], float, float, float, float, float]:
    """One pass over a paragraph's key terms: those shared (found in another paragraph or the
    headline), and the sums of weight: in all, shared, shared times log(1 + how far shared)
    (support), shared and in the story's ``core``, found in the ``neighbours``."""
    shared: set[str] = set()
    weight_sum = shared_sum = neighbour_sum = core_sum = support_sum = 0.0
    for stem, w in t.weights.items():
        weight_sum += w
        elsewhere = in_paragraphs[stem] - 1 + (stem in head_weights)
        if elsewhere > 0:
            shared.add(stem)
            shared_sum += w
            support_sum += w * math.log1p(elsewhere)
            if stem in core:
                core_sum += w
        if stem in neighbours:
            neighbour_sum += w
    return shared, weight_sum or 1e-9, shared_sum, support_sum, core_sum, neighbour_sum


# -- place conflicts ----------------------------------------------------------------------------
class PlaceConflicts:
    """Finds a paragraph that makes another city act where the story is about one city."""

    def __init__(self, gazetteer: Any, home_min_mentions: int = 2) -> None:
        self.gazetteer = gazetteer
        self.home_min_mentions = home_min_mentions
        places = gazetteer.places
        # The country of each city, to compare like with like (Philadelphia with New Orleans).
        self.country = {
            i: next((a for a in gazetteer.ancestors[i] if places[a].kind == "country"), None)
            for i, place in enumerate(places) if place.kind == "city"
        }

    def cities(self, text: str, *, actors_only: bool = False) -> dict[int, str]:
        """Place index -> form written, for the cities named in ``text``. With ``actors_only``,
        only cities that act, and neither capitals (which stand for governments) nor names that
        are also common words."""
        out: dict[int, str] = {}
        g = self.gazetteer
        for _, end, form in g.find(text):
            if g.is_demonym(form):
                continue
            for i in g.indices(form):
                place = g.places[i]
                if place.kind != "city":
                    continue
                if actors_only and (place.capital or place.ambiguous or not _ACTOR_FOLLOWER.match(text, end)):
                    continue
                out.setdefault(i, form)
        return out

    def find(self, headline: str, paragraphs: Sequence[str]) -> list[tuple[str, str] | None]:
        """Per paragraph, (city named, the story's city) when it conflicts.

        The story's city is one the headline or lede names, not a capital, that at least
        ``home_min_mentions`` paragraphs name. A conflict is another city of the same country,
        acting, in a paragraph that does not name the story's city, and named neither in the
        headline nor in the lede.
        """
        out: list[tuple[str, str] | None] = [None] * len(paragraphs)
        if not paragraphs:
            return out
        places = self.gazetteer.places
        lede = self.cities(paragraphs[0])
        top = set(lede) | (set(self.cities(headline)) if headline else set())
        if all(places[i].capital for i in top):
            return out  # no city to be the story's: the other paragraphs need no look
        named = [lede] + [self.cities(p) for p in paragraphs[1:]]
        mentions: dict[int, int] = {}
        for cities in named:
            for i in cities:
                mentions[i] = mentions.get(i, 0) + 1
        home = [i for i in top if mentions.get(i, 0) >= self.home_min_mentions and not places[i].capital]
        if not home:
            return out
        home_name = places[max(home, key=lambda i: mentions[i])].name
        countries = {self.country.get(i) for i in home}
        for index in range(1, len(paragraphs)):
            if set(home) & set(named[index]):
                continue
            for i, form in self.cities(paragraphs[index], actors_only=True).items():
                if i not in top and self.country.get(i) in countries:
                    out[index] = (form, home_name)
                    break
        return out


# -- the message --------------------------------------------------------------------------------
def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _topics(text: str, rest: Container[str], weights: WordWeights, settings: Settings, limit: int = 3) -> list[str]:
    """What a paragraph is about that the story is not: its names the rest of the story never
    uses ("Dallas Cowboys", "Jerry Jones"), else its rarest such words."""
    found: dict[str, int] = {}
    for run in _NAME_RUN.finditer(text):
        words = run.group().split()
        initial = _SENTENCE_START.search(text, max(0, run.start() - 4), run.start()) is not None
        while words and (words[0].lower() in _RUN_OPENERS or (initial and weights(words[0].lower())[0] >= _COMMON_ZIPF)):
            words.pop(0)
        if not words:
            continue
        words[-1] = re.sub(r"['’]s?$", "", words[-1]).rstrip(".,")
        key = [w for w in words if w[:1].isupper()]
        if len(key) == 1 and weights(key[0].lower())[0] >= settings.name_zipf and not key[0].isupper():
            continue  # a lone common word ("Officials", "Sunday")
        # Shared with the story when one of its uncommon words is ("New" in "New York" is not).
        if any(_stem(w.lower(), settings.stem_length) in rest for w in key if weights(w.lower())[0] < _COMMON_ZIPF):
            continue
        phrase = " ".join(words)
        found[phrase] = found.get(phrase, 0) + 1
    names = sorted(found, key=lambda p: -found[p])
    # A shorter name inside a longer one adds nothing ("Cowboys" after "Dallas Cowboys").
    names = [n for n in names if not any(n != m and n in m for m in names)]
    if names:
        return names[:limit]
    rare: dict[str, float] = {}
    for match in _WORD.finditer(text):
        lower = match.group().lower()
        zipf, weight = weights(lower)
        if zipf < settings.rare_zipf and _stem(lower, settings.stem_length) not in rest:
            rare[lower] = weight
    return sorted(rare, key=lambda w: -rare[w])[:limit]


class _StoryWords:
    """The stems of a story, with how many paragraphs use each: the rest of the story without
    one paragraph is read from these counts, not rebuilt for every paragraph reported."""

    def __init__(self, headline: set[str], paragraphs: Iterable[set[str]]) -> None:
        self.headline = headline
        self.paragraphs: dict[str, int] = {}
        for stems in paragraphs:
            for stem in stems:
                self.paragraphs[stem] = self.paragraphs.get(stem, 0) + 1

    def without(self, e: Evidence) -> "_RestOfStory":
        return _RestOfStory(self, e.stems)


class _RestOfStory:
    """Stems of the headline and of every paragraph but one (``in`` only)."""

    def __init__(self, words: _StoryWords, own: set[str]) -> None:
        self.words, self.own = words, own

    def __contains__(self, stem: object) -> bool:
        if stem in self.words.headline:
            return True
        return self.words.paragraphs.get(stem, 0) - (stem in self.own) > 0  # type: ignore[operator]


# -- skip patterns ------------------------------------------------------------------------------
def _found_in_joined_text(pattern: str) -> bool:
    """Whether a match of ``pattern`` (searched multiline) in one paragraph is sure to be found
    in the paragraphs joined by blank lines too. It is when the pattern only tests characters,
    line starts and ends (``^``, ``$``) and word boundaries: the paragraph's own text is there,
    and a blank line looks to those tests like the start or end of the text. Looking around
    (``(?=``, ``(?<=``, ``\\A``, ``\\Z``), refusing to backtrack (atomic groups, possessive
    repeats), back-references and turning multiline off all count as unsure."""
    from re import _constants as c
    from re import _parser

    try:
        items = _parser.parse(f"(?m)(?:{pattern})")
    except re.error:
        return False
    plain_anchors = {c.AT_BEGINNING, c.AT_END, c.AT_BOUNDARY, c.AT_NON_BOUNDARY}
    unsure = {c.ASSERT, c.ASSERT_NOT, c.ATOMIC_GROUP, c.POSSESSIVE_REPEAT, c.GROUPREF, c.GROUPREF_EXISTS}

    def sure(items) -> bool:
        for op, value in items:
            if op in unsure or (op is c.AT and value not in plain_anchors):
                return False
            if op is c.SUBPATTERN and (value[2] & c.SRE_FLAG_MULTILINE or not sure(value[3])):
                return False
            if op is c.BRANCH and not all(sure(branch) for branch in value[1]):
                return False
            if op in (c.MAX_REPEAT, c.MIN_REPEAT) and not sure(value[2]):
                return False
        return True

    return sure(items)


# -- the rule type ------------------------------------------------------------------------------
_NUMBER = {"type": "number"}


class OffTopic(RuleType):
    """Flags body paragraphs that do not belong to the story (see the module docstring)."""

    name = "off-topic"
    default_scope = "body"
    options_schema = {
        "threshold": _NUMBER,
        "bias": _NUMBER,
        "weights": {"type": "object", "properties": {n: _NUMBER for n in FEATURES}, "additionalProperties": False},
        "min_words": {"type": "integer", "minimum": 1},
        "min_paragraphs": {"type": "integer", "minimum": 2},
        "protect_first": {"type": "integer", "minimum": 1},
        "kicker_penalty": _NUMBER,
        "max_per_story": {"type": "integer", "minimum": 1},
        "skip_patterns": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "words": {
            "type": "object",
            "properties": {
                "weight_cap": _NUMBER,
                "max_weight": _NUMBER,
                "stem_length": {"type": "integer", "minimum": 3},
                "rare_zipf": _NUMBER,
                "name_zipf": _NUMBER,
                "likelihood_prior": {"type": "number", "exclusiveMinimum": 0},
                "calibration_min_words": {"type": "integer", "minimum": 1},
                "style_min_marks": {"type": "integer", "minimum": 1},
                "style_consistency": {"type": "number", "minimum": 0.5, "maximum": 1},
            },
            "additionalProperties": False,
        },
        "place_conflicts": {
            "type": "object",
            "properties": {
                "gazetteers": {"type": "array", "items": {"type": "string", "minLength": 1}},
                "home_min_mentions": {"type": "integer", "minimum": 1},
                "min_words": {"type": "integer", "minimum": 1},
            },
            "additionalProperties": False,
        },
    }
    required_options = ("threshold", "weights")

    def __init__(self, spec) -> None:
        super().__init__(spec)
        options = spec.options
        self.threshold = float(options["threshold"])
        self.bias = float(options.get("bias", 0.0))
        self.weights = {name: float(options["weights"].get(name, 0.0)) for name in FEATURES}
        self.min_words = int(options.get("min_words", 25))
        self.min_paragraphs = int(options.get("min_paragraphs", 4))
        self.protect_first = int(options.get("protect_first", 2))
        self.kicker_penalty = float(options.get("kicker_penalty", 0.0))
        self.max_per_story = int(options.get("max_per_story", 3))
        # Paragraphs that are credits or sign-offs, not story: other rules' business.
        # The authors' patterns, on a linear-time engine or under a time budget (linter.patterns).
        skip_patterns = list(options.get("skip_patterns", ()))
        self.skip = combined_pattern(skip_patterns, "skip_patterns", multiline=True)  # checks that they combine
        # But searched one at a time: an alternation hides each pattern's required text ("@",
        # "contributed") from the engines' quick scans, and costs twice the patterns apart.
        self._skip_patterns = [(combined_pattern([p], "skip_patterns", multiline=True), _found_in_joined_text(p))
                               for p in skip_patterns]
        words = dict(options.get("words", {}))
        self.weight_cap = float(words.pop("weight_cap", 6.5))
        self.max_weight = float(words.pop("max_weight", 4.0))
        self.settings = Settings(**words)
        self.conflicts: PlaceConflicts | None = None
        places = options.get("place_conflicts")
        self.conflict_min_words = int((places or {}).get("min_words", 8))
        if places and places.get("gazetteers"):
            from ..gazetteer import GazetteerError, load_places

            try:
                gazetteer = load_places([spec.data_path(p) for p in places["gazetteers"]])
            except GazetteerError as error:
                raise RuleConfigError(str(error), "place_conflicts.gazetteers") from None
            self.conflicts = PlaceConflicts(gazetteer, int(places.get("home_min_mentions", 2)))
        self._word_weights: WordWeights | None = None

    @property
    def word_weights(self) -> WordWeights:
        """Loaded on the first story checked, so that loading rules stays fast."""
        if self._word_weights is None:
            self._word_weights = WordWeights(self.weight_cap, self.max_weight)
        return self._word_weights

    # Scoring works on plain strings, so that benchmarks and tuning scripts can call it.
    def score_story(self, headline: str, paragraphs: Sequence[str]) -> list[Evidence]:
        """The evidence and score of every paragraph (``check`` scores only those it may report)."""
        return self._judge(headline, paragraphs, every_paragraph=True)[0]

    def _judge(self, headline: str, paragraphs: Sequence[str],
               every_paragraph: bool) -> tuple[list[Evidence], list[Terms], Terms]:
        """Scored evidence of every paragraph, or only of those :meth:`_select` could report
        (a paragraph too short, skipped or at the top of the story needs no features), with the
        words of every paragraph and of the headline."""
        conflicts = self.conflicts.find(headline, paragraphs) if self.conflicts else [None] * len(paragraphs)
        skipped = self._skipped(paragraphs)

        def reportable(index: int, words: int) -> bool:
            return index >= self.protect_first and not skipped[index] and (
                words >= self.min_words or bool(conflicts[index] and words >= self.conflict_min_words))

        evidence, terms, head = _story_evidence(headline, paragraphs, self.word_weights, self.settings,
                                                None if every_paragraph else reportable)
        last = len(paragraphs) - 1
        for e in evidence:
            e.conflict = conflicts[e.index]
            e.skipped = skipped[e.index]
            e.score = self.bias + sum(w * e.features[name] for name, w in self.weights.items() if w)
            if e.index == last:
                e.score -= self.kicker_penalty
        return evidence, terms, head

    def is_skipped(self, paragraph: str) -> bool:
        """Whether ``paragraph`` is a credit line or sign-off (one of ``skip_patterns`` matches
        in it), never judged."""
        return any(pattern.search(paragraph) for pattern, _ in self._skip_patterns)

    def _skipped(self, paragraphs: Sequence[str]) -> list[bool]:
        """:meth:`is_skipped` of every paragraph after the top (the others are never judged).
        All of them are searched, reportable or not, so that an author's pattern that backtracks
        too much is reported on any story. A pattern is first searched once in those paragraphs
        joined by blank lines: where that finds nothing (the usual case) no paragraph has a match
        (:func:`_found_in_joined_text`), and the paragraphs need no search of their own."""
        out = [False] * len(paragraphs)
        first = self.protect_first
        joined = "\n\n".join(paragraphs[first:])
        for pattern, joinable in self._skip_patterns:
            if joinable and not pattern.search(joined):
                continue
            for index in range(first, len(paragraphs)):
                out[index] = out[index] or bool(pattern.search(paragraphs[index]))
        return out

    def flagged(self, headline: str, paragraphs: Sequence[str]) -> list[Evidence]:
        """The paragraphs to report, in story order."""
        if len(paragraphs) < self.min_paragraphs:
            return []
        return self._select(self.score_story(headline, paragraphs))

    def _select(self, evidence: list[Evidence]) -> list[Evidence]:
        evidence = [e for e in evidence if e.index >= self.protect_first and not e.skipped]
        scored = [e for e in evidence if e.score >= self.threshold and e.words >= self.min_words]
        scored = sorted(scored, key=lambda e: -e.score)[: self.max_per_story]
        chosen = {e.index for e in scored}
        chosen |= {e.index for e in evidence if e.conflict and e.words >= self.conflict_min_words}
        return [e for e in evidence if e.index in chosen]

    def check(self, article: Article, context: LintContext) -> Iterable[Match]:
        blocks = [b for b in article.paragraphs if b.text.strip()]
        headline = article.headline.text if article.headline else ""
        if len(blocks) < self.min_paragraphs or not self.word_weights.available:
            return
        evidence, terms, head = self._judge(headline, [b.text for b in blocks], every_paragraph=False)
        flagged = self._select(evidence)
        if not flagged:
            return
        stem_of = self.word_weights.tokens(self.settings).stems.__getitem__
        words = _StoryWords(set(head.counts), [set(map(stem_of, t.word_list)) for t in terms])
        for e in flagged:
            block = blocks[e.index]
            rest = words.without(e)
            edits = self._removal(article, block)
            yield Match(
                block, 0, len(block.text), actual=block.text[:60],
                replacement=None if edits else "", edits=edits,
                message=self.explain(e, block.text, rest), applicability=Applicability.DISPLAY,
            )

    def explain(self, e: Evidence, text: str, rest: Container[str]) -> str:
        """The evidence, in an editor's words."""
        topics = _topics(text, rest, self.word_weights, self.settings)
        about = f"; it is about {_join(topics)}" if topics else ""
        if e.conflict and e.features["coverage"] >= 0.3:
            city, home = e.conflict
            return (f"This paragraph is about {city}, but the story is about {home}; "
                    f"was it pasted from another story?")
        coverage = e.features["coverage"]
        has_names = e.features["names"] > 0
        if e.shared_names == 0 and coverage < 0.1:
            what = ("shares no people, places or key terms" if has_names else "shares no key terms")
        elif e.shared_names == 0 and has_names:
            what = f"shares no people or places and few key terms ({round(100 * coverage)}% of its key-word weight)"
        else:
            what = f"shares few names or key terms ({round(100 * coverage)}% of its key-word weight)"
        sentence = f"This paragraph {what} with the headline or the rest of the story{about}"
        if e.conflict:
            sentence += f"; it names {e.conflict[0]} where the story is about {e.conflict[1]}"
        if e.style:
            sentence += f"; its {_join(e.style)} differ from the rest of the story"
        return sentence + ". Was it pasted from another story?"

    @staticmethod
    def _removal(article: Article, block: Block) -> tuple[Edit, ...] | None:
        """Delete the paragraph with the blank line after it (before it, at the end); for HTML
        and CMS sources, where markup surrounds the text, only the text is removed."""
        if article.format not in ("text", "markdown"):
            return None
        start, end = block.source_start, block.source_end
        source = article.source
        after = end
        while after < len(source) and source[after] in " \t\r\n":
            after += 1
        if after < len(source):
            return (Edit(start, after, ""),)
        before = start
        while before > 0 and source[before - 1] in " \t\r\n":
            before -= 1
        return (Edit(before, end, ""),)
