"""Sweep benchmark: `council sweep` against the bare numpy core, side by side, and its memory.

Not a unit test (timings depend on the machine): run it by hand,

    .venv/bin/python tests/bench/sweep_bench.py [--runs 100000] [--quick] [--json] [--only c]

For each workload it runs, in turn and in the same invocation (so whatever else loads the
machine weighs on both), ``../shared/bench/bare_core.py`` (the throughput floor: blind opening,
two FJ rounds, equivocators, one ballot; no records, baselines or re-ballots) and
``council sweep`` as a fresh process with start-up included, on the same number of workers,
``--repeat`` times alternating; it reports the medians and the ratio sweep / bare, in runs
per wall second and, since other work on a shared machine takes cores from both unevenly, in
runs per CPU second of each process tree (user + system, its workers included). The
workloads are the issue's: (a) fault-free 33 seats, (b) 0-16 equivocators under bft and tally,
(c) 0, 5, 10 random faulty seats with approval voting. Then the memory: the peak resident set
of the sweep's whole process tree (it and its workers, sampled every 10 ms) for 1,000,000 runs
of (a) against 10,000. Last, the floor the seeded streams set: CPU time per run of the
per-seed noise stream alone, against the bare core's whole run (``stream_floor``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import yaml

SCENARIO = "kh-credit-scoring-isolated-data"  # the scenario of `council bench`
BARE = Path(__file__).resolve().parents[3] / "shared" / "bench" / "bare_core.py"
"""The bare core, in the shared folder next to the worktrees."""


def workloads(runs: int) -> dict[str, dict[str, object]]:
    """The issue's sweep configs, of about ``runs`` runs each."""
    return {
        "(a) 33 seats, fault-free": {"scenarios": [SCENARIO], "seeds": runs},
        "(b) 0-16 equivocators, bft and tally": {
            "scenarios": [SCENARIO],
            "byzantine": list(range(17)),
            "protocol": ["bft", "tally"],
            "seeds": -(-runs // 34),
        },
        "(c) 0/5/10 random, approval": {
            "scenarios": [SCENARIO],
            "byzantine": [0, 5, 10],
            "fault": ["random"],
            "method": ["approval"],
            "seeds": -(-runs // 3),
        },
    }


ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
"""Both commands run as an installed Python runs them, its modules' bytecode cached (a shell
that sets PYTHONDONTWRITEBYTECODE would have every start compile the package from source:
about 35 ms of the sweep's start here; numpy and the bare core's imports are compiled by pip)."""


def _cpu() -> float:
    """CPU seconds used so far by this process's finished children (and theirs)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def sweep(config: dict[str, object], workers: int, watch: bool = False) -> dict[str, float]:
    """Run one sweep in a fresh process: wall and CPU seconds; ``watch``: peak tree and
    process RSS too, sampled every 10 ms.

    The throughput runs are not watched: on two cores the sampler's own CPU (about 4% of the
    sweep's wall here) would be taken from the workers, which the bare core does not face.
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sweep.yaml"
        path.write_text(yaml.safe_dump(config), encoding="utf-8")
        command = [sys.executable, "-m", "council", "sweep", str(path), "--out",
                   str(Path(tmp) / "t.csv"), "--workers", str(workers)]  # fmt: skip
        started, cpu = time.perf_counter(), _cpu()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=ENV)
        watched = psutil.Process(process.pid)
        peak = largest = 0
        while watch and process.poll() is None:
            try:
                sizes = [p.memory_info().rss for p in (watched, *watched.children(True))]
                peak, largest = max(peak, sum(sizes)), max(largest, *sizes)
            except psutil.Error:
                pass
            time.sleep(0.01)
        process.wait()
        wall, cpu = time.perf_counter() - started, _cpu() - cpu
        if process.returncode:
            raise SystemExit(f"sweep failed with exit code {process.returncode}")
        with (Path(tmp) / "t.csv").open("rb") as table:
            rows = sum(1 for _ in table) - 1
    return {"runs": rows, "wall_s": wall, "runs_per_s": rows / wall, "runs_per_cpu_s": rows / cpu,
            "peak_tree_mb": peak / 2**20, "peak_process_mb": largest / 2**20}  # fmt: skip


def bare(runs: int, workers: int) -> tuple[float, float]:
    """The bare core on ``workers`` workers: runs per second as it reports them, and runs per
    CPU second of its process tree."""
    batches = max(workers, runs // 2000)
    cpu = _cpu()
    out = subprocess.run(
        [sys.executable, str(BARE), "--runs", str(batches * 2000), "--workers", str(workers)],
        capture_output=True, text=True, check=True, env=ENV,
    ).stdout  # fmt: skip
    cpu = _cpu() - cpu
    found = re.search(r"= ([\d,]+) runs/s", out)
    if not found:
        raise SystemExit(f"cannot read the bare core's figure from: {out!r}")
    return float(found.group(1).replace(",", "")), batches * 2000 / cpu


def compare(name: str, config: dict[str, object], workers: int, repeat: int) -> dict[str, object]:
    """The sweep and the bare core, alternating, ``repeat`` times: medians and their ratios."""
    swept, floor = [], []
    for _ in range(repeat):
        floor.append(bare(int(config["seeds"]) * _cells(config), workers))  # type: ignore[call-overload]
        swept.append(sweep(config, workers))
    rate = statistics.median(s["runs_per_s"] for s in swept)
    bare_rate = statistics.median(f[0] for f in floor)
    per_cpu = statistics.median(s["runs_per_cpu_s"] for s in swept)
    bare_cpu = statistics.median(f[1] for f in floor)
    return {"workload": name, "runs": swept[0]["runs"], "sweep_runs_per_s": rate,
            "bare_runs_per_s": bare_rate, "ratio": rate / bare_rate,
            "sweep_runs_per_cpu_s": per_cpu, "bare_runs_per_cpu_s": bare_cpu,
            "cpu_ratio": per_cpu / bare_cpu,
            "wall_s": statistics.median(s["wall_s"] for s in swept)}  # fmt: skip


def stream_floor(runs: int = 20_000) -> dict[str, float]:
    """CPU microseconds per run of the per-seed noise stream alone, against the bare core's.

    Every run draws its perception noise from its own seeded generator (the per-run path's
    stream, which the table depends on): the kernel sets one generator to each seed's state
    and draws 33 x K normals; a fresh ``default_rng`` per seed, as a single run makes it, is
    shown beside it. The bare core draws all its runs from one generator.
    """
    import numpy as np

    from council.engine.batch.streams import Streams
    from council.engine.context import NOISE_STREAM

    seeds = np.arange(runs)
    noise = np.empty((runs, 33, 5))
    started = time.process_time()
    for i, rng in enumerate(Streams().each(seeds, NOISE_STREAM)):
        rng.standard_normal(out=noise[i])
    kernel = (time.process_time() - started) / runs * 1e6
    started = time.process_time()
    for seed in range(runs):
        np.random.default_rng([seed, NOISE_STREAM]).normal(0.0, 0.08, size=(33, 5))
    fresh = (time.process_time() - started) / runs * 1e6
    cpu = _cpu()
    subprocess.run([sys.executable, str(BARE), "--runs", str(runs), "--workers", "1"],
                   capture_output=True, check=True)  # fmt: skip
    bare_us = (_cpu() - cpu) / runs * 1e6
    return {"kernel_stream_us": kernel, "fresh_stream_us": fresh, "bare_core_us": bare_us}


def _cells(config: dict[str, object]) -> int:
    """Combinations of a config's lists."""
    return math.prod(len(v) for v in config.values() if isinstance(v, list))


def _line(f: dict[str, object]) -> str:
    """One workload's figures, on a line."""
    return (f"{f['workload']:40} {f['runs']:>8,} runs  sweep {f['sweep_runs_per_s']:8,.0f} "
            f"runs/s ({f['wall_s']:.1f} s, start included)  bare {f['bare_runs_per_s']:8,.0f} "
            f"runs/s  ratio {f['ratio']:.2f}x; per CPU second {f['sweep_runs_per_cpu_s']:,.0f} "
            f"vs {f['bare_runs_per_cpu_s']:,.0f}: {f['cpu_ratio']:.2f}x")  # fmt: skip


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000, help="runs per workload")
    parser.add_argument("--quick", action="store_true", help="20,000 runs; memory 10k vs 100k")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--only",
        choices=["a", "b", "c"],
        action="append",
        help="only these workloads (repeatable); no memory or stream figures",
    )
    args = parser.parse_args()
    runs, large = (20_000, 100_000) if args.quick else (args.runs, 1_000_000)
    figures = [compare(name, config, args.workers, args.repeat)
               for name, config in workloads(runs).items()
               if not args.only or name[1] in args.only]  # fmt: skip
    if args.only:
        for f in figures:
            print(json.dumps(f) if args.json else _line(f))
        return
    small = sweep(workloads(10_000)["(a) 33 seats, fault-free"], args.workers, watch=True)
    big = sweep(workloads(large)["(a) 33 seats, fault-free"], args.workers, watch=True)
    ratio = big["peak_tree_mb"] / small["peak_tree_mb"]
    memory = {"small": small, "large": big, "ratio": ratio}
    floor = stream_floor()
    if args.json:
        print(json.dumps({"cores": os.cpu_count(), "workers": args.workers, "figures": figures,
                          "memory": memory, "stream_floor": floor}))  # fmt: skip
        return
    print(f"{os.cpu_count()} cores, {args.workers} workers each; target: sweep >= 0.5x bare, "
          f"memory {large:,} runs <= 1.2x 10,000")  # fmt: skip
    for f in figures:
        print(_line(f))
    for label, m in (("10,000", small), (f"{large:,}", big)):
        print(
            f"memory, {label:>9} runs: peak {m['peak_tree_mb']:6.0f} MB (tree), "
            f"{m['peak_process_mb']:5.0f} MB (largest process), {m['wall_s']:.1f} s"
        )
    print(f"peak memory, {large:,} runs against 10,000: {ratio:.2f}x")
    print(f"seed streams: the noise stream alone takes {floor['kernel_stream_us']:.1f} us of CPU "
          f"a run in the kernel ({floor['fresh_stream_us']:.1f} us with a fresh default_rng); "
          f"the bare core's whole run {floor['bare_core_us']:.1f} us: "
          f"{floor['kernel_stream_us'] / floor['bare_core_us']:.2f}x of it")  # fmt: skip


if __name__ == "__main__":
    main()
