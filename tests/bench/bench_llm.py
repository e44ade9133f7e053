"""LLM seats benchmark: 33 seats, 2 rounds, a fake endpoint with 0.3 s latency.

The fake OpenAI server runs in its own process (as a real endpoint would) and answers every
request with a random valid instance of the JSON schema it was sent (hypothesis-jsonschema), so
the run meets replies of every admissible shape. The benchmark checks the run is clean (0 seat
failures, 0 LLM errors, a decision or an honest no_quorum) and measures, against the latency
floor (phases x latency: no run can be faster, with every seat of a phase called at once):

1. the LLM phases: from the preflight's end to the last round's end (target <= 1.2x the floor);
2. the whole run through ``run_graph`` with a SQLite store, as the CLI runs it: client set-up,
   preflight, the graph, checkpoints, the record (target <= 1.6x the floor);
3. for information, the ``council run`` process (interpreter start and imports included);
4. the speed-up over calling seats one at a time (one phase at concurrency 1, scaled);
5. for information, the transport floor: one phase's 33 requests sent at once by a bare
   aiohttp client (no SDK, no graph) to the same server, so the server's and the network
   stack's share of the overhead can be told from ours.

Each figure is the best of ``REPEATS`` runs after a warm-up (the machine is shared).

    .venv/bin/python tests/bench/bench_llm.py [--json]
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import aiohttp  # noqa: E402

from council.contracts.config import RunConfig  # noqa: E402
from council.contracts.events import ProgressEvent  # noqa: E402
from council.contracts.record import RunRecord  # noqa: E402
from council.engine.context import prepare  # noqa: E402
from council.reasoners.llm.endpoints import Transport  # noqa: E402
from council.reasoners.llm.reply import reply_model  # noqa: E402
from council.reasoners.llm.request import LLMSettings, output_cap, response_format  # noqa: E402
from council.reasoners.llm.seat import seat_messages  # noqa: E402
from council.session import RunSession  # noqa: E402
from council.session.finish import run_graph  # noqa: E402

LATENCY = 0.3
SCENARIO = "kh-credit-scoring-isolated-data"
REPEATS = 5
PHASES_TARGET = 1.2
RUN_TARGET = 1.6


def timed_run(config: RunConfig, store: Path) -> tuple[float, float, int, RunRecord]:
    """(LLM phases seconds, whole run seconds, phases, record) of one run on a fresh thread."""
    marks: dict[str, list[float]] = {"preflight": [], "round": []}
    started = time.perf_counter()

    def progress(event: ProgressEvent) -> None:
        if event.kind in marks:
            marks[event.kind].append(time.perf_counter())

    session = RunSession(
        config,
        run_id=f"bench-{time.time_ns()}",
        store=store,
        api_key="sk-bench",
        transport=Transport(backoff=0.05),
        progress=progress,
    )
    record, _ = asyncio.run(run_graph(session))
    whole = time.perf_counter() - started
    phases = marks["round"][-1] - marks["preflight"][0]
    return phases, whole, len(marks["round"]), record


def transport_floor(config: RunConfig, url: str) -> float:
    """Seconds a phase's requests take from a bare aiohttp client (best of REPEATS)."""
    ctx = prepare(config)
    fields = {
        "model": config.model,
        "temperature": config.temperature,
        "response_format": response_format(reply_model(ctx.option_ids)),
        **output_cap(LLMSettings(model=str(config.model)), "compatible"),
    }
    bodies = [
        json.dumps({**fields, "messages": seat_messages(ctx, i, 0)}).encode() for i in range(ctx.n)
    ]

    async def phases() -> float:
        async with aiohttp.ClientSession(headers={"Content-Type": "application/json"}) as http:

            async def one(body: bytes) -> None:
                async with http.post(f"{url}/chat/completions", data=body) as reply:
                    reply.raise_for_status()
                    await reply.read()

            times = []
            for _ in range(REPEATS + 1):  # the first opens the connections
                started = time.perf_counter()
                await asyncio.gather(*(one(b) for b in bodies))
                times.append(time.perf_counter() - started)
            return min(times[1:])

    return asyncio.run(phases())


