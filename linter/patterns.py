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

import _sre
import re
import sys
import threading
import time
from contextlib import contextmanager
from typing import Iterator

from . import cache

#: Seconds one rule may spend matching its authors' patterns in one document.
DEFAULT_BUDGET = 2.0

# RE2 reads these differently from Python (ASCII-only classes) or lacks them.
_NOT_FOR_RE2 = re.compile(r"\\[wWbBdDsS]|\(\?<?[=!]|\\[1-9]|\(\?P=|\(\?[aLu]")

_state = threading.local()
_loading = threading.local()


@contextmanager
def trusted_patterns() -> Iterator[None]:
    """Patterns made inside this block come from a rule file that was validated in an earlier
    run and has not changed since: they are compiled when first used, not now. A one-file run
    then compiles only the patterns of rules that get as far as matching."""
    previous = getattr(_loading, "trusted", False)
    _loading.trusted = True
    try:
        yield
    finally:
        _loading.trusted = previous


def validating() -> bool:
    """Whether rule patterns made now must be checked (compiled) at once."""
    return not getattr(_loading, "trusted", False)


# -- compiled programs kept across runs ---------------------------------------------------------
# Python compiles a regular expression in Python code (parse, then generate the matcher's
# program), which for the large word-list patterns copydesk builds (gazetteers, phrase tries)
# is most of the time a one-story run spends. The program is plain data, so it is kept in the
# cache folder, keyed by the pattern, its flags and the engine's version, and handed straight to
# the engine next time. Any surprise (another Python, a damaged cache) falls back to re.compile.
# One small file per program: a run reads only the programs its rules use (one file holding
# them all grew to megabytes, which every one-file run read whole), and two processes writing
# at once cannot lose each other's work.
_PROGRAMS_DIR = f"re-programs-{sys.version_info[0]}{sys.version_info[1]}"
_PROGRAMS_KEPT = 3000  # more than this many files: the oldest half goes (rule sets long gone)
_programs: dict[bytes, tuple] = {}
_programs_written = 0


def _program_key(pattern: str, flags: int) -> bytes:
    text = f"{_sre.MAGIC}\0{flags}\0{pattern}".encode("utf-8", "surrogatepass")
    return cache.blake2b(text, digest_size=16).digest()


