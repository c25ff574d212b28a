"""``dates``: dates, times and decades parsed into values and rendered in a house style.

One combined regular expression finds every candidate (month and day in either order, with or
without ordinal, weekday and year; month and year; a month abbreviation alone; numeric dates;
clock times; 24-hour agency times; decades). Each candidate is parsed into numbers, checked
against its context (so "In March 15 people died" and "page 3 May" are not dates), rendered with
the house style's templates, and reported when the rendering differs from what is written. The
fix is the rendering. A weekday that contradicts its date in a known year is reported with no fix:
which of the two is wrong cannot be known.

The house style (month forms, templates, ordinals, time format) is YAML data named by the rule's
``house_style`` key; ``overrides`` merges a newsroom's changes over it. The English context words
(``vocabulary``) are YAML data too, shared by every house.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping

from ..article import Article, Block
from ..patterns import compile_re
from ._matching import compile_phrases
from .base import LintContext, Match, RuleConfigError, RuleType, load_mapping


def _longest_first(word: str) -> tuple[int, str]:
    """Sort key for the alternatives of a pattern: longer first, then alphabetical, so the
    pattern (and its compiled program, kept across runs) is the same in every process."""
    return -len(word), word

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
# Abbreviations writers use; "Sept" before "Sep" so the longer form wins.
ABBREVIATIONS = {"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8, "Sept": 9,
                 "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ZONES = ("GMT", "BST", "UTC", "CET", "CEST", "EST", "EDT", "ET", "CST", "CDT", "CT", "MST", "MDT",
         "PST", "PDT", "PT", "local time")

_MONTH_NUMBER = {name: i + 1 for i, name in enumerate(MONTHS)} | ABBREVIATIONS

# -- the combined pattern -------------------------------------------------------------------------
_ABBR = "|".join(sorted(ABBREVIATIONS, key=_longest_first))
_FULL = "|".join(MONTHS)
_SHORT_FULL = "March|April|May|June|July"
_NOT_WORD_ON = r"(?![\w’'-])"


def _month(group: str, last: bool = False) -> str:
    # A full stop after a long full name ends the sentence ("October. 11 people"), but a month
    # that ends the expression ("on 19 October.") may be followed by one, and a short name with
    # a full stop before a day ("May. 28") is a writer mimicking the abbreviations.
    if last:
        full = rf"(?:{_FULL})(?![\w’']|-[^\d])"
    else:
        full = rf"(?:{_FULL})(?![\w’'.-])|(?:{_SHORT_FULL})\.(?=[ \t]+\d)"
    return rf"(?P<{group}>{full}|(?:{_ABBR})\.?{_NOT_WORD_ON})"


_WEEKDAY = "|".join(WEEKDAYS)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])"
_ORD = r"(?:st|nd|rd|th)"
_YEAR = r"(?:1[6-9]\d\d|20\d\d)(?!\w)(?![.,]\d)"
_DAY_START = r"(?<![\w.,:/$£€#+\-–])"  # not part of a larger number, a price or a score
_RANGE = r"[ \t]*[-–][ \t]*|[ \t]+(?:to|and|or|through|until)[ \t]+"  # Oct. 11-13, 24 and 25 June

_ALTERNATIVES = {
    # Tuesday, October 11th, 2017 / Oct. 11 / October the 11th
    "md": rf"(?:(?P<md_wd>{_WEEKDAY}),?\s+)?{_month('md_m')}\s+(?:(?P<md_the>the)\s+)?"
          rf"(?P<md_d>{_DAY})(?P<md_o>{_ORD})?(?!\w)(?![.,:]\d)"
          rf"(?:(?P<md_rj>{_RANGE})(?P<md_r>{_DAY})(?P<md_ro>{_ORD})?(?!\w)(?![.,:]\d))?"
          rf"(?:(?P<md_ys>,[ \t]*|[ \t]+)(?P<md_y>{_YEAR}))?",
    # Tuesday 11 October 2017 / the 11th of October
    "dm": rf"(?:(?P<dm_wd>{_WEEKDAY}),?\s+)?(?:(?P<dm_the>\bthe)\s+)?"
          rf"(?:{_DAY_START}(?P<dm_r>{_DAY})(?P<dm_ro>{_ORD})?(?P<dm_rj>{_RANGE}))?"
          rf"{_DAY_START}(?P<dm_d>{_DAY})(?P<dm_o>{_ORD})?"
          rf"(?:\s+(?P<dm_of>of))?\s+{_month('dm_m', last=True)}(?:(?P<dm_ys>,?[ \t]+)(?P<dm_y>{_YEAR}))?",
    # October 2017 / Oct. 2017 / June of 2012 / October, 2017
    "my": rf"{_month('my_m')}(?P<my_j>,|\s+of)?\s+(?P<my_y>{_YEAR})",
    # in Sept. (an abbreviation alone; the word before it is checked in code)
    "mo": rf"(?P<mo_m>(?:{_ABBR})\.)(?![\w’'-])(?!\s*\d)",
    # 25/12/2016
    "nu": r"(?<![\w/.\-])(?P<nu_a>\d{1,2})/(?P<nu_b>\d{1,2})/(?P<nu_y>\d{4})(?![\w/\-]|\.\d)",
    # 2016-12-25
    "iso": r"(?<![\w/.\-])(?P<iso_y>\d{4})-(?P<iso_m>\d\d)-(?P<iso_d>\d\d)(?![\w/\-]|\.\d)",
    # 12 noon, 12:00 midnight
    "nn": r"(?<![\w.,:])12(?::00)?\s+(?P<nn_w>[Nn]oon|[Mm]idnight)\b",
    # 9am, 9:30 p.m., 9.30PM
    "t": r"(?<![\w.,:/$£€])(?P<t_h>1[0-2]|0?[1-9])(?:(?P<t_sep>[:.])(?P<t_mi>[0-5]\d))?\s?"
         r"(?P<t_mer>[ap]\.m\.?|[AP]\.M\.?|[ap]m|[AP]M)(?!\w)",
    # 1400 GMT, 14:00 local time (the zone stays as written)
    "h24": r"(?<![\w.,:/$£€])(?P<h24_h>[01]\d|2[0-3]):?(?P<h24_m>[0-5]\d)(?=\s?(?:" + "|".join(ZONES) + r")\b)",
    # 1990's
    "dc": r"(?<![\w.,])(?P<dc_c>1[5-9]|20)(?P<dc_d>\d)0['’]s(?!\w)",
    # '90s, ‘90s, 90's, '90's
    "ds": r"(?<![\w.,])(?P<ds_q>['‘’])?(?P<ds_d>\d)0(?P<ds_ap>['’])?s(?![\w'’])",
}
# Every alternative starts with a figure, an apostrophe, a capital (month or weekday) or "the";
# the leading lookahead lets the engine skip all other positions at once (about 8x faster).
_MATCHER = compile_re(
    r"(?=[0-9'‘’JFMASONDTW]|the\s)(?:" + "|".join(f"(?P<{name}>{body})" for name, body in _ALTERNATIVES.items()) + ")"
)

# Where a match of _MATCHER can start, found at C speed: the engine searches a pattern that opens
# with a character class by skipping straight to the characters in it, which _MATCHER (opening
# with a lookahead) cannot do. Each candidate is one character: the first letter of a month or
# weekday, whose next two letters are checked ahead ("Jan", "Thu"); a figure not inside a word
# (every alternative that starts with a figure looks behind for a word character); a quotation
# mark before a figure ("'90s"). A match that starts with "the" is found from the figure after it.
_START = compile_re(
    r"[JFMASONDTW0-9'‘’](?:(?<=[JFMASONDTW])(?=an|eb|a[ry]|pr|u[nl]|ug|ep|ct|ov|ec|on|ue|ed|hu|ri|at|un)"
    r"|(?<=[0-9])(?<!\w[0-9])|(?<=['‘’])(?=\d))"
)


def find_dates(text: str) -> Iterator[re.Match[str]]:
    """The matches ``_MATCHER.finditer(text)`` gives, found three times faster: _MATCHER is tried
    only where a candidate (see _START) is, left to right, each time from the end of the last
    match, as finditer itself does."""
    match = _MATCHER.match
    end = 0
    for candidate in _START.finditer(text):
        start = candidate.start()
        if start < end:
            continue
        if text[start].isdigit():
            # "the 11th of October": the match starts at "the", before the white space.
            before = start
            while before > end and text[before - 1].isspace():
                before -= 1
            if before < start and before - 3 >= end and text.startswith("the", before - 3):
                found = match(text, before - 3)
                if found is not None:
                    yield found
                    end = found.end()
                    continue
        found = match(text, start)
        if found is not None:
            yield found
            end = found.end()


# What follows a full stop that also ends the sentence ("at 9 a.m. The polls ..."), but not a
# time zone ("at 9 a.m. EDT").
_SENTENCE_FINAL = compile_re(
    r"""\s*$|\s+(?!(?:""" + "|".join(ZONES) + r"""|Eastern|Pacific|Central|Mountain)\b)["“‘'(]?[A-Z]|["”’)\]]"""
)
_WORD_BEFORE = compile_re(r"([A-Za-z]+\.?-?|#)\s*$")
_DECADE_CONTEXT = {"the", "early", "late", "mid", "mid-", "and", "or", "to", "through", "from", "of"}
_TEMPERATURE = compile_re(r"temperature|degree|\bhighs?\b|\blows?\b|\btemps?\b|fahrenheit|celsius|\bages?\b|\bscore", re.I)


# -- the house style --------------------------------------------------------------------------------
@dataclass(frozen=True)
class HouseStyle:
    """A house style's renderings, read from YAML (see rules/ap/data/date-style.yml)."""

    name: str
    with_day: tuple[str, ...]  # month forms before or after a day, January first
    alone: tuple[str, ...]  # month forms alone or with a year
    date: str
    date_with_year: str
    month_with_year: str
    keep_ordinals: bool
    numeric_order: str
    on_the_hour: str
    with_minutes: str
    keep_zero_minutes: bool
    am: str
    pm: str
    noon: str
    midnight: str
    convert_24_hour: bool
    decade_full: str
    decade_short: str

    @property
    def day_first(self) -> bool:
        return self.date.index("{day}") < self.date.index("{month}")


