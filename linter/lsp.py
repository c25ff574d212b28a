"""``copydesk lsp``: the linter as a language server over standard input and output (pygls 2).

The server is a thin adapter over :class:`~linter.linting.Linter`: the findings it turns into
diagnostics, hovers and code actions are exactly those ``copydesk check`` reports.

* Documents are synchronised in full (a story is a few kilobytes, and full sync sidesteps any
  disagreement about line breaks such as U+2028 between client and server).
* Diagnostics are published on open and save at once, and on change after a short debounce;
  a newer change cancels the pending lint, and a lint whose text went stale is discarded.
  Linting runs on one worker thread so hovers and code actions stay responsive.
* Offsets are code points in the engine and LSP positions are UTF-16 code units by default
  (or whatever encoding the client negotiated): :class:`LineIndex` converts both ways.
* Configuration: the nearest ``.copydesk.yaml`` above the document, as in the CLI, reloaded when
  the client reports a change (``workspace/didChangeWatchedFiles``) or when its mtime moves (checked
  on every lint). ``initializationOptions`` (and ``workspace/didChangeConfiguration`` settings
  under ``copydesk``) may carry ``style``, ``enable``, ``disable``, ``debounceMs`` and
  ``timeLimitMs`` (default 20,000: a document that takes longer is not checked as one types, and
  a ``time-limit`` warning says so); like command-line flags, they win over the file.
* Bad input never stops the server: a broken config or rule file is reported once with
  ``window/showMessage`` and the document is linted with the default configuration.
* Code actions: one quick fix per finding with a fix. ``safe`` fixes are preferred; ``unsafe``
  ones are offered but not preferred; ``display`` fixes are offered as "Suggestion: ..." actions
  (never preferred, never part of "fix all": only an explicit click applies them). "copydesk:
  fix all safe findings in this file" (``source.fixAll``) runs ``Linter.fix`` on the whole text
  and returns one minimal edit; it is resolved lazily when the client supports it.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import threading
import time
import traceback
from bisect import bisect_right
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .engine import DeadlineExceeded
from .findings import Applicability, Finding, Fix, Severity

logger = logging.getLogger("copydesk.lsp")

SOURCE = "copydesk"
DEFAULT_DEBOUNCE_MS = 200
DEFAULT_TIME_LIMIT_MS = 20_000
FIX_ALL_TITLE = "copydesk: fix all safe findings in this file"
CONFIG_GLOBS = ("**/.copydesk.yaml", "**/.copydesk.yml")

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.SUGGESTION: types.DiagnosticSeverity.Information,
}
_LANGUAGE_FORMATS = {"markdown": "markdown", "html": "html"}


# -- positions ------------------------------------------------------------------------------------
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _units(text: str, encoding: str) -> int:
    """The length of ``text`` in the client's position units."""
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8"))
    if encoding == types.PositionEncodingKind.Utf32:
        return len(text)
    return len(text) + len(_ASTRAL.findall(text))  # astral characters are two UTF-16 units


class LineIndex:
    """Converts code-point offsets to LSP positions and back, for one text.

    Lines end at ``\\n``, ``\\r\\n`` or ``\\r`` as the LSP says; columns count UTF-16 code units
    unless the client negotiated another encoding.
    """

    def __init__(self, text: str, encoding: str = types.PositionEncodingKind.Utf16) -> None:
        self.text = text
        self.encoding = encoding
        self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
        if encoding == types.PositionEncodingKind.Utf8:
            self.one_unit_per_char = text.isascii()
        elif encoding == types.PositionEncodingKind.Utf32:
            self.one_unit_per_char = True
        else:  # UTF-16: only characters outside the Basic Multilingual Plane take two units
            self.one_unit_per_char = _ASTRAL.search(text) is None

    def position(self, offset: int) -> types.Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        column = offset - start if self.one_unit_per_char else _units(self.text[start:offset], self.encoding)
        return types.Position(line=line, character=column)

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(start=self.position(start), end=self.position(end))

    def offset(self, position: types.Position) -> int:
        if position.line >= len(self.starts):
            return len(self.text)
        start = self.starts[position.line]
        stop = self.starts[position.line + 1] if position.line + 1 < len(self.starts) else len(self.text)
        line = self.text[start:stop].rstrip("\r\n")
        if self.one_unit_per_char:
            return start + min(position.character, len(line))
        units = 0
        for index, char in enumerate(line):
            if units >= position.character:
                return start + index
            units += _units(char, self.encoding)
        return start + len(line)


