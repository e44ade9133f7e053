"""The store checks itself: damage, garbled records, finished runs' checkpoints, read-only files.

Every test uses a real SQLite file; graph-path runs (which checkpoint) go to the fake
OpenAI-compatible endpoint on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from fake_openai import FakeOpenAI

SCENARIO = "kh-credit-scoring-isolated-data"
KEY = "sk-test-store"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "store.db"
    monkeypatch.setenv("COUNCIL_DB", str(path))
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    return path


def _checkpoint_threads(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        if "checkpoints" not in tables:
            return set()
        return {r[0] for r in conn.execute("SELECT DISTINCT thread_id FROM checkpoints")}


def _llm_run(cli: Any, url: str, *extra: str) -> dict[str, Any]:
    result = cli(
        "run", SCENARIO, "--size", "4", "--rounds", "1", "--backend", "openai",
        "--base-url", url, "--json", *extra,
    )  # fmt: skip
    assert result.code == 0, result.err
    return json.loads(result.out)  # type: ignore[no-any-return]


def test_finished_graph_runs_leave_no_checkpoints(cli: Any, db: Path) -> None:
    with FakeOpenAI() as fake:
        records = [_llm_run(cli, fake.url, "--seed", str(s), "--baseline") for s in range(5)]
    assert all(r["outcome"]["status"] != "error" for r in records)
    assert all(r["metrics"]["agrees_with_baseline"] is not None for r in records)
    assert _checkpoint_threads(db) == set()  # neither the runs' nor their baselines'
    assert len(json.loads(cli("history", "--json").out)) == 5


def test_gc_drops_leftover_checkpoints_of_finished_runs_only(cli: Any, db: Path) -> None:
    import asyncio

    from council.contracts.config import RunConfig
    from council.session import RunSession
    from council.session.finish import run_graph

    config = RunConfig(scenario=SCENARIO, size=9, byzantine=2)
    for run_id in ("left0000", "left0001", "open0000"):  # checkpointed, never saved
        asyncio.run(run_graph(RunSession(config, run_id=run_id, store=db)))
    record = json.loads(cli("run", SCENARIO, "--size", "9", "--json").out)
    with sqlite3.connect(db) as conn:  # two stored as an older release did: checkpoints kept
        for run_id in ("left0000", "left0001"):
            conn.execute(
                "INSERT INTO runs SELECT ?, created_at, scenario, status, option, size,"
                " byzantine, protocol, backend, record, degraded, checksum FROM runs"
                " WHERE run_id = ?",
                (run_id, record["run_id"]),
            )
    assert _checkpoint_threads(db) == {"left0000", "left0001", "open0000"}
    done = cli("gc")
    assert done.code == 0, done.err
    assert done.out.startswith("dropped the checkpoints of 2 finished runs;"), done.out
    assert _checkpoint_threads(db) == {"open0000"}  # the unfinished run can still resume
    assert cli("resume", "open0000", "--json").code == 0


def test_a_damaged_store_is_one_line_and_exit_2(cli: Any, db: Path) -> None:
    for seed in range(12):
        assert cli("run", SCENARIO, "--size", "33", "--seed", str(seed), "--json").code == 0
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    assert pages > 8
    with db.open("r+b") as f:  # garble a b-tree page in the middle of the file
        f.seek(page * (pages // 2))
        f.write(b"\xff" * 64)
    import council.store.database

    council.store.database._checked.clear()  # a new process would check it again
    for argv in (("history",), ("run", SCENARIO, "--size", "5")):
        result = cli(*argv)
        lines = result.err.strip().splitlines()
        assert result.code == 2 and len(lines) == 1, (argv, result.err)
        assert "is damaged" in lines[0] and str(db) in lines[0]


def test_a_garbled_record_is_reported_not_listed(cli: Any, db: Path) -> None:
    good = json.loads(cli("run", SCENARIO, "--size", "5", "--seed", "1", "--json").out)
    bad = json.loads(cli("run", SCENARIO, "--size", "5", "--seed", "2", "--json").out)
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE runs SET record = replace(record, '\"honest_flips\":', '\"honest_flips\": ')"
            " WHERE run_id = ?",
            (bad["run_id"],),
        )
    listed = cli("history", "--json")
    assert listed.code == 2
    assert [r["run_id"] for r in json.loads(listed.out)] == [good["run_id"]]
    (line,) = listed.err.strip().splitlines()
    assert bad["run_id"] in line and "garbled" in line
    for argv in (("show", bad["run_id"]), ("export", bad["run_id"], "--format", "json")):
        shown = cli(*argv)
        assert shown.code == 2 and shown.out == ""
        (line,) = shown.err.strip().splitlines()
        assert "garbled" in line
    assert cli("show", good["run_id"]).code == 0


def test_an_old_store_gets_checksums_by_migration(cli: Any, db: Path) -> None:
    record = json.loads(cli("run", SCENARIO, "--size", "5", "--json").out)
    with sqlite3.connect(db) as conn:
        conn.execute("ALTER TABLE runs DROP COLUMN checksum")
        conn.execute("DROP TABLE run_inputs")
    assert cli("show", record["run_id"], "--json").code == 0  # read-only: no migration needed
    cli("run", SCENARIO, "--size", "5", "--seed", "9", "--json")  # a writer migrates
    with sqlite3.connect(db) as conn:
        sums = conn.execute("SELECT run_id, checksum FROM runs").fetchall()
    assert len(sums) == 2 and all(s is not None and len(s) == 64 for _, s in sums)


def test_resume_of_a_finished_run_says_so(cli: Any, db: Path) -> None:
    with FakeOpenAI() as fake:
        record = _llm_run(cli, fake.url)
        again = cli("resume", record["run_id"])
    assert again.code == 2
    (line,) = again.err.strip().splitlines()
    assert "finished already" in line and record["run_id"] in line


@pytest.mark.parametrize("limit", [str(10**20), "0", "-3", "ten"])
def test_history_limit_out_of_range_is_one_line(cli: Any, db: Path, limit: str) -> None:
    result = cli("history", "--limit", limit)
    assert result.code == 2 and result.out == ""
    (line,) = result.err.strip().splitlines()
    assert "--limit" in line


def test_a_read_only_store_can_be_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A store in a read-only folder, file chmod 444, read by a user who cannot write it."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="council-ro-"))
    try:
        os.chmod(folder, 0o755)
        db = folder / "store.db"
        env = {**os.environ, "COUNCIL_DB": str(db)}
        made = subprocess.run(
            [sys.executable, "-m", "council", "run", SCENARIO, "--size", "5", "--json"],
            capture_output=True, text=True, env=env, timeout=120, check=True,
        )  # fmt: skip
        run_id = json.loads(made.stdout)["run_id"]
        os.chmod(db, 0o444)
        os.chmod(folder, 0o555)
        user: list[str] = []
        if os.geteuid() == 0:  # root ignores permissions: read as nobody
            user = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
        for argv in (["history", "--json"], ["show", run_id], ["export", run_id]):
            done = subprocess.run(
                [*user, sys.executable, "-m", "council", *argv],
                capture_output=True, text=True, env={**env, "HOME": str(folder)}, timeout=120,
            )  # fmt: skip
            assert done.returncode == 0, (argv, done.stderr)
        assert run_id in done.stdout
        refused = subprocess.run(
            [*user, sys.executable, "-m", "council", "run", SCENARIO, "--size", "5"],
            capture_output=True, text=True, env={**env, "HOME": str(folder)}, timeout=120,
        )  # fmt: skip
        assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1
    finally:
        os.chmod(folder, 0o755)
        shutil.rmtree(folder)


def test_a_killed_run_is_listed_unfinished_and_resumes(cli: Any, db: Path) -> None:
    with FakeOpenAI(latency=0.3) as fake:
        proc = subprocess.Popen(
            [sys.executable, "-m", "council", "run", SCENARIO, "--size", "5", "--rounds", "3",
             "--backend", "openai", "--base-url", fake.url, "--json"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert proc.stderr is not None
        first = proc.stderr.readline()  # the run's id, at start, even with --json
        run_id = first.split()[1].rstrip(":")
        deadline = time.monotonic() + 60
        while run_id not in _checkpoint_threads(db) or len(fake.requests) < 8:
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        listed = cli("history", "--unfinished", "--json")
        assert listed.code == 0
        assert json.loads(listed.out) == [{"run_id": run_id, "resume": f"council resume {run_id}"}]
        resumed = cli("resume", run_id, "--json")
    assert resumed.code == 0, resumed.err
    record = json.loads(resumed.out)
    assert record["run_id"] == run_id and record["metrics"]["rounds_used"] >= 3
    assert record["outcome"]["status"] in ("decided", "no_quorum")
    assert json.loads(cli("history", "--unfinished", "--json").out) == []
    assert _checkpoint_threads(db) == set()


def test_runs_started_at_once_on_one_store_all_finish(db: Path) -> None:
    """Graph runs (checkpointing, with baselines) and offline runs, as processes, at once.

    The full 40 are in ``tests/bench/store_load.py``; 8 here keep the suite fast.
    """
    env = {**os.environ, "COUNCIL_DB": str(db), "OPENAI_API_KEY": KEY}
    with FakeOpenAI(latency=0.1) as fake:
        procs = []
        for i in range(8):
            argv = [sys.executable, "-m", "council", "run", SCENARIO, "--seed", str(i), "--json"]
            if i % 2 == 0:
                argv += ["--size", "4", "--rounds", "1", "--backend", "openai",
                         "--base-url", fake.url, "--baseline"]  # fmt: skip
            else:
                argv += ["--size", "33"]
            procs.append(subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True))
        outs = [p.communicate(timeout=300)[0] for p in procs]
    assert [p.returncode for p in procs] == [0] * 8
    records = [json.loads(out) for out in outs]
    assert all(r["outcome"]["status"] in ("decided", "no_quorum") for r in records)
    with sqlite3.connect(db) as conn:
        stored = {r[0] for r in conn.execute("SELECT run_id FROM runs")}
    assert stored == {r["run_id"] for r in records}
    assert _checkpoint_threads(db) == set()
