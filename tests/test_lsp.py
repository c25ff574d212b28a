"""``copydesk lsp`` driven as an editor would: a subprocess spoken to over stdio with real LSP
messages (pytest-lsp's client). Fixture stories are invented for these tests."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")

from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient  # noqa: E402

from linter import Linter  # noqa: E402

# pytest-asyncio runs in strict mode here, so every client test is marked; one event loop for the
# module lets those tests share one server (each test uses its own folder and documents).
client_test = pytest.mark.asyncio(loop_scope="module")

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "linter", "lsp"])
TIMEOUT = 60  # generous: CI machines can be slow to start a server

CAPABILITIES = types.ClientCapabilities(
    general=types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf16]),
    workspace=types.WorkspaceClientCapabilities(
        workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
        did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=False),
    ),
    text_document=types.TextDocumentClientCapabilities(
        hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
        code_action=types.CodeActionClientCapabilities(
            code_action_literal_support=types.ClientCodeActionLiteralOptions(
                code_action_kind=types.ClientCodeActionKindOptions(
                    value_set=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll]
                )
            ),
            is_preferred_support=True,
            resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"]),
        ),
        publish_diagnostics=types.PublishDiagnosticsClientCapabilities(
            version_support=True, code_description_support=True, data_support=True
        ),
    ),
)

#: A display-only house rule, loaded through a config's ``rules:`` folder.
HOUSE_RULE = """\
type: substitution
message: "Do not print '{actual}'; write '{expected}' or find the date."
description: Placeholders left in copy embarrass the paper; an editor must settle the wording.
severity: suggestion
category: style
fix: display
swap:
  TBD: to be determined
examples:
  valid: ["The date is set."]
  invalid:
    - text: "The date is TBD."
"""


async def _start(initialization_options=None, capabilities=CAPABILITIES, root: Path | None = None, features=()) -> LanguageClient:
    client = await SERVER.start()
    for method, handler in features:
        client.feature(method)(handler)
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            initialization_options=initialization_options,
            root_uri=root.as_uri() if root else None,
        )
    )
    return client


@pytest_lsp.fixture(config=SERVER, scope="module")
async def client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory):
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=CAPABILITIES,
            initialization_options={"style": "ap", "debounceMs": 100},
            root_uri=tmp_path_factory.mktemp("workspace").as_uri(),
        )
    )
    yield
    await lsp_client.shutdown_session()


@contextlib.asynccontextmanager
async def started(**kwargs):  # a second server, for capabilities or options the shared one lacks
    client = await _start(**kwargs)
    try:
        yield client
    finally:
        await client.shutdown_session()
        await client.stop()


async def next_diagnostics(client: LanguageClient, uri: str) -> types.PublishDiagnosticsParams:
    """The next publishDiagnostics for ``uri`` (skipping other documents')."""
    while True:
        params = await asyncio.wait_for(client.wait_for_notification("textDocument/publishDiagnostics"), TIMEOUT)
        if params.uri == uri:
            return params


def open_story(client: LanguageClient, path: Path, text: str, language: str = "plaintext") -> str:
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)
        )
    )
    return uri


def change(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def by_code(params: types.PublishDiagnosticsParams, code: str) -> list[types.Diagnostic]:
    return [d for d in params.diagnostics if d.code == code]


def span(rng: types.Range) -> tuple[int, int, int, int]:
    return (rng.start.line, rng.start.character, rng.end.line, rng.end.character)


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP edits to a text with no astral characters (columns are code points then)."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(pos: types.Position) -> int:
        return starts[pos.line] + pos.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[:offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]
    return text


def edits_of(action: types.CodeAction) -> list[types.TextEdit]:
    assert action.edit is not None and action.edit.document_changes
    (change_,) = action.edit.document_changes
    return list(change_.edits)


async def code_actions(client: LanguageClient, uri: str, rng: types.Range, only=None) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=rng,
            context=types.CodeActionContext(diagnostics=[], only=only),
        )
    )
    return list(result or [])