def _range_json(rng: types.Range) -> dict[str, Any]:
    return {
        "start": {"line": rng.start.line, "character": rng.start.character},
        "end": {"line": rng.end.line, "character": rng.end.character},
    }


# -- configuration ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Overrides:
    """Editor settings that act like command-line flags."""

    style: str | None = None
    enable: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: Any) -> "Overrides":
        if not isinstance(data, dict):
            return cls()
        if isinstance(data.get("copydesk"), dict):  # settings namespaced as {"copydesk": {...}}
            data = data["copydesk"]
        style = data.get("style")
        return cls(
            style=style if isinstance(style, str) and style else None,
            enable=tuple(x for x in data.get("enable") or () if isinstance(x, str)),
            disable=tuple(x for x in data.get("disable") or () if isinstance(x, str)),
        )


@dataclass
class LinterEntry:
    """A linter built for one config file (or none), with the file's mtime when it was read."""

    linter: Any  # linter.linting.Linter, or None when even the defaults failed to load
    mtime: int | None  # st_mtime_ns of the config file, None without one
    specs: dict[str, Any]


class LinterCache:
    """One :class:`Linter` per configuration file, rebuilt when the file's mtime changes.

    Used from the lint worker thread and (for invalidation) from the event loop, hence the lock.
    """

    def __init__(self) -> None:
        self.overrides = Overrides()
        self.entries: dict[Path | None, LinterEntry] = {}
        self.lock = threading.Lock()

    def invalidate(self) -> None:
        from .linting import forget_rule_sets

        with self.lock:
            self.entries.clear()
            forget_rule_sets()  # house rule files named by a config may have changed too

    def get(self, config_path: Path | None, errors: list[str]) -> LinterEntry:
        mtime = _mtime(config_path)
        with self.lock:
            entry = self.entries.get(config_path)
            if entry is None or entry.mtime != mtime:
                if entry is not None:
                    from .linting import forget_rule_sets

                    forget_rule_sets()
                entry = self._build(config_path, mtime, errors)
                self.entries[config_path] = entry
            return entry

    def _build(self, config_path: Path | None, mtime: int | None, errors: list[str]) -> LinterEntry:
        from .config import Config, ConfigError, load_config
        from .linting import Linter

        over = self.overrides
        candidates = [Config()]
        if config_path is not None:
            try:
                candidates.insert(0, load_config(config_path))
            except ConfigError as error:
                errors.append(f"copydesk: {error} (using the default configuration)")
        for candidate in candidates:
            try:
                linter = Linter(candidate.with_overrides(style=over.style, enable=over.enable, disable=over.disable))
                return LinterEntry(linter, mtime, {rule.spec.id: rule.spec for rule in linter.rules})
            except Exception as error:  # RuleLoadError, or a rule type's bug: report, fall back
                detail = str(error) or type(error).__name__
                fallback = " (using the default configuration)" if candidate is not candidates[-1] else ""
                errors.append(f"copydesk: cannot load the rules: {detail}{fallback}")
        return LinterEntry(None, mtime, {})


def _mtime(path: Path | None) -> int | None:
    if path is None:
        return None
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


# -- documents --------------------------------------------------------------------------------------
@dataclass
class Document:
    uri: str
    text: str
    version: int | None
    language_id: str = ""
    path: Path | None = None
    pending: asyncio.Task | None = None
    # The last lint, for the text it was run on:
    linted_text: str | None = None
    linted_version: int | None = None
    index: LineIndex | None = None
    findings: tuple[Finding, ...] = ()
    specs: dict[str, Any] = field(default_factory=dict)
    format: str = "text"
    fix_all_cache: tuple[str, str] | None = None  # (text, fixed text)

    @property
    def fresh(self) -> bool:
        return self.linted_text == self.text and self.index is not None