_STYLE_KEYS = {
    "name": str, "months": dict, "date": str, "date_with_year": str, "month_with_year": str,
    "ordinals": str, "numeric_order": str, "time": dict, "decades": dict,
}
_TIME_KEYS = {"on_the_hour", "with_minutes", "zero_minutes", "am", "pm", "noon", "midnight", "twenty_four_hour"}
_DECADE_KEYS = {"full", "short"}


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        out[key] = _merge(out[key], value) if isinstance(value, Mapping) and isinstance(out.get(key), Mapping) else value
    return out


def build_house_style(data: Mapping[str, Any], fallback_name: str) -> HouseStyle:
    """Validate a house-style mapping; errors name the offending key."""
    for key, kind in _STYLE_KEYS.items():
        if key != "name" and key not in data:
            raise RuleConfigError(f"house style lacks '{key}'", "house_style")
        if key in data and not isinstance(data[key], kind):
            raise RuleConfigError(f"house style key '{key}' must be a {kind.__name__}", "overrides")
    unknown = set(data) - set(_STYLE_KEYS)
    if unknown:
        raise RuleConfigError(f"unknown house style key(s): {', '.join(sorted(unknown))}", "overrides")
    months = data["months"]
    with_day, alone = [], []
    for name in MONTHS:
        forms = months.get(name)
        if not (isinstance(forms, list) and len(forms) == 2 and all(isinstance(f, str) and f for f in forms)):
            raise RuleConfigError(f"months.{name} must be [form with a day, form alone]", "overrides")
        with_day.append(forms[0])
        alone.append(forms[1])
    time, decades = data["time"], data["decades"]
    if set(time) != _TIME_KEYS:
        raise RuleConfigError(f"time needs exactly the keys {', '.join(sorted(_TIME_KEYS))}", "overrides")
    if set(decades) != _DECADE_KEYS:
        raise RuleConfigError("decades needs exactly the keys full, short", "overrides")
    choices = {"ordinals": ("drop", "keep"), "numeric_order": ("none", "mdy", "dmy")}
    for key, allowed in choices.items():
        if data[key] not in allowed:
            raise RuleConfigError(f"{key} must be one of {', '.join(allowed)}", "overrides")
    if time["zero_minutes"] not in ("drop", "keep") or time["twenty_four_hour"] not in ("convert", "keep"):
        raise RuleConfigError("time.zero_minutes is drop or keep; time.twenty_four_hour is convert or keep", "overrides")
    for template, fields in ((data["date"], ("month", "day")), (data["date_with_year"], ("month", "day", "year")),
                             (data["month_with_year"], ("month", "year"))):
        if any("{" + f + "}" not in template for f in fields):
            raise RuleConfigError(f"template {template!r} must use {', '.join('{' + f + '}' for f in fields)}", "overrides")
    return HouseStyle(
        name=str(data.get("name") or fallback_name),
        with_day=tuple(with_day), alone=tuple(alone),
        date=data["date"], date_with_year=data["date_with_year"], month_with_year=data["month_with_year"],
        keep_ordinals=data["ordinals"] == "keep", numeric_order=data["numeric_order"],
        on_the_hour=time["on_the_hour"], with_minutes=time["with_minutes"],
        keep_zero_minutes=time["zero_minutes"] == "keep", am=str(time["am"]), pm=str(time["pm"]),
        noon=str(time["noon"]), midnight=str(time["midnight"]),
        convert_24_hour=time["twenty_four_hour"] == "convert",
        decade_full=decades["full"], decade_short=decades["short"],
    )


