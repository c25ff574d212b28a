"""``copydesk audit``: lint a whole archive and report on it, resumably, on one machine or on Dask.

An archive is a folder tree of stories or a JSON Lines file of CMS articles (``headline``, ``dek``,
``byline``, ``dateline``, ``published``, ``body``, ``body_format``; ``id`` or ``url`` names one).
It is cut into partitions of articles; each partition is linted where the work runs (in this
process, in ``--jobs`` local processes, or on Dask workers), and comes back as finished JSON lines
for ``articles.jsonl`` plus a partial :class:`Tally`, which the client merges. Every worker builds
its :class:`~linter.linting.Linter` once.

Output in ``--out DIR``:

- ``articles.jsonl``: one object per article (its ``path``, or ``id`` and ``line`` for a JSON
  Lines record; counts by severity and category; a weighted ``score``; the findings in the JSON
  report's shape, or an ``error``). Lines are appended whole and flushed as partitions finish.
- ``report.json`` and ``report.md``: the aggregate (findings per rule and category, severity
  totals, the worst articles, errors, elapsed time, articles per second).
- ``state.json``: the source and rule settings. Running the same command again resumes: articles
  already in ``articles.jsonl`` are skipped (a line cut short by a crash is dropped), and
  different settings are refused unless ``--restart``. ``--jobs``, ``--dask`` and ``--top`` are
  not settings: an audit begun locally may be finished on a cluster.

Exit codes: 0 the audit completed (findings are what an audit is for); 2 a usage error, or some
articles could not be read or parsed (each is recorded in the report, the rest are audited);
130 interrupted (run again to resume).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import os
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

EXIT_OK, EXIT_ERROR, EXIT_INTERRUPTED = 0, 2, 130
STATE_VERSION = 1
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonlines")
#: How much one finding of each severity adds to an article's score (for "worst articles").
SCORE_WEIGHTS = {"error": 5, "warning": 2, "suggestion": 1}
SEVERITIES = ("error", "warning", "suggestion")
#: Errors listed by name in the report (all are counted, and all are in articles.jsonl).
MAX_LISTED_ERRORS = 1000
DASK_HINT = "--dask needs the 'dask' extra: pip install 'copydesk[dask]'"

# A work item, made in the client and linted in a worker:
#   ("path", name, file path)      a story the worker reads (local processes share the disk)
#   ("text", name, text)           a story the client read (Dask workers need no shared disk)
#   ("record", line number, bytes) one JSON Lines record
#   ("error", name, problem)       a file that could not even be listed
Item = tuple[str, Any, Any]


# -- the tally: mergeable aggregates ---------------------------------------------------------------
@dataclass
class Tally:
    """Aggregates over some articles. Tallies of disjoint partitions merge into the tally of
    their union, whatever the order, so workers can tally and the client just merges."""

    top: int
    articles: int = 0
    linted: int = 0
    with_findings: int = 0
    findings: int = 0
    chars: int = 0
    severity: Counter = field(default_factory=Counter)
    categories: Counter = field(default_factory=Counter)
    rule_findings: Counter = field(default_factory=Counter)
    rule_articles: Counter = field(default_factory=Counter)
    rule_info: dict[str, tuple[str, str]] = field(default_factory=dict)  # rule -> (category, severity)
    error_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    worst: list[dict[str, Any]] = field(default_factory=list)

    def add(self, record: dict[str, Any]) -> None:
        self.articles += 1
        if "error" in record:
            self.error_count += 1
            self.errors.append({**_name_of(record), "error": record["error"]})
            if len(self.errors) > 2 * MAX_LISTED_ERRORS:
                self._trim_errors()
            return
        self.linted += 1
        self.chars += record.get("chars", 0)
        findings = record["findings"]
        if not findings:
            return
        self.with_findings += 1
        self.findings += len(findings)
        self.severity.update(record["severity"])
        self.categories.update(record["categories"])
        rules = Counter(f["rule"] for f in findings)
        self.rule_findings.update(rules)
        self.rule_articles.update(rules.keys())
        for finding in findings:
            self.rule_info.setdefault(finding["rule"], (finding["category"], finding["severity"]))
        if self.top > 0:
            self.worst.append({**_name_of(record), "score": record["score"], "findings": len(findings),
                               "severity": record["severity"]})
            if len(self.worst) > 2 * self.top:
                self._trim_worst()

    def merge(self, other: "Tally") -> None:
        for name in ("articles", "linted", "with_findings", "findings", "chars", "error_count"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("severity", "categories", "rule_findings", "rule_articles"):
            getattr(self, name).update(getattr(other, name))
        for rule, info in other.rule_info.items():
            self.rule_info.setdefault(rule, info)
        self.errors.extend(other.errors)
        self.worst.extend(other.worst)
        self._trim_errors()
        self._trim_worst()

    def _trim_worst(self) -> None:
        # Highest score first; ties by more findings, then by name, so the list never depends
        # on the order partitions finished in.
        self.worst.sort(key=lambda w: (-w["score"], -w["findings"], _sort_name(w)))
        del self.worst[self.top:]

    def _trim_errors(self) -> None:
        self.errors.sort(key=_sort_name)
        del self.errors[MAX_LISTED_ERRORS:]


def _name_of(record: dict[str, Any]) -> dict[str, Any]:
    if "path" in record:
        return {"path": record["path"]}
    return {"id": record["id"], "line": record["line"]}


def _sort_name(entry: dict[str, Any]) -> tuple:
    return (entry["path"], 0) if "path" in entry else ("", entry["line"])


def _key_of(record: dict[str, Any]) -> tuple[str, Any]:
    """What identifies an article across runs: its path, or its line in the JSON Lines file
    (ids may repeat in a CMS export; line numbers do not)."""
    return ("path", record["path"]) if "path" in record else ("line", record["line"])


# -- linting a partition (runs in the worker) ------------------------------------------------------
@dataclass(frozen=True)
class AuditJob:
    """What a worker needs to build its linter: sent with every partition, small."""

    token: str  # digest of the settings: the worker's cache key
    config: Any  # linter.config.Config
    top: int


@dataclass
class PartitionResult:
    lines: list[str]  # finished JSON lines for articles.jsonl
    tally: Tally


_LINTERS: dict[str, Any] = {}
_LINTERS_LOCK = threading.Lock()


def _linter_for(job: AuditJob):
    """The worker's linter for these settings, built on first use and kept for the process."""
    linter = _LINTERS.get(job.token)
    if linter is None:
        with _LINTERS_LOCK:
            linter = _LINTERS.get(job.token)
            if linter is None:
                from .linting import Linter
                from .ruletypes.languagetool import silence_notice

                silence_notice()  # the client said it once already
                linter = _LINTERS[job.token] = Linter(job.config)
    return linter