@dataclass
class LintOutcome:
    findings: tuple[Finding, ...]
    specs: dict[str, Any]
    format: str
    errors: list[str]  # configuration problems, reported once per (re)load
    read_error: str | None = None
    internal_error: str | None = None
    time_error: str | None = None  # the document took longer than the time limit


# -- the server -------------------------------------------------------------------------------------
class CopydeskServer:
    """State and handlers of the language server; ``self.server`` speaks the protocol."""

    def __init__(self) -> None:
        self.server = LanguageServer(SOURCE, _version(), text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.documents: dict[str, Document] = {}
        self.linters = LinterCache()
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="copydesk-lint")
        self.debounce = DEFAULT_DEBOUNCE_MS / 1000
        # A document too long to check as one types is not checked past this (seconds).
        self.time_limit = DEFAULT_TIME_LIMIT_MS / 1000
        self.root: Path | None = None
        self.reported: set[str] = set()
        self._register()

    # -- wiring ------------------------------------------------------------------------------------
    def _register(self) -> None:
        s = _FeatureRegistrar(self.server)
        s.feature(types.INITIALIZE)(self.on_initialize)
        s.feature(types.INITIALIZED)(self.on_initialized)
        s.feature(types.TEXT_DOCUMENT_DID_OPEN)(self.on_open)
        s.feature(types.TEXT_DOCUMENT_DID_CHANGE)(self.on_change)
        s.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))(self.on_save)
        s.feature(types.TEXT_DOCUMENT_DID_CLOSE)(self.on_close)
        s.feature(types.TEXT_DOCUMENT_HOVER)(self.on_hover)
        s.feature(
            types.TEXT_DOCUMENT_CODE_ACTION,
            types.CodeActionOptions(
                code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll],
                resolve_provider=True,
            ),
        )(self.on_code_action)
        s.feature(types.CODE_ACTION_RESOLVE)(self.on_code_action_resolve)
        s.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)(self.on_watched_files)
        s.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(self.on_configuration)

    @property
    def encoding(self) -> str:
        try:
            return self.server.workspace.position_encoding or types.PositionEncodingKind.Utf16
        except Exception:
            return types.PositionEncodingKind.Utf16

    def _capability(self, *names: str) -> Any:
        value: Any = self.server.client_capabilities
        for name in names:
            value = getattr(value, name, None)
            if value is None:
                return None
        return value

    # -- lifecycle ---------------------------------------------------------------------------------
    def on_initialize(self, params: types.InitializeParams) -> None:
        options = params.initialization_options
        self.linters.overrides = Overrides.from_json(options)
        if isinstance(options, dict):
            delay = options.get("debounceMs")
            if isinstance(delay, (int, float)) and not isinstance(delay, bool) and 0 <= delay <= 10_000:
                self.debounce = delay / 1000
            limit = options.get("timeLimitMs")
            if isinstance(limit, (int, float)) and not isinstance(limit, bool) and limit > 0:
                self.time_limit = limit / 1000
        folders = params.workspace_folders or []
        root_uri = folders[0].uri if folders else params.root_uri
        root = to_fs_path(root_uri) if root_uri else params.root_path
        self.root = Path(root) if root else None

    def on_initialized(self, params: types.InitializedParams) -> None:
        self.worker.submit(_warm_up)  # load the bundled rules before the first document arrives
        if self._capability("workspace", "did_change_watched_files", "dynamic_registration"):
            watchers = [types.FileSystemWatcher(glob_pattern=glob) for glob in CONFIG_GLOBS]
            registration = types.Registration(
                id="copydesk-config-watcher",
                method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
            )
            self.server.client_register_capability(types.RegistrationParams(registrations=[registration]))

    # -- document sync -----------------------------------------------------------------------------
    def on_open(self, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        path = to_fs_path(item.uri) if item.uri.startswith("file:") else None
        doc = Document(item.uri, item.text, item.version, item.language_id or "", Path(path) if path else None)
        self.documents[item.uri] = doc
        self._schedule(doc, 0)

    def on_change(self, params: types.DidChangeTextDocumentParams) -> None:
        doc = self.documents.get(params.text_document.uri)
        if doc is None:
            return
        for change in params.content_changes:
            if isinstance(change, types.TextDocumentContentChangeWholeDocument):
                doc.text = change.text
            else:  # a client that ignored our Full sync: apply the range to our copy
                index = LineIndex(doc.text, self.encoding)
                start, end = index.offset(change.range.start), index.offset(change.range.end)
                doc.text = doc.text[:start] + change.text + doc.text[end:]
        doc.version = params.text_document.version
        self._schedule(doc, self.debounce)

    def on_save(self, params: types.DidSaveTextDocumentParams) -> None:
        doc = self.documents.get(params.text_document.uri)
        if doc is not None:
            if params.text is not None:
                doc.text = params.text
            self._schedule(doc, 0, force=True)

    def on_close(self, params: types.DidCloseTextDocumentParams) -> None:
        doc = self.documents.pop(params.text_document.uri, None)
        if doc is not None and doc.pending is not None:
            doc.pending.cancel()
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        )

    def on_watched_files(self, params: types.DidChangeWatchedFilesParams) -> None:
        if any(Path(to_fs_path(c.uri) or "").name in (".copydesk.yaml", ".copydesk.yml") for c in params.changes):
            self._reload()

    def on_configuration(self, params: types.DidChangeConfigurationParams) -> None:
        settings = params.settings
        if isinstance(settings, dict) and isinstance(settings.get("copydesk"), dict):
            self.linters.overrides = Overrides.from_json(settings["copydesk"])
            self._reload()

    def _reload(self) -> None:
        """Forget every linter (on the worker, after any lint in flight) and re-lint open documents."""
        self.reported.clear()
        self.worker.submit(self.linters.invalidate)
        for doc in self.documents.values():
            self._schedule(doc, 0, force=True)

    # -- linting -----------------------------------------------------------------------------------
    def _schedule(self, doc: Document, delay: float, force: bool = False) -> None:
        """Lint ``doc`` after ``delay`` seconds, replacing any lint still waiting for it."""
        if doc.pending is not None and not doc.pending.done():
            doc.pending.cancel()
        doc.pending = asyncio.get_running_loop().create_task(self._lint_later(doc, delay, force))

    async def _lint_later(self, doc: Document, delay: float, force: bool) -> None:
        if delay:
            await asyncio.sleep(delay)
        await self._refresh(doc, force=force)

    async def _refresh(self, doc: Document, force: bool = False) -> None:
        """Lint the document's current text (unless already done) and publish the diagnostics."""
        if doc.fresh and not force:
            return
        text, version = doc.text, doc.version
        loop = asyncio.get_running_loop()
        outcome = await loop.run_in_executor(self.worker, self._lint, doc.path, doc.language_id, text)
        for message in outcome.errors:
            self._show_error(message)
        if outcome.internal_error and outcome.internal_error not in self.reported:
            self.reported.add(outcome.internal_error)  # once, not once per keystroke
            self._show_error(outcome.internal_error)
        if self.documents.get(doc.uri) is not doc or doc.text != text:
            return  # closed, or a newer change arrived: its own lint will publish
        doc.linted_text, doc.linted_version = text, version
        doc.index = LineIndex(text, self.encoding)
        doc.findings, doc.specs, doc.format = outcome.findings, outcome.specs, outcome.format
        doc.fix_all_cache = None
        diagnostics = [self._diagnostic(f, doc) for f in doc.findings]
        if outcome.read_error:
            diagnostics.insert(0, types.Diagnostic(
                range=doc.index.range(0, 0), message=outcome.read_error, source=SOURCE,
                severity=types.DiagnosticSeverity.Error, code="read-error",
            ))
        if outcome.time_error:
            diagnostics.insert(0, types.Diagnostic(
                range=doc.index.range(0, 0), message=outcome.time_error, source=SOURCE,
                severity=types.DiagnosticSeverity.Warning, code="time-limit",
            ))
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=doc.uri, diagnostics=diagnostics, version=version)
        )

    def _lint(self, path: Path | None, language_id: str, text: str) -> LintOutcome:
        """Runs on the worker thread: find the config, then check the text. Never raises."""
        errors: list[str] = []
        fmt = _format_for(path, language_id)
        try:
            from .config import find_config
            from .readers import ReadError

            start = path if path is not None else self.root
            config_path = find_config(start) if start is not None else None
            entry = self.linters.get(config_path, errors)
            if entry.linter is None:
                return LintOutcome((), {}, fmt, errors)
            if path is not None and entry.linter.config.is_excluded(path):
                return LintOutcome((), entry.specs, fmt, errors)
            try:
                _, findings = entry.linter.check(text, fmt, str(path) if path else None,
                                                 deadline=time.monotonic() + self.time_limit)
            except ReadError as error:
                return LintOutcome((), entry.specs, fmt, errors, read_error=f"cannot read as {fmt}: {error}")
            except DeadlineExceeded:
                return LintOutcome((), entry.specs, fmt, errors, time_error=(
                    f"copydesk stopped checking this document after {self.time_limit:g} s: it is too long to "
                    "check as you type; run 'copydesk check' on the file"))
            return LintOutcome(tuple(findings), entry.specs, fmt, errors)
        except Exception:
            logger.error("lint failed:\n%s", traceback.format_exc())
            problem = "copydesk: internal error while linting (details in the server log)"
            return LintOutcome((), {}, fmt, errors, internal_error=problem)

    def _show_error(self, message: str) -> None:
        self.server.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=message))

    def _diagnostic(self, finding: Finding, doc: Document) -> types.Diagnostic:
        assert doc.index is not None
        data: dict[str, Any] = {"rule": finding.rule, "category": finding.category, "field": finding.field}
        if finding.fix is not None:
            data["fix"] = {
                "applicability": finding.fix.applicability.value,
                "edits": [
                    {"range": _range_json(doc.index.range(e.start, e.end)), "newText": e.text}
                    for e in sorted(finding.fix.edits)
                ],
            }
        href = _link_url(finding.link)
        return types.Diagnostic(
            range=doc.index.range(finding.start, finding.end),
            message=finding.message,
            severity=_SEVERITY.get(finding.severity, types.DiagnosticSeverity.Warning),
            code=finding.rule,
            code_description=types.CodeDescription(href=href) if href else None,
            source=SOURCE,
            data=data,
        )

    async def _current(self, uri: str):
        """The open document with findings for its current text, or None."""
        doc = self.documents.get(uri)
        if doc is None:
            return None
        await self._refresh(doc)
        return doc if doc.fresh else None

    # -- hover -------------------------------------------------------------------------------------
    async def on_hover(self, params: types.HoverParams) -> types.Hover | None:
        doc = await self._current(params.text_document.uri)
        if doc is None:
            return None
        offset = doc.index.offset(params.position)
        hits = [f for f in doc.findings if f.start <= offset < f.end or f.start == f.end == offset]
        if not hits:
            return None
        formats = self._capability("text_document", "hover", "content_format") or [types.MarkupKind.Markdown]
        markdown = types.MarkupKind.Markdown in formats
        parts = [_explain(f, doc.specs.get(f.rule), doc.text, markdown) for f in hits]
        return types.Hover(
            contents=types.MarkupContent(
                kind=types.MarkupKind.Markdown if markdown else types.MarkupKind.PlainText,
                value=("\n\n---\n\n" if markdown else "\n\n").join(parts),
            ),
            range=doc.index.range(min(f.start for f in hits), max(f.end for f in hits)),
        )

    # -- code actions ------------------------------------------------------------------------------
    async def on_code_action(self, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        doc = await self._current(params.text_document.uri)
        if doc is None:
            return None
        only = params.context.only
        actions: list[types.CodeAction] = []
        if _wanted(types.CodeActionKind.QuickFix, only):
            start, end = doc.index.offset(params.range.start), doc.index.offset(params.range.end)
            for finding in doc.findings:
                if finding.fix is not None and finding.start <= end and finding.end >= start:
                    actions.append(self._quick_fix(doc, finding))
        if _wanted(types.CodeActionKind.SourceFixAll, only) and any(
            f.fix is not None and f.fix.applicability is Applicability.SAFE for f in doc.findings
        ):
            action = types.CodeAction(
                title=FIX_ALL_TITLE, kind=types.CodeActionKind.SourceFixAll,
                data={"uri": doc.uri, "fixAll": True},
            )
            resolvable = self._capability("text_document", "code_action", "resolve_support", "properties") or []
            if "edit" not in resolvable:
                action = await self.on_code_action_resolve(action)
            if action.edit is not None or "edit" in resolvable:
                actions.append(action)
        return actions

    async def on_code_action_resolve(self, action: types.CodeAction) -> types.CodeAction:
        data = action.data if isinstance(action.data, dict) else {}
        doc = self.documents.get(data.get("uri", ""))
        if not data.get("fixAll") or doc is None:
            return action
        await self._refresh(doc)
        text = doc.text
        if doc.fix_all_cache is not None and doc.fix_all_cache[0] == text:
            fixed = doc.fix_all_cache[1]
        else:
            fixed = await asyncio.get_running_loop().run_in_executor(self.worker, self._fix_all, doc, text)
            doc.fix_all_cache = (text, fixed)
        if fixed is None or fixed == text or doc.text != text:
            return action
        start, end, replacement = _minimal_edit(text, fixed)
        index = doc.index if doc.fresh else LineIndex(text, self.encoding)
        action.edit = self._workspace_edit(doc, [types.TextEdit(range=index.range(start, end), new_text=replacement)])
        return action

    def _fix_all(self, doc: Document, text: str) -> str | None:
        """Runs on the worker thread."""
        try:
            from .config import find_config

            start = doc.path if doc.path is not None else self.root
            entry = self.linters.get(find_config(start) if start is not None else None, [])
            if entry.linter is None:
                return None
            return entry.linter.fix(text, _format_for(doc.path, doc.language_id), Applicability.SAFE).text
        except Exception:
            logger.error("fix-all failed:\n%s", traceback.format_exc())
            return None

    def _quick_fix(self, doc: Document, finding: Finding) -> types.CodeAction:
        assert finding.fix is not None and doc.index is not None
        fix = finding.fix
        what = _describe_fix(fix, doc.text)
        if fix.applicability is Applicability.DISPLAY:
            title = f"Suggestion: {what} (review before applying)"
        else:
            title = f"Fix: {what} ({fix.applicability.value})"
        edits = [types.TextEdit(range=doc.index.range(e.start, e.end), new_text=e.text) for e in sorted(fix.edits)]
        return types.CodeAction(
            title=title,
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[self._diagnostic(finding, doc)],
            is_preferred=fix.applicability is Applicability.SAFE,
            edit=self._workspace_edit(doc, edits),
        )

    def _workspace_edit(self, doc: Document, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
        if self._capability("workspace", "workspace_edit", "document_changes"):
            versioned = types.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.linted_version)
            return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(text_document=versioned, edits=edits)])
        return types.WorkspaceEdit(changes={doc.uri: edits})


