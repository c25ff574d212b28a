"""Latency of ``copydesk lsp``: time from a ``didChange`` to the ``publishDiagnostics`` for it.

Starts the server as an editor would (a subprocess on stdio), opens an invented ~1,000-word
story, then sends one full-text change at a time, each waiting for its diagnostics, and prints
the median and spread. Run it twice to separate the debounce from the work:

    python bench/lsp_latency.py                  # the default debounce (200 ms) included
    python bench/lsp_latency.py --debounce-ms 0  # linting and transport only
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

# Invented sentences for a council-budget story; no corpus text.
SENTENCES = [
    "The city council voted 6-3 on Tuesday to approve a budget that raises water rates by 5 per cent.",
    "Mayor Ellen Raskin said the increase would pay for new pipes under the east side.",
    "Residents who spoke at the meeting said the rise came at a bad time for families.",
    "The budget also sets aside money for two new fire engines and a library roof.",
    "Council member David Okafor, who voted against the plan, said the city should have looked harder at its own spending.",
    "\"We are asking people to pay more before we have shown them where the money goes,\" Okafor said.",
    "City staff said the old pipes break about twice a week in the winter months.",
    "Repairs last year cost more than the department had planned, according to a staff report.",
    "The new rates take effect in July and will add about $4 to a typical monthly bill.",
    "Several business owners asked the council to phase in the increase over two years.",
    "The finance director said a slower schedule would delay the pipe work by at least a season.",
    "A public hearing on the capital plan is set for next month at City Hall.",
    "The library, which has had leaks since the spring, will close for three weeks while crews work.",
    "Parents at the meeting asked about after-school programs, which the budget keeps at last year's level.",
    "Police overtime, a frequent point of debate, is up slightly under the plan.",
    "The council will take a final vote on the capital plan after the hearing.",
]


def make_story(words: int = 1000, seed: int = 7) -> str:
    rng = random.Random(seed)
    paragraphs: list[str] = []
    count = 0
    while count < words:
        paragraph = " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(2, 3)))
        paragraphs.append(paragraph)
        count += len(paragraph.split())
    return "Council Approves Water Rate Increase\n\n" + "\n\n".join(paragraphs) + "\n"


async def measure(runs: int, debounce_ms: int | None) -> list[float]:
    client = LanguageClient("copydesk-bench", "1")
    await client.start_io(sys.executable, "-m", "linter", "lsp")
    received: dict[int, float] = {}
    arrived = asyncio.Event()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        if params.version is not None:
            received[params.version] = time.perf_counter()
            arrived.set()

    options = {} if debounce_ms is None else {"debounceMs": debounce_ms}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "council.txt"
        story = make_story()
        path.write_text(story, encoding="utf-8")
        await client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(), root_uri=Path(folder).as_uri(), initialization_options=options
            )
        )
        client.initialized(types.InitializedParams())
        uri = path.as_uri()

        async def wait_for(version: int) -> float:
            while version not in received:
                arrived.clear()
                await asyncio.wait_for(arrived.wait(), 60)
            return received[version]

        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id="plaintext", version=1, text=story)
            )
        )
        await wait_for(1)
        latencies: list[float] = []
        for version in range(2, runs + 2):
            text = story[:-1] + f" The vote was item {version}.\n"  # a real edit: a new text every time
            sent = time.perf_counter()
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
                )
            )
            latencies.append((await wait_for(version)) - sent)
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--debounce-ms", type=int, default=None, help="server debounce (default: the server's own)")
    args = parser.parse_args()
    words = len(make_story().split())
    latencies = asyncio.run(measure(args.runs, args.debounce_ms))
    ms = sorted(x * 1000 for x in latencies)
    debounce = "server default" if args.debounce_ms is None else f"{args.debounce_ms} ms"
    print(f"didChange -> publishDiagnostics, {words}-word story, {len(ms)} runs, debounce {debounce}:")
    print(f"  median {statistics.median(ms):.1f} ms   min {ms[0]:.1f} ms   max {ms[-1]:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