def lint_partition(job: AuditJob, items: Sequence[Item]) -> PartitionResult:
    """Lint one partition: the unit of work sent to a process or a Dask worker."""
    linter = _linter_for(job)
    tally = Tally(job.top)
    lines = []
    for item in items:
        record = lint_item(linter, item)
        tally.add(record)
        lines.append(json.dumps(record, ensure_ascii=False))
    return PartitionResult(lines, tally)


def lint_item(linter, item: Item) -> dict[str, Any]:
    """One article's record; never raises (a rule crashing on one story must not stop an
    archive of millions: it is recorded as that article's error)."""
    kind, name, payload = item
    try:
        if kind == "record":
            return _lint_record(linter, name, payload)
        if kind == "error":
            return {"path": name, "error": payload, "findings": []}
        return _lint_story(linter, name, payload, read=(kind == "path"))
    except Exception as error:  # noqa: BLE001 - recorded, see above
        record = {"id": str(name), "line": name} if kind == "record" else {"path": name}
        return {**record, "error": f"internal error: {type(error).__name__}: {error}", "findings": []}


def _lint_story(linter, name: str, payload: str, read: bool) -> dict[str, Any]:
    from .files import InputError, format_for, read_file
    from .readers import ReadError
    from .reporters.json import finding_entry
    from .results import FileResult

    try:
        text = read_file(Path(payload)).text if read else payload
        fmt = format_for(name)
        article, findings = linter.check(text, fmt, name)
    except InputError as error:
        return {"path": name, "error": error.problem, "findings": []}
    except ReadError as error:
        return {"path": name, "error": str(error), "findings": []}
    result = FileResult(name, article, tuple(findings))
    entries = [finding_entry(result, finding) for finding in findings]
    return _summary({"path": name, "format": fmt, "chars": len(text)}, entries)


