"""``copydesk serve``: the local HTTP service a CMS calls while an editor writes (extra: serve).

A thin adapter over :class:`~linter.linting.Linter`: it keeps no article text after answering and
logs none (uvicorn's access log records method, path and status only).

    POST /v1/check  {"article": {...fields..., "body_format"}, "style": "ap", "dismissed": [...]}
    POST /v1/fix    the same, plus "applicability": "safe" | "unsafe"
    GET  /v1/rules
    GET  /healthz   (no token needed)
    GET  /openapi.json
    GET  /panel/    the embeddable <copydesk-panel> web component and a demo page
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import hmac
import inspect
import json
import os
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import anyio.to_thread
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .config import Config
from .engine import DeadlineExceeded
from .fields import BODY_FORMATS, TEXT_FIELDS, article_from_fields, drop_dismissed, finding_payload, fix_fields
from .findings import Applicability
from .fixes import MAX_FIX_PASSES
from .linting import Linter

DEFAULT_MAX_BYTES = 1_000_000
DEFAULT_TIMEOUT = 10.0
PANEL_DIR = Path(__file__).parent / "panel"
KNOWN_STYLES = ("ap", "chicago", "british")


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


class Service:
    """The service's state: configured linters (one per house style) and its limits."""

    def __init__(self, config: Config, token: str | None, max_bytes: int, timeout: float) -> None:
        self.config = config
        self.token = token
        self.max_bytes = max_bytes
        self.timeout = timeout
        self._linters: dict[str, Linter] = {}
        # Load the rules and the data rule types load lazily (e.g. textstat's syllable dictionary,
        # seconds) now, before the worker accepts requests: a burst of first checks would otherwise
        # each pay that inside its time budget and answer 503.
        self.check(_WARM_UP, "text", config.style, [])

    def linter(self, style: str) -> Linter:
        if style not in self._linters:
            self._linters[style] = Linter(replace(self.config, style=style))
        return self._linters[style]

    # -- request handling ----------------------------------------------------------------------
    def authorised(self, request: Request) -> bool:
        if not self.token:
            return True
        header = request.headers.get("authorization", "")
        scheme, _, supplied = header.partition(" ")
        # Constant-time comparison: the time taken says nothing about how much of a guess matched.
        return scheme.lower() == "bearer" and hmac.compare_digest(supplied.strip().encode(), self.token.encode())

    async def read_json(self, request: Request) -> dict[str, Any]:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            raise ApiError(413, f"request body over the limit of {self.max_bytes} bytes")

        async def read() -> bytes:
            chunks, size = [], 0
            async for chunk in request.stream():
                size += len(chunk)
                if size > self.max_bytes:
                    raise ApiError(413, f"request body over the limit of {self.max_bytes} bytes")
                chunks.append(chunk)
            return b"".join(chunks)

        try:
            body = await asyncio.wait_for(read(), self.timeout)
        except asyncio.TimeoutError:
            raise ApiError(408, "request body not received in time") from None
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ApiError(400, f"malformed JSON: {getattr(error, 'msg', error)}") from None
        except RecursionError:
            raise ApiError(400, "malformed JSON: nested too deeply") from None
        if not isinstance(data, dict):
            raise ApiError(400, "the request body must be a JSON object")
        return data

    def parse(self, data: dict[str, Any]) -> tuple[dict[str, Any], str, str, list[str]]:
        article = data.get("article")
        if not isinstance(article, dict):
            raise ApiError(400, "'article' must be an object with headline, body and other fields")
        for name in TEXT_FIELDS:
            value = article.get(name)
            if value is not None and not isinstance(value, str):
                raise ApiError(400, f"article field '{name}' must be a string")
            if value and _has_lone_surrogate(value):
                raise ApiError(400, f"article field '{name}' holds an unpaired UTF-16 surrogate (\\ud800-\\udfff)")
        body_format = article.get("body_format") or "text"
        if body_format not in BODY_FORMATS:
            raise ApiError(400, f"'body_format' must be one of {', '.join(BODY_FORMATS)}")
        style = data.get("style") or self.config.style
        if style not in KNOWN_STYLES:
            raise ApiError(400, f"'style' must be one of {', '.join(KNOWN_STYLES)}")
        dismissed = data.get("dismissed") or []
        if not isinstance(dismissed, list) or not all(isinstance(d, str) for d in dismissed):
            raise ApiError(400, "'dismissed' must be a list of fingerprints")
        return article, body_format, style, dismissed

    async def run(self, function, *args):
        """Run ``function`` in a worker thread with the service's time limit. The limit is also
        the lint's deadline, so a check that runs out of time stops in its thread (between rules)
        instead of carrying on, eating CPU, for an answer nobody waits for."""
        deadline = time.monotonic() + self.timeout
        work = functools.partial(function, *args, deadline=deadline)
        try:
            return await asyncio.wait_for(_in_thread(work), self.timeout)
        except (asyncio.TimeoutError, DeadlineExceeded):
            raise ApiError(503, f"checking took longer than {self.timeout:g} s") from None

    # -- the work, run in a worker thread ------------------------------------------------------------
    def check(
        self, article: dict[str, Any], body_format: str, style: str, dismissed: list[str], *, deadline: float | None = None
    ) -> dict[str, Any]:
        built = article_from_fields(article, body_format, _meta(article))
        findings = self.linter(style).check_article(built.article, deadline=deadline)
        payloads = drop_dismissed((finding_payload(f, built) for f in findings), dismissed)
        return {"findings": payloads}

    def fix(
        self, article: dict[str, Any], body_format: str, style: str, dismissed: list[str], minimum: Applicability,
        *, deadline: float | None = None,
    ) -> dict[str, Any]:
        linter = self.linter(style)
        fields = {k: v for k, v in article.items() if k in TEXT_FIELDS and isinstance(v, str)}
        applied: list[dict[str, Any]] = []
        gone = set(dismissed)
        for _ in range(MAX_FIX_PASSES):
            built = article_from_fields(fields, body_format, _meta(article))
            findings = [f for f in linter.check_article(built.article, deadline=deadline)
                        if finding_payload(f, built)["fingerprint"] not in gone]
            new_fields, done = fix_fields(built, findings, minimum)
            if not done or new_fields == built.fields:
                break
            applied.extend(finding_payload(f, built) for f in done)
            fields = {**fields, **new_fields}
        fixed = {**article, **fields}
        return {"article": fixed, "applied": applied}