def compile_re(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, with the compiled program kept across runs (see above)."""
    flags = int(flags)
    key = _program_key(pattern, flags)
    program = _programs.get(key)
    if program is None:
        stored = cache.read(f"{_PROGRAMS_DIR}/{key.hex()}.marshal")
        program = stored if isinstance(stored, tuple) else None
    if program is not None:
        try:
            compiled = _sre.compile(pattern, *program)
            _programs[key] = program
            return compiled
        except Exception:  # not what this engine expects: compile afresh
            pass
    try:
        from re import _compiler, _parser

        parsed = _parser.parse(pattern, flags)
        code = [int(op) for op in _compiler._code(parsed, flags)]  # plain ints: storable
        indexgroup = [None] * parsed.state.groups
        for name, index in parsed.state.groupdict.items():
            indexgroup[index] = name
        program = (flags | parsed.state.flags, code, parsed.state.groups - 1, dict(parsed.state.groupdict), tuple(indexgroup))
        compiled = _sre.compile(pattern, *program)
    except re.error:
        raise
    except Exception:  # the engine's internals changed: the public way
        return re.compile(pattern, flags)
    _programs[key] = program
    _store_program(key, program)
    return compiled


def _store_program(key: bytes, program: tuple) -> None:
    global _programs_written
    cache.write(f"{_PROGRAMS_DIR}/{key.hex()}.marshal", program)
    _programs_written += 1
    if _programs_written % 200 == 1:  # now and then, not on every write
        _prune_programs()


def _prune_programs() -> None:
    import os

    folder = cache.cache_dir() / _PROGRAMS_DIR
    try:
        entries = [(entry.stat().st_mtime, entry.path) for entry in os.scandir(folder)]
        (cache.cache_dir() / f"{_PROGRAMS_DIR}.marshal").unlink(missing_ok=True)  # the old one-file store
    except OSError:
        return
    if len(entries) <= _PROGRAMS_KEPT:
        return
    for _, path in sorted(entries)[: len(entries) // 2]:
        try:
            os.unlink(path)
        except OSError:
            pass


# The ``regex`` module (patterns that need its time budget) compiles in Python too, 2 to 3 ms
# for a typical boilerplate pattern, so its programs are kept the same way: what its compiler
# hands to the C engine is plain data. Reading them relies on the module's internals, so the
# key holds its version, and anything unexpected compiles the public way.
_REGEX_LOCK = threading.Lock()


def compile_regex_module(pattern: str, flags: int):
    """``regex.compile(pattern, flags)``, with the compiled program kept across runs."""

    import regex

    version = getattr(regex, "__version__", "")
    key = cache.blake2b(f"regex {version}\0{flags}\0{pattern}".encode("utf-8", "surrogatepass"),
                          digest_size=16).digest()
    name = f"{_PROGRAMS_DIR}/{key.hex()}.marshal"
    stored = _read_regex_program(name)
    if stored is not None and stored[0] == pattern:
        try:
            from regex import _regex

            return _regex.compile(*stored)
        except Exception:  # not what this version expects: compile afresh
            pass
    arguments = _regex_compile_arguments(pattern, flags)
    if arguments is None:
        return regex.compile(pattern, flags)
    try:
        from regex import _regex

        compiled = _regex.compile(*arguments)
    except Exception:
        return regex.compile(pattern, flags)
    _store_regex_program(name, arguments)
    return compiled


def _regex_compile_arguments(pattern: str, flags: int) -> tuple | None:
    """What ``regex``'s compiler passes to its C engine for ``pattern``: None when that cannot
    be seen (another version of the module). Raises ``regex.error`` for a bad pattern."""
    import regex

    try:
        from regex import _main
    except ImportError:
        return None
    real = getattr(_main, "_regex", None)
    if real is None or not callable(getattr(_main, "_compile", None)):
        return None
    seen: list[tuple] = []

    class Recorder:
        def __getattr__(self, name):
            return getattr(real, name)

        @staticmethod
        def compile(*arguments):
            seen.append(arguments)
            return real.compile(*arguments)

    with _REGEX_LOCK:
        _main._regex = Recorder()
        try:
            _main._compile(pattern, flags, False, {}, False)
        except regex.error:
            raise
        except Exception:
            return None
        finally:
            _main._regex = real
    if len(seen) != 1:
        return None
    return tuple(_plain_numbers(argument) for argument in seen[0])


def _plain_numbers(value):
    """``value`` with its flag enums as plain numbers (which marshal can store)."""
    if isinstance(value, int) and type(value) not in (int, bool):
        return int(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_plain_numbers(item) for item in value)
    return value


def _read_regex_program(name: str) -> tuple | None:
    """The stored arguments, if the file holds them exactly as written: the C engine trusts the
    program it is given, so a damaged one must never reach it."""
    import marshal

    stored = cache.read(name)
    if not (isinstance(stored, tuple) and len(stored) == 2 and all(isinstance(part, bytes) for part in stored)):
        return None
    checksum, blob = stored
    if cache.blake2b(blob, digest_size=16).digest() != checksum:
        return None
    try:
        arguments = marshal.loads(blob)
    except (ValueError, EOFError, TypeError):
        return None
    return arguments if isinstance(arguments, tuple) and arguments else None


def _store_regex_program(name: str, arguments: tuple) -> None:
    import marshal

    global _programs_written
    try:
        blob = marshal.dumps(arguments)
    except ValueError:
        return  # something marshal cannot keep: compiled afresh next time
    cache.write(name, (cache.blake2b(blob, digest_size=16).digest(), blob))
    _programs_written += 1


class PatternTimeout(Exception):
    """A pattern took longer than the document's budget allows."""

    def __init__(self, pattern: str, budget: float) -> None:
        super().__init__(f"pattern {pattern!r} ran out of its {budget:g} s budget")
        self.pattern, self.budget = pattern, budget


def start_budget(seconds: float, *, hard: bool = False) -> tuple:
    """Give the patterns matched from now on ``seconds`` in all, in this thread; returns what
    :func:`end_budget` needs to restore the previous budget. (The engine calls these for every
    rule, so they are plain functions rather than a context manager.) ``hard``: the time is the
    caller's deadline, which long rules also honour (:func:`stop_if_late`)."""
    previous = getattr(_state, "deadline", None), getattr(_state, "budget", None), getattr(_state, "hard", False)
    _state.deadline, _state.budget, _state.hard = time.monotonic() + seconds, seconds, hard
    return previous


def end_budget(previous: tuple) -> None:
    _state.deadline, _state.budget, _state.hard = previous


def stop_if_late() -> None:
    """For a rule's own long loops (not patterns): raise :class:`PatternTimeout` once the
    caller's deadline has passed, so that a service can stop a check in the middle of a slow
    rule. The per-rule pattern budget alone never stops a rule's own work."""
    if getattr(_state, "hard", False) and time.monotonic() > _state.deadline:
        raise PatternTimeout("(the rule's own work)", _state.budget)


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


# Ways one match attempt may be retried beyond which a pattern is not run on Python's own engine.
_BACKTRACKING_LIMIT = 2000


def bounded_backtracking(pattern: str, flags: int = 0) -> bool:
    """Whether Python's backtracking engine runs ``pattern`` in linear time (see
    :func:`_bounded_backtracking`); kept in the cache folder across runs."""
    return _BOUNDED(pattern, int(flags))


def _bounded_backtracking(pattern: str, flags: int = 0) -> bool:
    """Whether Python's backtracking engine runs ``pattern`` in linear time: no back-references,
    no unbounded repetition except of one character at the very end (``[\\w'-]+``), and few
    ways to retry an attempt (so no ``(a|a)?`` chain). Such a pattern needs neither RE2 nor a
    time budget, and Python's engine finds many matches faster than either."""
    from re import _constants as c, _parser

    try:
        items = _parser.parse(pattern, flags)
    except re.error:
        return False
    single = {c.LITERAL, c.NOT_LITERAL, c.ANY, c.IN}

    def paths(items, may_end_with_run: bool) -> int | None:
        total = 1
        for index, (op, value) in enumerate(items):
            last = may_end_with_run and index == len(items) - 1
            if op in single or op is c.AT:
                ways = 1
            elif op is c.SUBPATTERN:
                ways = paths(value[-1], last)
            elif op is c.ATOMIC_GROUP:
                ways = paths(value, last)
            elif op is c.BRANCH:
                branches = [paths(branch, last) for branch in value[1]]
                ways = None if None in branches else sum(branches)
            elif op in (c.ASSERT, c.ASSERT_NOT):
                ways = paths(value[1], False)  # tried once, never backtracked into
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
                low, high, body = value
                one_char = len(body) == 1 and body[0][0] in single
                if high is c.MAXREPEAT:
                    ways = 1 if one_char and last else None
                elif one_char:
                    ways = high - low + 1
                else:
                    inner = paths(body, False)
                    ways = None if inner is None else sum(inner ** n for n in range(low, min(high, 16) + 1)) if high <= 16 else None
            else:  # back-references, conditionals
                ways = None
            if ways is None:
                return None
            total *= max(ways, 1)
            if total > _BACKTRACKING_LIMIT:
                return None
        return total

    return paths(items.data, True) is not None


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _encodable(text: str) -> str:
    """``text`` with lone surrogates (from a broken JSON escape) as U+FFFD, which RE2's UTF-8
    can carry; one code point for one, so offsets are unchanged."""
    if text.isascii() or not _LONE_SURROGATE.search(text):
        return text
    return _LONE_SURROGATE.sub("\ufffd", text)


_BOUNDED = cache.Memo("bounded-backtracking", _bounded_backtracking)


class UserPattern:
    """A compiled rule pattern with the ``finditer``/``search``/``fullmatch`` of ``re``."""

    def __init__(self, pattern: str, *, ignorecase: bool = False) -> None:
        self.pattern = pattern
        self.ignorecase = ignorecase
        self._compiled = None
        self._engine = ""
        if validating():
            self._compile(check_syntax=True)  # a bad pattern fails now, while its rule file is being loaded

    @property
    def engine(self) -> str:
        """``re2``, ``re`` (linear on Python's engine) or ``regex`` (under a time budget)."""
        if self._compiled is None:
            self._compile()
        return self._engine

    def _compile(self, *, check_syntax: bool = False) -> None:
        """Compile for the engine that suits the pattern. Compiled later than construction only
        when its rule file was validated in an earlier run (``trusted_patterns``), so the syntax
        check is made only at construction."""
        pattern, ignorecase = self.pattern, self.ignorecase
        compiled, engine = None, "regex"
        if not _NOT_FOR_RE2.search(pattern):
            compiled = _re2(pattern, ignorecase)
            if compiled is not None:
                engine = "re2"
        if compiled is None and bounded_backtracking(pattern):
            compiled, engine = compile_re(pattern, re.IGNORECASE if ignorecase else 0), "re"
        if compiled is None:
            import regex

            flags = regex.V0 | (regex.IGNORECASE if ignorecase else 0)
            try:
                compiled = compile_regex_module(pattern, int(flags))
            except regex.error as error:
                raise re.error(str(error)) from None
            if check_syntax:  # Python's own syntax check too
                re.compile(pattern, re.IGNORECASE if ignorecase else 0)
        self._engine, self._compiled = engine, compiled

    def _guarded(self, method: str, *args):
        if self._compiled is None:
            self._compile()
        if self._engine == "re2":
            args = tuple(_encodable(a) if isinstance(a, str) else a for a in args)
        if self._engine != "regex":
            return getattr(self._compiled, method)(*args)
        remaining, budget = _remaining()
        try:
            return getattr(self._compiled, method)(*args, timeout=remaining)
        except TimeoutError:
            raise PatternTimeout(self.pattern, budget) from None

    def finditer(self, text: str) -> Iterator:
        if self._compiled is None:
            self._compile()
        if self._engine == "re2":
            return self._compiled.finditer(_encodable(text))
        if self._engine == "re":
            return self._compiled.finditer(text)
        # All matches found at once, under the budget, so none can run on unchecked.
        remaining, budget = _remaining()
        try:
            return iter(list(self._compiled.finditer(text, timeout=remaining)))
        except TimeoutError:
            raise PatternTimeout(self.pattern, budget) from None

    def count(self, text: str) -> int:
        """How many matches ``finditer`` would give (counted without making match objects where
        the engine allows)."""
        if self._compiled is None:
            self._compile()
        if self._engine == "re" and self._compiled.groups == 0:
            return len(self._compiled.findall(text))
        return sum(1 for _ in self.finditer(text))

    def search(self, text: str, pos: int = 0):
        return self._guarded("search", text, pos)

    def match(self, text: str, pos: int = 0):
        return self._guarded("match", text, pos)

    def fullmatch(self, text: str):
        return self._guarded("fullmatch", text)

    def sub(self, replacement: str, text: str) -> str:
        return self._guarded("sub", replacement, text)


def required_text(pattern: str) -> str | None:
    """The longest run of literal characters every match of ``pattern`` contains (see
    :func:`_required_text`); kept in the cache folder across runs (parsing a rule's patterns
    again in every run cost a one-file run some milliseconds)."""
    return _REQUIRED(pattern)


def _required_text(pattern: str) -> str | None:
    """The longest run of literal characters every match of ``pattern`` contains (" (" in
    ``\\w+ \\((?:[A-Z]{2,8})\\)``), or None when it has no run of two or more. Case-sensitive: use
    it only for patterns matched case-sensitively, and note that a match of the pattern holds
    this text, so a document without it has no match."""
    from re import _constants as c, _parser

    try:
        parsed = _parser.parse(pattern, 0)
    except re.error:
        return None
    if parsed.state.flags & (re.IGNORECASE | re.VERBOSE):
        return None  # (?i) or (?x) at the start: the literals are not what matches
    items = parsed.data
    best, run = "", []

    def walk(sequence) -> None:
        nonlocal best, run
        for op, value in sequence:
            if op is c.LITERAL:
                run.append(chr(value))
                continue
            if op is c.SUBPATTERN and value[1] == 0 and value[2] == 0:  # a plain group, no flags
                walk(value[-1])
                continue
            if op is c.AT:  # zero width: the run goes on
                continue
            end_run()

    def end_run() -> None:
        nonlocal best, run
        if len(run) > len(best):
            best = "".join(run)
        run = []

    walk(items)
    end_run()
    return best if len(best) >= 2 else None


_REQUIRED = cache.Memo("required-text", _required_text)


# Anchors match at a block's edges but not inside the article's joined text.
_ANCHORS = re.compile(r"[\^$]|\\[AZz]")


def candidate_finder(pattern: str, *, ignorecase: bool = False) -> UserPattern | None:
    """``pattern`` on RE2, for searching a whole article once before matching a rule that
    wraps it (in boundaries RE2 lacks) block by block: no candidate, no match. None when the
    pattern cannot run on RE2 with the same meaning, or uses anchors."""
    if _ANCHORS.search(pattern) or _NOT_FOR_RE2.search(pattern):
        return None
    compiled = _re2(pattern, ignorecase)  # RE2 compiles in C++: cheap enough to do now
    if compiled is None:
        return None
    finder = UserPattern.__new__(UserPattern)
    finder.pattern, finder.ignorecase, finder._compiled, finder._engine = pattern, ignorecase, compiled, "re2"
    return finder


def re2_searcher(pattern: str, *, ignorecase: bool = False):
    """``search(text)`` of ``pattern`` compiled with RE2 (linear time, any text), or None when
    RE2 is missing or rejects the pattern. The caller answers for the pattern meaning on RE2
    what it means to Python (no ``\\w``, ``\\b``, ``\\s`` or ``\\d``: they are ASCII there)."""
    compiled = _re2(pattern, ignorecase)
    if compiled is None:
        return None
    search = compiled.search
    return lambda text: search(_encodable(text))


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
