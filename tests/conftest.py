"""Shared test helpers. Fixture articles are invented for these tests; no corpus text."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from linter.loading import build_rule, parse_yaml

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def make_rule(yaml_text: str, rule_id: str = "test.rule", tmp_path: Path | None = None):
    """Build a rule object from YAML text, as loading a rule file would."""
    path = (tmp_path or Path("/nonexistent")) / "rule.yml"
    data, node = parse_yaml(yaml_text, path)
    return build_rule(data, node, path, rule_id)


@pytest.fixture
def shared_dir() -> Path:
    """The read-only shared data folder; absent on a user's machine, so tests skip cleanly."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@contextlib.contextmanager
def running_app(app):
    """Serve an ASGI app with uvicorn on a free loopback port, in a thread; yields its base URL."""
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the service did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