# -- diagnostics -------------------------------------------------------------------------------------
@client_test
async def test_open_publishes_the_finding_with_range_code_severity_link_and_fix(client: LanguageClient, tmp_path):
    uri = open_story(client, tmp_path / "rates.txt", "Rates rose 5 per cent.")
    params = await next_diagnostics(client, uri)
    assert params.version == 1
    (diag,) = by_code(params, "starter.percent")
    assert span(diag.range) == (0, 13, 0, 21)
    assert diag.severity == types.DiagnosticSeverity.Warning
    assert diag.source == "copydesk"
    assert diag.message == "Write 'percent', not 'per cent'."
    assert diag.code_description.href == "https://www.apstylebook.com/"
    assert diag.data["category"] == "style"
    assert diag.data["fix"] == {
        "applicability": "safe",
        "edits": [{"range": {"start": {"line": 0, "character": 13}, "end": {"line": 0, "character": 21}}, "newText": "percent"}],
    }


@client_test
async def test_code_action_offers_the_preferred_safe_fix_and_fix_all(client: LanguageClient, tmp_path):
    text = "Rates rose 5 per cent and costs rose 6 pct, the bank said."
    uri = open_story(client, tmp_path / "rates.txt", text)
    await next_diagnostics(client, uri)
    cursor = types.Range(start=types.Position(line=0, character=15), end=types.Position(line=0, character=15))
    actions = await code_actions(client, uri, cursor)
    quick = [a for a in actions if a.kind == types.CodeActionKind.QuickFix]
    assert [a.title for a in quick] == ["Fix: replace 'per cent' with 'percent' (safe)"]
    assert quick[0].is_preferred is True
    assert quick[0].diagnostics[0].code == "starter.percent"
    (edit,) = edits_of(quick[0])
    assert (span(edit.range), edit.new_text) == ((0, 13, 0, 21), "percent")
    assert quick[0].edit.document_changes[0].text_document.version == 1

    (fix_all,) = [a for a in actions if a.kind == types.CodeActionKind.SourceFixAll]
    assert fix_all.title == "copydesk: fix all safe findings in this file"
    assert fix_all.edit is None  # resolved lazily: this client supports codeAction/resolve
    resolved = await client.code_action_resolve_async(fix_all)
    fixed = apply_edits(text, edits_of(resolved))
    assert fixed == "Rates rose 5 percent and costs rose 6 percent, the bank said."
    assert fixed == Linter().fix(text).text
    (minimal,) = edits_of(resolved)
    assert (span(minimal.range), minimal.new_text) == ((0, 16, 0, 41), "cent and costs rose 6 percen")  # only the changed stretch


@client_test
async def test_only_filters_code_action_kinds(client: LanguageClient, tmp_path):
    uri = open_story(client, tmp_path / "rates.txt", "Rates rose 5 per cent.")
    await next_diagnostics(client, uri)
    whole = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=22))
    only_fix_all = await code_actions(client, uri, whole, only=[types.CodeActionKind.Source])
    assert [a.kind for a in only_fix_all] == [types.CodeActionKind.SourceFixAll]
    only_quick = await code_actions(client, uri, whole, only=[types.CodeActionKind.QuickFix])
    assert [a.kind for a in only_quick] == [types.CodeActionKind.QuickFix]


@client_test
async def test_change_that_fixes_the_text_clears_the_diagnostic(client: LanguageClient, tmp_path):
    uri = open_story(client, tmp_path / "rates.txt", "Rates rose 5 per cent.")
    assert by_code(await next_diagnostics(client, uri), "starter.percent")
    change(client, uri, 2, "Rates rose 5 percent.")
    params = await next_diagnostics(client, uri)
    assert params.version == 2
    assert by_code(params, "starter.percent") == []


@client_test
async def test_rapid_changes_are_debounced_into_one_lint_of_the_latest_text(client: LanguageClient, tmp_path):
    uri = open_story(client, tmp_path / "rates.txt", "Rates rose.")
    await next_diagnostics(client, uri)
    change(client, uri, 2, "Rates rose 5 per")
    change(client, uri, 3, "Rates rose 5 per cent")
    change(client, uri, 4, "Prices rose 5 per cent.")
    params = await next_diagnostics(client, uri)
    assert params.version == 4  # versions 2 and 3 were never linted
    (diag,) = by_code(params, "starter.percent")
    assert span(diag.range) == (0, 14, 0, 22)


@client_test
async def test_save_relints_and_close_clears_diagnostics(client: LanguageClient, tmp_path):
    uri = open_story(client, tmp_path / "rates.txt", "Rates rose 5 per cent.")
    await next_diagnostics(client, uri)
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    assert by_code(await next_diagnostics(client, uri), "starter.percent")
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    assert list((await next_diagnostics(client, uri)).diagnostics) == []