_WARM_UP = {
    "headline": "Council backs park plan",
    "body": "The council voted on Monday to approve a plan for a new park. Work starts next year, officials said.\n\n"
            "Residents who spoke at the meeting said they had waited a long time for it.\n",
}


async def _in_thread(work):
    """``work()`` in anyio's worker threads, abandoned (not waited for) when the request's time
    runs out, so the 503 goes out at once; the lint's own deadline then stops the thread."""
    return await anyio.to_thread.run_sync(work, **{_ABANDON: True})


# anyio before 4.1 calls the option ``cancellable``.
_ABANDON = "abandon_on_cancel" if "abandon_on_cancel" in inspect.signature(anyio.to_thread.run_sync).parameters else "cancellable"


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _meta(article: dict[str, Any]) -> dict[str, str]:
    published = article.get("published")
    return {"published": published} if isinstance(published, str) else {}


def create_app(
    config: Config | None = None,
    *,
    token: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT,
    cors_origins: tuple[str, ...] = (),
) -> Starlette:
    service = Service(config or Config(), token, max_bytes, timeout)

    def guarded(handler):
        async def endpoint(request: Request) -> Response:
            if not service.authorised(request):
                return JSONResponse({"error": "missing or wrong bearer token"}, status_code=401,
                                    headers={"WWW-Authenticate": "Bearer"})
            try:
                return await handler(request)
            except ApiError as error:
                return _error(error.status, str(error))

        return endpoint

    async def check(request: Request) -> Response:
        article, body_format, style, dismissed = service.parse(await service.read_json(request))
        return JSONResponse(await service.run(service.check, article, body_format, style, dismissed))

    async def fix(request: Request) -> Response:
        data = await service.read_json(request)
        article, body_format, style, dismissed = service.parse(data)
        level = data.get("applicability", "safe")
        if level not in ("safe", "unsafe"):
            raise ApiError(400, "'applicability' must be 'safe' or 'unsafe'")
        return JSONResponse(await service.run(service.fix, article, body_format, style, dismissed, Applicability(level)))

    async def rules(request: Request) -> Response:
        style = request.query_params.get("style") or service.config.style
        if style not in KNOWN_STYLES:
            raise ApiError(400, f"'style' must be one of {', '.join(KNOWN_STYLES)}")
        linter = service.linter(style)
        return JSONResponse({"rules": [_rule_payload(rule.spec) for rule in linter.rules]})

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def openapi(request: Request) -> Response:
        return JSONResponse(OPENAPI)

    async def panel_root(request: Request) -> Response:
        return RedirectResponse("/panel/")

    routes = [
        Route("/v1/check", guarded(check), methods=["POST"]),
        Route("/v1/fix", guarded(fix), methods=["POST"]),
        Route("/v1/rules", guarded(rules), methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/panel", panel_root, methods=["GET"]),
    ]
    if PANEL_DIR.is_dir():
        routes.append(Mount("/panel", app=StaticFiles(directory=PANEL_DIR, html=True), name="panel"))
    middleware = []
    if cors_origins:
        # A CMS on another origin may call the service and load the panel's script.
        from starlette.middleware import Middleware
        from starlette.middleware.cors import CORSMiddleware

        middleware.append(Middleware(
            CORSMiddleware, allow_origins=list(cors_origins), allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"], max_age=600,
        ))
    app = Starlette(routes=routes, middleware=middleware)
    app.state.service = service
    return app


def _rule_payload(spec) -> dict[str, Any]:
    return {
        "id": spec.id,
        "type": spec.type,
        "severity": spec.severity.value,
        "category": spec.category,
        "fix": spec.fix.value if spec.fix else None,
        "message": spec.message,
        "description": spec.description,
        "link": spec.link,
        "styles": list(spec.styles),
    }


_ARTICLE_SCHEMA = {
    "type": "object",
    "properties": {
        **{name: {"type": "string"} for name in TEXT_FIELDS},
        "published": {"type": "string"},
        "body_format": {"type": "string", "enum": list(BODY_FORMATS)},
    },
}
_REQUEST_SCHEMA = {
    "type": "object",
    "required": ["article"],
    "properties": {
        "article": _ARTICLE_SCHEMA,
        "style": {"type": "string", "enum": list(KNOWN_STYLES)},
        "dismissed": {"type": "array", "items": {"type": "string"}},
    },
}
_FINDING_SCHEMA = {
    "type": "object",
    "properties": {
        key: {"type": kind}
        for key, kind in {
            "rule": "string", "category": "string", "severity": "string", "message": "string",
            "field": "string", "start": "integer", "end": "integer", "start_utf16": "integer",
            "end_utf16": "integer", "line": "integer", "column": "integer", "end_line": "integer",
            "end_column": "integer", "fingerprint": "string",
        }.items()
    },
}
_ERROR = {"description": "error", "content": {"application/json": {"schema": {"type": "object", "properties": {"error": {"type": "string"}}}}}}
OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "copydesk", "version": "1", "description": "Editorial checks for news stories."},
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    "security": [{"bearer": []}],
    "paths": {
        "/v1/check": {"post": {
            "summary": "Check an article",
            "requestBody": {"required": True, "content": {"application/json": {"schema": _REQUEST_SCHEMA}}},
            "responses": {
                "200": {"description": "findings", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"findings": {"type": "array", "items": _FINDING_SCHEMA}}}}}},
                "400": _ERROR, "401": _ERROR, "408": _ERROR, "413": _ERROR, "503": _ERROR,
            },
        }},
        "/v1/fix": {"post": {
            "summary": "Apply fixes to an article",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                **_REQUEST_SCHEMA,
                "properties": {**_REQUEST_SCHEMA["properties"], "applicability": {"type": "string", "enum": ["safe", "unsafe"]}},
            }}}},
            "responses": {
                "200": {"description": "fixed article", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"article": _ARTICLE_SCHEMA, "applied": {"type": "array", "items": _FINDING_SCHEMA}}}}}},
                "400": _ERROR, "401": _ERROR, "408": _ERROR, "413": _ERROR, "503": _ERROR,
            },
        }},
        "/v1/rules": {"get": {"summary": "List the rules", "responses": {"200": {"description": "rules", "content": {"application/json": {"schema": {"type": "object"}}}}, "401": _ERROR}}},
        "/healthz": {"get": {"summary": "Liveness", "security": [], "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
    },
}


