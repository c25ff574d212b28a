#!/usr/bin/env python3
"""Where the time goes, with pyinstrument: profile before optimising.

    pip install 'copydesk[bench]'      # pyinstrument, proselint, matplotlib
    python bench/profile.py [--case many|one|both] [--per-folder 250] [--html DIR]

Two cases, the two the benchmark times:

* ``many``: ``Linter.check`` on the benchmark's 500 corpus articles in this process (the
  throughput case; the rules are built and one story checked before profiling starts, so the
  profile shows the per-article work).
* ``one``: ``copydesk check --no-daemon`` on one article, in a new process (the pre-commit
  case: start-up, imports, building the rules, the first story), with the cache folder as it
  is (a second run on a machine).

Prints pyinstrument's call tree of each (frames under 1% of the time are left out); ``--html``
also writes the interactive pages. Skips cleanly without pyinstrument or the corpus.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from compare import CORPUS, corpus_files  # noqa: E402

INTERVAL = 0.0002  # seconds between samples: fine enough for a 0.2 s run


def profile_many(files: list[str], html: Path | None) -> None:
    from pyinstrument import Profiler

    from linter import Linter

    texts = [Path(f).read_text(encoding="utf-8") for f in files]
    linter = Linter()
    linter.check(texts[0], "text")  # one-off loading is the other case's business
    profiler = Profiler(interval=INTERVAL)
    profiler.start()
    for text in texts:
        linter.check(text, "text")
    profiler.stop()
    print(f"== {len(texts)} articles in one process (Linter.check)\n")
    print(profiler.output_text(unicode=True, color=False, show_all=False, timeline=False))
    if html is not None:
        (html / "many.html").write_text(profiler.output_html(), encoding="utf-8")


def profile_one(path: str, html: Path | None) -> None:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)  # as on a user's machine: bytecode is kept
    command = [sys.executable, "-m", "pyinstrument", "--interval", str(INTERVAL), "--hide-regex", "^$"]
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "one.txt"
        linter_command = ["-m", "linter", "check", "--no-daemon", "--color", "never", path]
        subprocess.run([sys.executable, "-m", "linter", "check", "--no-daemon", path], env=environment,
                       capture_output=True, check=False)  # fills the cache folder if it is empty
        done = subprocess.run([*command, "-r", "text", "-o", str(report), *linter_command], env=environment,
                              capture_output=True, text=True, check=False)
        if not report.is_file():
            print(f"the one-file profile failed:\n{done.stderr}")
            return
        print(f"== one file, a new process: copydesk check --no-daemon {Path(path).name}\n")
        print(report.read_text(encoding="utf-8"))
        if html is not None:
            subprocess.run([*command, "-r", "html", "-o", str(html / "one.html"), *linter_command],
                           env=environment, capture_output=True, check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", choices=("many", "one", "both"), default="both")
    parser.add_argument("--per-folder", type=int, default=250)
    parser.add_argument("--html", type=Path, help="also write interactive HTML profiles to this folder")
    args = parser.parse_args()
    try:
        import pyinstrument  # noqa: F401
    except ImportError:
        print("skipped: pyinstrument is not installed (pip install 'copydesk[bench]')")
        return 0
    if not CORPUS.is_dir():
        print(f"skipped: no corpus at {CORPUS}")
        return 0
    files = corpus_files(args.per_folder)
    if args.html is not None:
        args.html.mkdir(parents=True, exist_ok=True)
    if args.case in ("many", "both"):
        profile_many(files, args.html)
    if args.case in ("one", "both"):
        profile_one(files[0], args.html)
    return 0


if __name__ == "__main__":
    sys.exit(main())