# -- helpers ----------------------------------------------------------------------------------------
class _FeatureRegistrar:
    """``server.feature`` for bound methods: pygls tags the handler with attributes, which a
    bound method cannot carry, so each is wrapped in a plain function of ``params``."""

    def __init__(self, server: LanguageServer) -> None:
        self.server = server

    def feature(self, name: str, options: Any = None):
        def register(method):
            if asyncio.iscoroutinefunction(method):
                async def handler(params):
                    return await method(params)
            else:
                def handler(params):
                    return method(params)
            self.server.feature(name, options)(handler)
            return method

        return register


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("copydesk")
    except PackageNotFoundError:
        return "0"


def _warm_up() -> None:
    """Import the engine and load the bundled rules (cached), so the first lint is quick.
    Problems are left for the first real lint to report."""
    try:
        from .linting import Linter

        Linter().check("Warm up.\n\nA short story.")
    except Exception:
        pass


def _format_for(path: Path | None, language_id: str) -> str:
    """The format the CLI would read the file as; the editor's language for unsaved buffers."""
    from .readers import detect_format

    fmt = detect_format(path) if path is not None else "text"
    if fmt == "text" and (path is None or not path.suffix):
        fmt = _LANGUAGE_FORMATS.get(language_id, "text")
    return fmt


