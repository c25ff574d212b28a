"""``languagetool``: grammar checks from a LanguageTool server, through language-tool-python.

Where the server comes from, in order:

1. ``languagetool_url`` in the run's settings (``.copydesk.yaml`` passes it), or the
   ``COPYDESK_LANGUAGETOOL_URL`` environment variable: a LanguageTool HTTP server the user runs
   (``http://localhost:8081``), used through language-tool-python's remote-server mode.
2. A LanguageTool that language-tool-python has already installed in its download folder
   (``$LTP_PATH`` or ``~/.cache/language_tool_python/LanguageTool-<version>``) with ``java`` on
   the PATH: language-tool-python starts it as a local server. We pass it exactly the version
   found on disk, so it has nothing to download; with nothing on disk we never ask it to start
   one, because it would download LanguageTool (about 250 MB) from the internet.

With neither, the rule prints one notice on stderr (once per process) and reports nothing; the
other rules run as usual. LanguageTool's matches become findings on the block they fall in, with
LanguageTool's replacements as display fixes (shown to the editor, never applied by ``--fix``).
"""

from __future__ import annotations

import bisect
import os
import re
import shutil
import sys
import threading
from pathlib import Path
from typing import Any, Iterable

from ..article import Article, Block
from ..findings import Applicability
from .base import LintContext, Match, RuleType

ENV_URL = "COPYDESK_LANGUAGETOOL_URL"
SETTING_URL = "languagetool_url"
HOW_TO = (
    "run a LanguageTool server and set 'languagetool_url: http://localhost:8081' in .copydesk.yaml "
    f"(or {ENV_URL}); see the README"
)
# Languages by house style when a rule names none.
STYLE_LANGUAGES = {"ap": "en-US", "chicago": "en-US", "british": "en-GB"}
_PARAGRAPH_GAP = "\n\n"

_lock = threading.Lock()
_clients: dict[tuple[str, str], Any] = {}  # (server, language) -> client, or None when unusable
_noticed = False
# Where the local LanguageTool was looked for -> what was found; looked up once per process, not
# once per article (the lookup stats folders and searches the PATH).
_installed: dict[str, tuple[str, Path] | None] = {}


def notice(message: str) -> None:
    """Say once per process that grammar checks are off, and why."""
    global _noticed
    with _lock:
        if _noticed:
            return
        _noticed = True
    sys.stderr.write(f"copydesk: grammar checks skipped: {message}\n")


def silence_notice() -> None:
    """Worker processes of one run leave the notice to the parent process."""
    global _noticed
    _noticed = True


def reset() -> None:
    """Forget clients and the notice (for tests, and for a long-running server reconfigured)."""
    global _noticed
    with _lock:
        _clients.clear()
        _installed.clear()
        _noticed = False


def configured_url(context: LintContext) -> str | None:
    url = context.settings.get(SETTING_URL) or os.environ.get(ENV_URL)
    return str(url).strip() or None if url else None


def server_base(url: str) -> str:
    """The base URL language-tool-python expects: it appends ``v2/`` itself, so a URL given
    with ``/v2`` (as LanguageTool's own docs write it) loses it here."""
    url = url.strip().rstrip("/")
    url = re.sub(r"/v2(?:/check)?$", "", url)
    if "://" not in url:
        url = "http://" + url
    return url + "/"


def installed_languagetool() -> tuple[str, Path] | None:
    """(version, folder) of a LanguageTool that language-tool-python downloaded earlier, if any.

    Looks where language-tool-python looks, without creating the folder as its own helper does.
    """
    root = Path(os.environ.get("LTP_PATH") or Path.home() / ".cache" / "language_tool_python")
    key = str(root)
    if key not in _installed:
        _installed[key] = _find_installed(root)
    return _installed[key]


def _find_installed(root: Path) -> tuple[str, Path] | None:
    if not shutil.which("java") or not root.is_dir():
        return None
    found = []
    for folder in root.glob("LanguageTool-*"):
        version = folder.name[len("LanguageTool-"):]
        jar = any((folder / name).is_file() for name in ("languagetool-server.jar", "languagetool.jar"))
        if jar and re.fullmatch(r"\d+\.\d+|\d{8}", version):
            found.append((tuple(int(p) for p in version.split(".")), version, folder))
    if not found:
        return None
    _, version, folder = max(found)
    return version, folder


def _client_class():
    import language_tool_python

    class Client(language_tool_python.LanguageTool):
        # language-tool-python waits 300 s for an answer; a stuck server should not stall a run.
        _TIMEOUT = 30

    return Client


def get_client(context: LintContext, language: str, allow_local: bool) -> Any:
    """A ready client for this run's server and language, or None (after one notice)."""
    url = configured_url(context)
    if url:
        key = (server_base(url), language)
    else:
        local = installed_languagetool() if allow_local else None
        if local is None:
            notice(f"no LanguageTool server configured and none installed locally; {HOW_TO}")
            return None
        key = (f"local:{local[0]}", language)
    with _lock:
        if key in _clients:
            return _clients[key]
    client = None
    try:
        cls = _client_class()
        if url:
            client = cls(language, remote_server=key[0])
        else:
            client = cls(language, language_tool_download_version=key[0].split(":", 1)[1])
    except Exception as error:  # any failure (refused, bad answer, no Java) means: no grammar
        where = key[0] if url else "the local LanguageTool"
        notice(f"cannot use {where}: {error}")
    with _lock:
        _clients[key] = client
    return client