# -- hover -------------------------------------------------------------------------------------------
@client_test
async def test_hover_explains_the_rule_in_markdown(client: LanguageClient, tmp_path):
    uri = open_story(client, tmp_path / "rates.txt", "Rates rose 5 per cent.")
    await next_diagnostics(client, uri)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=0, character=16))
    )
    assert hover.contents.kind == types.MarkupKind.Markdown
    value = hover.contents.value
    assert "`starter.percent`" in value
    assert "Write 'percent', not 'per cent'." in value
    assert 'AP style spells "percent" as one word' in value  # the rule's description
    assert "(https://www.apstylebook.com/)" in value
    assert "Fix (safe): replace 'per cent' with 'percent'" in value
    assert span(hover.range) == (0, 13, 0, 21)
    outside = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=0, character=2))
    )
    assert outside is None


# -- positions ---------------------------------------------------------------------------------------
@client_test
async def test_markdown_offsets_land_on_the_source(client: LanguageClient, tmp_path):
    text = "# Harbour Fees Climb\n\nThe *port* authority said fees rose 5 per cent this spring.\n"
    uri = open_story(client, tmp_path / "fees.md", text, language="markdown")
    (diag,) = by_code(await next_diagnostics(client, uri), "starter.percent")
    assert span(diag.range) == (2, 38, 2, 46)
    assert text.splitlines()[2][38:46] == "per cent"
    # An unsaved buffer has no file name: the editor's language says how to read it.
    untitled = "untitled:Untitled-1"
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=untitled, language_id="markdown", version=1, text=text)
        )
    )
    (diag,) = by_code(await next_diagnostics(client, untitled), "starter.percent")
    assert span(diag.range) == (2, 38, 2, 46)


@client_test
async def test_html_offsets_land_on_the_source(client: LanguageClient, tmp_path):
    text = "<html><body>\n<p>Fees&nbsp;rose 5 <em>per cent</em> at the port.</p>\n</body></html>\n"
    uri = open_story(client, tmp_path / "fees.html", text, language="html")
    (diag,) = by_code(await next_diagnostics(client, uri), "starter.percent")
    assert span(diag.range) == (1, 24, 1, 32)
    assert text.splitlines()[1][24:32] == "per cent"


@client_test
async def test_astral_characters_count_two_utf16_units(client: LanguageClient, tmp_path):
    text = "Markets 📈 rallied as rates rose 5 per cent."
    uri = open_story(client, tmp_path / "markets.txt", text)
    (diag,) = by_code(await next_diagnostics(client, uri), "starter.percent")
    code_points = text.index("per cent")
    assert span(diag.range) == (0, code_points + 1, 0, code_points + 9)  # the emoji is 2 UTF-16 units
    # And back: a position after the emoji maps to the right character for hover and actions.
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=0, character=code_points + 1)
        )
    )
    assert hover is not None and span(hover.range) == span(diag.range)
    actions = await code_actions(client, uri, diag.range, only=[types.CodeActionKind.QuickFix])
    (edit,) = edits_of(actions[0])
    assert span(edit.range) == span(diag.range)


# -- configuration -----------------------------------------------------------------------------------
def write_config(folder: Path, text: str, bump: int = 0) -> Path:
    path = folder / ".copydesk.yaml"
    path.write_text(text, encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + bump * 1_000_000_000))  # a visible mtime change
    return path


@client_test
async def test_config_is_honoured_and_reloaded_on_watched_file_change(client: LanguageClient, tmp_path):
    desk = tmp_path / "desk"
    desk.mkdir()
    config = write_config(desk, "disable: [starter.percent]\n")
    uri = open_story(client, desk / "rates.txt", "Rates rose 5 per cent.")
    assert by_code(await next_diagnostics(client, uri), "starter.percent") == []

    write_config(desk, "disable: []\n", bump=5)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed)])
    )
    assert by_code(await next_diagnostics(client, uri), "starter.percent")  # re-linted without an edit


@client_test
async def test_config_change_is_noticed_by_mtime_without_a_notification(client: LanguageClient, tmp_path):
    desk = tmp_path / "desk"
    desk.mkdir()
    write_config(desk, "style: ap\n")
    uri = open_story(client, desk / "rates.txt", "Rates rose 5 per cent.")
    assert by_code(await next_diagnostics(client, uri), "starter.percent")
    write_config(desk, "disable: [starter]\n", bump=5)
    change(client, uri, 2, "Rates rose 5 per cent again.")
    assert by_code(await next_diagnostics(client, uri), "starter.percent") == []


