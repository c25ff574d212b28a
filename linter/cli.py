"""``copydesk``: the command line, a thin adapter over :class:`~linter.linting.Linter`.

Exit codes: 0 no finding reaches ``fail_on``; 1 at least one does (or ``--diff`` would change a
file); 2 a usage, configuration, rule or input error (other files are still linted).
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
OUTPUT_FORMATS = ("text", "json", "sarif", "github", "line")


class UsageError(Exception):
    """A mistake on the command line or in a configuration or rule file: exit 2, no traceback."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit 2 with a one-line message, as documented
        self.print_usage(sys.stderr)
        sys.stderr.write(f"copydesk: error: {message}\n")
        raise SystemExit(EXIT_ERROR)


def _add_rule_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--style", help="house style (ap, chicago, british); default from config, else ap")
    parser.add_argument("--rules", action="append", default=[], metavar="DIR", help="extra rule directory (repeatable)")
    parser.add_argument("--enable", action="append", default=[], metavar="ID", help="switch on a rule or prefix")
    parser.add_argument("--disable", action="append", default=[], metavar="ID", help="switch off a rule or prefix")
    parser.add_argument("--config", metavar="FILE", help="use this config file instead of searching for .copydesk.yaml")
    parser.add_argument("--no-config", action="store_true", help="ignore .copydesk.yaml files")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="copydesk", description="Editorial linter for news stories.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)

    check = commands.add_parser("check", help="lint stories (files, folders, or - for standard input)")
    check.add_argument("paths", nargs="*", metavar="PATH")
    _add_rule_options(check)
    check.add_argument("--format", choices=OUTPUT_FORMATS, default="text", help="report format")
    check.add_argument("--input-format", choices=("text", "markdown", "html", "cms-json"), help="read sources as this format")
    check.add_argument("--stdin-filename", metavar="NAME", help="file name for standard input (format, config, report)")
    check.add_argument("--fail-on", choices=("suggestion", "warning", "error", "never"), help="lowest severity that exits 1")
    check.add_argument("--fix", action="store_true", help="apply safe fixes in place")
    check.add_argument("--unsafe-fixes", action="store_true", help="with --fix or --diff, apply unsafe fixes too")
    check.add_argument("--diff", action="store_true", help="print the fixes as a unified diff; write nothing")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    check.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                       help=f"check files in N processes (default: one per core, up to {AUTO_JOBS_MAX}, "
                            f"for {AUTO_JOBS_FILES} files or more; else 1)")
    check.add_argument("--no-daemon", action="store_true", help="run here even when a copydesk daemon is running")
    check.add_argument("--start-daemon", action="store_true",
                       help="when no copydesk daemon is running, start one in the background for the checks that follow "
                            "(it stops after 15 idle minutes; not under CI)")

    daemon = commands.add_parser("daemon", help="keep the rules loaded so that 'copydesk check' answers at once")
    daemon.add_argument("--idle", type=float, default=900, metavar="SECONDS", help="stop after this long without a command (0: never)")
    daemon.add_argument("--detach", action="store_true", help="start in the background and return once it answers")
    daemon.add_argument("--status", action="store_true", help="say whether a daemon is running")
    daemon.add_argument("--stop", action="store_true", help="stop the running daemon")

    rules = commands.add_parser("rules", help="list the rules")
    _add_rule_options(rules)
    rules.add_argument("--format", choices=("text", "json"), default="text")
    rules.add_argument("--all", action="store_true", help="include rules switched off by configuration")

    explain = commands.add_parser("explain", help="describe a rule: why, source, examples")
    explain.add_argument("rule", metavar="RULE")
    _add_rule_options(explain)

    audit = commands.add_parser("audit", help="lint a whole archive (folder tree or JSON Lines of CMS articles)")
    audit.add_argument("source", metavar="PATH|JSONL")
    _add_rule_options(audit)
    audit.add_argument("--out", default="copydesk-audit", metavar="DIR", help="where the report and per-article results go")
    audit.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="lint in N local processes")
    audit.add_argument("--dask", metavar="SCHEDULER", help="run on a Dask cluster at this address (extra: dask)")
    audit.add_argument("--restart", action="store_true", help="start over instead of resuming an interrupted audit")
    audit.add_argument("--top", type=int, default=20, metavar="N", help="how many of the worst articles to list")
    audit.add_argument("--no-progress", action="store_true", help="no progress bar")

    lsp = commands.add_parser("lsp", help="run the language server on standard input and output (extra: lsp)")
    lsp.add_argument("--stdio", action="store_true", help="accepted for editors that pass it; stdio is the default")

    serve = commands.add_parser("serve", help="run the HTTP service a CMS calls (extra: serve)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--token", help="require 'Authorization: Bearer TOKEN' on /v1 (or set COPYDESK_TOKEN)")
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--style", help="default house style")
    serve.add_argument("--config", metavar="FILE", help="configuration file (default: .copydesk.yaml found from here)")
    serve.add_argument("--max-bytes", type=int, default=1_000_000, help="largest request body accepted (413 above)")
    serve.add_argument("--timeout", type=float, default=10.0, help="seconds a request may take to arrive or be checked")
    serve.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                       help="let a CMS page on this origin call the service (repeatable)")

    test_rules = commands.add_parser("test-rules", help="run every rule's own valid and invalid examples")
    test_rules.add_argument("dirs", nargs="*", metavar="DIR", help="rule directories (default: the bundled packs)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from importlib.metadata import PackageNotFoundError, version

        try:
            print(f"copydesk {version('copydesk')}")
        except PackageNotFoundError:
            print("copydesk (not installed)")
        return EXIT_OK
    if not args.command:
        parser.print_help()
        return EXIT_ERROR
    from .config import ConfigError
    from .loading import RuleLoadError

    try:
        if args.command == "check":
            return _check(args)
        if args.command == "rules":
            return _rules(args)
        if args.command == "explain":
            return _explain(args)
        if args.command == "daemon":
            return _daemon(args)
        if args.command == "test-rules":
            return _test_rules(args)
        if args.command == "serve":
            return _optional_feature("linter.serve", "serve", ("starlette", "uvicorn"))(args)
        if args.command == "audit":
            from .audit import main as audit_main

            return audit_main(args)
        if args.command == "lsp":
            return _optional_feature("linter.lsp", "lsp", "pygls")(args)
    except (UsageError, ConfigError, RuleLoadError) as error:
        sys.stderr.write(f"copydesk: error: {error}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("copydesk: interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    parser.error(f"unknown command {args.command!r}")
    return EXIT_ERROR


# -- configuration --------------------------------------------------------------------------------
def _config_for(args: argparse.Namespace, start: Path | None):
    from .config import Config, find_config, load_config

    if args.config:
        config = load_config(Path(args.config))
    elif args.no_config:
        config = Config()
    else:
        found = find_config(start or Path.cwd())
        config = load_config(found) if found else Config()
    return config.with_overrides(
        style=args.style,
        rule_dirs=args.rules,
        enable=args.enable,
        disable=args.disable,
        fail_on=getattr(args, "fail_on", None),
    )


class _Linters:
    """One linter per configuration file, so a tree with several configs is honoured."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.by_config: dict[Path | None, object] = {}
        self.config_by_folder: dict[Path, Path | None] = {}

    def _config_in(self, folder: Path) -> Path | None:
        """The config file for stories in ``folder``, looked up once per folder."""
        from .config import find_config

        if folder not in self.config_by_folder:
            self.config_by_folder[folder] = find_config(folder if folder.is_dir() else folder.parent)
        return self.config_by_folder[folder]

    def for_path(self, path: Path | None):
        from .linting import Linter

        key = None
        if not (self.args.config or self.args.no_config):
            key = self._config_in((path.parent if path is not None else Path.cwd()))
        if key not in self.by_config:
            self.by_config[key] = Linter(_config_for(self.args, path))
        return self.by_config[key]


# -- check ----------------------------------------------------------------------------------------
@dataclass
class _Outcome:
    """What checking one file produced, small enough to send back from a worker process."""

    display: str
    source: str | None = None
    format: str = "text"
    findings: tuple = ()
    fixed: tuple = ()
    error: str | None = None
    diff: str = ""
    fixed_stdout: str | None = None
    failed: bool = False


def _check_one(linters: "_Linters", args: argparse.Namespace, name: str, path: Path | None, data: bytes | None = None) -> _Outcome:
    """Read, check and (with --fix) repair one file. Never raises for a bad file."""
    from .files import InputError, decode, format_for, read_file, write_atomic
    from .findings import Applicability
    from .readers import ReadError

    display = (args.stdin_filename or "-") if name == "-" else name
    try:
        source = decode(data or b"", display) if name == "-" else read_file(path)
        linter = linters.for_path(path)
        fmt = format_for(str(path) if path else None, args.input_format)
        original = text = source.text
        outcome = _Outcome(display, original, fmt)
        if args.fix or args.diff:
            minimum = Applicability.UNSAFE if args.unsafe_fixes else Applicability.SAFE
            result = linter.fix(original, fmt, minimum)
            if args.diff:
                if result.text != original:
                    outcome.diff = _unified_diff(display, original, result.text)
            else:
                text = result.text
                outcome.fixed = result.applied
                if text != original:
                    if name == "-":
                        outcome.fixed_stdout = text
                    else:
                        try:
                            write_atomic(path, source.encode(text))
                        except InputError as error:
                            return _unwritten(linter, outcome, len(result.applied), error.problem)
                # The fix loop linted the final text already.
                outcome.source, outcome.findings = text, tuple(result.remaining)
                outcome.failed = linter.fails(result.remaining)
                return outcome
        _, findings = linter.check(text, fmt, display)
        outcome.findings = tuple(findings)
        outcome.failed = linter.fails(findings)
        return outcome
    except InputError as error:
        return _Outcome(display, error=error.problem)
    except ReadError as error:
        return _Outcome(display, error=str(error))


def _unwritten(linter, outcome: _Outcome, fixes: int, problem: str) -> _Outcome:
    """--fix could not write the file (read-only, a folder it cannot write to): the file is as
    it was, so report that and the findings of the file as it is, none of them fixed."""
    _, findings = linter.check(outcome.source, outcome.format, outcome.display)
    outcome.findings, outcome.fixed = tuple(findings), ()
    outcome.failed = linter.fails(findings)
    plural = "fix" if fixes == 1 else "fixes"
    outcome.error = f"{problem} ({fixes} {plural} not applied; the findings are for the file as it stands)"
    return outcome


_WORKER: dict[str, object] = {}


def _worker_start(args: argparse.Namespace) -> None:
    from .ruletypes.languagetool import silence_notice

    silence_notice()  # the parent checked the first file and said it once already
    _WORKER["args"], _WORKER["linters"] = args, _Linters(args)


def _worker_check(item: tuple[str, str]) -> _Outcome:
    name, path = item
    return _check_one(_WORKER["linters"], _WORKER["args"], name, Path(path))


# With no --jobs, a check of this many files or more runs in one process per core (at most
# AUTO_JOBS_MAX): each process loads the rules once (about 0.2 s), which many files repay.
AUTO_JOBS_FILES = 64
AUTO_JOBS_MAX = 8


def auto_jobs(files: int) -> int:
    """How many processes a check of ``files`` files uses when ``--jobs`` is not given."""
    if files < AUTO_JOBS_FILES:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))  # the cores this process may use (containers)
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, AUTO_JOBS_MAX))


def _check(args: argparse.Namespace) -> int:
    from .article import Article
    from .files import InputError, iter_story_files
    from .reporters import render
    from .results import FileResult

    if args.unsafe_fixes and not (args.fix or args.diff):
        raise UsageError("--unsafe-fixes goes with --fix or --diff")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be 1 or more")
    paths = args.paths or []
    if not paths:
        raise UsageError("no files given (use - to read standard input)")
    linters = _Linters(args)
    outcomes: list[_Outcome] = []

    file_args = [Path(p) for p in paths if p != "-"]
    if "-" in paths:
        stdin_path = Path(args.stdin_filename) if args.stdin_filename else None
        outcomes.append(_check_one(linters, args, "-", stdin_path, sys.stdin.buffer.read()))
    probe = linters.for_path(file_args[0] if file_args else None)
    work: list[tuple[str, str]] = []
    for item in iter_story_files(file_args, probe.config.is_excluded):
        if isinstance(item, InputError):
            outcomes.append(_Outcome(item.path, error=item.problem))
        else:
            work.append((str(item), str(item)))

    jobs = args.jobs if args.jobs is not None else auto_jobs(len(work))
    if jobs > 1 and len(work) > 2:
        # Each worker process loads the rules once and takes files in chunks.
        from concurrent.futures import ProcessPoolExecutor

        first, rest = work[0], work[1:]
        outcomes.append(_check_one(linters, args, first[0], Path(first[1])))
        with ProcessPoolExecutor(max_workers=jobs, initializer=_worker_start, initargs=(args,)) as pool:
            outcomes.extend(pool.map(_worker_check, rest, chunksize=max(1, len(rest) // (jobs * 8))))
    else:
        outcomes.extend(_check_one(linters, args, name, Path(path)) for name, path in work)

    had_error = any(o.error is not None for o in outcomes)
    failed = any(o.failed for o in outcomes)
    results = [
        FileResult(
            o.display,
            Article(source=o.source, format=o.format, blocks=()) if o.source is not None else None,
            o.findings, error=o.error, fixed=o.fixed,
        )
        for o in outcomes
    ]
    if args.diff:
        diffs = [o.diff for o in outcomes if o.diff]
        sys.stdout.write("".join(diffs))
        for result in results:
            if result.error:
                sys.stderr.write(f"{result.path}: error: {result.error}\n")
        return EXIT_ERROR if had_error else (EXIT_FINDINGS if diffs else EXIT_OK)
    fixed_stdout = next((o.fixed_stdout for o in outcomes if o.fixed_stdout is not None), None)
    if fixed_stdout is not None:
        sys.stdout.write(fixed_stdout)  # the fixed story on stdout, the report on stderr
        sys.stderr.write(render(args.format, results, color=False))
    else:
        sys.stdout.write(render(args.format, results, color=_use_color(args)))
    if had_error:
        return EXIT_ERROR
    return EXIT_FINDINGS if failed else EXIT_OK


def _optional_feature(module: str, extra: str, package: str):
    """The ``main`` of an optional feature, or a clear install hint when its extra is missing."""
    import importlib

    try:
        return importlib.import_module(module).main
    except ModuleNotFoundError as error:
        packages = (package,) if isinstance(package, str) else package
        if error.name and error.name.split(".")[0] in packages:
            raise UsageError(f"this needs the '{extra}' extra: pip install 'copydesk[{extra}]'") from None
        raise


def _unified_diff(name: str, before: str, after: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{name}", f"b/{name}"
    )
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _use_color(args: argparse.Namespace) -> bool:
    if args.color == "always":
        return True
    if args.color == "never" or os.environ.get("NO_COLOR"):
        return False
    return args.format == "text" and sys.stdout.isatty()


# -- rules, explain, test-rules ---------------------------------------------------------------------
def _rules(args: argparse.Namespace) -> int:
    import json

    from .config import Config
    from .linting import _rule_set

    config = _config_for(args, None)
    available = _rule_set(tuple(config.rule_dirs)).rules
    shown = available if args.all else Config.apply(config, available)
    rows = [
        {
            "id": r.spec.id, "type": r.spec.type, "severity": r.spec.severity.value,
            "category": r.spec.category, "fix": r.spec.fix.value if r.spec.fix else "none",
            "styles": list(r.spec.styles),
        }
        for r in shown
    ]
    if args.format == "json":
        print(json.dumps({"rules": rows}, indent=1))
        return EXIT_OK
    width = max((len(r["id"]) for r in rows), default=10)
    print(f"{'rule':{width}}  {'type':14} {'severity':10} {'category':12} fix")
    for row in rows:
        styles = f"  (styles: {', '.join(row['styles'])})" if row["styles"] else ""
        print(f"{row['id']:{width}}  {row['type']:14} {row['severity']:10} {row['category']:12} {row['fix']}{styles}")
    return EXIT_OK


def _daemon(args: argparse.Namespace) -> int:
    import socket

    from . import daemon

    if not hasattr(socket, "AF_UNIX") or not hasattr(os, "getuid"):
        raise UsageError("copydesk daemon needs Unix sockets (Linux, macOS); here checks always run in place")
    path = daemon.socket_path()
    if args.stop or args.status:
        answer = daemon.ask(path, {"command": "stop" if args.stop else "status"})
        if answer is None:
            print(f"copydesk daemon: none running on {path}")
            return EXIT_FINDINGS
        if args.stop:
            print("copydesk daemon: stopped")
        else:
            served = answer["served"]
            print(f"copydesk daemon: running on {path} (pid {answer['pid']}, {served} command{'' if served == 1 else 's'} "
                  f"served, up {answer['seconds']:g} s)")
        return EXIT_OK
    if args.detach:
        return daemon.detach(path, args.idle)
    return daemon.serve(path, args.idle)


def _explain(args: argparse.Namespace) -> int:
    from .linting import _rule_set

    from .engine import FRONT_MATTER_RULE

    if args.rule == FRONT_MATTER_RULE:
        print(f"{FRONT_MATTER_RULE}  (built in, warning, category format, fix none)\n")
        print("Markdown front matter (the block between '---' lines at the top) that could not be read:\n"
              "no closing '---', invalid YAML, or not a mapping of keys to values. The story is then\n"
              "linted as plain Markdown, so its headline and byline there are not checked as such.\n"
              f"Turn it off with 'disable: [{FRONT_MATTER_RULE}]' in .copydesk.yaml.")
        return EXIT_OK
    config = _config_for(args, None)
    rule = _rule_set(tuple(config.rule_dirs)).by_id(args.rule)
    if rule is None:
        raise UsageError(f"no rule named {args.rule!r} (see: copydesk rules)")
    spec = rule.spec
    print(f"{spec.id}  ({spec.type}, {spec.severity.value}, category {spec.category}, fix {spec.fix.value if spec.fix else 'none'})")
    print()
    print(spec.description or spec.message)
    if spec.link:
        print(f"\nSource: {spec.link}")
    examples = spec.examples or {}
    for kind in ("valid", "invalid"):
        items = examples.get(kind) or []
        if items:
            print(f"\n{kind.capitalize()}:")
        for item in items:
            text = item if isinstance(item, str) else item["text"]
            print(f"  {text}")
            if isinstance(item, dict) and "output" in item:
                print(f"    -> {item['output']}")
    return EXIT_OK


def _test_rules(args: argparse.Namespace) -> int:
    from .loading import load_rules
    from .testing import check_rules

    if args.dirs:
        ruleset = load_rules([Path(d) for d in args.dirs], include_bundled=False)
    else:
        ruleset = load_rules()
    failures = check_rules(ruleset.rules)
    for failure in failures:
        print(failure)
    print(f"{len(ruleset.rules)} rules, {len(failures)} example failures")
    return EXIT_FINDINGS if failures else EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
