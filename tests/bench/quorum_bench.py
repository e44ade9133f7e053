"""Quorum-system and network-fault benchmark: exact tolerances, and runs/s with either on.

Not a unit test (timings depend on the machine): run it by hand,

    .venv/bin/python tests/bench/quorum_bench.py [--json]

- the time to compute ``council.tolerates`` exactly (``exact_tolerance`` and ``smallest``) for
  group quorums and weighted thresholds, at council sizes 10 to 1000 (median of 5);
- batch runs/s of a 33-seat council on one core: the default threshold, a group quorum, and
  the default with message loss (every recipient's view computed on its own).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from council.contracts.config import RunConfig
from council.engine.seating import compose, seat_council
from council.engine.seeded import play
from council.library.catalog import load_library
from council.rules.quorum import parse_quorum
from council.rules.quorum_system import build_system
from council.rules.registry import SpecError
from council.rules.tolerance import exact_tolerance, smallest

SCENARIO = "kh-credit-scoring-isolated-data"  # the scenario of `council bench`
SYSTEMS = {
    "groups:3/0.75": ("groups:3/0.75", None),
    "weighted, 2 distinct weights": ("bft", {"government": 2.0}),
    "weighted, 4 distinct weights": (
        "bft",
        {"government": 2.0, "industry": 1.5, "academia": 1.25},
    ),
}


def tolerance_seconds(spec: str, weights: dict[str, float] | None, n: int) -> float | str:
    """Median seconds to compute a system's tolerates and smallest quorum (or why not)."""
    groups = [p.group for p in compose(load_library(), n)]
    times = []
    for _ in range(5):
        started = time.perf_counter()
        try:
            system = build_system(parse_quorum(spec), groups, weights)
            exact_tolerance(system)
            smallest(system)
        except SpecError as err:
            return f"refused: {str(err)[:60]}..."
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def runs_per_second(runs: int = 500, **overrides: object) -> float:
    """Batch-path runs per second of a 33-seat council, 10 equivocators, one core."""
    library = load_library()
    base = RunConfig(scenario=SCENARIO, byzantine=10, **overrides)  # type: ignore[arg-type]
    council = seat_council(base, library, library.scenarios[SCENARIO])
    started = time.perf_counter()
    for seed in range(runs):
        play(base.model_copy(update={"seed": seed}), council)
    return runs / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures: dict[str, object] = {}
    for name, (spec, weights) in SYSTEMS.items():
        for n in (10, 33, 100, 200, 1000):
            figures[f"tolerates s, {name}, n={n}"] = tolerance_seconds(spec, weights, n)
    figures["runs/s, bft"] = runs_per_second()
    figures["runs/s, groups:3/0.75"] = runs_per_second(quorum="groups:3/0.75")
    figures["runs/s, bft, drop 0.1"] = runs_per_second(drop=0.1)
    if args.json:
        print(json.dumps(figures, indent=1))
        return
    for name, value in figures.items():
        shown = f"{value:.6f}" if isinstance(value, float) and value < 1 else value
        print(f"{name:50} {shown if isinstance(shown, str) else f'{shown:,.1f}'}")


if __name__ == "__main__":
    main()
