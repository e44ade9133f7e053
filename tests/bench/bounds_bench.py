"""Bounds benchmark: how fast and how small a refused sweep is, and what a lazy plan holds.

Not a unit test (timings depend on the machine): run it by hand,

    .venv/bin/python tests/bench/bounds_bench.py [--json]

It measures, as fresh processes, ``council sweep`` of a 3,000,000-combination config (10 seeds:
30,000,000 runs, over the 10,000,000 limit): wall and CPU seconds to its one-line refusal (on a
shared, loaded machine the wall time is mostly waiting for a core) and the process's peak
resident memory; the same for ``council --help`` as the floor of any command
(Python and the CLI's start-up); and, in this process, the seconds and peak Python memory of
the refusal check alone and of making the plan and its last cell (the whole plan, lazily).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import yaml

HUGE = {
    "scenarios": ["kh-credit-scoring-isolated-data"],
    "size": list(range(500, 1000)),
    "byzantine": list(range(100)),
    "protocol": ["bft", "tally"],
    "rounds": list(range(30)),
    "seeds": 10,
}


def fresh(command: list[str]) -> dict[str, object]:
    """Run a command as a fresh process: wall seconds, exit code, stderr, peak RSS in MB."""
    script = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "w = time.perf_counter() - t; "
        "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
        "print(repr((w, p.returncode, p.stderr, u.ru_maxrss, u.ru_utime + u.ru_stime)))"
    )
    out = subprocess.run([sys.executable, "-c", script, *command], capture_output=True, text=True)
    wall, code, err, peak_kb, cpu = eval(out.stdout)  # noqa: S307 - our own repr
    return {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3), "code": code,
            "stderr": err.strip(), "peak_mb": peak_kb // 1024}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "huge.yaml"
        path.write_text(yaml.safe_dump(HUGE), encoding="utf-8")
        council = [sys.executable, "-m", "council"]
        refused = fresh([*council, "sweep", str(path), "--out", str(Path(tmp) / "t.csv")])
        floor = fresh([*council, "--help"])

        from council.experiments.bounds import MAX_RUNS, limit_problem
        from council.experiments.plan import plan
        from council.experiments.sweep import load_sweep

        tracemalloc.start()
        began = time.perf_counter()
        config = load_sweep(path)
        problem = limit_problem(config, MAX_RUNS, str(path))
        check_s = time.perf_counter() - began
        check_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        began = time.perf_counter()
        cells = plan(config, str(path))
        last = cells.cell(len(cells) - 1)
        plan_s = time.perf_counter() - began
        plan_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    figures = {
        "refused_cli": refused,
        "help_cli": floor,
        "check_in_process_s": round(check_s, 4),
        "check_peak_python_mb": round(check_peak / 1e6, 1),
        "plan_and_last_cell_s": round(plan_s, 3),
        "plan_peak_python_mb": round(plan_peak / 1e6, 1),
        "cells": len(cells),
        "last_cell": [last.config.size, last.config.byzantine, last.config.rounds],
        "refusal": str(problem),
        "process_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }
    if args.json:
        print(json.dumps(figures, indent=2, ensure_ascii=False))
        return
    print(
        f"council sweep of 3,000,000 combinations × 10 seeds: exit {refused['code']} in "
        f"{refused['wall_s']} s wall, {refused['cpu_s']} s CPU, peak {refused['peak_mb']} MB: "
        f"{refused['stderr']}"
    )
    print(
        f"council --help (the start-up floor): {floor['wall_s']} s wall, {floor['cpu_s']} s CPU, "
        f"peak {floor['peak_mb']} MB"
    )
    print(
        f"the check alone: {figures['check_in_process_s']} s (config read included), "
        f"{figures['check_peak_python_mb']} MB of Python objects at its peak"
    )
    print(f"the plan (validated) and its last cell: {figures['plan_and_last_cell_s']} s, "
          f"{figures['plan_peak_python_mb']} MB")  # fmt: skip


if __name__ == "__main__":
    main()