def _lint_record(linter, line_no: int, data: bytes) -> dict[str, Any]:
    from .fields import BODY_FORMATS, TEXT_FIELDS, article_from_fields, finding_payload

    def failed(problem: str, name: str | None = None) -> dict[str, Any]:
        return {"id": name or str(line_no), "line": line_no, "error": problem, "findings": []}

    try:
        record = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        return failed(f"line {line_no}: not valid UTF-8 (byte 0x{data[error.start]:02x} at column {error.start + 1})")
    except json.JSONDecodeError as error:
        return failed(f"line {line_no}: malformed JSON: {error.msg} at column {error.colno}")
    if not isinstance(record, dict):
        return failed(f"line {line_no}: expected a JSON object, found {type(record).__name__}")
    name = next((str(record[k]) for k in ("id", "url") if isinstance(record.get(k), (str, int)) and record[k] != ""), None)
    body_format = record.get("body_format", "text")
    if not isinstance(body_format, str) or body_format.strip().lower() not in BODY_FORMATS:
        return failed(f"line {line_no}: body_format must be one of {', '.join(BODY_FORMATS)}", name)
    wrong = [k for k in TEXT_FIELDS if k in record and record[k] is not None and not isinstance(record[k], str)]
    if wrong:
        return failed(f"line {line_no}: {', '.join(repr(k) for k in wrong)} must be a string", name)
    if not any(isinstance(record.get(k), str) and record[k].strip() for k in TEXT_FIELDS):
        return failed(f"line {line_no}: no text in any of {', '.join(TEXT_FIELDS)}", name)
    published = record.get("published")
    meta = {"published": published} if isinstance(published, str) else {}
    built = article_from_fields(record, body_format.strip().lower(), meta)
    findings = linter.check_article(built.article)
    entries = [finding_payload(finding, built) for finding in findings]
    head = {"id": name or str(line_no), "line": line_no, "format": "cms-json", "chars": len(built.article.source)}
    return _summary(head, entries)


def _summary(head: dict[str, Any], entries: list[dict[str, Any]]) -> dict[str, Any]:
    severity = Counter(e["severity"] for e in entries)
    return {
        **head,
        "score": sum(SCORE_WEIGHTS.get(s, 1) * n for s, n in severity.items()),
        "severity": {s: severity.get(s, 0) for s in SEVERITIES},
        "categories": dict(sorted(Counter(e["category"] for e in entries).items())),
        "findings": entries,
    }


# -- listing the work (runs in the client) ---------------------------------------------------------
@dataclass
class Source:
    path: Path
    kind: str  # "tree" (a folder or one story file) or "jsonl"

    @classmethod
    def of(cls, given: str) -> "Source":
        path = Path(given)
        if not path.exists():
            raise _usage(f"{given}: no such file or directory")
        kind = "jsonl" if path.is_file() and path.suffix.lower() in JSONL_SUFFIXES else "tree"
        return cls(path.resolve(), kind)

    def count_and_items(self, config, done: set, ship_text: bool) -> tuple[int, Iterator[Item]]:
        """How many articles are left, and a lazy iterator of their work items."""
        if self.kind == "jsonl":
            todo = sum(1 for n, _ in self._records() if ("line", n) not in done)
            return todo, (("record", n, data) for n, data in self._records() if ("line", n) not in done)
        from .files import InputError, iter_story_files

        root = self.path if self.path.is_dir() else self.path.parent
        listed: list[tuple[str, Any]] = []
        for found in iter_story_files([self.path], config.is_excluded):
            if isinstance(found, InputError):
                name = _relative(Path(found.path), root)
                if ("path", name) not in done:
                    listed.append((name, found))
                continue
            name = _relative(found, root)
            if ("path", name) not in done:
                listed.append((name, found))
        return len(listed), (_story_item(name, found, ship_text) for name, found in listed)

    def _records(self) -> Iterator[tuple[int, bytes]]:
        """(line number, line) for each non-blank line: blank lines are not articles."""
        with self.path.open("rb") as handle:
            for number, line in enumerate(handle, 1):
                line = line.strip()
                if line:
                    yield number, line


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _story_item(name: str, found: Any, ship_text: bool) -> Item:
    from .files import InputError, read_file

    if isinstance(found, InputError):
        return ("error", name, found.problem)
    if not ship_text:
        return ("path", name, str(found))
    try:
        return ("text", name, read_file(found).text)
    except InputError as error:
        return ("error", name, error.problem)