@client_test
async def test_malformed_config_shows_one_error_and_lints_with_defaults(client: LanguageClient, tmp_path):
    desk = tmp_path / "desk"
    desk.mkdir()
    write_config(desk, "disable: [starter.percent]\nstlye: ap\n")
    message = asyncio.ensure_future(client.wait_for_notification("window/showMessage"))
    uri = open_story(client, desk / "rates.txt", "Rates rose 5 per cent.")
    params = await next_diagnostics(client, uri)
    shown = await asyncio.wait_for(message, TIMEOUT)
    assert shown.type == types.MessageType.Error
    assert ".copydesk.yaml:2" in shown.message and "stlye" in shown.message
    assert by_code(params, "starter.percent")  # the default config, where the rule is on
    change(client, uri, 2, "Rates rose 6 per cent.")
    assert by_code(await next_diagnostics(client, uri), "starter.percent")
    assert len([m for m in client.messages if str(desk) in m.message]) == 1  # not once per keystroke


@client_test
async def test_rule_load_error_shows_an_error_and_lints_with_defaults(client: LanguageClient, tmp_path):
    desk = tmp_path / "desk"
    desk.mkdir()
    write_config(desk, "rules: [missing-house-rules]\n")
    message = asyncio.ensure_future(client.wait_for_notification("window/showMessage"))
    uri = open_story(client, desk / "rates.txt", "Rates rose 5 per cent.")
    params = await next_diagnostics(client, uri)
    shown = await asyncio.wait_for(message, TIMEOUT)
    assert "missing-house-rules" in shown.message and "rule directory not found" in shown.message
    assert by_code(params, "starter.percent")


@client_test
async def test_unreadable_document_gets_one_error_diagnostic_and_the_server_lives_on(client: LanguageClient, tmp_path):
    uri = open_story(client, tmp_path / "story.json", '{"headline": "Fees rise", "body": ')  # a CMS export, cut short
    (diag,) = (await next_diagnostics(client, uri)).diagnostics
    assert (diag.code, diag.severity, span(diag.range)) == ("read-error", types.DiagnosticSeverity.Error, (0, 0, 0, 0))
    assert diag.message.startswith("cannot read as cms-json")
    other = open_story(client, tmp_path / "rates.txt", "Rates rose 5 per cent.")
    assert by_code(await next_diagnostics(client, other), "starter.percent")


@client_test
async def test_display_fix_is_a_non_preferred_suggestion_and_not_part_of_fix_all(client: LanguageClient, tmp_path):
    desk = tmp_path / "desk"
    (desk / "house").mkdir(parents=True)
    (desk / "house" / "placeholder.yml").write_text(HOUSE_RULE, encoding="utf-8")
    write_config(desk, "rules: [house]\n")
    uri = open_story(client, desk / "launch.txt", "The launch date is TBD.")
    (diag,) = by_code(await next_diagnostics(client, uri), "placeholder")
    assert diag.severity == types.DiagnosticSeverity.Information
    assert diag.data["fix"]["applicability"] == "display"
    actions = await code_actions(client, uri, diag.range)
    assert [(a.title, a.is_preferred) for a in actions] == [
        ("Suggestion: replace 'TBD' with 'to be determined' (review before applying)", False)
    ]  # no fix-all: there is nothing safe to apply


@client_test
async def test_config_watcher_is_registered_with_clients_that_allow_it(tmp_path):
    registrations: list[types.RegistrationParams] = []
    caps = types.ClientCapabilities(
        workspace=types.WorkspaceClientCapabilities(
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True)
        )
    )
    features = [(types.CLIENT_REGISTER_CAPABILITY, lambda params: registrations.append(params))]
    async with started(capabilities=caps, root=tmp_path, features=features) as watching:
        for _ in range(200):
            if registrations:
                break
            await asyncio.sleep(0.05)
        (registration,) = registrations[0].registrations
        assert registration.method == "workspace/didChangeWatchedFiles"
        globs = [w["globPattern"] for w in registration.register_options["watchers"]]  # LSPAny: plain JSON
        assert globs == ["**/.copydesk.yaml", "**/.copydesk.yml"]
        assert watching.error is None