def _wanted(kind: str, only: Sequence[str] | None) -> bool:
    return not only or any(kind == o or kind.startswith(o + ".") for o in only)


def _link_url(link: str | None) -> str | None:
    """The URL at the start of a rule's ``link`` (which may add a stylebook entry name)."""
    if not link:
        return None
    first = link.split()[0]
    return first if re.match(r"https?://\S+$", first) else None


def _quote(text: str, limit: int = 40) -> str:
    text = text.replace("\r\n", "\n").replace("\n", "⏎")
    return "'" + (text if len(text) <= limit else text[: limit - 1] + "…") + "'"


def _describe_fix(fix: Fix, source: str) -> str:
    edits = sorted(fix.edits)
    if len(edits) == 1:
        edit = edits[0]
        old = source[edit.start:edit.end]
        if old and edit.text:
            return f"replace {_quote(old)} with {_quote(edit.text)}"
        if old:
            return f"delete {_quote(old)}"
        return f"insert {_quote(edit.text)}"
    if all(not e.text for e in edits):
        return f"delete {len(edits)} passages"
    return f"apply {len(edits)} edits"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _md(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _explain(finding: Finding, spec: Any, source: str, markdown: bool) -> str:
    """The hover text for one finding: what, why, the fix and the source."""
    esc = _md if markdown else (lambda s: s)
    rule = f"`{finding.rule}`" if markdown else finding.rule
    lines = [f"{'**copydesk**' if markdown else 'copydesk'} {rule} · {finding.severity.value} · {esc(finding.category)}"]
    lines.append(esc(finding.message))
    description = getattr(spec, "description", "") or ""
    if description and description.strip() != finding.message.strip():
        lines.append(esc(description.strip()))
    if finding.fix is not None:
        label = "Suggestion" if finding.fix.applicability is Applicability.DISPLAY else "Fix"
        lines.append(f"{label} ({finding.fix.applicability.value}): {esc(_describe_fix(finding.fix, source))}")
    if finding.link:
        url = _link_url(finding.link)
        lines.append(f"Source: [{esc(finding.link)}]({url})" if markdown and url else f"Source: {esc(finding.link)}")
    return "\n\n".join(lines)


def _minimal_edit(before: str, after: str) -> tuple[int, int, str]:
    """One replacement turning ``before`` into ``after``: the span between their common ends."""
    prefix = 0
    limit = min(len(before), len(after))
    while prefix < limit and before[prefix] == after[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and before[len(before) - 1 - suffix] == after[len(after) - 1 - suffix]:
        suffix += 1
    return prefix, len(before) - suffix, after[prefix:len(after) - suffix]


def main(args: argparse.Namespace | None = None) -> int:
    """Serve LSP on standard input and output until the client says ``exit``."""
    import sys

    logging.basicConfig(level=logging.WARNING, format="copydesk-lsp: %(levelname)s %(name)s: %(message)s")
    protocol_out = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print() in a rule must not corrupt the protocol stream
    CopydeskServer().server.start_io(sys.stdin.buffer, protocol_out)
    return 0