def _forget(client: Any) -> None:
    with _lock:
        for key, value in list(_clients.items()):
            if value is client:
                _clients[key] = None


class LanguageTool(RuleType):
    """Reports LanguageTool's matches on the blocks of the rule's scope (body paragraphs by
    default), sent in one request per article (or a few, for a very long one).

    Options: ``language`` (default from the house style: en-US, or en-GB for ``british``),
    ``disabled_rules``, ``disabled_categories``, ``enabled_categories`` (LanguageTool rule and
    category IDs), ``skip_quotes`` (default true: a quotation is the speaker's grammar),
    ``local`` (default true: use a LanguageTool already installed by language-tool-python) and
    ``max_chars`` (the most text sent in one request). The message may use ``{lt_message}``,
    ``{lt_short}``, ``{lt_rule}``, ``{lt_category}`` and ``{suggestions}``.
    """

    name = "languagetool"
    default_scope = "paragraph"
    options_schema = {
        "language": {"type": "string", "minLength": 2},
        "disabled_rules": {"type": "array", "items": {"type": "string"}},
        "disabled_categories": {"type": "array", "items": {"type": "string"}},
        "enabled_categories": {"type": "array", "items": {"type": "string"}},
        "skip_quotes": {"type": "boolean"},
        "local": {"type": "boolean"},
        "max_chars": {"type": "integer", "minimum": 1000},
        "max_suggestions": {"type": "integer", "minimum": 0},
    }

    def __init__(self, spec) -> None:
        super().__init__(spec)
        options = spec.options
        self.language = options.get("language")
        self.disabled_rules = set(options.get("disabled_rules", ()))
        self.disabled_categories = set(options.get("disabled_categories", ()))
        self.enabled_categories = set(options.get("enabled_categories", ()))
        self.skip_quotes = bool(options.get("skip_quotes", True))
        self.allow_local = bool(options.get("local", True))
        self.max_chars = int(options.get("max_chars", 20000))
        self.max_suggestions = int(options.get("max_suggestions", 3))

    def language_for(self, context: LintContext) -> str:
        return self.language or STYLE_LANGUAGES.get(context.style, "en-US")

    def skip_examples(self) -> str | None:
        """Why this rule's examples cannot run here (no server), or None when they can."""
        if configured_url(LintContext()) or (self.allow_local and installed_languagetool()):
            return None
        return "no LanguageTool server available"

    def _configure(self, client: Any) -> None:
        client.disabled_rules = set(self.disabled_rules)
        client.disabled_categories = set(self.disabled_categories)
        client.enabled_categories = set(self.enabled_categories)

    def check(self, article: Article, context: LintContext) -> Iterable[Match]:
        blocks = [b for b in self.blocks(article) if b.text.strip()]
        if not blocks:
            return
        client = get_client(context, self.language_for(context), self.allow_local)
        if client is None:
            return
        self._configure(client)
        for chunk in self._chunks(blocks):
            text, starts = self._join(chunk)
            try:
                found = client.check(text)
            except Exception as error:  # the server went away mid-run: stop asking it
                notice(f"LanguageTool failed: {error}")
                _forget(client)
                return
            for lt_match in found:
                match = self.to_match(lt_match, chunk, starts)
                if match is None:
                    continue
                if self.skip_quotes and article.in_quotation(*match.block.source_span(match.start, match.end)):
                    continue
                yield match

    def _chunks(self, blocks: list[Block]) -> Iterable[list[Block]]:
        chunk: list[Block] = []
        size = 0
        for block in blocks:
            if chunk and size + len(block.text) > self.max_chars:
                yield chunk
                chunk, size = [], 0
            chunk.append(block)
            size += len(block.text) + len(_PARAGRAPH_GAP)
        if chunk:
            yield chunk

    @staticmethod
    def _join(blocks: list[Block]) -> tuple[str, list[int]]:
        starts, position = [], 0
        for block in blocks:
            starts.append(position)
            position += len(block.text) + len(_PARAGRAPH_GAP)
        return _PARAGRAPH_GAP.join(b.text for b in blocks), starts

    def to_match(self, lt_match: Any, blocks: list[Block], starts: list[int]) -> Match | None:
        """A LanguageTool match (language-tool-python's ``Match``: ``offset``, ``error_length``,
        ``message``, ``replacements``, ``rule_id``, ``category``) as a copydesk match on the block
        that holds it; None when it falls in the gap between blocks."""
        offset = int(lt_match.offset)
        length = int(getattr(lt_match, "error_length", 0) or 0)
        index = bisect.bisect_right(starts, offset) - 1
        if index < 0:
            return None
        block = blocks[index]
        start = offset - starts[index]
        if start >= len(block.text):
            return None
        end = min(start + max(length, 1), len(block.text))
        replacements = [r for r in (lt_match.replacements or []) if isinstance(r, str)]
        shown = replacements[: self.max_suggestions]
        suggestions = f" Suggestion: {', '.join(repr(r) for r in shown)}." if shown else ""
        message = " ".join(str(lt_match.message or "").split())
        data = {
            "lt_message": message,
            "lt_short": str(getattr(lt_match, "shortMessage", "") or ""),
            "lt_rule": str(lt_match.rule_id or ""),
            "lt_category": str(lt_match.category or ""),
            "suggestions": suggestions,
        }
        return Match(
            block,
            start,
            end,
            actual=block.text[start:end],
            expected=replacements[0] if replacements else None,
            replacement=replacements[0] if replacements else None,
            applicability=Applicability.DISPLAY,
            data=data,
        )