# -- command line ------------------------------------------------------------------------------------
_ENV = "COPYDESK_SERVE_OPTIONS"


def app_from_environment() -> Starlette:
    """The app factory uvicorn's worker processes call (options travel in the environment)."""
    options = json.loads(os.environ.get(_ENV, "{}"))
    config = _load_config(options.get("config"), options.get("style"))
    return create_app(config, token=options.get("token"), max_bytes=options.get("max_bytes", DEFAULT_MAX_BYTES),
                      timeout=options.get("timeout", DEFAULT_TIMEOUT), cors_origins=tuple(options.get("cors_origins", ())))


def _load_config(path: str | None, style: str | None) -> Config:
    from .config import find_config, load_config

    found = Path(path) if path else find_config(Path.cwd())
    config = load_config(found) if found else Config()
    return replace(config, style=style) if style else config


def main(args: argparse.Namespace) -> int:
    import uvicorn

    token = args.token or os.environ.get("COPYDESK_TOKEN") or None
    options = {"config": args.config, "style": args.style, "token": token, "max_bytes": args.max_bytes, "timeout": args.timeout,
               "cors_origins": args.cors_origin}
    _load_config(args.config, args.style)  # fail now, with a clear message, on a bad config
    os.environ[_ENV] = json.dumps(options)
    uvicorn.run(
        "linter.serve:app_from_environment",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        timeout_keep_alive=5,
        log_level="info",
    )
    return 0