@client_test
async def test_initialization_options_set_the_house_style_and_shutdown_exits_cleanly(tmp_path):
    async with started(initialization_options={"style": "british"}, root=tmp_path) as british:
        uri = open_story(british, tmp_path / "rates.txt", "Rates rose 5 per cent.")
        params = await next_diagnostics(british, uri)
        assert by_code(params, "starter.percent") == []  # the rule is for AP and Chicago only
    assert british._server.returncode == 0  # shutdown, then exit: a clean stop


@client_test
async def test_client_without_resolve_gets_fix_all_edit_eagerly_as_plain_changes(tmp_path):
    caps = types.ClientCapabilities(
        text_document=types.TextDocumentClientCapabilities(
            code_action=types.CodeActionClientCapabilities(
                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    code_action_kind=types.ClientCodeActionKindOptions(value_set=[types.CodeActionKind.SourceFixAll])
                )
            )
        )
    )
    async with started(capabilities=caps, root=tmp_path) as plain:
        text = "Harbour Story\n\nRates rose 5 per cent.\n"
        uri = open_story(plain, tmp_path / "rates.txt", text)
        await next_diagnostics(plain, uri)
        rng = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))
        (action,) = await code_actions(plain, uri, rng, only=[types.CodeActionKind.SourceFixAll])
        assert action.edit.document_changes is None
        assert apply_edits(text, action.edit.changes[uri]) == "Harbour Story\n\nRates rose 5 percent.\n"


# -- position conversion (the one piece worth checking without a client) -------------------------------
@pytest.mark.parametrize(
    ("encoding", "column"),
    [(types.PositionEncodingKind.Utf16, 9), (types.PositionEncodingKind.Utf8, 12), (types.PositionEncodingKind.Utf32, 8)],
)
def test_line_index_columns_follow_the_negotiated_encoding(encoding, column):
    from linter.lsp import LineIndex

    text = "Lede.\r\nFees 📈é rose\rnext\nlast"
    index = LineIndex(text, encoding)
    offset = text.index("rose")  # line 1: "Fees " + emoji + "é " before it
    assert (index.position(offset).line, index.position(offset).character) == (1, column)
    assert index.offset(index.position(offset)) == offset
    assert (index.position(text.index("next")).line, index.position(text.index("last")).line) == (2, 3)
    assert index.offset(types.Position(line=0, character=99)) == 5  # clamped before the line break
    assert index.offset(types.Position(line=9, character=0)) == len(text)


@client_test
async def test_a_backtracking_house_rule_does_not_hang_the_server(client: LanguageClient, tmp_path):
    desk = tmp_path / "desk"
    (desk / "house").mkdir(parents=True)
    # Catastrophic on a long run of "x": the rule runs out of its time budget and is reported.
    (desk / "house" / "runaway.yml").write_text("type: existence\nmessage: m\npatterns: ['\\b(x+x+)+y']\n", encoding="utf-8")
    write_config(desk, "rules: [house]\n")
    story = "Rates rise\n\n" + "x" * 30_000 + "\n\nRates rose 5 per cent on Monday.\n"
    uri = open_story(client, desk / "runaway.txt", story)
    diagnostics = await next_diagnostics(client, uri)
    (failure,) = by_code(diagnostics, "runaway")
    assert failure.severity == types.DiagnosticSeverity.Error and "ran out of time" in failure.message
    assert by_code(diagnostics, "starter.percent")  # the other rules ran
    # And the server still answers: the next document is checked as usual.
    other = open_story(client, desk / "rates.txt", "Rates rise\n\nRates rose 5 per cent.\n")
    assert by_code(await next_diagnostics(client, other), "starter.percent")


@client_test
async def test_a_document_past_the_time_limit_gets_a_warning_not_a_stuck_server(tmp_path):
    story = "Ferry fares rise\n\n" + "\n\n".join(
        ["The harbour ferry fares rose on Monday for riders on the three routes across the bay."] * 6000) + "\n"
    async with started(initialization_options={"debounceMs": 0, "timeLimitMs": 50}, root=tmp_path) as client:
        uri = open_story(client, tmp_path / "long.txt", story)
        (warning,) = by_code(await next_diagnostics(client, uri), "time-limit")
        assert warning.severity == types.DiagnosticSeverity.Warning and "0.05 s" in warning.message
        # A story of ordinary length is still checked in full.
        other = open_story(client, tmp_path / "rates.txt", "Rates rise\n\nRates rose 5 per cent.\n")
        assert by_code(await next_diagnostics(client, other), "starter.percent")
