"""Honest failure of LLM runs: preflight, status error, degraded runs, cost caps (fake server)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fake_openai import FakeOpenAI, closed_port_url

from council.contracts.config import RunConfig
from council.engine.context import prepare
from council.reasoners.llm.endpoints import Transport
from council.session import RunSession
from council.session.finish import run_graph
from council.store import Store

SCENARIO = "kh-credit-scoring-isolated-data"
KEY = "sk-test-failure-0123456789"
FAST = ("--timeout", "5", "--retry-backoff", "0.01")


def llm_run(cli, url: str, db: Path, *extra: str):  # type: ignore[no-untyped-def]
    return cli(
        "run",
        SCENARIO,
        "--size",
        "5",
        "--rounds",
        "1",
        "--ballots",
        "1",
        "--backend",
        "openai",
        "--base-url",
        url,
        "--db",
        str(db),
        *FAST,
        *extra,
    )


def test_a_dead_endpoint_is_one_line_and_exit_1_within_seconds(tmp_path: Path) -> None:
    """A closed port, through the installed console script as a user would run it."""
    started = time.monotonic()
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "council"),
            "run",
            SCENARIO,
            "--backend",
            "openai",
            "--base-url",
            closed_port_url(),
            "--db",
            str(tmp_path / "s.db"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "", "OPENAI_API_KEY": KEY, "HOME": str(tmp_path)},
    )
    took = time.monotonic() - started
    assert result.returncode == 1, result.stderr
    assert took < 20, took  # well under one request timeout (60 s); a loaded CI needs the slack
    started, line = result.stderr.strip().splitlines()  # the run's id as it starts, then why
    assert started.startswith("run ") and started.endswith(": deliberating ...")
    assert "refused" in line and "127.0.0.1" in line and "Traceback" not in line
    assert result.stdout == ""
    assert Store(tmp_path / "s.db").history() == []  # nothing was run, nothing stored


@pytest.mark.parametrize(
    ("server", "words"),
    [
        ({"key": "sk-the-right-one"}, "unauthorised"),
        ({"models": ("some-other-model",)}, "unknown model"),
    ],
)
def test_a_rejected_key_or_an_unknown_model_stops_before_any_seat(
    server: dict, words: str, tmp_path: Path, cli, monkeypatch
) -> None:  # type: ignore[no-untyped-def, type-arg]
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with FakeOpenAI(**server) as fake:
        result = llm_run(cli, fake.url, tmp_path / "s.db")
    assert result.code == 1
    started, line = result.err.strip().splitlines()  # the run's id as it starts, then why
    assert started.startswith("run ") and started.endswith(": deliberating ...")
    assert words in line.lower().replace("unauthorized", "unauthorised"), line
    seat_calls = [b for b in fake.requests if b.get("response_format")]
    assert seat_calls == []  # no seat was asked anything


def test_a_url_that_is_not_a_url_is_bad_input(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    result = llm_run(cli, "localhost:8080", tmp_path / "s.db")
    assert result.code == 2
    assert "--base-url" in result.err and "not an http(s) URL" in result.err


def test_a_phase_in_which_every_seat_fails_is_an_error_stored_and_exit_1(
    tmp_path: Path, cli, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    db = tmp_path / "s.db"
    with FakeOpenAI(plan=lambda n, body: "500") as fake:
        result = llm_run(cli, fake.url, db, "--json")
    assert result.code == 1
    record = json.loads(result.out)
    outcome = record["outcome"]
    assert outcome["status"] == "error" and outcome["option"] is None
    assert "every LLM seat failed in round 0" in outcome["reason"]
    assert outcome["degraded"] is True and record["pdca"] is None
    assert record["metrics"]["seat_failures"] == 5 and len(record["rounds"]) == 1
    assert record["ballots"] == []  # it stopped: no ballot on nothing
    assert record["metrics"]["llm_calls"] == len(fake.requests) == 5 * 4
    assert record["run_id"] in result.err and "every LLM seat failed" in result.err
    assert Store(db).get_run(record["run_id"]).outcome.status == "error"
    shown = cli("show", record["run_id"], "--db", str(db))
    assert "Error, no decision" in shown.out


def test_some_failures_degrade_a_run_and_too_many_make_it_an_error(
    tmp_path: Path, cli, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    ctx = prepare(RunConfig(scenario=SCENARIO, size=5, backend="openai", model="m"))
    victim = ctx.personas[2].name

    def plan(number: int, body: dict) -> str | None:  # type: ignore[type-arg]
        return "500" if victim in body["messages"][0]["content"] else None

    db = tmp_path / "s.db"
    with FakeOpenAI(plan=plan) as fake:
        degraded = llm_run(cli, fake.url, db, "--json")
        strict = llm_run(cli, fake.url, db, "--json", "--max-seat-failures", "0.1")
    assert degraded.code == 0, degraded.err
    record = json.loads(degraded.out)
    assert record["outcome"]["status"] in {"decided", "no_quorum"}
    assert record["outcome"]["degraded"] is True and record["outcome"]["reason"] is None
    assert record["metrics"]["seat_failures"] == 2  # seat 2, in both phases: 2 of 10
    for rnd in record["rounds"]:
        silent = rnd["statements"][2]
        assert silent["option"] is None and silent["scores"] == {} and silent["confidence"] == 0
    assert strict.code == 1
    error = json.loads(strict.out)["outcome"]
    assert error["status"] == "error" and error["option"] is None
    assert error["reason"] == (
        "2 of 10 LLM seat-phases failed, more than the 10% --max-seat-failures allows"
    )
    history = json.loads(cli("history", "--db", str(db), "--json").out)
    assert [(h["status"], h["degraded"]) for h in history][:2] == [
        ("error", True),
        (record["outcome"]["status"], True),
    ]
    table = cli("history", "--db", str(db)).out
    assert "degraded" in table and "yes" in table
    transcript = cli("show", record["run_id"], "--db", str(db)).out
    assert "Degraded: 2 LLM seat-phases failed" in transcript and "(silent)" in transcript


def test_an_offline_record_only_gains_the_new_fields_defaults(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    record = json.loads(cli("run", SCENARIO, "--db", str(tmp_path / "s.db"), "--json").out)
    assert record["outcome"]["degraded"] is False and record["outcome"]["reason"] is None
    assert record["metrics"]["cost_by_model"] == {} and record["metrics"]["llm_resent"] == 0
    statements = [s for r in record["rounds"] for s in r["statements"]]
    assert {(s["model"], s["prompt_hash"], s["reply_hash"]) for s in statements} == {
        ("offline", None, None)
    }
    assert {s["model"] for s in record["council"]["seats"]} == {"offline"}
    assert record["config"]["models"] is None and record["config"]["max_cost"] is None


def test_an_old_store_gains_the_degraded_column_and_keeps_its_runs(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "old.db"
    run = json.loads(cli("run", SCENARIO, "--size", "5", "--db", str(db), "--json").out)
    with sqlite3.connect(db) as conn:  # as a store made before the column existed
        conn.execute("ALTER TABLE runs DROP COLUMN degraded")
        assert "degraded" not in {r[1] for r in conn.execute("PRAGMA table_info(runs)")}
    history = json.loads(cli("history", "--db", str(db), "--json").out)
    assert history[0]["run_id"] == run["run_id"] and history[0]["degraded"] is False
    with sqlite3.connect(db) as conn:  # history only reads (read-only): nothing changed
        assert "degraded" not in {r[1] for r in conn.execute("PRAGMA table_info(runs)")}
    assert cli("run", SCENARIO, "--size", "5", "--db", str(db)).code == 0
    with sqlite3.connect(db) as conn:  # the first command that writes migrates
        assert "degraded" in {r[1] for r in conn.execute("PRAGMA table_info(runs)")}


def test_max_cost_below_the_estimate_stops_before_any_call(
    tmp_path: Path, cli, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with FakeOpenAI() as fake:
        result = llm_run(cli, fake.url, tmp_path / "s.db", "--max-cost", "0.0000001")
        warned = llm_run(cli, fake.url, tmp_path / "s.db", "--max-cost", "50", "--json")
    assert result.code == 1
    (line,) = result.err.strip().splitlines()  # stopped before it started: no run id
    assert "--max-cost" in line and "lower bound" in line and "nothing was called" in line
    assert warned.code == 0, warned.err  # well within it: no warning, a normal run
    assert "warning" not in warned.err
    assert len([b for b in fake.requests if b.get("response_format")]) == 5 * 2


def test_the_running_cost_cap_ends_the_run_with_an_error_and_no_decision(tmp_path: Path) -> None:
    with FakeOpenAI() as fake:
        # A seat-call is ~1,600 prompt tokens at $0.15/1M: a call or two pass the cap. Round 0's
        # calls all want to go at once, but one goes out only while the dollars spent and held
        # by calls in flight are under the cap, so the rest of the phase is refused.
        config = RunConfig(
            scenario=SCENARIO,
            size=9,
            rounds=2,
            backend="openai",
            model="gpt-4o-mini",
            base_url=fake.url,
            max_cost=0.0004,
        )
        record, _ = asyncio.run(
            run_graph(
                RunSession(
                    config,
                    run_id="capped",
                    store=tmp_path / "s.db",
                    api_key=KEY,
                    transport=Transport(timeout=5, backoff=0.01),
                )
            )
        )
    o = record.outcome
    assert o.status == "error" and o.option is None and record.pdca is None
    assert o.reason is not None and "--max-cost $0.0004" in o.reason
    assert record.ballots == []  # no partial decision
    m = record.metrics
    assert m.cost_usd is not None and m.cost_usd >= 0.0004  # refused once the cap was spent
    assert m.llm_calls == len(fake.requests) < 9  # not a whole phase; refused calls never sent
    assert any("cost cap reached" in e for e in record.errors), record.errors
    assert m.seat_failures >= 1
