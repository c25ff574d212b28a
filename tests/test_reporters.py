"""Every output format on small hand-made cases: exact strings, positions and schema validity."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from linter.findings import Applicability, Edit, Finding, Fix, Severity
from linter.readers.text import read
from linter.reporters import REPORTERS, render
from linter.reporters import line as line_reporter
from linter.reporters.github import escape_data, escape_property
from linter.results import FileResult

SCHEMA_PATH = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

STORY = (
    "Council backs new park\n"
    "\n"
    "The council voted on October 11 to build the park.\n"
    "\n"
    "This is a developing story.\n"
)
MONTH = STORY.index("October")
STRAY = STORY.index("This is")


def month_finding(**changes) -> Finding:
    values = dict(
        rule="ap.months",
        category="date-style",
        severity=Severity.WARNING,
        message="Abbreviate the month before a date",
        start=MONTH,
        end=MONTH + len("October"),
        field="body",
        fix=Fix((Edit(MONTH, MONTH + len("October"), "Oct."),), Applicability.SAFE),
        link="https://example.org/ap/months",
    )
    values.update(changes)
    return Finding(**values)


def stray_finding() -> Finding:
    # The span takes the line's newline too, so it ends on line 6, column 1.
    return Finding(
        rule="newsroom.developing-story",
        category="boilerplate",
        severity=Severity.ERROR,
        message="Stray 'developing story' line",
        start=STRAY,
        end=len(STORY),
        field="body",
        fix=Fix((Edit(STRAY, len(STORY), ""),), Applicability.DISPLAY),
    )


def results() -> list[FileResult]:
    return [
        FileResult("news/park.txt", read(STORY), (month_finding(), stray_finding())),
        FileResult("news/clean.txt", read("Quiet day\n\nNothing happened.\n")),
        FileResult("news/broken.json", None, error="invalid JSON at line 1"),
    ]


# -- text -------------------------------------------------------------------------------------


def test_text_exact_output() -> None:
    assert render("text", results()) == (
        "news/park.txt:3:22: warning [ap.months] Abbreviate the month before a date\n"
        "  3 | The council voted on October 11 to build the park.\n"
        "    |                      ^^^^^^^\n"
        '    = fix (safe): replace with "Oct."\n'
        "\n"
        "news/park.txt:5:1: error [newsroom.developing-story] Stray 'developing story' line\n"
        "  5 | This is a developing story.\n"
        "    | ^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"  # runs past the line end: marked to the end
        "    = fix (display): remove\n"
        "\n"
        "news/broken.json: error: invalid JSON at line 1\n"
        "\n"
        "2 findings (1 error, 1 warning) in 1 of 2 files; 1 fixable with --fix; "
        "1 file could not be read\n"
    )


def test_text_no_findings_and_fixed() -> None:
    clean = [FileResult("a.txt", read("A\n\nB.\n")), FileResult("b.txt", read("C\n\nD.\n"))]
    assert render("text", clean) == "No findings in 2 files.\n"
    assert render("text", [FileResult("a.txt", read("A\n\nB.\n"))]) == "No findings in 1 file.\n"
    fixed = [FileResult("a.txt", read("A\n\nB.\n"), fixed=(month_finding(), month_finding()))]
    assert render("text", fixed) == "Fixed 2 findings in a.txt\n\nNo findings in 1 file.\n"


def test_text_summary_counts_unsafe_fixes_and_plurals() -> None:
    unsafe = month_finding(fix=Fix((Edit(MONTH, MONTH + 7, "Oct."),), Applicability.UNSAFE))
    hint = month_finding(severity=Severity.SUGGESTION)
    out = render("text", [FileResult("a.txt", read(STORY), (month_finding(), unsafe, hint, hint))])
    assert out.endswith(
        "4 findings (2 warnings, 2 suggestions) in 1 file; 3 fixable with --fix (1 more with unsafe fixes enabled)\n"
    )
    only_unsafe = render("text", [FileResult("a.txt", read(STORY), (unsafe,))])
    assert only_unsafe.endswith("1 finding (1 warning) in 1 file; 1 fixable with unsafe fixes enabled\n")


def test_text_carets_under_tabs_wide_and_combining_characters() -> None:
    source = "Headline\n\n\tCafe\u0301 東京 said irregardless of cost.\n"
    start = source.index("irregardless")
    finding = month_finding(start=start, end=start + len("irregardless"), fix=None)
    out = render("text", [FileResult("t.txt", read(source), (finding,))]).splitlines()
    # Columns count code points: tab, C a f e, combining accent, space, 東 京, space, "said ".
    assert out[0].startswith("t.txt:3:16: warning")
    assert out[1] == "  3 | \tCafe\u0301 東京 said irregardless of cost."
    # The tab stays a tab; the accent takes no cell and each ideograph two.
    assert out[2] == "    | \t" + " " * 15 + "^" * 12


def test_text_empty_span_at_line_end_gets_one_caret() -> None:
    end_of_line = STORY.index("\n", MONTH)
    insert = Fix((Edit(end_of_line, end_of_line, "!"),), Applicability.UNSAFE)
    finding = month_finding(start=end_of_line, end=end_of_line, fix=insert)
    out = render("text", [FileResult("a.txt", read(STORY), (finding,))]).splitlines()
    line = "The council voted on October 11 to build the park."
    assert out[0].startswith(f"a.txt:3:{len(line) + 1}:")
    assert out[2] == "    | " + " " * len(line) + "^"
    assert out[3] == '    = fix (unsafe): insert "!"'


def test_text_long_line_is_windowed_around_the_span() -> None:
    words = " ".join(f"word{i:03d}" for i in range(60))  # 479 code points on one line
    source = f"Headline\n\n{words}\n"
    start = source.index("word040")
    finding = month_finding(start=start, end=start + 7, fix=None)
    out = render("text", [FileResult("a.txt", read(source), (finding,))]).splitlines()
    column = start - source.index("word000") + 1
    assert out[0].startswith(f"a.txt:3:{column}:")  # the header keeps the true column
    shown, marker = out[1].split(" | ", 1)[1], out[2].split(" | ", 1)[1]
    assert shown.startswith("…") and shown.endswith("…")
    assert len(shown) == 100 + 2
    caret = marker.index("^")
    assert marker[caret:] == "^" * 7
    assert shown[caret:caret + 7] == "word040"


def test_text_multi_edit_fix_quotes_what_it_changes() -> None:
    comma = MONTH + len("October 11")
    fix = Fix((Edit(comma, comma, ","), Edit(MONTH, MONTH + 7, "Oct.")), Applicability.SAFE)
    out = render("text", [FileResult("a.txt", read(STORY), (month_finding(fix=fix),))]).splitlines()
    assert out[3] == '    = fix (safe): replace "October" with "Oct."; insert ","'


def test_text_color_only_when_asked() -> None:
    assert "\x1b[" not in render("text", results())
    colored = render("text", results(), color=True)
    assert "\x1b[1;33mwarning\x1b[0m" in colored
    assert "\x1b[1;31m^^^^" in colored
    # Stripped of colour, the output is the plain one.
    assert re.sub(r"\x1b\[[0-9;]*m", "", colored) == render("text", results())


# -- json -------------------------------------------------------------------------------------


def test_json_round_trips_every_file_with_positions() -> None:
    out = render("json", results())
    assert out.endswith("}\n")
    report = json.loads(out)
    assert report["version"] == 1
    assert [f["path"] for f in report["files"]] == ["news/park.txt", "news/clean.txt", "news/broken.json"]
    park, clean, broken = report["files"]
    assert clean == {"path": "news/clean.txt", "findings": []}
    assert broken == {"path": "news/broken.json", "error": "invalid JSON at line 1", "findings": []}
    month, stray = park["findings"]
    assert month == {
        "rule": "ap.months",
        "category": "date-style",
        "severity": "warning",
        "message": "Abbreviate the month before a date",
        "start": 45,
        "end": 52,
        "line": 3,
        "column": 22,
        "end_line": 3,
        "end_column": 29,
        "fix": {"replacement": "Oct.", "applicability": "safe", "edits": [{"start": 45, "end": 52, "text": "Oct."}]},
        "field": "body",
        "link": "https://example.org/ap/months",
    }
    assert STORY[month["start"]:month["end"]] == "October"
    assert (stray["line"], stray["column"], stray["end_line"], stray["end_column"]) == (5, 1, 6, 1)
    assert stray["fix"]["applicability"] == "display" and stray["fix"]["replacement"] == ""
    assert stray["link"] is None


def test_json_fix_null_offsets_in_code_points_and_unicode_kept() -> None:
    source = "Café news\n\n😀 Attendees said “yes” in Octobr.\n"
    start = source.index("Octobr")
    finding = month_finding(start=start, end=start + 6, fix=None, message="Misspelled “Octobr”")
    out = render("json", [FileResult("café.txt", read(source), (finding,))])
    assert "“Octobr”" in out and "café.txt" in out  # not \u-escaped
    (entry,) = json.loads(out)["files"][0]["findings"]
    assert entry["fix"] is None
    assert source[entry["start"]:entry["end"]] == "Octobr"  # code points, not UTF-16 units
    # "😀 Attendees said “yes” in " is 26 code points.
    assert (entry["line"], entry["column"], entry["end_column"]) == (3, 27, 33)


def test_json_empty_run() -> None:
    assert json.loads(render("json", [])) == {"version": 1, "files": []}


# -- sarif ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    # Every $ref in the schema is local (#/definitions/...), so nothing is fetched.
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_sarif_validates_and_has_regions(sarif_validator) -> None:
    log = json.loads(render("sarif", results()))
    sarif_validator.validate(log)
    (run,) = log["runs"]
    assert run["columnKind"] == "unicodeCodePoints"
    driver = run["tool"]["driver"]
    assert driver["name"] == "copydesk" and driver["version"]
    assert [rule["id"] for rule in driver["rules"]] == ["ap.months", "newsroom.developing-story"]
    assert driver["rules"][0]["helpUri"] == "https://example.org/ap/months"
    assert driver["rules"][0]["properties"] == {"category": "date-style"}
    assert driver["rules"][1]["shortDescription"] == {"text": "Stray 'developing story' line"}

    month, stray = run["results"]
    assert (month["ruleId"], month["ruleIndex"], month["level"]) == ("ap.months", 0, "warning")
    location = month["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "news/park.txt"}
    assert location["region"] == {
        "startLine": 3, "startColumn": 22, "endLine": 3, "endColumn": 29, "charOffset": 45, "charLength": 7,
    }
    (replacement,) = month["fixes"][0]["artifactChanges"][0]["replacements"]
    assert replacement["deletedRegion"]["charOffset"] == 45
    assert replacement["insertedContent"] == {"text": "Oct."}

    assert (stray["level"], stray["ruleIndex"]) == ("error", 1)
    assert stray["locations"][0]["physicalLocation"]["region"]["endLine"] == 6
    assert "fixes" not in stray  # display-only fixes are not offered as SARIF fixes

    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["message"]["text"] == "invalid JSON at line 1"
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "news/broken.json"


def test_sarif_levels_shared_rules_and_clean_runs(sarif_validator) -> None:
    hint = month_finding(severity=Severity.SUGGESTION)
    log = json.loads(render("sarif", [
        FileResult("my story.txt", read(STORY), (hint,)),
        FileResult("other.txt", read(STORY), (month_finding(),)),
    ]))
    sarif_validator.validate(log)
    run = log["runs"][0]
    assert len(run["tool"]["driver"]["rules"]) == 1
    assert [(r["level"], r["ruleIndex"]) for r in run["results"]] == [("note", 0), ("warning", 0)]
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "my%20story.txt"
    assert run["invocations"] == [{"executionSuccessful": True}]

    empty = json.loads(render("sarif", []))
    sarif_validator.validate(empty)
    assert empty["runs"][0]["results"] == []


def test_sarif_columns_count_code_points(sarif_validator) -> None:
    source = "Headline\n\n😀 Octobr\n"
    start = source.index("Octobr")
    finding = month_finding(start=start, end=start + 6, fix=None)
    log = json.loads(render("sarif", [FileResult("a.txt", read(source), (finding,))]))
    sarif_validator.validate(log)
    region = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["endColumn"]) == (3, 3, 9)
    assert region["charOffset"] == start == 12


def test_sarif_output_breaking_the_schema_is_caught(sarif_validator) -> None:
    log = json.loads(render("sarif", results()))
    log["runs"][0]["results"][0]["level"] = "suggestion"
    with pytest.raises(jsonschema.ValidationError):
        sarif_validator.validate(log)


# -- github -----------------------------------------------------------------------------------


def test_github_exact_output() -> None:
    assert render("github", results()) == (
        "::warning file=news/park.txt,line=3,col=22,endLine=3,endColumn=29,title=ap.months"
        "::Abbreviate the month before a date\n"
        "::error file=news/park.txt,line=5,col=1,endLine=6,endColumn=1,title=newsroom.developing-story"
        "::Stray 'developing story' line\n"
        "::error file=news/broken.json,title=read-error::invalid JSON at line 1\n"
    )


def test_github_escaping_and_notice_for_suggestions() -> None:
    finding = month_finding(severity=Severity.SUGGESTION, message="100% sure:\r\nsay, “Oct.”", rule="a,b:c")
    out = render("github", [FileResult("dir,1/a:b%.txt", read(STORY), (finding,))])
    assert out == (
        "::notice file=dir%2C1/a%3Ab%25.txt,line=3,col=22,endLine=3,endColumn=29,title=a%2Cb%3Ac"
        "::100%25 sure:%0D%0Asay, “Oct.”\n"
    )
    assert escape_data("a%b\nc:d,e") == "a%25b%0Ac:d,e"
    assert escape_property("a%b\nc:d,e") == "a%25b%0Ac%3Ad%2Ce"
    assert render("github", []) == ""


# -- line -------------------------------------------------------------------------------------

# What vim's errorformat `%f:%l:%c: %t%*[^:]: %m` matches, as a Python regex.
VIM_EFM = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<type>[a-z])[^:]*: (?P<message>.*)$")


def test_line_exact_output_and_vim_errorformat() -> None:
    out = render("line", results())
    assert out == (
        "news/park.txt:3:22: warning: Abbreviate the month before a date [ap.months]\n"
        "news/park.txt:5:1: error: Stray 'developing story' line [newsroom.developing-story]\n"
        "news/broken.json:1:1: error: invalid JSON at line 1 [read-error]\n"
    )
    parsed = [VIM_EFM.match(line).groupdict() for line in out.splitlines()]
    assert parsed[0] == {
        "file": "news/park.txt", "line": "3", "col": "22", "type": "w",
        "message": "Abbreviate the month before a date [ap.months]",
    }
    assert [p["type"] for p in parsed] == ["w", "e", "e"]


def test_line_matches_documented_vscode_matcher_and_stays_on_one_line() -> None:
    matcher = re.search(r'"problemMatcher": (\{.*\n    \})', line_reporter.__doc__, re.S).group(1)
    pattern = json.loads(matcher)["pattern"]
    regexp = re.compile(pattern["regexp"])
    finding = month_finding(severity=Severity.SUGGESTION, message="Two\nlines: [sic]")
    out = render("line", [FileResult("a.txt", read(STORY), (finding,))])
    assert out == "a.txt:3:22: info: Two lines: [sic] [ap.months]\n"
    match = regexp.match(out.rstrip("\n"))
    groups = {name: match.group(pattern[name]) for name in ("file", "line", "column", "severity", "message", "code")}
    assert groups == {
        "file": "a.txt", "line": "3", "column": "22", "severity": "info",
        "message": "Two lines: [sic]", "code": "ap.months",
    }
    assert "%f:%l:%c:\\ %t%*[^:]:\\ %m" in line_reporter.__doc__
    assert render("line", []) == ""


# -- dispatch ---------------------------------------------------------------------------------


def test_every_format_renders_through_the_registry() -> None:
    assert set(REPORTERS) == {"text", "json", "sarif", "github", "line"}
    for name in REPORTERS:
        out = render(name, results())
        assert out.endswith("\n")
    assert render("text", []) == "No findings in 0 files.\n"


def test_unknown_format_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown output format 'xml'"):
        render("xml", results())
