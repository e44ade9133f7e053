"""LLM seats benchmark: 33 seats, 2 rounds, a fake endpoint with 0.3 s latency.

Runs the fake OpenAI server in its own process (as a real endpoint would be), then measures
(1) the wall time of the LLM phases of one run, all seats of a phase at once, against
phases x latency (target <= 1.2x), and (2) the speed-up over calling seats one at a time
(target >= 25x; the sequential figure is measured on one phase and scaled).

    .venv/bin/python tests/bench/bench_llm.py
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from council.config import RunConfig  # noqa: E402
from council.drive import Transport, run_graph  # noqa: E402
from council.llm.estimate import estimate  # noqa: E402
from council.llm.prices import DEFAULT_PRICES  # noqa: E402

LATENCY = 0.3
SCENARIO = "kh-credit-scoring-isolated-data"


def timed_run(config: RunConfig) -> tuple[float, list[float], object]:
    """Seconds from the first phase's start to the last round's end, and per-phase ends."""
    marks: list[float] = []
    started = time.perf_counter()

    def progress(event: dict[str, object]) -> None:
        if event["kind"] == "round":
            marks.append(time.perf_counter() - started)

    record, _ = asyncio.run(
        run_graph(
            config,
            thread_id="bench",
            api_key="sk-bench",
            transport=Transport(backoff=0.05),
            progress=progress,
        )
    )
    return marks[-1], marks, record


def main() -> None:
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
        timed_run(config)  # warm up (imports, connection pool)
        runs = [timed_run(config) for _ in range(3)]
        wall, marks, record = min(runs, key=lambda r: r[0])
        phases = len(marks)
        ideal = phases * LATENCY
        one_phase = config.model_copy(update={"rounds": 0, "max_concurrency": 1})
        sequential_phase, _, _ = timed_run(one_phase)
        sequential = sequential_phase * phases
        m = record.metrics  # type: ignore[attr-defined]
        from council.engine import prepare

        est = estimate(prepare(config), DEFAULT_PRICES)
        print(f"phases: {phases}, latency {LATENCY}s -> ideal {ideal:.2f}s")
        print(
            f"LLM phases wall (concurrent): {wall:.3f}s = {wall / ideal:.2f} x ideal "
            "(target <= 1.2)"
        )
        print(f"phase ends: {', '.join(f'{x:.3f}' for x in marks)}")
        print(
            f"one phase, seats one at a time: {sequential_phase:.2f}s -> "
            f"{sequential:.1f}s for {phases} phases; speed-up {sequential / wall:.1f}x "
            "(target >= 25)"
        )
        print(
            f"calls {m.llm_calls}, errors {m.llm_errors}, prompt tokens per call "
            f"{m.tokens.prompt / max(1, m.llm_calls):.0f} (fake server: chars/4), "
            f"estimate per call {est.prompt_tokens_per_call}"
        )
    finally:
        server.kill()


if __name__ == "__main__":
    main()
