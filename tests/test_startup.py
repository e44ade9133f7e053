"""Start-up: what the commands import, and the offline run's batch path giving the graph's record.

The timings themselves are in ``tests/bench/startup_bench.py``; here the causes are pinned: a
command that imports the LLM SDK, LangGraph or the app's libraries when it does not use them is
a regression whatever this machine's speed.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from council.contracts.config import RunConfig
from council.session import RunSession
from council.session.finish import run_graph
from council.store import Store

SCENARIO = "kh-credit-scoring-isolated-data"
HEAVY = ("openai", "langgraph", "langchain_core", "streamlit", "pandas", "altair")
"""Packages only LLM runs, graph-driven runs, the app and reports use."""

_RUN_CLI = """
import json, os, runpy, sys
sys.argv = ["council", *json.loads(os.environ["ARGV"])]
try:
    runpy.run_module("council", run_name="__main__")
except SystemExit as stop:
    code = stop.code
with open(os.environ["MODULES_OUT"], "w") as out:
    json.dump({"code": code, "modules": sorted({m.split(".")[0] for m in sys.modules})}, out)
"""


def imported_by(tmp_path: Path, *argv: str, cache: Path | None = None) -> tuple[int, set[str], str]:
    """Run ``council ARGV`` as a fresh process: its exit code, top-level imports, and stdout."""
    out = tmp_path / "modules.json"
    env = dict(os.environ, ARGV=json.dumps(argv), MODULES_OUT=str(out))
    env["COUNCIL_DB"] = str(tmp_path / "s.db")
    if cache is not None:
        env["COUNCIL_CACHE_DIR"] = str(cache)
    proc = subprocess.run(
        [sys.executable, "-c", _RUN_CLI], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.stderr == "", proc.stderr
    seen = json.loads(out.read_text())
    return seen["code"], set(seen["modules"]), proc.stdout


def test_help_imports_neither_the_engine_nor_the_llm_nor_the_app(tmp_path: Path) -> None:
    code, modules, out = imported_by(tmp_path, "--help")
    assert code == 0 and "run a deliberation" in out and "sweep" in out
    assert not modules & {*HEAVY, "numpy", "networkx", "pydantic", "yaml"}, modules


def test_an_offline_run_imports_no_llm_sdk_graph_or_app_and_is_stored(tmp_path: Path) -> None:
    code, modules, out = imported_by(tmp_path, "run", SCENARIO, "--json")
    assert code == 0
    record = json.loads(out)
    assert record["council"]["size"] == 33 and record["outcome"]["status"] == "decided"
    assert not modules & {*HEAVY, "networkx"}, modules & {*HEAVY, "networkx"}
    assert "numpy" in modules  # the check sees what was imported: the engine was
    stored = Store(tmp_path / "s.db")
    assert stored.get_run(record["run_id"]).outcome.option == record["outcome"]["option"]
    assert [e.kind for e in stored.events(record["run_id"])].count("ballot") == len(
        record["ballots"]
    )


def test_a_second_process_takes_the_library_from_the_cache_and_parses_no_yaml(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "cache"
    code, cold, first = imported_by(tmp_path, "run", SCENARIO, "--json", cache=cache)
    assert code == 0 and "yaml" in cold and list((cache / "library").glob("*.json"))
    code, warm, second = imported_by(tmp_path, "run", SCENARIO, "--json", cache=cache)
    assert code == 0 and "yaml" not in warm
    assert json.loads(first)["rounds"] == json.loads(second)["rounds"]


def test_an_offline_run_with_a_graph_topology_imports_networkx_then(tmp_path: Path) -> None:
    code, modules, _ = imported_by(tmp_path, "run", SCENARIO, "--topology", "ring", "--json")
    assert code == 0 and "networkx" in modules and not modules & set(HEAVY)


def test_a_sweep_imports_no_llm_sdk_graph_or_app(tmp_path: Path) -> None:
    config = tmp_path / "sweep.yaml"
    config.write_text(f"scenarios: [{SCENARIO}]\nbyzantine: [0, 5]\nseeds: 10\n")
    out = tmp_path / "t.csv"
    code, modules, said = imported_by(
        tmp_path, "sweep", str(config), "--out", str(out), "--workers", "1"
    )
    assert code == 0 and said.startswith("20 rows")
    assert len(out.read_text().splitlines()) == 21  # the header and a row per run
    assert not modules & set(HEAVY), modules & set(HEAVY)


def _comparable(data: dict) -> dict:  # type: ignore[type-arg]
    data = {k: v for k, v in data.items() if k not in ("run_id", "created_at")}
    data["metrics"] = {k: v for k, v in data["metrics"].items() if k != "wall_s"}
    return data


@pytest.mark.parametrize(
    "flags",
    [
        (),
        ("--byzantine", "10", "--fault", "equivocate", "--rounds", "3"),
        ("--byzantine", "4", "--fault", "random", "--method", "approval", "--language", "km"),
        ("--size", "9", "--byzantine", "2", "--topology", "small-world", "--drop", "0.2"),
    ],
)
def test_council_run_offline_gives_the_graph_s_record_and_events(cli, tmp_path, flags) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "s.db"
    result = cli("run", SCENARIO, *flags, "--db", str(db), "--json")
    assert result.code == 0, result.err
    batch = json.loads(result.out)
    config = RunConfig.model_validate(batch["config"])
    graph, events = asyncio.run(run_graph(RunSession(config)))
    assert _comparable(json.loads(graph.model_dump_json())) == _comparable(batch)
    assert Store(db).events(batch["run_id"]) == events


def test_rerunning_a_run_with_a_person_s_seat_still_refuses(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Only runs with nobody at the table take the batch path: it would play a person's seat."""
    from council.session.batch import run

    config = RunConfig(scenario=SCENARIO, size=9, human_seats=(3,))
    record = run(RunSession(config.model_copy(update={"human_seats": ()})))
    db = tmp_path / "s.db"
    Store(db).save_run(record.model_copy(update={"config": config}))
    result = cli("rerun", record.run_id, "--db", str(db), "--json")
    assert result.code == 1 and result.out == ""
    assert "seats played by people" in result.err