def _partitions(items: Iterator[Item], size: int) -> Iterator[list[Item]]:
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _partition_size(todo: int, workers: int, cap: int) -> int:
    # About eight partitions per worker balances the load; a cap keeps each result small and
    # the output flushed often; a floor keeps per-task overhead negligible.
    return max(4, min(cap, todo // max(1, workers * 8) or 1))


# -- running partitions: here, in local processes, or on Dask --------------------------------------
Runner = Callable[[AuditJob, Iterator[list[Item]]], Iterator[PartitionResult]]


def _run_inline(job: AuditJob, partitions: Iterator[list[Item]]) -> Iterator[PartitionResult]:
    for partition in partitions:
        yield lint_partition(job, partition)


def _process_start(job: AuditJob) -> None:
    import signal

    # Ctrl-C reaches the whole process group; the client handles it and lets each worker
    # finish its partition rather than dying with a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _linter_for(job)


def _run_processes(jobs: int) -> Runner:
    def run(job: AuditJob, partitions: Iterator[list[Item]]) -> Iterator[PartitionResult]:
        from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

        pool = ProcessPoolExecutor(max_workers=jobs, initializer=_process_start, initargs=(job,))
        try:
            pending = set()
            for partition in partitions:  # a bounded window: an archive never sits in memory
                pending.add(pool.submit(lint_partition, job, partition))
                if len(pending) >= jobs * 3:
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    yield from (f.result() for f in finished)
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                yield from (f.result() for f in finished)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    return run


def _connect_dask(address: str):
    try:
        from distributed import Client
    except ImportError:
        raise _usage(DASK_HINT) from None
    try:
        client = Client(address)  # waits distributed.comm.timeouts.connect (Dask's config)
    except (OSError, TimeoutError, ValueError) as error:
        raise _usage(f"cannot reach the Dask scheduler at {address}: {error}") from None
    try:
        client.wait_for_workers(1, timeout=60)
    except TimeoutError:
        client.close()
        raise _usage(f"the Dask scheduler at {address} has no workers") from None
    return client


def _run_dask(client) -> Runner:
    def run(job: AuditJob, partitions: Iterator[list[Item]]) -> Iterator[PartitionResult]:
        from distributed import as_completed

        window = 3 * max(1, sum(client.nthreads().values()))
        job_future = client.scatter(job, broadcast=True)  # sent to each worker once
        running = as_completed()
        in_flight = 0
        try:
            for partition in partitions:
                running.add(client.submit(lint_partition, job_future, partition, pure=False))
                in_flight += 1
                if in_flight >= window:
                    done = next(running)
                    in_flight -= 1
                    yield done.result()
                    done.release()
            for done in running:
                yield done.result()
                done.release()
        finally:
            leftover = list(running.futures)  # submitted, not yet handed back
            if leftover:
                client.cancel(leftover)

    return run


def _dask_workers(client) -> int:
    return max(1, sum(client.nthreads().values()))


# -- the output folder -----------------------------------------------------------------------------
class Output:
    """DIR/articles.jsonl (appended whole lines, flushed), DIR/state.json, the reports."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.articles = folder / "articles.jsonl"
        self.state = folder / "state.json"
        self._handle = None
        self._synced = 0.0

    def prepare(self, settings: dict[str, Any], restart: bool) -> None:
        if self.folder.exists() and not self.folder.is_dir():
            raise _usage(f"--out {self.folder}: not a folder")
        self.folder.mkdir(parents=True, exist_ok=True)
        if restart:
            for name in ("articles.jsonl", "state.json", "report.json", "report.md"):
                (self.folder / name).unlink(missing_ok=True)
        previous = self._read_state()
        if previous is None and self.articles.exists() and self.articles.stat().st_size:
            raise _usage(f"{self.articles} exists but {self.state} does not: cannot tell what it is an audit of; "
                         "use --restart to start over, or another --out")
        if previous is not None and previous.get("settings") != settings:
            differ = sorted(k for k in set(settings) | set(previous.get("settings") or {})
                            if settings.get(k) != (previous.get("settings") or {}).get(k))
            raise _usage(f"{self.folder} holds an audit with different settings ({', '.join(differ)}); "
                         "use --restart to start over, or another --out")

    def _read_state(self) -> dict[str, Any] | None:
        try:
            state = json.loads(self.state.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            raise _usage(f"{self.state}: unreadable ({error}); use --restart to start over") from None
        return state if isinstance(state, dict) else {}

    def write_state(self, settings: dict[str, Any], status: str, articles: int) -> None:
        state = {"version": STATE_VERSION, "settings": settings, "status": status, "articles": articles,
                 "updated": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        self._write_atomic(self.state, json.dumps(state, indent=1, ensure_ascii=False) + "\n")

    def load_done(self, top: int) -> tuple[set, Tally]:
        """Articles already audited, and their tally. A last line cut short by a crash is cut off
        the file, so appending starts on a fresh line; duplicate lines count once."""
        done: set = set()
        tally = Tally(top)
        if not self.articles.exists():
            return done, tally
        good_end = 0
        with self.articles.open("rb") as handle:
            for line in handle:
                if not line.endswith(b"\n"):
                    break  # cut short: linted again
                try:
                    record = json.loads(line)
                    key = _key_of(record)
                except (ValueError, KeyError, TypeError):
                    break
                good_end += len(line)
                if key not in done:
                    done.add(key)
                    tally.add(record)
        if good_end < self.articles.stat().st_size:
            with self.articles.open("r+b") as handle:
                handle.truncate(good_end)
        return done, tally

    def append(self, lines: Sequence[str]) -> None:
        if not lines:
            return
        if self._handle is None:
            self._handle = self.articles.open("a", encoding="utf-8", newline="\n")
        self._handle.write("".join(line + "\n" for line in lines))
        self._handle.flush()
        now = time.monotonic()
        if now - self._synced > 2.0:  # durable against a power cut too, without an fsync per line
            os.fsync(self._handle.fileno())
            self._synced = now

    def close(self) -> None:
        if self._handle is not None:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()
            self._handle = None

    def write_reports(self, report: dict[str, Any]) -> None:
        self._write_atomic(self.folder / "report.json", json.dumps(report, indent=1, ensure_ascii=False) + "\n")
        self._write_atomic(self.folder / "report.md", render_markdown(report))

    @staticmethod
    def _write_atomic(path: Path, text: str) -> None:
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)


# -- progress on stderr ----------------------------------------------------------------------------
class Progress:
    """One self-rewriting line on a terminal (a line every 10% otherwise); no dependency."""

    def __init__(self, total: int, enabled: bool, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.total, self.count = total, 0
        self.enabled = enabled and total > 0
        self.tty = self.enabled and self.stream.isatty()
        self.started = self._shown = time.monotonic()
        self._next_step = 0.1

    def advance(self, by: int) -> None:
        self.count += by
        if not self.enabled:
            return
        now = time.monotonic()
        if self.tty and (now - self._shown >= 0.2 or self.count >= self.total):
            self._shown = now
            self.stream.write("\r" + self._line(now) + "\x1b[K")
            self.stream.flush()
        elif not self.tty and self.count >= self._next_step * self.total:
            self._next_step = (int(10 * self.count / self.total) + 1) / 10
            self.stream.write(self._line(now) + "\n")
            self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()

    def _line(self, now: float) -> str:
        elapsed = max(now - self.started, 1e-9)
        rate = self.count / elapsed
        left = (self.total - self.count) / rate if rate else 0
        percent = 100 * self.count / self.total
        return (f"audit: {self.count:,}/{self.total:,} articles ({percent:.0f}%) "
                f"{rate:,.1f}/s, {_clock(elapsed)} elapsed, {_clock(left)} left")


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


# -- the command -----------------------------------------------------------------------------------
def _usage(message: str) -> Exception:
    from .cli import UsageError

    return UsageError(message)


def settings_for(source: Source, config, linter) -> dict[str, Any]:
    """What an audit's results depend on: a resumed audit must have the same."""
    config_hash = None
    if config.path is not None:
        config_hash = hashlib.sha256(Path(config.path).read_bytes()).hexdigest()
    rule_ids = sorted(rule.spec.id for rule in linter.rules)
    # The rule files' contents too, so an edited rule (same ID) is not mixed with old results.
    contents = hashlib.sha256()
    for rule in sorted(linter.rules, key=lambda r: r.spec.id):
        if rule.spec.path is not None and Path(rule.spec.path).is_file():
            contents.update(Path(rule.spec.path).read_bytes())
    return {
        "source": str(source.path),
        "kind": source.kind,
        "style": config.style,
        "rule_dirs": [str(d) for d in config.rule_dirs],
        "enable": list(config.enable),
        "disable": list(config.disable),
        "config_file": str(config.path) if config.path else None,
        "config_sha256": config_hash,
        "rule_count": len(rule_ids),
        "rules_sha256": hashlib.sha256("\n".join(rule_ids).encode()).hexdigest(),
        "rule_files_sha256": contents.hexdigest(),
    }


def main(args: argparse.Namespace) -> int:
    from .cli import _config_for
    from .linting import Linter

    if args.jobs < 1:
        raise _usage("--jobs must be 1 or more")
    if args.top < 0:
        raise _usage("--top must be 0 or more")
    if args.dask and args.jobs > 1:
        raise _usage("--jobs and --dask do not go together: the Dask workers are the parallelism")
    if args.dask:
        try:  # fail before any work, with the install hint
            importlib.import_module("distributed")
        except ImportError:
            raise _usage(DASK_HINT) from None
    source = Source.of(args.source)
    config = _config_for(args, source.path)
    linter = Linter(config)
    settings = settings_for(source, config, linter)
    token = hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:16]
    job = AuditJob(token, config, args.top)

    output = Output(Path(args.out))
    output.prepare(settings, args.restart)
    done, tally = output.load_done(args.top)
    before = len(done)

    client = _connect_dask(args.dask) if args.dask else None
    try:
        todo, items = source.count_and_items(config, done, ship_text=client is not None)
        if client is not None:
            workers, runner, size_cap = _dask_workers(client), _run_dask(client), 256
            mode = f"dask {args.dask} ({workers} worker threads)"
        elif args.jobs > 1:
            workers, runner, size_cap = args.jobs, _run_processes(args.jobs), 64
            mode = f"{args.jobs} local processes"
        else:
            workers, runner, size_cap = 1, _run_inline, 32
            mode = "1 process"
        # The client's linter serves this process, and forked local workers inherit it.
        _LINTERS[token] = linter
        linter.check("Warm up\n\nThe first check says once what is skipped.\n")  # notices before the bar
        output.write_state(settings, "running", before)
        if before:
            sys.stderr.write(f"audit: resuming: {before:,} articles already in {output.articles}, {todo:,} to go\n")
        progress = Progress(todo, enabled=not args.no_progress)
        started = time.monotonic()
        linted_now = 0
        status = "complete"
        results = runner(job, _partitions(items, _partition_size(todo, workers, size_cap)))
        try:
            for result in results:
                output.append(result.lines)
                tally.merge(result.tally)
                linted_now += len(result.lines)
                progress.advance(len(result.lines))
        except KeyboardInterrupt:
            status = "interrupted"
        finally:
            results.close()  # stops the pool or cancels the cluster's outstanding work now
            progress.close()
            output.close()
        elapsed = time.monotonic() - started
    finally:
        if client is not None:
            client.close()

    output.write_state(settings, status, tally.articles)
    report = build_report(tally, settings, status, elapsed, linted_now, before, mode)
    output.write_reports(report)
    if status == "interrupted":
        sys.stderr.write(f"copydesk: audit interrupted after {tally.articles:,} articles; "
                         "run the same command again to resume\n")
        return EXIT_INTERRUPTED
    sys.stderr.write(
        f"audit: {tally.articles:,} articles, {tally.findings:,} findings, {tally.error_count:,} errors; "
        f"{linted_now:,} linted in {elapsed:.1f} s ({report['articles_per_second']:.1f}/s); "
        f"report in {output.folder / 'report.md'}\n"
    )
    # A completed audit succeeds: unreadable files and malformed lines are in the report.
    return EXIT_OK


# -- the reports -----------------------------------------------------------------------------------
def build_report(tally: Tally, settings: dict[str, Any], status: str, elapsed: float,
                 linted_now: int, before: int, mode: str) -> dict[str, Any]:
    per = 1000 / tally.linted if tally.linted else 0.0
    rules = {
        rule: {
            "category": tally.rule_info[rule][0],
            "severity": tally.rule_info[rule][1],
            "findings": count,
            "articles": tally.rule_articles[rule],
            "per_1000_articles": round(count * per, 2),
        }
        for rule, count in sorted(tally.rule_findings.items(), key=lambda kv: (-kv[1], kv[0]))
    }
    categories = {
        name: {"findings": count, "per_1000_articles": round(count * per, 2)}
        for name, count in sorted(tally.categories.items(), key=lambda kv: (-kv[1], kv[0]))
    }
    tally._trim_worst()
    tally._trim_errors()
    return {
        "version": 1,
        "status": status,
        "settings": settings,
        "articles": tally.articles,
        "linted": tally.linted,
        "articles_with_findings": tally.with_findings,
        "findings": tally.findings,
        "characters": tally.chars,
        "severity": {s: tally.severity.get(s, 0) for s in SEVERITIES},
        "categories": categories,
        "rules": rules,
        "score_weights": SCORE_WEIGHTS,
        "worst": tally.worst,
        "error_count": tally.error_count,
        "errors": tally.errors,
        "run": {
            "mode": mode,
            "articles_before": before,
            "articles_linted": linted_now,
        },
        "elapsed_seconds": round(elapsed, 3),
        "articles_per_second": round(linted_now / elapsed, 2) if elapsed > 0 else 0.0,
    }


def render_markdown(report: dict[str, Any]) -> str:
    settings = report["settings"]
    lines = [
        f"# copydesk audit of `{settings['source']}`",
        "",
        f"Status: **{report['status']}**. Style `{settings['style']}`, {settings['rule_count']} rules"
        + (f", config `{settings['config_file']}`" if settings["config_file"] else "") + ".",
        "",
        f"- Articles: {report['articles']:,} ({report['linted']:,} linted, {report['error_count']:,} "
        f"could not be read, {report['articles_with_findings']:,} with findings)",
        f"- Findings: {report['findings']:,} "
        f"({', '.join(f'{n:,} {s}' for s, n in report['severity'].items())})",
        f"- This run: {report['run']['articles_linted']:,} articles in {report['elapsed_seconds']:.1f} s, "
        f"{report['articles_per_second']:,.1f} articles/s on {report['run']['mode']}"
        + (f"; resumed after {report['run']['articles_before']:,}" if report["run"]["articles_before"] else ""),
        "",
        "## Findings by category",
        "",
        "| category | findings | per 1,000 articles |",
        "|---|---:|---:|",
    ]
    lines += [f"| {name} | {c['findings']:,} | {c['per_1000_articles']:,.1f} |" for name, c in report["categories"].items()]
    lines += ["", "## Findings by rule", "", "| rule | category | severity | findings | articles | per 1,000 articles |",
              "|---|---|---|---:|---:|---:|"]
    lines += [
        f"| `{rule}` | {r['category']} | {r['severity']} | {r['findings']:,} | {r['articles']:,} | {r['per_1000_articles']:,.1f} |"
        for rule, r in report["rules"].items()
    ]
    weights = ", ".join(f"{s} {w}" for s, w in report["score_weights"].items())
    lines += ["", f"## Worst {len(report['worst'])} articles", "", f"Score: findings weighted {weights}.", "",
              "| article | score | findings | errors | warnings | suggestions |", "|---|---:|---:|---:|---:|---:|"]
    for entry in report["worst"]:
        sev = entry["severity"]
        lines.append(f"| {_md_name(entry)} | {entry['score']:,} | {entry['findings']:,} | {sev['error']} | "
                     f"{sev['warning']} | {sev['suggestion']} |")
    if report["error_count"]:
        shown = report["errors"]
        lines += ["", f"## Articles that could not be audited ({report['error_count']:,})", ""]
        lines += [f"- {_md_name(e)}: {e['error']}" for e in shown]
        if len(shown) < report["error_count"]:
            lines.append(f"- ... and {report['error_count'] - len(shown):,} more (see articles.jsonl)")
    return "\n".join(lines) + "\n"


def _md_name(entry: dict[str, Any]) -> str:
    name = f"`{entry['path']}`" if "path" in entry else f"`{entry['id']}` (line {entry['line']})"
    return name.replace("|", "\\|")
