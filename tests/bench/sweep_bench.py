"""Sweep benchmark: wall time of 10,000 runs of a 33-seat council, and memory at 10k vs 100k.

Not a unit test (timings depend on the machine): run it by hand,

    .venv/bin/python tests/bench/sweep_bench.py [--quick] [--json]

Each figure runs ``council sweep`` as a fresh process, so process start (interpreter, imports,
library, the worker pool) is included. Memory is the peak resident set of the whole process
tree (the sweep and its workers) and of its largest process, sampled every 10 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import yaml

SCENARIO = "kh-credit-scoring-isolated-data"  # the scenario of `council bench`


def workloads(runs: int) -> dict[str, dict[str, object]]:
    """Sweep configs of about ``runs`` runs each."""
    n3_cells = 17 * 2
    return {
        "33 seats, fault-free (the defaults)": {"scenarios": [SCENARIO], "seeds": runs},
        "33 seats, 0-16 equivocators, bft and tally": {
            "scenarios": [SCENARIO],
            "byzantine": list(range(17)),
            "protocol": ["bft", "tally"],
            "seeds": -(-runs // n3_cells),
        },
    }


def measure(config: dict[str, object], workers: int | None) -> dict[str, float]:
    """Run one sweep in a fresh process: wall seconds, peak tree RSS and peak process RSS."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sweep.yaml"
        path.write_text(yaml.safe_dump(config), encoding="utf-8")
        command = [sys.executable, "-m", "council", "sweep", str(path), "--out",
                   str(Path(tmp) / "t.csv")]  # fmt: skip
        if workers:
            command += ["--workers", str(workers)]
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        watched = psutil.Process(process.pid)
        peak = largest = 0
        while process.poll() is None:
            try:
                sizes = [p.memory_info().rss for p in (watched, *watched.children(True))]
                peak, largest = max(peak, sum(sizes)), max(largest, *sizes)
            except psutil.Error:
                pass
            time.sleep(0.01)
        wall = time.perf_counter() - started
        if process.returncode:
            raise SystemExit(f"sweep failed with exit code {process.returncode}")
        rows = sum(1 for _ in (Path(tmp) / "t.csv").open()) - 1
    return {"runs": rows, "wall_s": wall, "runs_per_s": rows / wall,
            "peak_tree_mb": peak / 2**20, "peak_process_mb": largest / 2**20}  # fmt: skip


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 and 10,000 runs instead")
    parser.add_argument("--workers", type=int, help="default: every core")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    small, large = (1_000, 10_000) if args.quick else (10_000, 100_000)
    figures = []
    for name, config in workloads(small).items():
        figures.append({"workload": name, **measure(config, args.workers)})
    baseline = figures[0]
    big = measure(workloads(large)["33 seats, fault-free (the defaults)"], args.workers)
    figures.append({"workload": f"{large:,} runs, fault-free", **big})
    ratio = big["peak_tree_mb"] / baseline["peak_tree_mb"]
    if args.json:
        print(json.dumps({"cores": os.cpu_count(), "figures": figures, "memory_ratio": ratio}))
        return
    print(f"{os.cpu_count()} cores; target: 10,000 runs < 3 s, memory 100k/10k <= 2x")
    for f in figures:
        print(f"{f['workload']:45} {f['runs']:>7,} runs {f['wall_s']:7.2f} s "
              f"{f['runs_per_s']:8,.0f} runs/s  peak {f['peak_tree_mb']:6.0f} MB (tree) "
              f"{f['peak_process_mb']:5.0f} MB (largest process)")  # fmt: skip
    print(f"peak memory, {large:,} runs against {small:,}: {ratio:.2f}x")


if __name__ == "__main__":
    main()
