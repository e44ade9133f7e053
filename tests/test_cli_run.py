"""`council run/show/history/export/resume` against a real SQLite store."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

SCENARIO = "kh-credit-scoring-isolated-data"
RECORD_KEYS = {
    "run_id",
    "scenario",
    "config",
    "council",
    "rounds",
    "ballots",
    "outcome",
    "commits",
    "metrics",
    "pdca",
}
METRIC_KEYS = {
    "safety_violation",
    "agrees_with_baseline",
    "rounds_used",
    "messages",
    "honest_drift",
    "honest_flips",
    "llm_calls",
    "llm_cached",
    "llm_errors",
    "seat_failures",
    "tokens",
    "wall_s",
}


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "store.db"
    monkeypatch.setenv("COUNCIL_DB", str(path))
    return path


def test_run_json_matches_the_contract_and_is_stored(cli, db: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("run", SCENARIO, "--size", "7", "--seed", "1", "--json")
    assert result.code == 0, result.err
    record = json.loads(result.out)
    assert set(record) >= RECORD_KEYS
    assert {"size", "max_faulty", "quorum", "tolerates", "seats"} <= set(record["council"])
    assert {"status", "option", "tally"} <= set(record["outcome"])
    assert set(record["metrics"]) >= METRIC_KEYS
    assert record["config"]["size"] == 7 and record["config"]["seed"] == 1
    assert record["config"]["quorum"] == "bft" and record["config"]["rounds"] == 2
    with sqlite3.connect(db) as conn:
        (stored,) = conn.execute(
            "SELECT record FROM runs WHERE run_id = ?", (record["run_id"],)
        ).fetchone()
    assert json.loads(stored)["outcome"] == record["outcome"]

    shown = cli("show", record["run_id"][:8], "--json")
    assert shown.code == 0 and json.loads(shown.out)["run_id"] == record["run_id"]
    history = json.loads(cli("history", "--json").out)
    assert history[0]["run_id"] == record["run_id"]
    exported = cli("export", record["run_id"], "--format", "json")
    assert json.loads(exported.out) == json.loads(shown.out)


def test_readable_transcript_and_markdown_handout(cli, db: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("run", SCENARIO, "--size", "9", "--byzantine", "2")
    assert result.code == 0, result.err
    assert "Round 0 (blind opening)" in result.out and "Decision" in result.out
    assert "6 of 9 needed" in result.out
    run_id = json.loads(cli("history", "--json").out)[0]["run_id"]
    out = tmp_path / "handout.md"
    assert cli("export", run_id, "--format", "md", "--out", str(out)).code == 0
    text = out.read_text()
    assert text.startswith("# ") and "## Decision" in text and "## Plan · Do · Check · Act" in text
    assert "## Deliberation" in text and "| seat | persona |" in text


def test_a_quorum_that_is_not_safe_even_without_faults_says_so(
    cli, db: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    # Half of 4 seats: two disjoint pairs are both quorums, so tolerates.safety is 2t - n - 1 = -1.
    result = cli("run", SCENARIO, "--size", "4", "--quorum", "0.5", "--json")
    assert json.loads(result.out)["council"]["tolerates"] == {"safety": -1, "liveness": 2}
    result = cli("run", SCENARIO, "--size", "4", "--quorum", "0.5")
    assert result.code == 0, result.err
    shown = " ".join(result.out.replace("│", " ").split())
    assert (
        "2 of 4 needed; not safe even with no faulty seat (two quorums can be disjoint); "
        "tolerates 2 faulty seats for liveness (f = 1)" in shown
    )
    assert "tolerates 0 faulty seats" not in shown and "tolerates -1" not in shown
    run_id = json.loads(cli("history", "--json").out)[0]["run_id"]
    out = tmp_path / "handout.md"
    assert cli("export", run_id, "--format", "md", "--out", str(out)).code == 0
    assert "- Quorum: 2 of 4 needed; not safe even with no faulty seat" in out.read_text()


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["run", "no-such-scenario"], "unknown scenario id"),
        (["run", SCENARIO, "--byzantine", "40"], "exceeds the council of 33"),
        (["run", SCENARIO, "--fault", "stubborn:nothing", "--byzantine", "2"], "unknown option"),
        (["run", SCENARIO, "--fault", "stubborn"], "needs an argument"),
        (["run", SCENARIO, "--fault", "gremlin"], "unknown fault"),
        (["run", SCENARIO, "--quorum", "1.5"], "must be in (0, 1]"),
        (["run", SCENARIO, "--quorum", "most"], "unknown quorum rule"),
        (["run", SCENARIO, "--size", "0"], "--size"),
        (["run", SCENARIO, "--size", "1001"], "--size"),
        (["run", SCENARIO, "--rounds", "-1"], "--rounds"),
        (["run", SCENARIO, "--personas", "nobody"], "unknown persona"),
        (["run", SCENARIO, "--method", "dictator"], "invalid choice"),
        (["run", SCENARIO, "--seed", "x"], "invalid int"),
        (["show", "feedface"], "no run"),
        (["export", "feedface"], "no run"),
        (["resume", "feedface"], "no checkpoint"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_stores_nothing(cli, db: Path, argv, words) -> None:  # type: ignore[no-untyped-def]
    result = cli(*argv)
    assert result.code == 2, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], lines
    if db.exists():
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT count(*) FROM runs").fetchone()[0] == 0


def test_run_from_a_scenario_file_path(cli, db: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from conftest import GOOD_SCENARIO, write_yaml

    path = write_yaml(tmp_path / "mine.yaml", GOOD_SCENARIO)
    result = cli("run", str(path), "--size", "5", "--json")
    assert result.code == 0, result.err
    record = json.loads(result.out)
    assert record["scenario"] == "kh-test-incident" and record["config"]["scenario"] == str(path)
    assert cli("export", record["run_id"]).code == 0


def test_console_script_runs_end_to_end(tmp_path: Path) -> None:
    env = {"COUNCIL_DB": str(tmp_path / "s.db"), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [sys.executable, "-m", "council", "run", SCENARIO, "--size", "7", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["council"]["size"] == 7


def test_an_offline_run_that_fails_says_so_in_one_line_and_stores_nothing(
    cli, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import council.engine.seeded as seeded_module

    def crash(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("power cut")

    monkeypatch.setattr(seeded_module, "simulate", crash)  # offline runs take the batch path
    stopped = cli("run", SCENARIO, "--size", "9", "--byzantine", "2", "--json")
    assert stopped.code == 1 and stopped.out == ""
    (line,) = stopped.err.strip().splitlines()
    assert "power cut" in line and line.endswith("nothing was stored"), line
    assert json.loads(cli("history", "--json").out) == []  # nothing half-written


def test_a_graph_run_that_stopped_resumes_from_the_cli_to_the_offline_run_s_record(
    cli, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """A run checkpointed by the graph (as the app's are) and stopped part-way: ``council
    resume`` finishes it, and the record is the one ``council run`` gives for the config."""
    import asyncio

    import council.graph.wiring as graph_module
    from council.contracts.config import RunConfig
    from council.session import RunSession
    from council.session.finish import run_graph

    def crash(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("power cut")

    config = RunConfig(scenario=SCENARIO, size=9, byzantine=2)
    with monkeypatch.context() as patch:
        patch.setattr(graph_module, "run_ballot", crash)
        with pytest.raises(RuntimeError, match="power cut"):
            asyncio.run(run_graph(RunSession(config, run_id="stopped1", store=db)))
    assert json.loads(cli("history", "--json").out) == []  # nothing half-written

    resumed = cli("resume", "stopped1", "--json")
    assert resumed.code == 0, resumed.err
    record = json.loads(resumed.out)
    straight = json.loads(cli("run", SCENARIO, "--size", "9", "--byzantine", "2", "--json").out)
    assert record["run_id"] == "stopped1"
    assert record["rounds"] == straight["rounds"] and record["outcome"] == straight["outcome"]
