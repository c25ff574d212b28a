#!/usr/bin/env python3
"""copydesk against the prose linters, side by side on the same files.

    python bench/compare.py [--rounds 5] [--per-folder 250]

Runs, in one session and alternating their order each round:

* copydesk (full default rule set, one process; with ``--jobs`` across the cores; and handed to
  a ``copydesk daemon`` the script starts, as a pre-commit hook would with one running),
* proselint (``pip install proselint``),
* textlint with the write-good rule (``npm install --prefix bench/peers textlint
  textlint-rule-write-good``; or set ``COPYDESK_BENCH_TEXTLINT`` to a textlint binary whose
  folder can resolve ``textlint-rule-write-good``),

on 500 real articles from ``../shared/corpus`` (250 from ``bbc``, 250 from ``buzzfeed_webis``),
and prints the median wall time of each, articles per second and the ratio to proselint. It
also times a one-file run (the pre-commit case) and records each tool's peak memory (maximum
resident set size of the process). copydesk runs with its cache folder as it is (a second run
on a machine); the one-file run with an empty cache folder, the first run on a machine, is timed
once at the end. The machine is noisy: compare medians and ratios, not single
runs. A peer that is not installed, or a missing corpus, is skipped with a note. The Python
tools both start as ``python -m`` from this interpreter, with bytecode writing allowed, as on a
user's machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def corpus_files(per_folder: int) -> list[str]:
    files: list[str] = []
    for folder in ("bbc", "buzzfeed_webis"):
        found = sorted((CORPUS / folder).glob("*.txt"))[:per_folder]
        files.extend(str(path) for path in found)
    return files


def textlint_command() -> list[str] | None:
    explicit = os.environ.get("COPYDESK_BENCH_TEXTLINT")
    candidates = [Path(explicit)] if explicit else [HERE / "peers" / "node_modules" / ".bin" / "textlint"]
    for binary in candidates:
        if binary.is_file():
            return [str(binary), "--rule", "write-good", "--format", "json"]
    return None


def proselint_command() -> list[str] | None:
    """proselint started the way copydesk is: this interpreter with ``-m``.

    Its console script may be a version manager's shim (pyenv's is a shell script that costs
    about 0.08 s a start), which would add time to proselint that copydesk does not pay.
    """
    import importlib.util

    if importlib.util.find_spec("proselint") is not None:
        return [sys.executable, "-m", "proselint"]
    found = shutil.which("proselint")
    return [found] if found else None


def fair_environment() -> dict[str, str]:
    """The environment every tool runs in: as on a user's machine, bytecode may be written.

    pip compiles an installed package's bytecode; a sandbox that sets PYTHONDONTWRITEBYTECODE
    would make an editable install recompile its modules on every start.
    """
    return {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def tools(jobs: int, daemon_socket: str) -> dict[str, tuple[list[str], Path | None, dict | None]]:
    """Name -> (command before the file list, working folder, environment)."""
    check = [sys.executable, "-m", "linter", "check", "--no-config", "--format", "json"]
    found: dict[str, tuple[list[str], Path | None, dict | None]] = {
        "copydesk": (check + ["--no-daemon", "--jobs", "1"], None, None),
    }
    if jobs > 1:
        found[f"copydesk -j{jobs}"] = (check + ["--no-daemon", "--jobs", str(jobs)], None, None)
    # The same one-process command handed to a running `copydesk daemon` (started before the rounds).
    found["copydesk (daemon)"] = (check + ["--jobs", "1"], None,
                                  {**fair_environment(), "COPYDESK_DAEMON_SOCKET": daemon_socket})
    proselint = proselint_command()
    if proselint:
        found["proselint"] = (proselint + ["check", "--output-format", "json"], None, None)
    textlint = textlint_command()
    if textlint:
        found["textlint+write-good"] = (textlint, Path(textlint[0]).resolve().parents[2], None)
    return found


def run(command: list[str], files: list[str], cwd: Path | None, env: dict | None = None) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one run."""
    start = time.perf_counter()
    process = subprocess.Popen(command + files, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=env if env is not None else fair_environment())
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):  # 1 = findings, for all three tools
        raise SystemExit(f"{command[0]} failed with exit code {process.returncode}")
    return elapsed, usage.ru_maxrss / 1024


def measure(name: str, spec, files: list[str], results: dict, key: str) -> None:
    command, cwd, env = spec
    elapsed, memory = run(command, files, cwd, env)
    results.setdefault(name, {}).setdefault(key, []).append(elapsed)
    results[name].setdefault(key + "_mb", []).append(memory)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--per-folder", type=int, default=250)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()

    if not CORPUS.is_dir():
        print(f"skipped: no corpus at {CORPUS}")
        return 0
    files = corpus_files(args.per_folder)
    words = sum(len(Path(f).read_text(encoding="utf-8").split()) for f in files)
    import tempfile

    socket_folder = tempfile.mkdtemp(prefix="copydesk-bench-")
    found = tools(args.jobs, os.path.join(socket_folder, "daemon.sock"))
    daemon_env = found["copydesk (daemon)"][2]
    subprocess.run([sys.executable, "-m", "linter", "daemon", "--detach", "--idle", "600"], env=daemon_env,
                   check=True, stdout=subprocess.DEVNULL)
    missing = [peer for peer in ("proselint", "textlint+write-good") if peer not in found]
    for peer in missing:
        print(f"note: {peer} is not installed; skipped (see this script's docstring)")
    print(f"{len(files)} articles, {words:,} words; {args.rounds} rounds, order alternating\n")

    results: dict[str, dict[str, list[float]]] = {}
    names = list(found)
    for round_number in range(args.rounds):
        order = names if round_number % 2 == 0 else list(reversed(names))
        for name in order:
            measure(name, found[name], files, results, "all")
            measure(name, found[name], files[:1], results, "one")

    base = statistics.median(results["proselint"]["all"]) if "proselint" in results else None
    base_one = statistics.median(results["proselint"]["one"]) if "proselint" in results else None
    print(f"{'tool':22} {'500 files':>10} {'articles/s':>11} {'vs proselint':>13} {'one file':>9} {'vs proselint':>13} {'peak MB':>8}")
    for name in names:
        all_runs, one_runs = results[name]["all"], results[name]["one"]
        median_all, median_one = statistics.median(all_runs), statistics.median(one_runs)
        ratio = f"{base / median_all:.2f}x" if base else "-"
        ratio_one = f"{base_one / median_one:.2f}x" if base_one else "-"
        peak = max(results[name]["all_mb"])
        print(f"{name:22} {median_all:9.2f}s {len(files) / median_all:11.1f} {ratio:>13} {median_one:8.2f}s {ratio_one:>13} {peak:8.0f}")
    subprocess.run([sys.executable, "-m", "linter", "daemon", "--stop"], env=daemon_env, stdout=subprocess.DEVNULL)
    print("\nratios: how many times faster than proselint (higher is better); medians of the rounds")
    print("copydesk (daemon): the same command with `copydesk daemon` running (its peak memory is the client's)")
    # The runs above use copydesk's cache folder (rule files validated, word tables and data files
    # parsed) as any second run on a machine does; the very first run builds it.
    with tempfile.TemporaryDirectory() as empty:
        cold, _ = run(found["copydesk"][0], files[:1], None, {**fair_environment(), "COPYDESK_CACHE_DIR": empty})
        warm, _ = run(found["copydesk"][0], files[:1], None, {**fair_environment(), "COPYDESK_CACHE_DIR": empty})
    print(f"copydesk one file, first run on a machine (empty cache folder): {cold:.2f}s; the run after it: {warm:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
