"""Rule authors' regular expressions, run so that no pattern can hang a run.

A pattern from a rule file (``patterns:`` of an existence rule, ``regex: true`` swaps, an
occurrence ``token``) is compiled with RE2, which matches in linear time, whenever RE2 accepts
its syntax and reads it the same way: RE2's ``\\w``, ``\\b`` and ``\\d`` are ASCII-only, so
patterns using them (or lookarounds and back-references, which RE2 lacks) are compiled with the
``regex`` module instead and matched under a time budget. A rule whose match runs out of time
raises :class:`PatternTimeout`; the engine reports that rule and carries on with the others.

The budget works in any thread (unlike a signal), so the CLI, the language server's worker
thread and the HTTP service's thread pool are all protected.
"""

from __future__ import annotations

import re
import threading
import time
from contextlib import contextmanager
from typing import Iterator

#: Seconds one rule may spend matching its authors' patterns in one document.
DEFAULT_BUDGET = 2.0

# RE2 reads these differently from Python (ASCII-only classes) or lacks them.
_NOT_FOR_RE2 = re.compile(r"\\[wWbBdDsS]|\(\?<?[=!]|\\[1-9]|\(\?P=|\(\?[aLu]")

_state = threading.local()


class PatternTimeout(Exception):
    """A pattern took longer than the document's budget allows."""

    def __init__(self, pattern: str, budget: float) -> None:
        super().__init__(f"pattern {pattern!r} ran out of its {budget:g} s budget")
        self.pattern, self.budget = pattern, budget


def start_budget(seconds: float) -> tuple:
    """Give the patterns matched from now on ``seconds`` in all, in this thread; returns what
    :func:`end_budget` needs to restore the previous budget. (The engine calls these for every
    rule, so they are plain functions rather than a context manager.)"""
    previous = getattr(_state, "deadline", None), getattr(_state, "budget", None)
    _state.deadline, _state.budget = time.monotonic() + seconds, seconds
    return previous


def end_budget(previous: tuple) -> None:
    _state.deadline, _state.budget = previous


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Give the patterns matched inside this block ``seconds`` in all, in this thread."""
    previous = start_budget(seconds)
    try:
        yield
    finally:
        end_budget(previous)


def _remaining() -> tuple[float, float]:
    deadline = getattr(_state, "deadline", None)
    budget = getattr(_state, "budget", None) or DEFAULT_BUDGET
    if deadline is None:
        return DEFAULT_BUDGET, DEFAULT_BUDGET
    return max(deadline - time.monotonic(), 0.001), budget


class UserPattern:
    """A compiled rule pattern with the ``finditer``/``search``/``fullmatch`` of ``re``."""

    def __init__(self, pattern: str, *, ignorecase: bool = False) -> None:
        self.pattern = pattern
        self.engine = "regex"
        self._compiled = None
        if not _NOT_FOR_RE2.search(pattern):
            self._compiled = _re2(pattern, ignorecase)
            if self._compiled is not None:
                self.engine = "re2"
        if self._compiled is None:
            import regex

            flags = regex.V0 | (regex.IGNORECASE if ignorecase else 0)
            try:
                self._compiled = regex.compile(pattern, flags)
            except regex.error as error:
                raise re.error(str(error)) from None
            re.compile(pattern, re.IGNORECASE if ignorecase else 0)  # Python's own syntax check

    def _guarded(self, method: str, *args):
        if self.engine == "re2":
            return getattr(self._compiled, method)(*args)
        remaining, budget = _remaining()
        try:
            return getattr(self._compiled, method)(*args, timeout=remaining)
        except TimeoutError:
            raise PatternTimeout(self.pattern, budget) from None

    def finditer(self, text: str) -> Iterator:
        if self.engine == "re2":
            return self._compiled.finditer(text)
        # All matches found at once, under the budget, so none can run on unchecked.
        remaining, budget = _remaining()
        try:
            return iter(list(self._compiled.finditer(text, timeout=remaining)))
        except TimeoutError:
            raise PatternTimeout(self.pattern, budget) from None

    def search(self, text: str, pos: int = 0):
        return self._guarded("search", text, pos)

    def match(self, text: str, pos: int = 0):
        return self._guarded("match", text, pos)

    def fullmatch(self, text: str):
        return self._guarded("fullmatch", text)

    def sub(self, replacement: str, text: str) -> str:
        return self._guarded("sub", replacement, text)


def _re2(pattern: str, ignorecase: bool):
    try:
        import re2
    except ImportError:
        return None
    options = re2.Options()
    options.log_errors = False  # a pattern RE2 cannot take is normal: it goes to `regex`
    options.case_sensitive = not ignorecase
    try:
        return re2.compile(pattern, options)
    except Exception:  # re2.error: syntax RE2 does not support
        return None
