"""Golden seeded runs: what a handful of fixed runs produce, committed under ``tests/golden/``.

A refactor that changes any number of these runs fails ``tests/test_golden.py``. When a change
is meant to change them, regenerate and read the diff before committing it:

    .venv/bin/python tests/golden_cases.py            # show what would change (exit 1 if any)
    .venv/bin/python tests/golden_cases.py --write    # write the new files

Every case goes through a public entry point (the CLI, the interactive session, the sweep), so
the files pin what users see. Ids and timings are masked; everything else is compared.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import json
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"

MASKED = {"run_id", "created_at", "wall_s"}
"""Keys whose values differ from run to run (ids, timestamps, timings)."""

DEAD_URL = "http://127.0.0.1:9/v1"
"""An endpoint nobody listens on: a replay from the cache must never need the network."""


def masked(data: Any) -> Any:
    """The data with ids and timings replaced by a fixed mark, at any depth."""
    if isinstance(data, dict):
        return {k: "<masked>" if k in MASKED else masked(v) for k, v in data.items()}
    if isinstance(data, list):
        return [masked(v) for v in data]
    return data


def differences(want: Any, got: Any, path: str = "") -> list[str]:
    """Every path at which two JSON values differ, with both values, in document order."""
    if isinstance(want, dict) and isinstance(got, dict):
        out: list[str] = []
        for key in list(want) + [k for k in got if k not in want]:
            here = f"{path}.{key}" if path else str(key)
            if key not in got:
                out.append(f"{here}: missing (golden {want[key]!r})")
            elif key not in want:
                out.append(f"{here}: new field {got[key]!r}")
            else:
                out += differences(want[key], got[key], here)
        return out
    if isinstance(want, list) and isinstance(got, list):
        out = []
        if len(want) != len(got):
            out.append(f"{path}: {len(want)} items in golden, {len(got)} now")
        for i, (a, b) in enumerate(zip(want, got, strict=False)):
            out += differences(a, b, f"{path}[{i}]")
        return out
    if want != got:
        return [f"{path}: golden {want!r}, now {got!r}"]
    return []


# --- how each case is produced ------------------------------------------------------------
@contextlib.contextmanager
def _scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        yield Path(tmp)


def _cli_json(*argv: str) -> Any:
    """Run the CLI in-process and parse what it prints (it must exit 0)."""
    from council.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    if code != 0:
        raise RuntimeError(f"council {' '.join(argv)} exited {code}: {err.getvalue().strip()}")
    return json.loads(out.getvalue())


def _run(*argv: str) -> Callable[[], Any]:
    def produce() -> Any:
        with _scratch() as tmp:
            return masked(_cli_json("run", *argv, "--db", str(tmp / "g.db"), "--json"))

    return produce


def _human_resumed() -> Any:
    """A run with a person at seat 3, paused at each of their turns and resumed with answers."""
    from council.contracts.config import RunConfig
    from council.reasoners.human import HumanAnswer
    from council.session import RunSession
    from council.session.interactive import proceed, start

    config = RunConfig(
        scenario="kh-credit-scoring-isolated-data", size=9, byzantine=2, human_seats=(3,), seed=4
    )
    with _scratch() as tmp:
        session = RunSession(config, store=tmp / "g.db")
        pause = start(session)
        while pause.kind == "human":
            (prompt,) = pause.prompts
            answer = HumanAnswer(
                option=list(prompt.options)[prompt.round % len(prompt.options)],
                confidence=0.8,
                argument=f"Round {prompt.round}: my considered view.",
            )
            pause = proceed(session, answers={3: answer})
        assert pause.record is not None
        return masked(json.loads(pause.record.model_dump_json()))


SWEEP = {
    "scenarios": ["kh-credit-scoring-isolated-data"],
    "size": [7, 13],
    "byzantine": [0, 2, 5],
    "fault": ["equivocate", "random"],
    "protocol": ["bft", "tally"],
    "method": ["plurality", "approval"],
    "seeds": 4,
}


def _sweep() -> Any:
    """A slice of a sweep: the table's rows and the per-cell metrics, on one worker."""
    import yaml

    from council.experiments.schedule import run_sweep
    from council.experiments.sweep import load_sweep
    from council.experiments.table import paths

    with _scratch() as tmp:
        spec = tmp / "sweep.yaml"
        spec.write_text(yaml.safe_dump(SWEEP), encoding="utf-8")
        out = tmp / "runs.csv"
        run_sweep(load_sweep(spec), out, workers=1)
        # One line a row, as the CSV has it: a diff then names the rows that moved.
        rows = out.read_text(encoding="utf-8").splitlines()
        sidecar = paths(out)[2]
        cells = json.loads(sidecar.read_text(encoding="utf-8"))
    return {"table": rows, "cells": masked(cells)}


LLM_ARGS = (
    "kh-khmer-content-moderation-gap",
    "--backend",
    "openai",
    "--model",
    "gpt-4o-mini",
    "--size",
    "5",
    "--byzantine",
    "1",
    "--fault",
    "persuader:asean-language-benchmark",
    "--rounds",
    "1",
    "--ballots",
    "2",
    "--seed",
    "2",
)


def _llm_replay(cassette: dict[str, str]) -> Any:
    """The LLM run replayed from its cassette (cached replies), with no network."""
    from council.store import Store

    with _scratch() as tmp:
        db = tmp / "g.db"
        store = Store(db)
        for key, response in cassette.items():
            store.cache_put(key, response)
        record = _cli_json(
            "run", *LLM_ARGS, "--base-url", DEAD_URL, "--cache", "read", "--db", str(db), "--json"
        )
    return masked(record)


