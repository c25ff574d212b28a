"""Load on ``copydesk serve``: concurrent clients posting one story to /v1/check on loopback.

Starts its own service (``python -m linter serve --workers 2`` on a free loopback port, with a
token), warms every worker up, then lets N client threads (one keep-alive connection each) send
the requests and reports requests per second, p50/p90/p99 latency and the failed requests (any
answer but 200 with a findings list counts as a failure). Stops the service at the end.

The story is ../shared/seed/sanctuary-cities.txt, read at run time when it is there (line 1 the
headline, then the body), else an invented one; ``--article FILE`` picks another plain-text story.

    python bench/serve_load.py                       # 32 clients, 400 requests, 2 workers
    python bench/serve_load.py --clients 64 --requests 1000 --workers 4
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seed" / "sanctuary-cities.txt"

# Invented, with the usual slips (boilerplate, "per cent", a date off AP style, "a" before a vowel).
INVENTED = """Harbor district approves ferry terminal after long debate

The Harbor District board voted 5-2 on Thursday to build a ferry terminal on the old cannery pier, ending two years of hearings over the project's cost and its effect on the waterfront.

This is a developing story.

The terminal will cost about $38 million, the district's finance director, Priya Nandakumar, told the board. Fares on the existing routes will rise 4 per cent to help pay for it, she said.

Construction is set to begin in a October 2 ceremony, and the first boats could sail the following summer, according to a staff report.

Residents of the east shore, who packed the meeting room, were divided. Some said the ferry would cut their commute in half; others worried about traffic on the narrow streets near the pier.

"We have waited a long time for a real answer to the bridge traffic," said Tomas Reyes, who runs a bakery near the pier. "This is it, if they build it right."

Board member Alice Okonkwo, who voted against the plan, said the district had not explained how it would pay for upkeep once the state grant runs out.

The district expects about 3,000 riders a day in the first year, a figure critics called optimistic.
"""


def read_article(path: Path | None) -> tuple[dict[str, str], str]:
    """The story as CMS fields, and where it came from."""
    source = path or (SEED if SEED.is_file() else None)
    text = source.read_text(encoding="utf-8") if source else INVENTED
    headline, _, body = text.lstrip().partition("\n")
    label = str(source) if source else "an invented story"
    return {"headline": headline.strip(), "body": body.strip() + "\n", "body_format": "text"}, label


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_service(port: int, workers: int, token: str, log) -> subprocess.Popen:
    command = [sys.executable, "-m", "linter", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers), "--token", token]
    # Its own session, so that stopping it reaches uvicorn's worker processes too.
    return subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def stop_service(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)  # uvicorn's graceful shutdown, workers included
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def wait_healthy(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the service exited with status {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                connection.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the service did not answer /healthz in time")


class Client(threading.Thread):
    """One editor's browser: a keep-alive connection sending checks until the work runs out."""

    def __init__(self, port: int, token: str, payload: bytes, remaining: list[int], lock: threading.Lock, start: threading.Event) -> None:
        super().__init__(daemon=True)
        self.port, self.payload, self.remaining, self.lock, self.start_gun = port, payload, remaining, lock, start
        self.headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self.findings = 0

    def take(self) -> bool:
        with self.lock:
            if self.remaining[0] <= 0:
                return False
            self.remaining[0] -= 1
            return True

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        self.start_gun.wait()
        while self.take():
            began = time.perf_counter()
            try:
                connection.request("POST", "/v1/check", body=self.payload, headers=self.headers)
                response = connection.getresponse()
                body = response.read()
                elapsed = time.perf_counter() - began
                if response.status != 200:
                    self.failures.append(f"HTTP {response.status}: {body[:200]!r}")
                    continue
                findings = json.loads(body).get("findings")
                if not isinstance(findings, list):
                    self.failures.append("answer without a findings list")
                    continue
                self.findings = len(findings)
                self.latencies.append(elapsed)
            except (OSError, http.client.HTTPException, ValueError) as error:
                self.failures.append(f"{type(error).__name__}: {error}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.close()


def drive(port: int, token: str, payload: bytes, clients: int, requests: int) -> tuple[list[Client], float]:
    remaining, lock, start = [requests], threading.Lock(), threading.Event()
    threads = [Client(port, token, payload, remaining, lock, start) for _ in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    start.set()
    for thread in threads:
        thread.join()
    return threads, time.perf_counter() - began


def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of a sorted list."""
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=400, help="requests measured (after the warm-up)")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--article", type=Path, help="a plain-text story: line 1 the headline, then the body")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    article, label = read_article(args.article)
    payload = json.dumps({"article": article, "style": "ap"}).encode()
    token = secrets.token_urlsafe(16)
    port = free_port()
    with tempfile.TemporaryFile() as log:
        process = start_service(port, args.workers, token, log)
        try:
            wait_healthy(port, process)
            # A few gentle checks first (connections, caches), kept out of the figures.
            started = time.perf_counter()
            warm, _ = drive(port, token, payload, clients=args.workers, requests=4 * args.workers)
            warm_up = time.perf_counter() - started
            if any(c.failures for c in warm):
                raise RuntimeError(f"warm-up failed: {next(c.failures[0] for c in warm if c.failures)}")
            clients, elapsed = drive(port, token, payload, args.clients, args.requests)
        except BaseException:
            stop_service(process)
            log.seek(0)
            sys.stderr.write(log.read().decode(errors="replace")[-3000:])
            raise
        stop_service(process)

    latencies = sorted(t for c in clients for t in c.latencies)
    failures = [f for c in clients for f in c.failures]
    figures = {
        "story": label,
        "story_chars": len(article["headline"]) + len(article["body"]),
        "findings_per_check": max(c.findings for c in clients),
        "workers": args.workers,
        "clients": args.clients,
        "requests": args.requests,
        "ok": len(latencies),
        "failed": len(failures),
        "seconds": round(elapsed, 3),
        "requests_per_second": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
        "p90_ms": round(1000 * percentile(latencies, 0.90), 1) if latencies else None,
        "p99_ms": round(1000 * percentile(latencies, 0.99), 1) if latencies else None,
        "max_ms": round(1000 * latencies[-1], 1) if latencies else None,
        "warm_up_seconds": round(warm_up, 2),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"story: {figures['story']} ({figures['story_chars']} characters, {figures['findings_per_check']} findings per check)")
        print(f"{args.workers} workers, {args.clients} clients, {args.requests} requests in {figures['seconds']} s "
              f"(after a {figures['warm_up_seconds']} s warm-up)")
        print(f"{figures['requests_per_second']} requests/s; latency p50 {figures['p50_ms']} ms, "
              f"p90 {figures['p90_ms']} ms, p99 {figures['p99_ms']} ms, max {figures['max_ms']} ms")
        print(f"failed requests: {figures['failed']}")
    for failure in failures[:5]:
        print(f"  {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
