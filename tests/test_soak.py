"""A soak test of the HTTP service on loopback: thousands of requests from concurrent clients,
some malformed or oversized, against a real uvicorn server.

Every good request must get a 200 with findings, every bad one its documented 4xx, and the
process's resident memory must stay flat once warmed up. Stories are invented for this test.
"""

from __future__ import annotations

import gc
import http.client
import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

from conftest import running_app  # noqa: E402
from test_bad_input import record  # noqa: E402

from linter.serve import create_app  # noqa: E402

TOKEN = "soak-token-9f3a"
MAX_BYTES = 40_000
CLIENTS = 8
REQUESTS_PER_CLIENT = 300  # 2,400 in the soak, after a warm-up of 400
WARM_UP_PER_CLIENT = 50
MEMORY_GROWTH_LIMIT_MB = 30

HEADLINES = ["Ferry fares rise again", "Library adds quiet hours", "Council backs bridge repairs", "School board delays vote"]
PARAGRAPHS = [
    "Fares on the harbor ferry rose 5 per cent on Monday, the transit authority said.",
    "The the board will meet again on October 11th to review the plan.",
    "\u201cWe have waited long enough,\u201d said Ana Lima, who rides the ferry every day.",
    "This is a developing story.",
    "Officials said repairs would cost $4 million and take two years to finish.",
    "Residents who spoke at the meeting asked for more evening service \U0001F6A2.",
]


def good_article(chooser: random.Random) -> dict:
    body = "\n\n".join([PARAGRAPHS[0]] + chooser.sample(PARAGRAPHS[1:], 3))  # "per cent" always there
    article: dict = {"headline": chooser.choice(HEADLINES), "body": body, "byline": "By Jane Roe"}
    if chooser.random() < 0.3:
        article["body"] = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
        article["body_format"] = "html"
    return article


@dataclass
class Request:
    kind: str
    path: str
    body: bytes
    expected: int
    token: str = TOKEN


def make_request(chooser: random.Random) -> Request:
    roll = chooser.random()
    if roll < 0.55:
        return Request("good check", "/v1/check", json.dumps({"article": good_article(chooser)}).encode(), 200)
    if roll < 0.70:
        payload = {"article": good_article(chooser), "applicability": chooser.choice(["safe", "unsafe"])}
        return Request("good fix", "/v1/fix", json.dumps(payload).encode(), 200)
    bad = [
        Request("malformed JSON", "/v1/check", b'{"article": {"body": "Fares rose', 400),
        Request("not an object", "/v1/check", b'["Fares rose 5 per cent."]', 400),
        Request("oversized", "/v1/check", json.dumps({"article": {"body": "Fares rose. " * 4_000}}).encode(), 413),
        Request("wrong token", "/v1/check", json.dumps({"article": good_article(chooser)}).encode(), 401, token="soak-token-0000"),
        Request("bad body_format", "/v1/check", json.dumps({"article": {"body": "x", "body_format": "../etc/passwd"}}).encode(), 400),
        Request("not UTF-8", "/v1/check", b'{"article": {"body": "caf\xe9"}}', 400),
        Request("bad applicability", "/v1/fix", json.dumps({"article": {"body": "x"}, "applicability": "always"}).encode(), 400),
    ]
    return chooser.choice(bad)


@dataclass
class Tally:
    statuses: Counter = field(default_factory=Counter)
    failures: list = field(default_factory=list)
    latencies: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def check_answer(request: Request, status: int, data: bytes) -> str | None:
    """What is wrong with an answer, or None."""
    if status != request.expected:
        return f"{request.kind}: HTTP {status}, expected {request.expected}: {data[:120]!r}"
    answer = json.loads(data)
    if request.kind == "good check" and not any(f["rule"] == "starter.percent" for f in answer.get("findings", [])):
        return f"good check without its findings: {data[:120]!r}"
    if request.kind == "good fix" and ("percent" not in answer["article"]["body"] or not answer["applied"]):
        return f"good fix not fixed: {data[:120]!r}"
    if status != 200 and not answer.get("error"):
        return f"{request.kind}: no error message"
    return None


def client(base: str, seed: int, count: int, tally: Tally) -> None:
    chooser = random.Random(seed)
    address = urlparse(base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
    for _ in range(count):
        request = make_request(chooser)
        headers = {"Authorization": f"Bearer {request.token}", "Content-Type": "application/json"}
        started = time.monotonic()
        try:
            connection.request("POST", request.path, body=request.body, headers=headers)
            response = connection.getresponse()
            status, data = response.status, response.read()
            if response.will_close:
                connection.close()
        except (OSError, http.client.HTTPException) as error:
            # An oversized body answered 413 before it was all sent can reset the connection: the
            # answer is still a refusal, so retry once on a fresh connection to read it.
            connection.close()
            connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
            try:
                connection.request("POST", request.path, body=request.body, headers={**headers, "Connection": "close"})
                response = connection.getresponse()
                status, data = response.status, response.read()
            except (OSError, http.client.HTTPException) as second:
                status, data = -1, f"{error!r} then {second!r}".encode()
            connection.close()
            connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
        elapsed = time.monotonic() - started
        problem = check_answer(request, status, data)
        with tally.lock:
            tally.statuses[(request.kind, status)] += 1
            tally.latencies.append(elapsed)
            if problem:
                tally.failures.append(problem)
    connection.close()


def run_clients(base: str, per_client: int, seed: int) -> Tally:
    tally = Tally()
    threads = [threading.Thread(target=client, args=(base, seed + n, per_client, tally)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not any(thread.is_alive() for thread in threads), "a client hung"
    return tally


def resident_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    pytest.skip("no /proc/self/status to read resident memory from")


@pytest.mark.slow
def test_soak_on_loopback() -> None:
    app = create_app(token=TOKEN, max_bytes=MAX_BYTES, timeout=20)
    with running_app(app) as base:
        warm = run_clients(base, WARM_UP_PER_CLIENT, seed=1000)
        assert not warm.failures, warm.failures[:5]
        gc.collect()
        before = resident_mb()
        started = time.monotonic()
        tally = run_clients(base, REQUESTS_PER_CLIENT, seed=2000)
        seconds = time.monotonic() - started
        gc.collect()
        after = resident_mb()
    total = sum(tally.statuses.values())
    good = sum(n for (kind, _), n in tally.statuses.items() if kind.startswith("good"))
    latencies = sorted(tally.latencies)
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    by_kind = ", ".join(f"{kind} {status}: {n}" for (kind, status), n in sorted(tally.statuses.items()))
    record("soak-loopback", (
        f"{total} requests from {CLIENTS} clients in {seconds:.0f} s ({good} good, {total - good} bad); "
        f"{len(tally.failures)} wrong answers; resident memory {before:.0f} MB -> {after:.0f} MB after warm-up; "
        f"p99 latency {p99 * 1000:.0f} ms. Answers: {by_kind}"
    ))
    assert total == CLIENTS * REQUESTS_PER_CLIENT
    assert not tally.failures, tally.failures[:10]
    assert {kind for kind, _ in tally.statuses} >= {"good check", "good fix", "malformed JSON", "oversized", "wrong token"}
    assert after - before < MEMORY_GROWTH_LIMIT_MB, f"resident memory grew from {before:.0f} MB to {after:.0f} MB"