def record_cassette() -> dict[str, str]:
    """Run the LLM case against the test fake and keep every reply it cached."""
    import os
    import sqlite3

    sys.path.insert(0, str(HERE))
    from fake_openai import FakeOpenAI

    os.environ["OPENAI_API_KEY"] = "golden-not-a-key"
    with _scratch() as tmp, FakeOpenAI() as fake:
        db = tmp / "g.db"
        _cli_json("run", *LLM_ARGS, "--base-url", fake.url, "--db", str(db), "--json")
        with sqlite3.connect(db) as conn:
            rows = conn.execute("SELECT key, response FROM llm_cache ORDER BY key").fetchall()
    return {str(k): str(v) for k, v in rows}


@dataclass(frozen=True)
class Case:
    """One golden run: its name and how to produce it."""

    name: str
    produce: Callable[[], Any]
    about: str


def cassette_path() -> Path:
    """Where the LLM case's recorded replies live."""
    return GOLDEN / "llm-replay.cassette.json"


def load_cassette() -> dict[str, str]:
    """The committed cassette of the LLM case."""
    data: dict[str, str] = json.loads(cassette_path().read_text(encoding="utf-8"))
    return data


CASES = [
    Case(
        "bft-equivocate",
        _run("kh-credit-scoring-isolated-data", "--byzantine", "10", "--seed", "3"),
        "33 seats, 10 equivocators (f), bft: safe",
    ),
    Case(
        "bft-equivocate-past-f",
        _run("kh-credit-scoring-isolated-data", "--byzantine", "12", "--seed", "5"),
        "33 seats, 12 equivocators, bft: past the bound",
    ),
    Case(
        "tally-majority-equivocate",
        _run(
            "kh-credit-scoring-isolated-data",
            *("--byzantine", "1", "--protocol", "tally", "--quorum", "majority", "--seed", "1"),
        ),
        "a plain majority tally with one equivocator",
    ),
    Case(
        "persuader-fj",
        _run(
            "au-robodebt-income-averaging",
            *("--byzantine", "6", "--fault", "persuader:verify-actual-income-first"),
        ),
        "six persuaders under Friedkin-Johnsen",
    ),
    Case(
        "persuader-wmsr",
        _run(
            "au-robodebt-income-averaging",
            *("--byzantine", "6", "--fault", "persuader:verify-actual-income-first"),
            *("--update", "wmsr"),
        ),
        "six persuaders under W-MSR",
    ),
    Case(
        "crash-liveness",
        _run("kh-khmer-content-moderation-gap", "--byzantine", "12", "--fault", "crash"),
        "12 crashed seats of 33 at the Byzantine quorum: liveness lost",
    ),
    Case(
        "small-world-borda-random",
        _run(
            "kh-crop-yield-loans-insurance",
            *("--size", "10", "--byzantine", "3", "--fault", "random", "--method", "borda"),
            *("--topology", "small-world", "--rounds", "3", "--seed", "7"),
        ),
        "10 seats on a small world, random faults, Borda",
    ),
    Case(
        "approval-tally-collude",
        _run(
            "kh-credit-scoring-isolated-data",
            *("--size", "13", "--byzantine", "4", "--fault", "collude:continue-with-reason-codes"),
            *("--method", "approval", "--protocol", "tally", "--update", "majority", "--seed", "9"),
        ),
        "13 seats, 4 colluders, approval tally, strict-majority update",
    ),
    Case("human-resumed", _human_resumed, "a person at seat 3, paused and resumed every round"),
    Case("sweep-slice", _sweep, "a 48-cell sweep slice: the table and per-cell metrics"),
    Case(
        "llm-replay",
        lambda: _llm_replay(load_cassette()),
        "5 LLM seats (one persuader) replayed from a cassette of the test fake",
    ),
]


def golden_path(case: Case) -> Path:
    """The committed file of a case."""
    return GOLDEN / f"{case.name}.json"


def dumps(data: Any) -> str:
    """How golden files are written: stable, readable, Khmer kept."""
    return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=False) + "\n"


def main(argv: list[str]) -> int:
    """Show (or, with --write, write) what the golden files would become."""
    write = "--write" in argv
    only = [a for a in argv if not a.startswith("--")]
    GOLDEN.mkdir(exist_ok=True)
    if write and (not only or "llm-replay" in only):
        cassette_path().write_text(dumps(record_cassette()), encoding="utf-8")
    changed = 0
    for case in CASES:
        if only and case.name not in only:
            continue
        path = golden_path(case)
        new = dumps(case.produce())
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        if new == old:
            print(f"{case.name}: unchanged")
            continue
        changed += 1
        diff = difflib.unified_diff(
            old.splitlines(), new.splitlines(), f"golden/{path.name}", "now", lineterm="", n=1
        )
        lines = list(diff)
        print(f"{case.name}: {len(lines)} diff lines")
        print("\n".join(lines[:80]) + ("\n..." if len(lines) > 80 else ""))
        if write:
            path.write_text(new, encoding="utf-8")
    print(f"{changed} of {len(CASES)} golden files {'rewritten' if write else 'would change'}")
    return 1 if changed and not write else 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    raise SystemExit(main(sys.argv[1:]))
