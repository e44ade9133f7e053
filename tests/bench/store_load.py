"""Many runs on one store at once, and what finished runs leave behind in it.

Not a unit test (a few minutes on two cores): run it by hand,

    .venv/bin/python tests/bench/store_load.py [--concurrent 40] [--finished 100] [--json]

Part 1 starts ``--concurrent`` ``council run`` processes at once on one store file (a temporary
one): half through the graph with LLM seats on the fake OpenAI-compatible endpoint
(``tests/fake_openai.py``, 0.2 s a reply; these checkpoint every step and take the baseline),
half offline. Reported: failures (must be 0), runs stored, and checkpoint rows left (must be 0).

Part 2 runs ``--finished`` graph runs one after another (4 LLM seats, 1 round, baseline) and
reports the store's size and its checkpoint rows after them (must be 0), then what
``council gc`` frees.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fake_openai import FakeOpenAI  # noqa: E402

SCENARIO = "kh-credit-scoring-isolated-data"


def _argv(url: str, seed: int, llm: bool) -> list[str]:
    argv = [sys.executable, "-m", "council", "run", SCENARIO, "--seed", str(seed), "--json"]
    if llm:
        return [*argv, "--size", "4", "--rounds", "1", "--backend", "openai", "--base-url", url,
                "--baseline"]  # fmt: skip
    return [*argv, "--size", "33"]


def _rows(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] if table in names else 0  # noqa: S608


def concurrent(url: str, db: Path, n: int) -> dict[str, object]:
    """``n`` runs started at once: failures, stored runs, checkpoint rows left."""
    env = {**os.environ, "COUNCIL_DB": str(db), "OPENAI_API_KEY": "sk-bench"}
    started = time.perf_counter()
    procs = [
        subprocess.Popen(_argv(url, i, llm=i % 2 == 0), env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for i in range(n)
    ]  # fmt: skip
    failures = []
    for p in procs:
        out, err = p.communicate(timeout=900)
        if p.returncode != 0:
            failures.append(err.strip().splitlines()[-1] if err.strip() else str(p.returncode))
    return {
        "runs": n,
        "failures": len(failures),
        "failure_lines": failures[:5],
        "stored": _rows(db, "runs"),
        "checkpoint_rows_left": _rows(db, "checkpoints") + _rows(db, "writes"),
        "wall_s": round(time.perf_counter() - started, 1),
    }


def finished(url: str, db: Path, n: int) -> dict[str, object]:
    """``n`` graph runs one after another: checkpoint rows left, store size, what gc frees."""
    env = {**os.environ, "COUNCIL_DB": str(db), "OPENAI_API_KEY": "sk-bench"}
    failures = 0
    for i in range(n):
        done = subprocess.run(_argv(url, 1000 + i, llm=True), env=env, capture_output=True)
        failures += done.returncode != 0
    size = db.stat().st_size
    gc = subprocess.run(
        [sys.executable, "-m", "council", "gc"], env=env, capture_output=True, text=True
    )
    return {
        "runs": n,
        "failures": failures,
        "checkpoint_rows_left": _rows(db, "checkpoints") + _rows(db, "writes"),
        "store_bytes": size,
        "gc": gc.stdout.strip(),
    }


def main() -> None:
    """Run both parts and print what they found."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrent", type=int, default=40, help="0: skip part 1")
    parser.add_argument("--finished", type=int, default=100, help="0: skip part 2")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, FakeOpenAI(latency=0.2) as fake:
        if args.concurrent:
            part = {"concurrent": concurrent(fake.url, Path(tmp) / "a.db", args.concurrent)}
            print(json.dumps(part, indent=2) if args.json else part, flush=True)
        if args.finished:
            part = {"finished": finished(fake.url, Path(tmp) / "b.db", args.finished)}
            print(json.dumps(part, indent=2) if args.json else part, flush=True)


if __name__ == "__main__":
    main()
