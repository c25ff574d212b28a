"""``copydesk audit``: archive reports, resume, local processes and Dask. Stories are invented."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from linter import audit
from linter.cli import main
from linter.config import Config
from linter.fields import article_from_fields
from linter.linting import Linter
from linter.reporters.json import finding_entry
from linter.results import FileResult

STORIES = {
    "budget.txt": "Council Approves New Budget Plan\n\nRates rose 5 per cent on Friday, the bank said.\n\n"
                  "The the bank will meet again on Oct. 5th, 2023.\n",
    "desk/bridge.md": "# Harbour bridge reopens\n\nThe bridge reopened on Tuesday after the council's colour-coded "
                      "repairs, which cost 12 per cent more.\n\nDrivers said that in order to cross they queued.\n",
    "desk/library.txt": "Library extends weekend hours\n\nThe city library will stay open until 8 p.m. on Saturdays "
                        "starting next month, officials said.\n",
    "cms/park.json": json.dumps({"headline": "Mayor Opens New Park",
                                 "body": "The park opened on Monday, Oct. 5th.\n\nIt is 10 per cent bigger."}),
}
RECORDS = [
    {"id": "a-1", "headline": "Mayor Opens New Park", "body": "The park opened on Monday, Oct. 5th.\n\nIt is 10 per cent bigger."},
    {"url": "https://example.org/ferry", "headline": "Ferry service resumes",
     "body": "<p>The ferry resumed on Monday.</p><p>Fares rose 3 per cent.</p>", "body_format": "html"},
    None,  # a blank line: not an article
    '{"id": "broken", "headline": "Half a rec',  # malformed
    {"headline": "Quiet day at the harbour", "byline": "By Ann Example", "body": "Nothing moved in the the harbour today."},
    [1, 2],  # valid JSON, not an object
]


def write_tree(root: Path) -> Path:
    for name, text in STORIES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "desk" / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR")  # binary: an error
    (root / "notes.csv").write_text("not,a,story\n")  # not a story suffix: ignored
    return root


def write_jsonl(path: Path) -> Path:
    lines = ["" if r is None else r if isinstance(r, str) else json.dumps(r) for r in RECORDS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "archive")


@pytest.fixture
def jsonl(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "export.jsonl")


def run_audit(source: Path, out: Path, *extra: str) -> int:
    return main(["audit", str(source), "--out", str(out), "--no-config", "--no-progress", *extra])


def records(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()]


def report(out: Path) -> dict:
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def comparable(rep: dict) -> dict:
    """A report without what depends on the run (timing, mode, resume point)."""
    return {k: v for k, v in rep.items() if k not in ("run", "elapsed_seconds", "articles_per_second")}


def direct_rule_counts_for_tree(root: Path) -> Counter:
    linter = Linter(Config())
    counts: Counter = Counter()
    for name, text in STORIES.items():
        fmt = "markdown" if name.endswith(".md") else "cms-json" if name.endswith(".json") else "text"
        counts.update(f.rule for f in linter.check(text, fmt, name)[1])
    return counts


# -- a folder tree ---------------------------------------------------------------------------------
def test_tree_audit_matches_a_direct_linter_run(tree, tmp_path):
    out = tmp_path / "out"
    assert run_audit(tree, out) == 0  # the binary file is recorded as an error; the audit completes
    rep = report(out)
    assert rep["status"] == "complete"
    assert (rep["articles"], rep["linted"], rep["error_count"]) == (5, 4, 1)
    assert rep["errors"] == [{"path": "desk/scan.txt", "error": "binary file (it contains NUL bytes); not a story"}]
    expected = direct_rule_counts_for_tree(tree)
    assert {rule: r["findings"] for rule, r in rep["rules"].items()} == dict(expected)
    assert rep["findings"] == sum(expected.values())
    assert rep["rules"]["starter.percent"]["articles"] == 3
    assert rep["rules"]["starter.percent"]["per_1000_articles"] == 750.0  # 3 findings / 4 linted
    assert sum(rep["severity"].values()) == rep["findings"]
    assert sum(c["findings"] for c in rep["categories"].values()) == rep["findings"]

    by_path = {r["path"]: r for r in records(out)}
    assert set(by_path) == {"budget.txt", "desk/bridge.md", "desk/library.txt", "cms/park.json", "desk/scan.txt"}
    # Findings are in the JSON report's shape, offsets into the story file.
    budget = by_path["budget.txt"]
    linter = Linter(Config())
    article, findings = linter.check(STORIES["budget.txt"], "text", "budget.txt")
    assert budget["findings"] == [finding_entry(FileResult("budget.txt", article, tuple(findings)), f) for f in findings]
    percent = next(f for f in budget["findings"] if f["rule"] == "starter.percent")
    assert STORIES["budget.txt"][percent["start"]:percent["end"]] == "per cent"
    assert budget["severity"] == {"error": 1, "warning": 2, "suggestion": 1}
    assert budget["score"] == 5 * 1 + 2 * 2 + 1
    assert by_path["desk/library.txt"]["findings"] == [] and by_path["desk/library.txt"]["score"] == 0
    assert "error" in by_path["desk/scan.txt"]

    md = (out / "report.md").read_text()
    assert "| `starter.percent` | style | warning | 3 | 3 | 750.0 |" in md
    assert "- `desk/scan.txt`: binary file" in md


def test_worst_articles_are_ordered_by_weighted_score(tree, tmp_path):
    out = tmp_path / "out"
    run_audit(tree, out, "--top", "3")
    worst = report(out)["worst"]
    scores = {r["path"]: r["score"] for r in records(out) if "score" in r}
    expected = sorted(scores, key=lambda p: (-scores[p], p))[:3]
    assert [w["path"] for w in worst] == expected
    assert worst[0]["path"] == "budget.txt" and worst[0]["score"] == 10
    assert [w["score"] for w in worst] == sorted((w["score"] for w in worst), reverse=True)


# -- JSON Lines of CMS articles --------------------------------------------------------------------
def test_jsonl_records_are_named_and_malformed_lines_are_errors(jsonl, tmp_path):
    out = tmp_path / "out"
    assert run_audit(jsonl, out) == 0
    recs = {r["line"]: r for r in records(out)}
    assert set(recs) == {1, 2, 4, 5, 6}  # line 3 is blank
    assert recs[1]["id"] == "a-1"
    assert recs[2]["id"] == "https://example.org/ferry"
    assert recs[5]["id"] == "5"  # neither id nor url: named by its line number
    assert recs[4]["error"].startswith("line 4: malformed JSON")
    assert recs[6]["error"] == "line 6: expected a JSON object, found list"

    # Offsets are within the field, as the CMS service reports them.
    body = RECORDS[0]["body"]
    percent = next(f for f in recs[1]["findings"] if f["rule"] == "starter.percent")
    assert (percent["field"], body[percent["start"]:percent["end"]]) == ("body", "per cent")
    doubled = next(f for f in recs[5]["findings"] if f["rule"] == "starter.doubled-word")
    assert RECORDS[4]["body"][doubled["start"]:doubled["end"]].lower() == "the the"

    linter = Linter(Config())
    expected: Counter = Counter()
    for record in (RECORDS[0], RECORDS[1], RECORDS[4]):
        built = article_from_fields(record, record.get("body_format", "text"))
        expected.update(f.rule for f in linter.check_article(built.article))
    rep = report(out)
    assert {rule: r["findings"] for rule, r in rep["rules"].items()} == dict(expected)
    assert (rep["articles"], rep["error_count"]) == (5, 2)
    assert [e["line"] for e in rep["errors"]] == [4, 6]


def test_clean_archive_exits_0_and_missing_source_exits_2(tmp_path, capsys):
    (tmp_path / "clean").mkdir()
    (tmp_path / "clean" / "a.txt").write_text(STORIES["desk/library.txt"])
    assert run_audit(tmp_path / "clean", tmp_path / "out") == 0
    assert run_audit(tmp_path / "nowhere", tmp_path / "out2") == 2
    assert "nowhere: no such file or directory" in capsys.readouterr().err
    assert not (tmp_path / "out2").exists()


# -- resume ----------------------------------------------------------------------------------------
def test_resume_after_a_crash_skips_done_articles_and_drops_a_cut_line(tree, tmp_path):
    full = tmp_path / "full"
    run_audit(tree, full)
    out = tmp_path / "out"
    run_audit(tree, out)
    lines = (out / "articles.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    # Two whole lines, then a third cut off mid-write, as a killed process leaves it.
    (out / "articles.jsonl").write_text(lines[0] + lines[1] + lines[2][: len(lines[2]) // 2], encoding="utf-8")
    (out / "report.json").unlink()

    assert run_audit(tree, out) == 0
    resumed = records(out)
    assert Counter(r["path"] for r in resumed) == Counter({p: 1 for p in (
        "budget.txt", "desk/bridge.md", "desk/library.txt", "cms/park.json", "desk/scan.txt")})
    assert sorted(map(json.dumps, resumed)) == sorted(map(json.dumps, records(full)))
    rep = report(out)
    assert rep["run"]["articles_before"] == 2 and rep["run"]["articles_linted"] == 3
    assert comparable(rep) == comparable(report(full))

    # A completed audit run again lints nothing and reports the same.
    run_audit(tree, out)
    assert report(out)["run"]["articles_linted"] == 0
    assert len(records(out)) == 5


def test_ctrl_c_stops_cleanly_and_resume_completes(tree, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    real = audit.lint_partition
    calls = []

    def interrupted_after_first(job, items):
        calls.append(len(items))
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(job, items)

    monkeypatch.setattr(audit, "lint_partition", interrupted_after_first)
    assert run_audit(tree, out) == 130
    assert "run the same command again to resume" in capsys.readouterr().err
    assert json.loads((out / "state.json").read_text())["status"] == "interrupted"
    assert report(out)["status"] == "interrupted"
    assert len(records(out)) == calls[0] == 4
    monkeypatch.setattr(audit, "lint_partition", real)

    assert run_audit(tree, out) == 0
    assert len({r["path"] for r in records(out)}) == len(records(out)) == 5
    assert report(out)["status"] == "complete"


def test_killed_process_resumes_with_every_article_exactly_once(tmp_path):
    root = tmp_path / "big"
    root.mkdir()
    for i in range(400):
        (root / f"s{i:03d}.txt").write_text(STORIES["budget.txt"].replace("5 per", f"{i} per"), encoding="utf-8")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "linter", "audit", str(root), "--out", str(out), "--no-config", "--no-progress"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    articles = out / "articles.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (articles.exists() and articles.stat().st_size > 0):
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    first = articles.read_bytes().count(b"\n")
    assert 0 < first < 400, "the audit should have been killed part of the way through"

    assert subprocess.run(command, capture_output=True).returncode == 0
    paths = [r["path"] for r in records(out)]
    assert len(paths) == len(set(paths)) == 400
    assert report(out)["run"]["articles_before"] == first


def test_different_settings_are_refused_unless_restart(tree, tmp_path, capsys):
    out = tmp_path / "out"
    run_audit(tree, out)
    assert run_audit(tree, out, "--disable", "starter.percent") == 2
    err = capsys.readouterr().err
    assert "holds an audit with different settings (disable, rule_count, rule_files_sha256, rules_sha256)" in err
    assert "--restart" in err
    assert len(records(out)) == 5  # untouched

    assert run_audit(tree, out, "--disable", "starter.percent", "--restart") == 0
    assert "starter.percent" not in report(out)["rules"]
    assert len(records(out)) == 5
    # Where it ran is not a setting: the same audit may be continued with --jobs.
    assert run_audit(tree, out, "--disable", "starter.percent", "--jobs", "2") == 0


def test_articles_without_state_are_refused(tree, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "articles.jsonl").write_text('{"path": "x.txt", "findings": []}\n')
    assert run_audit(tree, out) == 2
    assert "cannot tell what it is an audit of" in capsys.readouterr().err


# -- local processes and Dask ----------------------------------------------------------------------
def test_two_processes_give_the_same_results_as_one(tree, jsonl, tmp_path):
    for source in (tree, jsonl):
        one, two = tmp_path / f"{source.name}-1", tmp_path / f"{source.name}-2"
        run_audit(source, one)
        run_audit(source, two, "--jobs", "2")
        assert sorted(map(json.dumps, records(one))) == sorted(map(json.dumps, records(two)))
        assert comparable(report(one)) == comparable(report(two))
        assert report(two)["run"]["mode"] == "2 local processes"


def test_tally_merge_is_independent_of_partition_order():
    recs = [
        {"path": f"{i}.txt", "chars": 10, "score": s, "severity": {"error": 0, "warning": 0, "suggestion": s},
         "categories": {"style": s}, "findings": [{"rule": "r", "category": "style", "severity": "suggestion"}] * s}
        for i, s in enumerate([3, 1, 3, 0, 2])
    ] + [{"path": "bad.txt", "error": "binary", "findings": []}]
    whole = audit.Tally(2)
    for r in recs:
        whole.add(r)
    merged = audit.Tally(2)
    for part in (recs[4:], recs[:2], recs[2:4]):
        t = audit.Tally(2)
        for r in part:
            t.add(r)
        merged.merge(t)
    whole._trim_worst()
    assert merged.worst == whole.worst
    assert [w["path"] for w in merged.worst] == ["0.txt", "2.txt"]
    assert (merged.findings, merged.rule_articles["r"], merged.error_count, merged.with_findings) == (9, 4, 1, 4)


def test_dask_without_distributed_is_a_clear_exit_2(tree, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)
    assert run_audit(tree, tmp_path / "out", "--dask", "tcp://127.0.0.1:1") == 2
    assert "needs the 'dask' extra: pip install 'copydesk[dask]'" in capsys.readouterr().err


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0") as local:
        yield local


def test_dask_cluster_gives_the_same_aggregates_as_a_local_run(cluster, tree, jsonl, tmp_path):
    for source in (tree, jsonl):
        local, remote = tmp_path / f"{source.name}-local", tmp_path / f"{source.name}-dask"
        run_audit(source, local)
        assert run_audit(source, remote, "--dask", cluster.scheduler_address) == 0
        assert sorted(map(json.dumps, records(local))) == sorted(map(json.dumps, records(remote)))
        assert comparable(report(local)) == comparable(report(remote))
        assert report(remote)["run"]["mode"].startswith(f"dask {cluster.scheduler_address} (2 worker")


def test_dask_resume_of_a_local_partial_audit(cluster, tree, tmp_path):
    full, out = tmp_path / "full", tmp_path / "out"
    run_audit(tree, full)
    run_audit(tree, out)
    lines = (out / "articles.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    (out / "articles.jsonl").write_text("".join(lines[:3]), encoding="utf-8")
    run_audit(tree, out, "--dask", cluster.scheduler_address)
    assert sorted(map(json.dumps, records(out))) == sorted(map(json.dumps, records(full)))
    assert report(out)["run"]["articles_linted"] == 2


def test_unreachable_scheduler_is_exit_2(tree, tmp_path, capsys):
    pytest.importorskip("distributed")
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        assert run_audit(tree, tmp_path / "out", "--dask", "tcp://127.0.0.1:9") == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in capsys.readouterr().err
