"""``indefinite-article``: "a" or "an" must agree with the sound of the word that follows.

"An NYPD officer", "a U.S. official", "an 18-year-old", "a one-time", "an hour", "an Oct. 11
letter": what counts is how the next word is read aloud, not how it is spelled. The rule reads
the word's first sound from YAML data (word starts that defy their spelling, acronyms read as
words, abbreviations read as the word they stand for, which letters have vowel names), reads
figures as they are spoken, and offers the other article as a safe fix.

It stays quiet where "A" is a letter or a label ("Plan A is ...", "Vitamin A"), in set foreign
phrases ("a priori"), in shouted all-capital text, and before words either article suits.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from ..article import Article
from ..patterns import compile_re
from ._matching import compile_phrases
from .base import LintContext, Match, RuleConfigError, RuleType, load_mapping

VOWEL, CONSONANT = "vowel", "consonant"
_UNSEEN = object()

# "a", "an", "A", "An" or "AN" as a word, then the word it goes with. The pattern opens with the
# character class [aA] so that the engine skips straight to those letters; the two-character
# look-behind then says that the letter does not follow a word character, an apostrophe, a full
# stop or a hyphen.
_ARTICLE = compile_re(
    r"(?P<article>[aA](?<![\w'’.\-].)(?:(?<=a)n|(?<=A)[nN])?)(?=\s)\s+"
    r"(?P<lead>[\"“‘'’(\[*_]*)(?P<word>[^\s\"“”‘(),;:!?\[\]]+)"
)
_NEXT_WORD = compile_re(r"\s+([A-Za-z]+)")
#: Words whose sound is kept, per rule, before the memo starts afresh.
_MEMO_SIZE = 20000
_INITIALISM = compile_re(r"(?:[A-Za-z]\.){2,}")  # U.S., F.B.I.
_LETTER = compile_re(r"[A-Z](?:[-–‑]|\d|\.?$)|[a-z][-–‑]")  # X-ray, F-16, A, J., e-mail
_NUMBER = compile_re(r"\d[\d,]*")
_POSSESSIVE = compile_re(r"(?:['’]s|['’]|s)$")
_TRAILING = compile_re(r"[^\w.&+-]+$")
_UPPER = compile_re(r"[A-Z]")
_LOWER = compile_re(r"[a-z]")
_DOMAIN = compile_re(r"\.[a-z]{2,}")
_DETERMINER_AFTER = compile_re(r"\s+(?:a|an|the|that|this|his|her|their|its|our|my)\b")


def _load(spec, key: str) -> Mapping[str, Any]:
    return load_mapping(spec, key)


def number_sound(text: str) -> str:
    """The first sound of a figure as spoken: "8"/"80"/"800"/"8,000" (eight...), "11"/"18"
    (eleven, eighteen), "11,000", "1800s" (eighteen hundreds) begin with a vowel."""
    found = _NUMBER.match(text)
    figures = found.group() if found else text
    if "," in figures:
        group = figures.split(",")[0]
    else:
        digits = figures
        if len(digits) == 4:  # read in pairs, like a year: "eighteen eighty"
            return VOWEL if digits[:2] in ("11", "18") or digits[0] == "8" else CONSONANT
        group = digits[: len(digits) % 3 or 3]
    return VOWEL if group[0] == "8" or group in ("11", "18") else CONSONANT


class IndefiniteArticle(RuleType):
    """Flags "a" before a vowel sound and "an" before a consonant sound; the fix swaps them."""

    name = "indefinite-article"
    default_scope = "paragraph"
    options_schema = {"sounds": {"type": "string", "minLength": 1}}
    required_options = ("sounds",)

    def __init__(self, spec) -> None:
        super().__init__(spec)
        data = _load(spec, "sounds")

        def listed(key: str) -> list[str]:
            value = data.get(key) or []
            if not isinstance(value, list):
                raise RuleConfigError(f"'{key}' in the sounds file must be a list", "sounds")
            return [str(v) for v in value]

        def sound_table(key: str) -> dict[str, str]:
            value = data.get(key) or {}
            if not isinstance(value, dict) or any(v not in (VOWEL, CONSONANT) for v in value.values()):
                raise RuleConfigError(f"'{key}' must map words to vowel or consonant", "sounds")
            return {str(k): v for k, v in value.items()}

        # Longest start wins: one table keyed by start, looked up from the longest prefix down.
        self.starts: dict[str, str] = {}
        for start in listed("consonant_sound"):
            self.starts[start.lower()] = CONSONANT
        for start in listed("vowel_sound"):
            self.starts[start.lower()] = VOWEL
        self.longest_start = max(map(len, self.starts), default=0)
        self.either = tuple(w.lower() for w in listed("either"))
        self.vowel_letters = frozenset(letter.upper() for letter in listed("vowel_letters"))
        if not self.vowel_letters:
            raise RuleConfigError("'vowel_letters' must list the letters whose names begin with a vowel", "sounds")
        self.acronyms = sound_table("acronyms_read_as_words")
        self.abbreviations = sound_table("abbreviations_read_as_words")
        self.not_after_article = frozenset(w.lower() for w in listed("not_after_article"))
        not_articles = listed("not_articles")
        self.not_articles = compile_phrases(not_articles, ignorecase=True) if not_articles else None
        self._sounds: dict[str, str | None] = {}  # word -> sound(word), not shouted

    # -- how a word begins to the ear ---------------------------------------------------------------
    def _letter(self, letter: str) -> str:
        return VOWEL if letter.upper() in self.vowel_letters else CONSONANT

    def sound(self, word: str, shouting: bool = False) -> str | None:
        """``vowel``, ``consonant`` or ``None`` when the rule cannot tell."""
        if word[:1] in "$£€¥" and word[1:2].isdigit():
            word = word[1:]  # "an $8 million deal": the figure is read first
        if not word:
            return None
        if word[0].isdigit():
            return number_sound(word)
        bare_word = _TRAILING.sub("", word)
        for form in (bare_word, bare_word + "."):
            if form in self.abbreviations:
                return self.abbreviations[form]  # "an Oct. 11 letter", "a St Petersburg summit"
        if _INITIALISM.match(word):
            return self._letter(word[0])
        if _LETTER.match(word):
            return self._letter(word[0])
        core = _TRAILING.sub("", word).rstrip(".")
        head = re.split(r"[-–‑/]", core, maxsplit=1)[0]
        if head != core and len(head) >= 2 and head.isupper():
            core = head  # "a UK-listed company", "an NFL-record"
        if core in self.acronyms:
            return self.acronyms[core]
        bare = _POSSESSIVE.sub("", core) if len(core) > 2 else core
        if bare in self.acronyms:
            return self.acronyms[bare]
        letters = bare.replace("&", "").replace("-", "")
        if len(letters) >= 2 and letters.isupper() and letters.isalnum():
            if shouting:
                return None
            vowels = sum(ch in "AEIOU" for ch in letters)
            if len(letters) >= 5 and vowels >= 2:
                return None  # probably read as a word we do not know
            if self._letter(letters[0]) == VOWEL and letters[0] not in "AEIOU" and letters[1] in "AEIOU" and (
                (len(letters) == 3 and letters[2] not in "AEIOU") or (len(letters) >= 4 and vowels >= 2)
            ):
                return None  # METI, NIH: read as a word ("a") or as letters ("an")? Unknown.
            return self._letter(letters[0])
        if len(core) >= 2 and core[:2].isupper() and core[:2].isalpha():
            return self._letter(core[0])  # MSc, NGOs: read letter by letter
        lower = core.lower()
        if not lower[:1].isalpha() or _DOMAIN.search(lower):
            return None  # "fbi.gov": how it is read is anyone's guess
        if len(lower) >= 2 and lower.isalpha() and not any(ch in "aeiouy" for ch in lower):
            # "ntl" is read as letters; "Sr" or "Wm" is an abbreviation we cannot read
            return self._letter(lower[0]) if core.islower() else None
        if lower.startswith(self.either):
            return None
        for length in range(min(self.longest_start, len(lower)), 0, -1):
            found = self.starts.get(lower[:length])
            if found:
                return found
        return VOWEL if lower[0] in "aeiou" else CONSONANT

    # -- checking -------------------------------------------------------------------------------------------
    def check(self, article: Article, context: LintContext) -> Iterable[Match]:
        sounds = self._sounds
        for block in self.blocks(article):
            text = block.text
            block_shouting: bool | None = None  # worked out when first needed
            for found in _ARTICLE.finditer(text):
                written, word = found.group("article", "word")
                # Almost every article agrees with its word. The tests below only ever silence a
                # finding, and in shouted text the sound is the same or unknown (None), so a word
                # whose plain sound agrees, or is unknown, can produce no finding: skip it first.
                plain = sounds.get(word, _UNSEEN)
                if plain is _UNSEEN:
                    if len(sounds) >= _MEMO_SIZE:
                        sounds.clear()
                    plain = sounds[word] = self.sound(word)
                if plain is None or (written[-1:] in "nN") == (plain == VOWEL):
                    continue
                if block_shouting is None and (written[0] == "A" or word[:2].isupper()):
                    upper, lower = len(_UPPER.findall(text)), len(_LOWER.findall(text))
                    block_shouting = upper > 1.5 * lower
                if written == "AN" or (block_shouting and written[0].isupper()):
                    continue  # shouted text: "AN" and capitals say nothing about sound
                start = found.start("article")
                if written[0] == "A" and self._is_label(text, start):
                    continue
                if self.not_articles and self.not_articles.match(text, start):
                    continue
                if word.lower() in self.not_after_article:
                    continue
                if word.endswith("ed") and _DETERMINER_AFTER.match(text, found.end()):
                    continue  # "had a obtained a list": a stray article before a verb
                shouting = bool(block_shouting) or self._next_is_capitals(text, found.end())
                sound = self.sound(word, shouting)
                if sound is None:
                    continue
                wanted = "an" if sound == VOWEL else "a"
                if written.lower() == wanted:
                    continue
                expected = wanted.capitalize() if written[0].isupper() else wanted
                yield Match(block, start, found.end("article"), actual=written, expected=expected,
                            replacement=expected, data={"word": word, "sound": sound})

    def _is_label(self, text: str, start: int) -> bool:
        """A capital "A"/"An" after a word in mid-sentence is a letter, a label or a name
        ("Plan A is", "Vitamin A", "Nguyen Van An")."""
        before = text[max(0, start - 30):start].rstrip()
        if not before:
            return False
        if before[-1] in ".!?:;\"“‘'(—–-" or before.endswith("..."):
            return False
        return True

    @staticmethod
    def _next_is_capitals(text: str, end: int) -> bool:
        following = _NEXT_WORD.match(text[end:end + 40])
        return bool(following) and len(following.group(1)) >= 2 and following.group(1).isupper()