def cli_run(url: str, store: Path) -> tuple[float, dict[str, Any]]:
    """Seconds of a ``council run`` process, start to exit, and its record."""
    council = str(Path(sys.executable).parent / "council")
    started = time.perf_counter()
    done = subprocess.run(
        [
            council,
            "run",
            SCENARIO,
            "--backend",
            "openai",
            "--base-url",
            url,
            "--rounds",
            "2",
            "--ballots",
            "1",
            "--cache",
            "off",
            "--db",
            str(store),
            "--json",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "OPENAI_API_KEY": "sk-bench"},
        check=True,
    )
    return time.perf_counter() - started, json.loads(done.stdout)


def main() -> None:
    as_json = "--json" in sys.argv
    server = subprocess.Popen(
        [sys.executable, str(HERE.parent / "fake_openai.py"), str(LATENCY)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = server.stdout.readline().strip()  # type: ignore[union-attr]
        config = RunConfig(
            scenario=SCENARIO,
            backend="openai",
            model="gpt-4o-mini",
            base_url=url,
            rounds=2,
            ballots=1,
            cache="off",
        )
        store = Path(tempfile.mkdtemp()) / "bench.db"
        timed_run(config, store)  # warm up (imports, the server's schema instances, pools)
        runs = [timed_run(config, store) for _ in range(REPEATS)]
        phases_s = min(r[0] for r in runs)
        whole_s = min(r[1] for r in runs)
        n_phases = runs[0][2]
        floor = n_phases * LATENCY
        records = [r[3] for r in runs]
        failures = sum(r.metrics.seat_failures for r in records)
        errors = sum(r.metrics.llm_errors for r in records)
        statuses = sorted({r.outcome.status for r in records})
        cli_s, cli_record = min((cli_run(url, store) for _ in range(2)), key=lambda x: x[0])
        one = config.model_copy(update={"rounds": 0, "max_concurrency": 1})
        sequential_phase, _, _, _ = timed_run(one, store)
        floor_phase = transport_floor(config, url)
        figures = {
            "seats": records[0].council.size,
            "phases": n_phases,
            "latency_s": LATENCY,
            "floor_s": round(floor, 3),
            "llm_phases_s": round(phases_s, 3),
            "llm_phases_x_floor": round(phases_s / floor, 3),
            "run_graph_s": round(whole_s, 3),
            "run_graph_x_floor": round(whole_s / floor, 3),
            "cli_process_s": round(cli_s, 3),
            "cli_process_x_floor": round(cli_s / floor, 3),
            "speed_up_vs_one_at_a_time": round(sequential_phase * n_phases / phases_s, 1),
            "transport_floor_phase_s": round(floor_phase, 3),
            "transport_floor_x_latency": round(floor_phase / LATENCY, 3),
            "seat_failures": failures + cli_record["metrics"]["seat_failures"],
            "llm_errors": errors + cli_record["metrics"]["llm_errors"],
            "statuses": statuses,
            "calls_per_run": records[0].metrics.llm_calls,
            "prompt_tokens_per_call": round(
                records[0].metrics.tokens.prompt / max(1, records[0].metrics.llm_calls)
            ),
            "load_average_1m": round(os.getloadavg()[0], 2),
        }
        if as_json:
            print(json.dumps(figures, indent=2))
            return
        print(
            f"{figures['seats']} seats, {n_phases} LLM phases, latency {LATENCY}s -> floor "
            f"{floor:.2f}s (best of {REPEATS}; load average {figures['load_average_1m']})"
        )
        print(
            f"LLM phases:          {phases_s:.3f}s = {phases_s / floor:.2f}x floor "
            f"(target <= {PHASES_TARGET})"
        )
        print(
            f"whole run_graph run: {whole_s:.3f}s = {whole_s / floor:.2f}x floor "
            f"(target <= {RUN_TARGET})"
        )
        print(f"council run process: {cli_s:.3f}s = {cli_s / floor:.2f}x floor (information)")
        print(
            f"seats one at a time: {sequential_phase:.2f}s a phase; speed-up "
            f"{figures['speed_up_vs_one_at_a_time']}x"
        )
        print(
            f"transport floor:     {floor_phase:.3f}s a phase = {floor_phase / LATENCY:.2f}x "
            "latency (a bare aiohttp client, 33 requests at once; information)"
        )
        print(
            f"seat failures {figures['seat_failures']}, LLM errors {figures['llm_errors']}, "
            f"outcomes {', '.join(statuses)}, {figures['calls_per_run']} calls a run, "
            f"{figures['prompt_tokens_per_call']} prompt tokens a call (fake server: chars/4)"
        )
    finally:
        server.kill()


if __name__ == "__main__":
    main()