def _load_yaml(spec, key: str) -> Mapping[str, Any]:
    return load_mapping(spec, key)


# -- the rule type ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Found:
    start: int
    end: int
    rendered: str  # the house form of text[start:end]
    reason: str
    replacement: str | None = None  # when it differs from ``rendered`` (a shared full stop)


@dataclass(frozen=True, slots=True)
class _WeekdayClash:
    start: int
    end: int
    message: str


# What a handler returns: a rendering to compare, a weekday clash too, or nothing (no date).
_Result = _Found | list[_Found | _WeekdayClash] | None


class Dates(RuleType):
    """Dates, times and decades in the house style named by ``house_style``."""

    name = "dates"
    default_scope = "text"
    options_schema = {
        "house_style": {"type": "string", "minLength": 1},
        "vocabulary": {"type": "string", "minLength": 1},
        "overrides": {"type": "object"},
        "check_weekdays": {"type": "boolean"},
    }
    required_options = ("house_style", "vocabulary")

    def __init__(self, spec) -> None:
        super().__init__(spec)
        options = spec.options
        style_data = _merge(_load_yaml(spec, "house_style"), options.get("overrides") or {})
        self.house = build_house_style(style_data, spec.styles[0] if spec.styles else "house")
        words = _load_yaml(spec, "vocabulary")
        self.check_weekdays = bool(options.get("check_weekdays", True))
        separator = re.search(r"\}([^{}]*)\{year\}", self.house.date_with_year)
        self.year_separator = separator.group(1).strip() if separator else ""
        # When the date with a year is the date plus this gap plus the year, a correctly joined
        # year stays out of the finding: "October 11, 2017" -> fix "October 11" to "Oct. 11".
        gap = separator.group(1) if separator else None
        self.year_gap = gap if gap is not None and self.house.date_with_year == self.house.date + gap + "{year}" else None

        def word_set(key: str) -> frozenset[str]:
            values = words.get(key) or []
            if not isinstance(values, list):
                raise RuleConfigError(f"vocabulary key '{key}' must be a list", "vocabulary")
            return frozenset(str(v).lower() for v in values)

        self.month_alone_after = word_set("month_alone_after")
        self.not_a_day_after = word_set("not_a_day_after")
        not_a_day_before = word_set("not_a_day_before")
        self.not_a_day_before = compile_re(
            r"\s*(?:" + "|".join(re.escape(w) for w in sorted(not_a_day_before, key=_longest_first)) + r")(?![\w-])",
            re.IGNORECASE,
        ) if not_a_day_before else None
        exceptions = [str(e) for e in words.get("exceptions") or []]
        self.exceptions = compile_phrases(exceptions) if exceptions else None

    # -- checking -------------------------------------------------------------------------------------
    def check(self, article: Article, context: LintContext) -> Iterable[Match]:
        for block in self.blocks(article):
            text = block.text
            protected: list[tuple[int, int]] | None = None  # exception spans, found on demand
            for found in find_dates(text):
                if protected is None:
                    protected = [m.span() for m in self.exceptions.finditer(text)] if self.exceptions else []
                if protected and any(s < found.end() and found.start() < e for s, e in protected):
                    continue
                yield from self._examine(block, text, found)

    def _examine(self, block: Block, text: str, found: re.Match[str]) -> Iterable[Match]:
        # Each alternative of the pattern is one outer named group, so ``lastgroup`` names it.
        result = getattr(self, "_" + found.lastgroup)(text, found)
        if result is None:
            return
        for item in result if isinstance(result, list) else (result,):
            if isinstance(item, _WeekdayClash):
                yield Match(block, item.start, item.end, message=item.message)
                continue
            finished = self._finish(text, item)
            if finished is not None:
                start, end, replacement = finished
                yield Match(block, start, end, actual=text[item.start:item.end], expected=item.rendered,
                            replacement=replacement, data={"reason": item.reason, "house": self.house.name})

    def _finish(self, text: str, item: _Found) -> tuple[int, int, str] | None:
        """Settle a full stop shared between an abbreviation and the sentence, then compare."""
        start, end, rendered = item.start, item.end, item.rendered
        replacement = item.replacement if item.replacement is not None else rendered
        actual = text[start:end]
        if actual.endswith(".") and not rendered.endswith(".") and _SENTENCE_FINAL.match(text, end):
            end -= 1  # "at 9 a.m." ends the sentence: keep its full stop, replace "9 a.m"
        elif rendered.endswith(".") and text.startswith(".", end):
            replacement = rendered[:-1]  # "at 9am." -> "at 9 a.m.", not "9 a.m.."
        if text[start:end] == replacement:
            return None
        return start, end, replacement

    # -- context helpers ----------------------------------------------------------------------------------
    @staticmethod
    def _word_before(text: str, position: int) -> str:
        found = _WORD_BEFORE.search(text, max(0, position - 24), position)
        return found.group(1).lower() if found else ""

    # -- dates --------------------------------------------------------------------------------------------
    def _render_date(self, month: int, day: int, ordinal: str | None, year: int | None) -> str:
        house = self.house
        day_text = f"{day}{ordinal}" if ordinal and house.keep_ordinals else str(day)
        template = house.date_with_year if year is not None else house.date
        return template.format(month=house.with_day[month - 1], day=day_text, year=year)

    def _date(self, text: str, found: re.Match[str], prefix: str, day_first: bool) -> _Result:
        g = found.group
        written_month = g(prefix + "_m")
        month = _MONTH_NUMBER[written_month.rstrip(".")]
        day, ordinal = int(g(prefix + "_d")), g(prefix + "_o")
        year = int(g(prefix + "_y")) if g(prefix + "_y") else None
        length = calendar.monthrange(year or 2000, month)[1]
        if day > length:
            return None
        if day_first:
            start = found.start(prefix + "_the") if g(prefix + "_the") and g(prefix + "_of") else found.start(prefix + "_d")
        else:
            start = found.start(prefix + "_m")
        end = found.end()
        day_text = f"{day}{ordinal}" if ordinal and self.house.keep_ordinals else str(day)
        joined = None
        if g(prefix + "_r") is not None:
            # A range ("24 and 25 June", "Oct. 11-13"). When the house puts the month on the
            # other side, the whole range moves with it; otherwise only the day next to the month
            # is this finding's business and the other day stays as written.
            other, other_ordinal = int(g(prefix + "_r")), g(prefix + "_ro")
            first, second = (other, day) if day_first else (day, other)
            if day_first != self.house.day_first and first < second <= length:
                joiner = g(prefix + "_rj")
                joiner = joiner.strip() if joiner.strip() in "-–" else " " + joiner.strip() + " "
                keep = self.house.keep_ordinals
                first_text = f"{first}{(other_ordinal if day_first else ordinal) or ''}" if keep else str(first)
                second_text = f"{second}{(ordinal if day_first else other_ordinal) or ''}" if keep else str(second)
                joined = first_text + joiner + second_text
                if day_first:
                    start = found.start(prefix + "_r")
            elif day_first:
                start = found.start(prefix + "_d")
            else:
                end, year = found.end(prefix + "_o") if ordinal else found.end(prefix + "_d"), None
        weekday_year = year
        if year is not None and g(prefix + "_ys") == self.year_gap:
            end, year = found.start(prefix + "_ys"), None  # the year is already joined right
        house = self.house
        template = house.date_with_year if year is not None else house.date
        rendered = template.format(month=house.with_day[month - 1], day=joined or day_text, year=year)
        reasons = []
        if day_first != house.day_first:
            reasons.append("day before month" if house.day_first else "month before day")
        if ordinal and not house.keep_ordinals:
            reasons.append("no ordinal in a date")
        if written_month != house.with_day[month - 1]:
            reasons.append(f"'{house.with_day[month - 1]}' with a day")
        if year is not None and g(prefix + "_ys").strip() != self.year_separator:
            reasons.append("comma before the year" if self.year_separator else "no comma before the year")
        out: list[_Found | _WeekdayClash] = [_Found(start, end, rendered, "; ".join(reasons) or "date form")]
        weekday = g(prefix + "_wd")
        if weekday and weekday_year is not None and joined is None and self.check_weekdays:
            real = WEEKDAYS[datetime.date(weekday_year, month, day).weekday()]
            if real != weekday:
                date_text = self._render_date(month, day, None, weekday_year)
                out.append(_WeekdayClash(found.start(prefix + "_wd"), found.end(), f"{date_text} was a {real}, not a {weekday}"))
        return out

    def _md(self, text: str, found: re.Match[str]) -> _Result:
        if found.group("md_y") is None and self.not_a_day_before is not None:
            # "In March 15 people died": a count, not a day (unless "on" makes it a date).
            after_day = found.end("md_ro") if found.group("md_ro") else found.end("md_r") if found.group("md_r") else found.end()
            if self.not_a_day_before.match(text, after_day) and self._word_before(text, found.start("md_m")) != "on":
                return None
        return self._date(text, found, "md", day_first=False)

    def _dm(self, text: str, found: re.Match[str]) -> _Result:
        ordinal, of = found.group("dm_o"), found.group("dm_of")
        if of and not ordinal:
            return None  # "11 of October's ..." is not a date form anyone writes
        first = found.start("dm_r") if found.group("dm_r") else found.start("dm_d")
        if self._word_before(text, first) in self.not_a_day_after:
            return None
        return self._date(text, found, "dm", day_first=True)

    def _my(self, text: str, found: re.Match[str]) -> _Result:
        written = found.group("my_m")
        month = _MONTH_NUMBER[written.rstrip(".")]
        join = found.group("my_j")
        if join == "," and self._word_before(text, found.start()) not in self.month_alone_after:
            return None  # "By October, 2017 had ..." is too rare to be worth the risk
        rendered = self.house.month_with_year.format(month=self.house.alone[month - 1], year=found.group("my_y"))
        reason = "no 'of' between month and year" if join and "of" in join else (
            "no comma between month and year" if join else f"'{self.house.alone[month - 1]}' alone or with a year")
        return _Found(found.start(), found.end(), rendered, reason)

    def _mo(self, text: str, found: re.Match[str]) -> _Result:
        if self._word_before(text, found.start()) not in self.month_alone_after:
            return None
        month = _MONTH_NUMBER[found.group("mo_m").rstrip(".")]
        return _Found(found.start(), found.end(), self.house.alone[month - 1], "month alone spelled out")

    def _nu(self, text: str, found: re.Match[str]) -> _Result:
        a, b, year = int(found.group("nu_a")), int(found.group("nu_b")), int(found.group("nu_y"))
        if not 1600 <= year <= 2099:
            return None
        if a > 12 and b <= 12:
            day, month = a, b
        elif b > 12 and a <= 12:
            month, day = a, b
        elif self.house.numeric_order == "mdy":
            month, day = a, b
        elif self.house.numeric_order == "dmy":
            day, month = a, b
        else:
            return None
        return self._numeric(found, year, month, day)

    def _iso(self, text: str, found: re.Match[str]) -> _Result:
        return self._numeric(found, int(found.group("iso_y")), int(found.group("iso_m")), int(found.group("iso_d")))

    def _numeric(self, found: re.Match[str], year: int, month: int, day: int) -> _Result:
        if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]):
            return None
        return _Found(found.start(), found.end(), self._render_date(month, day, None, year), "dates in words")

    # -- times ----------------------------------------------------------------------------------------------
    def _render_time(self, hour: int, minutes: int | None, pm: bool) -> str:
        house = self.house
        if hour == 12 and not minutes:
            return house.noon if pm else house.midnight
        meridiem = house.pm if pm else house.am
        if minutes is None or (minutes == 0 and not house.keep_zero_minutes):
            return house.on_the_hour.format(hour=hour, meridiem=meridiem)
        return house.with_minutes.format(hour=hour, minutes=f"{minutes:02d}", meridiem=meridiem)

    def _nn(self, text: str, found: re.Match[str]) -> _Result:
        word = found.group("nn_w").lower()
        rendered = self.house.noon if word == "noon" else self.house.midnight
        return _Found(found.start(), found.end(), rendered, f"'{rendered}' alone")

    def _t(self, text: str, found: re.Match[str]) -> _Result:
        hour = int(found.group("t_h"))
        minutes = int(found.group("t_mi")) if found.group("t_mi") else None
        pm = found.group("t_mer")[0] in "pP"
        rendered = self._render_time(hour, minutes, pm)
        return _Found(found.start(), found.end(), rendered, "time of day")

    def _h24(self, text: str, found: re.Match[str]) -> _Result:
        if not self.house.convert_24_hour:
            return None
        hour, minutes = int(found.group("h24_h")), int(found.group("h24_m"))
        if hour == 0 and minutes == 0:
            rendered = self.house.midnight
        else:
            # "1400" says nothing about ":00" in 12-hour style, so on the hour means no minutes.
            rendered = self._render_time(hour % 12 or 12, minutes or None, hour >= 12)
        if not text[found.end():found.end() + 1].isspace():
            return _Found(found.start(), found.end(), rendered, "12-hour clock", replacement=rendered + " ")  # "2100GMT"
        return _Found(found.start(), found.end(), rendered, "12-hour clock")

    # -- decades ------------------------------------------------------------------------------------------
    def _dc(self, text: str, found: re.Match[str]) -> _Result:
        before = self._word_before(text, found.start())
        if before not in _DECADE_CONTEXT:
            return None  # "1990's budget" may be a year's possessive
        after = re.match(r"\s+([A-Z])", text[found.end():found.end() + 3])
        if after:
            return None  # "the 1990's World Cup"
        rendered = self.house.decade_full.format(century=found.group("dc_c"), decade=found.group("dc_d"))
        return _Found(found.start(), found.end(), rendered, "no apostrophe in a decade")

    def _ds(self, text: str, found: re.Match[str]) -> _Result:
        quote, apostrophe = found.group("ds_q"), found.group("ds_ap")
        if not quote and not apostrophe:
            return None  # "the 90s" may be temperatures or ages: leave it
        before = self._word_before(text, found.start())
        if not quote and before not in _DECADE_CONTEXT:
            return None  # "in her 90's"
        if _TEMPERATURE.search(text, max(0, found.start() - 60), found.start()):
            return None
        straight = "'" in (quote or "") + (apostrophe or "") and "’" not in (quote or "") + (apostrophe or "")
        mark = "'" if straight or ("’" not in text and "‘" not in (quote or "")) else "’"
        rendered = self.house.decade_short.format(apostrophe=mark, decade=found.group("ds_d"))
        return _Found(found.start(), found.end(), rendered, "decade")
