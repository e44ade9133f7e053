"""Start-up benchmark: how long short commands take as fresh processes, and what they import.

Not a unit test (timings depend on the machine): run it by hand,

    .venv/bin/python tests/bench/startup_bench.py [--runs N] [--baseline DIR] [--json]

Times, as the median (min-max) of N fresh processes each: ``council --help``; ``council run
kh-credit-scoring-isolated-data --json`` (33 seats, offline) with a cold library cache (an
empty cache folder for every process) and a warm one; ``council validate personas scenarios``.
Each process gets its own store. Wall seconds and CPU seconds (user + system of the child) are
both given: on a shared machine the wall time includes waiting for a core, the CPU time not.
Then ``python -X importtime`` of ``--help`` and of the warm run: import time by top-level
package (self times summed) and the slowest imports a command triggers.

``--baseline DIR`` times another checkout of the project (for instance ``git archive`` of an
older commit unpacked into DIR) with the same interpreter and packages, interleaved with this
one run by run (A B A B ...), and prints the ratio of the medians.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parents[2]  # the project
SCENARIO = "kh-credit-scoring-isolated-data"
TARGETS = {"help": 0.5, "run (cold cache)": 1.0, "run (warm cache)": 1.0}
"""Wall-second targets of issue 14: `council --help` under 0.5 s, an offline run under 1 s."""

CASES: dict[str, list[str]] = {
    "help": ["--help"],
    "run (cold cache)": ["run", SCENARIO, "--json"],
    "run (warm cache)": ["run", SCENARIO, "--json"],
    "validate": ["validate", "personas", "scenarios"],
}


def environment(src: Path | None, scratch: Path, cache: Path) -> dict[str, str]:
    """The environment of one process: its store, its cache folder, the checkout to import."""
    env = dict(os.environ, COUNCIL_DB=str(scratch / "council.db"), COUNCIL_CACHE_DIR=str(cache))
    env.pop("COUNCIL_LIBRARY", None)
    if src is not None:
        env["PYTHONPATH"] = str(src)  # its `council` package comes before the installed one
    return env


def once(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Run ``council ARGV`` as a fresh process: (wall seconds, CPU seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "council", *argv],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"council {' '.join(argv)} failed: {proc.stderr.strip()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(runs: int, sources: dict[str, Path | None]) -> dict[str, dict[str, list[float]]]:
    """Every case, ``runs`` times for each source, interleaved: wall and CPU lists."""
    got: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        warm = scratch / "warm-cache"
        for label, src in sources.items():  # warm each source's cache (and the OS's file cache)
            once(CASES["run (warm cache)"], environment(src, scratch, warm / label), src or HERE)
        for i in range(runs):
            for case, argv in CASES.items():
                for label, src in sources.items():
                    cache = warm / label if case != "run (cold cache)" else scratch / f"c{i}{label}"
                    wall, cpu = once(argv, environment(src, scratch, cache), src or HERE)
                    got[f"{label}|{case}"]["wall"].append(wall)
                    got[f"{label}|{case}"]["cpu"].append(cpu)
    return got


def importtime(argv: list[str]) -> tuple[dict[str, float], list[tuple[float, str]]]:
    """``-X importtime`` of one command: self ms by top-level package; slowest imports (ms)."""
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        env = environment(None, scratch, scratch / "cache")
        once(argv, env, HERE)  # warm the library cache
        proc = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "council", *argv],
            cwd=HERE,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
    by_package: dict[str, float] = defaultdict(float)
    top: list[tuple[float, str]] = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        head, cumulative_us, name = line.split("|")
        module = name.rstrip()[1:]  # nested imports are indented two spaces a level
        by_package[module.strip().split(".")[0]] += int(head.split(":")[1]) / 1000
        if not module.startswith(" "):  # imported by the command, not by another import
            top.append((int(cumulative_us) / 1000, module))
    packages = dict(sorted(by_package.items(), key=lambda kv: -kv[1])[:10])
    return packages, sorted(top, reverse=True)[:10]


def summary(values: list[float]) -> str:
    """``median (min-max)`` in seconds."""
    return f"{statistics.median(values):6.3f} ({min(values):.3f}-{max(values):.3f})"


def main() -> None:
    """Measure and print (or --json) the start-up figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per figure")
    parser.add_argument("--baseline", type=Path, metavar="DIR", help="another checkout to time")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    sources: dict[str, Path | None] = {"this": None}
    if args.baseline:
        sources["baseline"] = args.baseline.resolve()
    got = measure(args.runs, sources)
    imports = {case: importtime(CASES[case]) for case in ("help", "run (warm cache)")}
    figures = {
        key: {kind: statistics.median(values) for kind, values in kinds.items()}
        for key, kinds in got.items()
    }
    if args.json:
        print(json.dumps({"runs": args.runs, "figures": figures, "imports": imports}, indent=2))
        return
    print(f"{args.runs} fresh processes per figure; wall and CPU seconds, median (min-max)")
    for case in CASES:
        for label in sources:
            kinds = got[f"{label}|{case}"]
            target = TARGETS.get(case)
            mark = ""
            if label == "this" and target is not None:
                met = statistics.median(kinds["wall"]) < target
                mark = f"  target < {target} s: {'met' if met else 'MISSED'}"
            print(
                f"{label:8} council {case:18} wall {summary(kinds['wall'])}  "
                f"cpu {summary(kinds['cpu'])}{mark}"
            )
        if "baseline" in sources:
            ratio = figures[f"this|{case}"]["wall"] / figures[f"baseline|{case}"]["wall"]
            print(f"{'':8} this / baseline, median wall: {ratio:.2f}")
    for case, (packages, top) in imports.items():
        print(f"\n-X importtime, council {' '.join(CASES[case])} (warm cache)")
        print("  self ms by package: " + ", ".join(f"{p} {ms:.0f}" for p, ms in packages.items()))
        print("  slowest imports the command triggers (cumulative ms):")
        for ms, name in top:
            print(f"    {ms:7.1f}  {name}")


if __name__ == "__main__":
    main()
