"""``council bench``: the engine's performance figures (graph latency, batch throughput)."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from pydantic import BaseModel

from council.contracts.config import RunConfig
from council.engine.seating import seat_council
from council.engine.seeded import play
from council.library.catalog import load_library
from council.session.finish import run_graph
from council.session.run_session import RunSession

SCENARIO = "kh-credit-scoring-isolated-data"


class Figure(BaseModel):
    """One measured figure."""

    name: str
    value: float
    unit: str
    target: str


def graph_latency(repeats: int = 10, *, checkpoints: bool = False) -> float:
    """Median seconds for one 33-seat, 3-round offline run through the graph."""
    config = RunConfig(scenario=SCENARIO, rounds=3)
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeats):
            db = Path(tmp) / "bench.db" if checkpoints else None
            started = time.perf_counter()
            seeded = config.model_copy(update={"seed": i})
            asyncio.run(run_graph(RunSession(seeded, run_id=f"bench-{i}", store=db)))
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def batch_throughput(runs: int = 2000, *, byzantine: int = 0, fault: str = "equivocate") -> float:
    """Batch-path runs per second for a 33-seat council on one core (one council, many seeds).

    Each run is drawn, simulated and summarized (``engine.seeded.play``), without its baseline.
    """
    library = load_library()
    base = RunConfig(scenario=SCENARIO, byzantine=byzantine, fault=fault)
    council = seat_council(base, library, library.scenarios[SCENARIO])
    started = time.perf_counter()
    for seed in range(runs):
        play(base.model_copy(update={"seed": seed}), council)
    return runs / (time.perf_counter() - started)


def run_bench(*, quick: bool = False) -> list[Figure]:
    """Every figure; ``quick`` uses fewer repeats (for tests)."""
    repeats, runs = (2, 100) if quick else (10, 2000)
    return [
        Figure(
            name="graph run, 33 seats, 3 rounds",
            value=graph_latency(repeats),
            unit="s",
            target="< 0.5 s",
        ),
        Figure(
            name="graph run with SQLite checkpoints",
            unit="s",
            target="< 0.5 s",
            value=graph_latency(repeats, checkpoints=True),
        ),
        Figure(
            name="batch runs/s, 33 seats, fault-free",
            value=batch_throughput(runs),
            unit="runs/s",
            target=">= 3000 per core",
        ),
        Figure(
            name="batch runs/s, 33 seats, 10 equivocators",
            unit="runs/s",
            target=">= 3000 per core",
            value=batch_throughput(runs, byzantine=10),
        ),
    ]
