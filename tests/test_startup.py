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
import atexit, json, os, runpy, sys
def seen():  # an exit handler: the console script runs them, then skips the teardown
    with open(os.environ["MODULES_OUT"], "w") as out:
        json.dump(sorted({m.split(".")[0] for m in sys.modules}), out)
atexit.register(seen)
sys.argv = ["council", *json.loads(os.environ["ARGV"])]
runpy.run_module("council", run_name="__main__")
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
    return proc.returncode, set(json.loads(out.read_text())), proc.stdout


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


@pytest.mark.parametrize("thread", [False, True])
def test_the_console_scripts_quick_exit_keeps_output_handlers_code_and_threads(
    thread: bool,
) -> None:
    """``_exit`` skips the teardown only: output flushed, exit handlers run, the code kept;
    a thread still running is waited for, as a normal exit waits."""
    code = (
        "import atexit, sys, threading, time\n"
        "from council.cli.main import _exit\n"
        "atexit.register(lambda: print('handler', end=' '))\n"
        "if THREAD:\n"
        "    def late():\n"
        "        time.sleep(0.3)\n"
        "        print('thread', end=' ')\n"
        "    threading.Thread(target=late).start()\n"
        "print('buffered', end=' ')\n"  # stdout is a pipe: block-buffered, not yet written
        "_exit(3)\n"
    ).replace("THREAD", str(thread))
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 3, proc.stderr
    expected = ["buffered", "thread", "handler"] if thread else ["buffered", "handler"]
    assert proc.stdout.split() == expected


@pytest.mark.parametrize(("given", "expected"), [(None, "1"), ("2", "2")])
def test_the_console_script_runs_openblas_on_one_thread_unless_told(
    given: str | None, expected: str
) -> None:
    code = (
        "import atexit, os, runpy, sys\n"
        "atexit.register(lambda: print(os.environ.get('OPENBLAS_NUM_THREADS')))\n"
        "sys.argv = ['council', 'schema', 'scenario']\n"
        "runpy.run_module('council', run_name='__main__')\n"
    )
    env = {name: value for name, value in os.environ.items() if name != "OPENBLAS_NUM_THREADS"}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split()[-1] == expected
