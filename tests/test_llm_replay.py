"""Exact cache and replay, the baseline twin, resume, and what a seat was told (fake server)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from fake_openai import FakeOpenAI

from council.contracts.config import RunConfig
from council.contracts.events import LlmUsage, ProgressEvent, RoundFinished, SeatSpoke
from council.engine.context import prepare
from council.reasoners.llm.endpoints import Transport
from council.session import RunSession
from council.session.finish import run_graph
from council.store import Store

SCENARIO = "kh-credit-scoring-isolated-data"
KEY = "sk-test-replay-0123456789"
FAST = Transport(timeout=5, backoff=0.01, backoff_cap=0.05)
TIMINGS = {"run_id", "created_at"}


def llm_args(url: str, db: Path, *extra: str) -> list[str]:
    return [
        "run",
        SCENARIO,
        "--backend",
        "openai",
        "--base-url",
        url,
        "--db",
        str(db),
        "--json",
        "--timeout",
        "5",
        "--retry-backoff",
        "0.01",
        *extra,
    ]


def comparable(record: dict[str, Any]) -> dict[str, Any]:
    """A record without its id, timings and the call accounting a replay changes."""
    out = {k: v for k, v in record.items() if k not in TIMINGS}
    out["config"] = {k: v for k, v in record["config"].items() if k != "cache"}
    out["metrics"] = {
        k: v
        for k, v in record["metrics"].items()
        if k not in {"wall_s", "llm_calls", "llm_cached", "cost_usd", "cost_by_model", "tokens"}
    }
    return out


def seat_calls(fake: FakeOpenAI) -> list[dict[str, Any]]:
    return [b for b in fake.requests if b.get("response_format")]


def test_rerun_from_the_cache_reproduces_a_council_with_repeated_personas(
    tmp_path: Path, cli, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    db = tmp_path / "s.db"
    size = 40  # 36 personas in the library: seats 36-39 repeat 0-3's personas
    with FakeOpenAI() as fake:
        first = cli(*llm_args(fake.url, db, "--size", str(size), "--rounds", "1"))
        paid = len(seat_calls(fake))
    assert first.code == 0, first.err
    original = json.loads(first.out)
    personas = [s["persona"] for s in original["council"]["seats"]]
    assert len(set(personas)) == 36 and personas[36:] == personas[:4]
    assert original["metrics"]["seat_failures"] == 0 and paid == original["metrics"]["llm_calls"]
    # The server is gone: every answer must come from the cache, each under its own seat.
    replay = cli("rerun", original["run_id"], "--cache", "read", "--db", str(db), "--json")
    assert replay.code == 0, replay.err
    again = json.loads(replay.out)
    assert again["metrics"]["llm_calls"] == 0 and again["metrics"]["llm_cached"] == paid
    assert comparable(again) == comparable(original)
    text = json.dumps(comparable(again), sort_keys=True)
    assert text == json.dumps(comparable(original), sort_keys=True)  # byte for byte


def test_a_new_seed_makes_no_cache_hits(tmp_path: Path, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    db = tmp_path / "s.db"
    with FakeOpenAI() as fake:
        flags = ("--size", "5", "--rounds", "1", "--ballots", "1")
        zero = json.loads(cli(*llm_args(fake.url, db, *flags)).out)
        one = json.loads(cli(*llm_args(fake.url, db, *flags, "--seed", "1")).out)
        same = json.loads(cli(*llm_args(fake.url, db, *flags)).out)
    answered = {
        k: r["metrics"]["llm_calls"] - r["metrics"]["llm_errors"]
        for k, r in (("zero", zero), ("one", one), ("same", same))
    }  # (a slow attempt is retried)
    assert zero["metrics"]["llm_cached"] == 0 and answered["zero"] == 10
    assert one["metrics"]["llm_cached"] == 0 and answered["one"] == 10
    assert same["metrics"]["llm_cached"] == 10 and same["metrics"]["llm_calls"] == 0
    assert len(seat_calls(fake)) == zero["metrics"]["llm_calls"] + one["metrics"]["llm_calls"]


def test_baseline_twin_is_paid_once_and_a_crash_in_it_resumes(
    tmp_path: Path, cli, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import council.graph.wiring as graph_module

    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    db = tmp_path / "s.db"
    flags = ("--size", "5", "--rounds", "1", "--ballots", "1", "--cache", "off")
    faulty = ("--byzantine", "1", "--fault", "persuader:suspend-scoring")
    with FakeOpenAI() as fake:
        straight = cli(*llm_args(fake.url, db, *flags, *faulty, "--baseline"))
        assert straight.code == 0, straight.err
        record = json.loads(straight.out)
        m = record["metrics"]
        assert m["llm_calls"] == len(seat_calls(fake)) == 2 * 5 * 2  # the run and its twin
        assert m["agrees_with_baseline"] is not None and m["seat_failures"] == 0
        assert m["baseline_option"] is None or m["baseline_option"] in record["outcome"]["tally"]
        assert m["agrees_with_baseline"] == (m["baseline_option"] == record["outcome"]["option"])

        # Now crash in the twin's ballot (the main run's ballot is the first), then resume.
        real_ballot, ballots = graph_module.run_ballot, []

        def crash_second(*args, **kwargs):  # type: ignore[no-untyped-def]
            ballots.append(1)
            if len(ballots) == 2:
                raise RuntimeError("power cut")
            return real_ballot(*args, **kwargs)

        monkeypatch.setattr(graph_module, "run_ballot", crash_second)
        before = len(seat_calls(fake))
        stopped = cli(*llm_args(fake.url, db, *flags, *faulty, "--baseline"))
        assert stopped.code == 1 and "power cut" in stopped.err
        run_id = stopped.err.split("council resume ")[1].split("`")[0]
        paid = len(seat_calls(fake)) - before
        assert paid == 2 * 5 * 2  # both twins' calls were made before the crash
        monkeypatch.setattr(graph_module, "run_ballot", real_ballot)
        resumed = cli("resume", run_id, "--db", str(db), "--json", "--timeout", "5")
    assert resumed.code == 0, resumed.err
    again = json.loads(resumed.out)
    assert len(seat_calls(fake)) - before == paid  # nothing asked twice
    assert again["metrics"]["llm_calls"] == paid and again["metrics"]["llm_resent"] == 0
    assert again["metrics"]["agrees_with_baseline"] is not None
    assert again["run_id"] == run_id


def test_resume_counts_the_calls_it_sends_again(tmp_path: Path, monkeypatch) -> None:
    import council.graph.speak as speak_module

    real_speak = speak_module.llm_speak
    lost: list[int] = []

    async def lose_one(ctx, task, client):  # type: ignore[no-untyped-def]
        speech = await real_speak(ctx, task, client)  # the call is made and paid ...
        if task["round"] == 1 and task["seat"] == 3 and not lost:
            lost.append(1)
            raise RuntimeError("power cut")  # ... and its answer lost with the process
        return speech

    db = tmp_path / "s.db"
    with FakeOpenAI() as fake:
        config = RunConfig(
            scenario=SCENARIO,
            size=5,
            rounds=1,
            ballots=1,
            backend="openai",
            model="gpt-4o-mini",
            base_url=fake.url,
            cache="off",
        )
        monkeypatch.setattr(speak_module, "llm_speak", lose_one)
        session = RunSession(config, run_id="r", store=db, api_key=KEY, transport=FAST)
        with pytest.raises(RuntimeError, match="power cut"):
            asyncio.run(run_graph(session))
        record, _ = asyncio.run(run_graph(session, resume=True))
    m = record.metrics
    assert m.seat_failures == 0 and record.outcome.status in {"decided", "no_quorum"}
    assert m.llm_resent >= 1  # seat 3's round-1 call at least went out again
    # The lost first attempts are not in llm_calls; llm_resent bounds them (a seat-phase under
    # way at the stop may not have sent its request yet).
    assert m.llm_calls < len(seat_calls(fake)) <= m.llm_calls + m.llm_resent


def test_the_store_keeps_what_each_seat_was_told_and_said(tmp_path: Path, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    db = tmp_path / "s.db"
    with FakeOpenAI() as fake:
        record = json.loads(cli(*llm_args(fake.url, db, "--size", "5", "--rounds", "1")).out)
    store = Store(db)
    sent = {
        json.dumps(b["messages"], ensure_ascii=False, separators=(",", ":")) for b in fake.requests
    }
    for rnd in record["rounds"]:
        for st in rnd["statements"]:
            prompt = store.get_text(st["prompt_hash"])
            reply = store.get_text(st["reply_hash"])
            assert prompt in sent  # exactly the messages that went out
            assert reply in fake.responses  # exactly the content that came back
            said = json.loads(reply)
            assert st["model"] == "gpt-4o-mini"
            assert st["confidence"] == pytest.approx(
                min(1.0, max(0.0, said["confidence"])), abs=1e-4
            )
            assert st["option"] == said["option"]
    shown = cli("show", record["run_id"], "--db", str(db), "--round", "1", "--seat", "2", "--json")
    assert shown.code == 0, shown.err
    exchange = json.loads(shown.out)
    st = record["rounds"][1]["statements"][2]
    assert exchange["messages"] == json.loads(store.get_text(st["prompt_hash"]))
    assert exchange["reply"] == store.get_text(st["reply_hash"])
    assert [m["role"] for m in exchange["messages"]] == ["system", "user"]
    text = cli("show", record["run_id"], "--db", str(db), "--round", "1", "--seat", "2").out
    assert "--- system ---" in text and "--- reply ---" in text and "<heard>" in text
    bad = cli("show", record["run_id"], "--db", str(db), "--round", "7", "--seat", "2")
    assert bad.code == 2 and "--round 7" in bad.err
    offline = json.loads(cli("run", SCENARIO, "--size", "5", "--db", str(db), "--json").out)
    nothing = cli("show", offline["run_id"], "--db", str(db), "--round", "0", "--seat", "0")
    assert nothing.code == 2 and "nothing was sent" in nothing.err


def test_a_seat_that_failed_is_told_it_said_nothing_and_nobody_quotes_it(tmp_path: Path) -> None:
    ctx = prepare(RunConfig(scenario=SCENARIO, size=5, backend="openai", model="m"))
    victim = ctx.personas[2].name

    def plan(number: int, body: dict) -> str | None:  # type: ignore[type-arg]
        user = body["messages"][-1]["content"]
        opening = "opening assessment" in user
        return "500" if opening and victim in body["messages"][0]["content"] else None

    with FakeOpenAI(plan=plan) as fake:
        config = RunConfig(
            scenario=SCENARIO,
            size=5,
            rounds=1,
            ballots=1,
            backend="openai",
            model="gpt-4o-mini",
            base_url=fake.url,
        )
        record, _ = asyncio.run(run_graph(RunSession(config, api_key=KEY, transport=FAST)))
    later = [
        b for b in seat_calls(fake) if "opening assessment" not in b["messages"][-1]["content"]
    ]
    assert len(later) == 5
    (own,) = [b for b in later if victim in b["messages"][0]["content"]]
    told = own["messages"][-1]["content"]
    assert "your answer did not arrive: you said nothing" in told and "<own_last>" not in told
    for body in later:
        heard = body["messages"][-1]["content"].split("<heard>\n")[1].split("\n</heard>")[0]
        assert 2 not in [peer["seat"] for peer in json.loads(heard)]
    silent = record.rounds[0].statements[2]
    assert silent.option is None and silent.confidence == 0 and silent.reply_hash is None
    assert silent.prompt_hash is not None  # it was asked; nothing came back
    assert record.rounds[1].statements[2].option is not None  # it spoke again in round 1
    assert record.outcome.degraded and record.metrics.seat_failures == 1


def test_four_persuaders_fill_no_honest_prompt_in_a_real_run() -> None:
    with FakeOpenAI() as fake:
        config = RunConfig(
            scenario=SCENARIO,
            size=33,
            rounds=1,
            ballots=1,
            byzantine=4,
            fault="persuader:suspend-scoring",
            backend="openai",
            model="gpt-4o-mini",
            base_url=fake.url,
        )
        record, _ = asyncio.run(run_graph(RunSession(config, api_key=KEY, transport=FAST)))
    ctx = prepare(config)
    faulty = {i for i in range(33) if ctx.faulty[i]}
    blocks = []
    for body in seat_calls(fake):
        system, user = body["messages"][0]["content"], body["messages"][-1]["content"]
        if "<heard>" not in user or "Hidden objective" in system:
            continue
        heard = json.loads(user.split("<heard>\n")[1].split("\n</heard>")[0])
        seats = tuple(peer["seat"] for peer in heard)
        assert len(set(seats) & faulty) <= 1
        blocks.append(seats)
    assert len(blocks) == 29 and len(set(blocks)) >= 20
    assert record.metrics.seat_failures == 0 and record.metrics.llm_errors == 0


def test_statements_arrive_seat_by_seat_as_replies_come_in() -> None:
    events: list[tuple[float, ProgressEvent]] = []
    import time

    with FakeOpenAI(latency=0.05) as fake:
        config = RunConfig(
            scenario=SCENARIO,
            size=6,
            rounds=1,
            ballots=1,
            backend="openai",
            model="gpt-4o-mini",
            base_url=fake.url,
            max_concurrency=1,  # one reply at a time: each seat's arrives 50 ms after the last
        )
        record, _ = asyncio.run(
            run_graph(
                RunSession(
                    config,
                    api_key=KEY,
                    transport=FAST,
                    progress=lambda e: events.append((time.monotonic(), e)),
                )
            )
        )
    for r in (0, 1):
        seats = [(t, e) for t, e in events if isinstance(e, SeatSpoke) and e.round == r]
        (closed,) = [t for t, e in events if isinstance(e, RoundFinished) and e.round == r]
        assert sorted(e.seat for _, e in seats) == list(range(6))
        assert all(t <= closed for t, _ in seats)
        # The first statement was out well before the phase ended.
        assert closed - seats[0][0] >= 4 * 0.05
        for _, e in seats:
            st = record.rounds[r].statements[e.seat]
            assert (e.option, e.model) == (st.option, st.model)
            assert e.confidence == pytest.approx(st.confidence, abs=1e-4)
            assert e.rationale == st.rationale and e.error is None
    # After each seat-phase, the running usage and its cost: the last is the run's.
    usage = [e for _, e in events if isinstance(e, LlmUsage)]
    assert len(usage) == 6 * 2 and [u.calls for u in usage] == sorted(u.calls for u in usage)
    last = usage[-1]
    assert (last.calls, last.cost_usd) == (record.metrics.llm_calls, record.metrics.cost_usd)
    assert last.tokens == record.metrics.tokens.prompt + record.metrics.tokens.completion
