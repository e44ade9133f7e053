"""The LLM client against a real HTTP server on 127.0.0.1: preflight, honest errors, rates,
adaptive concurrency, budget, cache scope and output caps."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import pytest
from fake_openai import FakeOpenAI, closed_port_url

from council.reasoners.llm.client import LLMClient
from council.reasoners.llm.errors import EndpointError
from council.reasoners.llm.limits import AdaptiveBound, Budget, Rates
from council.reasoners.llm.prices import Price
from council.reasoners.llm.reply import reply_model, reply_schema
from council.reasoners.llm.request import Answer, CallScope, LLMSettings, cache_key
from council.store import Store

OPTIONS = ("keep", "pause", "retrain")
MODEL = reply_model(OPTIONS)
KEY = "sk-test-client"


def settings(url: str, **overrides: Any) -> LLMSettings:
    fields = {"model": "gpt-4o-mini", "base_url": url, "backoff": 0.01, "backoff_cap": 0.05}
    return LLMSettings(**{**fields, "timeout": 5, **overrides})


def messages(i: int, persona: str = "Farmer") -> list[dict[str, str]]:
    return [
        {"role": "system", "content": f"You are {persona}."},
        {"role": "user", "content": f"Case {i}: which option?"},
    ]


def scope(seat: int = 0, seed: int = 0, round_no: int = 0) -> CallScope:
    return CallScope(seed=seed, seat=seat, round=round_no)


async def ask_all(client: LLMClient, n: int, *, offset: int = 0) -> list[Answer]:
    """n seat-phases at once, each with its own messages and seat."""
    try:
        return await asyncio.gather(
            *(client.ask(messages(offset + i), MODEL, scope=scope(seat=i)) for i in range(n))
        )
    finally:
        await client.close()


def preflight(url: str, **overrides: Any) -> tuple[EndpointError | None, float]:
    client = LLMClient(settings(url, **{"preflight_timeout": 1.5, **overrides}), api_key=KEY)

    async def go() -> EndpointError | None:
        try:
            await client.preflight()
        except EndpointError as err:
            return err
        finally:
            await client.close()
        return None

    started = time.monotonic()
    err = asyncio.run(go())
    return err, time.monotonic() - started


# --- preflight ---------------------------------------------------------------------------------
def test_preflight_passes_a_listed_model_without_spending_a_token() -> None:
    with FakeOpenAI(key=KEY) as fake:
        err, _ = preflight(fake.url)
    assert err is None
    assert fake.gets == ["/v1/models"] and fake.requests == []


def test_preflight_asks_one_capped_token_where_there_is_no_listing() -> None:
    with FakeOpenAI(models_endpoint=False) as fake:
        err, _ = preflight(fake.url)
    assert err is None
    assert len(fake.requests) == 1 and fake.requests[0]["max_completion_tokens"] <= 16


def test_the_preflight_goes_through_the_client_the_calls_use() -> None:
    # One SDK client (one SSL context, one pool): the calls reuse the preflight's connection.
    with FakeOpenAI(key=KEY) as fake:
        client = LLMClient(settings(fake.url), api_key=KEY)

        async def go() -> Answer:
            await client.preflight()
            return (await ask_all(client, 1))[0]

        answer = asyncio.run(go())
    assert answer.reply is not None and answer.error is None
    assert fake.gets == ["/v1/models"] and len(fake.requests) == 1
    assert len(fake.ports) == 2 and len(set(fake.ports)) == 1


@pytest.mark.parametrize(
    ("server", "url", "kind", "words"),
    [
        ({}, "closed", "refused", "connection refused"),
        ({"key": "other"}, "", "unauthorised", "HTTP 401"),
        ({"deny": 403}, "", "forbidden", "HTTP 403"),
        ({"models": ("llama-3",)}, "", "unknown_model", "unknown model 'gpt-4o-mini'"),
        ({}, "/api", "not_found", "HTTP 404"),
        ({"stall": True}, "", "timed_out", "timed out after 1.5s"),
        ({"deny": 500}, "", "server_error", "HTTP 500"),
    ],
)
def test_preflight_names_what_is_wrong_in_one_line_within_seconds(
    server: dict[str, Any], url: str, kind: str, words: str
) -> None:
    with FakeOpenAI(**server) as fake:
        base = closed_port_url() if url == "closed" else fake.url.replace("/v1", url or "/v1")
        err, seconds = preflight(base)
    assert err is not None, "the preflight passed a broken endpoint"
    assert err.kind == kind
    assert words in str(err) and "\n" not in str(err)
    assert str(err).startswith(base.split("/v1")[0])  # it says which endpoint
    assert KEY not in str(err)
    assert seconds < 4.0
    if kind == "unknown_model":
        assert "llama-3" in str(err)  # what the server does serve


# --- honest errors per request ---------------------------------------------------------------
def test_a_refused_connection_is_reported_as_refused_not_as_a_timeout() -> None:
    client = LLMClient(settings(closed_port_url(), attempts=2), api_key=KEY)
    started = time.monotonic()
    [answer] = asyncio.run(ask_all(client, 1))
    assert answer.reply is None and answer.error_kind == "connection"
    assert "connection refused" in (answer.error or "") and "timed out" not in (answer.error or "")
    assert answer.usage.calls == 2 and answer.usage.errors == 2
    assert time.monotonic() - started < 3


def test_a_timeout_is_reported_as_a_timeout() -> None:
    with FakeOpenAI(plan=lambda n, b: "hang") as fake:
        client = LLMClient(settings(fake.url, attempts=1, timeout=0.5), api_key=KEY)
        [answer] = asyncio.run(ask_all(client, 1))
    assert answer.error_kind == "connection" and "timed out after 0.5s" in (answer.error or "")


@pytest.mark.parametrize("status", ["400", "401", "403", "404", "422"])
def test_client_errors_other_than_429_are_not_retried(status: str) -> None:
    with FakeOpenAI(plan=lambda n, b: status) as fake:
        [answer] = asyncio.run(ask_all(LLMClient(settings(fake.url), api_key=KEY), 1))
    assert len(fake.requests) == 1
    assert answer.error_kind == "http" and (answer.error or "").startswith(f"HTTP {status}")


def test_a_refusal_is_reported_and_not_retried() -> None:
    with FakeOpenAI(plan=lambda n, b: "refusal") as fake:
        [answer] = asyncio.run(ask_all(LLMClient(settings(fake.url), api_key=KEY), 1))
    assert len(fake.requests) == 1 and answer.error_kind == "refused"
    assert answer.usage.calls == answer.usage.errors == 1 and answer.usage.completion_tokens > 0


def test_a_reply_cut_at_the_output_cap_is_repaired_with_the_reason() -> None:
    with FakeOpenAI(pool=5) as fake:
        client = LLMClient(settings(fake.url, max_completion_tokens=16), api_key=KEY)
        [answer] = asyncio.run(ask_all(client, 1))
    assert len(fake.requests) == 2  # the reply, then one repair
    assert "cut off at the output cap of 16 tokens" in fake.requests[1]["messages"][-1]["content"]
    assert answer.error_kind == "invalid" and answer.raw == fake.responses[-1]


def test_a_server_that_refuses_our_schema_keyword_is_asked_its_own_way() -> None:
    def plan(number: int, body: dict[str, Any]) -> str | None:
        if "maxLength" in json.dumps(body["response_format"]):
            return (
                "400:Invalid schema for response_format 'SeatReply': 'maxLength' is not permitted."
            )
        return None

    with FakeOpenAI(plan=plan) as fake:
        answers = asyncio.run(ask_all(LLMClient(settings(fake.url), api_key=KEY), 3))
    assert all(a.reply is not None for a in answers)
    sent = [json.dumps(b["response_format"]) for b in fake.requests]
    assert "maxLength" in sent[0] and "maxLength" not in sent[-1]
    assert all("max_tokens" not in b for b in fake.requests[-3:])  # the OpenAI dialect


# --- every reply the schema admits is accepted, through the real client -----------------------
def test_hundreds_of_generated_replies_are_all_accepted() -> None:
    with FakeOpenAI(pool=300) as fake:
        client = LLMClient(settings(fake.url, timeout=30), api_key=KEY)
        answers = asyncio.run(ask_all(client, 300))
    assert [a.error for a in answers if a.reply is None] == []
    assert sum(a.usage.errors for a in answers) == 0 and len(fake.requests) == 300
    assert len(set(fake.responses)) >= 150  # hundreds of distinct instances, not one repeated
    for answer in answers:  # what was received is what was accepted
        assert answer.raw is not None
        assert json.loads(answer.raw)["option"] == answer.reply.option
    body = fake.requests[0]
    assert body["response_format"]["json_schema"]["schema"] == reply_schema(MODEL)


def test_every_request_carries_the_output_cap() -> None:
    with FakeOpenAI(plan=lambda n, b: "truncated" if n % 3 == 0 else None) as fake:
        client = LLMClient(settings(fake.url, max_completion_tokens=321), api_key=KEY)
        asyncio.run(ask_all(client, 12))
    assert len(fake.requests) > 12  # repairs included
    assert all(b["max_completion_tokens"] == 321 == b["max_tokens"] for b in fake.requests)


# --- rates, adaptive concurrency ----------------------------------------------------------------
def test_back_to_back_runs_under_a_server_rate_limit_lose_no_seat() -> None:
    with FakeOpenAI(rate_limit=(12, 1.0), latency=0.05) as fake:
        for run in range(3):  # back to back: each starts with the window still full
            client = LLMClient(settings(fake.url, max_concurrency=64), api_key=KEY)
            answers = asyncio.run(ask_all(client, 33, offset=100 * run))
            assert [a.error for a in answers if a.reply is None] == []
            assert client.bound.cuts >= 1 and client.bound.bound < 64  # it backed off
            limited = sum(a.usage.errors for a in answers)
            assert sum(a.usage.calls for a in answers) == 33 + limited
    assert fake.limited >= 21  # the limit was really hit


def test_rpm_keeps_requests_within_the_limit_over_any_minute() -> None:
    minute = 2.0  # a short "minute", so the test takes seconds
    with FakeOpenAI(rate_limit=(20, minute)) as fake:
        client = LLMClient(settings(fake.url), api_key=KEY)
        client.rates = Rates(rpm=20, minute=minute)
        answers = asyncio.run(ask_all(client, 24))
    assert all(a.reply is not None for a in answers) and fake.limited == 0
    arrivals = sorted(fake.arrivals)
    assert len(arrivals) == 24
    assert arrivals[-1] - arrivals[0] >= minute  # spread out, not all at once


def test_tpm_spaces_requests_by_their_token_reservation() -> None:
    per_request = 100 + 3  # output cap + a prompt estimate of ~3
    rates = Rates(tpm=per_request * 10, minute=1.0)

    async def go() -> list[float]:
        started = time.monotonic()
        times = []
        for _ in range(4):
            await rates.wait(per_request)
            times.append(time.monotonic() - started)
        return times

    times = asyncio.run(go())
    assert times[0] < 0.1  # the burst is a tenth of the minute's tokens: one request (no wait)
    assert times[-1] >= 0.25  # then a request every ~0.11 s


def test_the_bound_halves_once_per_burst_and_grows_back() -> None:
    async def go() -> list[int]:
        bound = AdaptiveBound(16)
        seen = []
        async with bound.slot() as epoch_a, bound.slot() as epoch_b:
            bound.limited(epoch_a)
            bound.limited(epoch_b)  # same burst: no second cut
            seen.append(bound.bound)
        async with bound.slot() as epoch_c:
            bound.limited(epoch_c)  # a request sent after the cut: a new burst
            seen.append(bound.bound)
        for _ in range(4):
            await bound.succeeded()
        seen.append(bound.bound)  # one more after `bound` successes in a row
        for _ in range(60):
            await bound.succeeded()
        seen.append(bound.bound)  # never above the ceiling
        return seen

    assert asyncio.run(go()) == [8, 4, 5, 16]


# --- budget ---------------------------------------------------------------------------------------
def test_calls_stop_without_a_request_once_the_budget_is_spent() -> None:
    price = Price(input=1000.0, output=1000.0)  # a dollar a thousand tokens: one call spends it
    budget = Budget(limit_usd=0.01)

    async def go(client: LLMClient) -> list[Answer]:
        try:
            return [await client.ask(messages(i), MODEL, scope=scope(seat=i)) for i in range(3)]
        finally:
            await client.close()

    with FakeOpenAI() as fake:
        client = LLMClient(settings(fake.url), api_key=KEY, budget=budget, price=price)
        answers = asyncio.run(go(client))
    assert answers[0].reply is not None
    assert [a.error_kind for a in answers[1:]] == ["budget", "budget"]
    assert "cost cap reached" in (answers[1].error or "")
    assert len(fake.requests) == 1 and answers[1].usage.calls == 0
    u = answers[0].usage
    assert budget.spent_usd == pytest.approx((u.prompt_tokens + u.completion_tokens) / 1000)
    assert budget.by_model == {"gpt-4o-mini": pytest.approx(budget.spent_usd)}


def test_the_budget_is_checked_with_a_slot_so_calls_in_flight_bound_the_overshoot() -> None:
    # Eight seats at once, four slots; each call costs $0.01 (input only) and the cap is
    # $0.025. Checked before the wait for a slot (as it was), all eight passed the check with
    # nothing spent yet and went out: $0.08. Checked with the slot, a request goes out only
    # while the dollars spent and held by requests in flight are under the cap.
    price = Price(input=1000.0, output=0.0)  # a dollar a thousand prompt tokens
    budget = Budget(limit_usd=0.025)
    with FakeOpenAI() as fake:
        client = LLMClient(
            settings(fake.url, max_concurrency=4), api_key=KEY, budget=budget, price=price
        )
        answers = asyncio.run(ask_all(client, 8))
    sent = [a for a in answers if a.usage.calls]
    refused = [a for a in answers if a.error_kind == "budget"]
    assert len(sent) + len(refused) == 8 and all(a.reply is not None for a in sent)
    assert len(fake.requests) == len(sent) < 8
    assert all(a.usage.calls == 0 and "cost cap reached" in (a.error or "") for a in refused)
    costs = [a.usage.prompt_tokens / 1000 for a in sent]
    assert budget.spent_usd == pytest.approx(sum(costs))
    # Refused only once the cap was spent, and passed by less than one call.
    assert 0.025 <= budget.spent_usd < 0.025 + max(costs)
    assert budget.held_usd == 0


def test_a_failed_request_releases_what_it_held() -> None:
    budget = Budget(limit_usd=1.0)
    with FakeOpenAI(plan=lambda n, b: "500") as fake:
        client = LLMClient(
            settings(fake.url, attempts=2),
            api_key=KEY,
            budget=budget,
            price=Price(input=1000.0, output=1000.0),
        )
        [answer] = asyncio.run(ask_all(client, 1))
    assert answer.error_kind == "server_error" and answer.usage.calls == 2
    assert len(fake.requests) == 2  # the held estimate did not block the retry
    assert budget.held_usd == 0 and budget.spent_usd == 0


# --- cache key scope ------------------------------------------------------------------------------
def test_the_cache_key_separates_seats_seeds_rounds_and_phases() -> None:
    s, m, schema = LLMSettings(model="m"), messages(0), reply_schema(MODEL)
    keys = {
        cache_key(s, m, schema, CallScope(seed=0, seat=1, round=0)),
        cache_key(s, m, schema, CallScope(seed=0, seat=2, round=0)),
        cache_key(s, m, schema, CallScope(seed=1, seat=1, round=0)),
        cache_key(s, m, schema, CallScope(seed=0, seat=1, round=1)),
        cache_key(s, m, schema, CallScope(seed=0, seat=1, round=0, phase="baseline")),
    }
    assert len(keys) == 5


def test_seats_with_one_persona_never_share_an_answer_and_a_new_seed_asks_afresh(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "s.db")
    same = messages(0, persona="Farmer")  # two seats, one persona: the very same prompt

    async def go(client: LLMClient, calls: list[tuple[int, int]]) -> list[Answer]:
        try:
            return [
                await client.ask(same, MODEL, scope=CallScope(seed=seed, seat=seat, round=0))
                for seed, seat in calls
            ]
        finally:
            await client.close()

    with FakeOpenAI() as fake:
        first = asyncio.run(
            go(LLMClient(settings(fake.url), api_key=KEY, cache=store), [(0, 1), (0, 2)])
        )
        assert len(fake.requests) == 2 and [a.usage.cached for a in first] == [0, 0]
        again = asyncio.run(
            go(LLMClient(settings(fake.url), api_key=KEY, cache=store), [(0, 1), (0, 2), (1, 1)])
        )
        assert [a.usage.cached for a in again] == [1, 1, 0]  # seed 1 asked afresh
        assert len(fake.requests) == 3
    assert [a.raw for a in again[:2]] == [a.raw for a in first]  # each seat its own answer back
    read = LLMClient(settings(fake.url, cache="read"), api_key=KEY, cache=store)
    [miss] = asyncio.run(go(read, [(2, 1)]))
    assert miss.error_kind == "cache_miss" and miss.usage.calls == 0 and len(fake.requests) == 3


def test_a_council_with_a_new_seed_makes_no_cache_hits_and_the_same_seed_replays(
    tmp_path: Path,
) -> None:
    from council.contracts.config import RunConfig
    from council.engine.context import prepare
    from council.library.catalog import load_library
    from council.reasoners.llm.endpoints import Transport
    from council.reasoners.llm.seat import seat_messages
    from council.session import RunSession
    from council.session.finish import run_graph

    db = tmp_path / "s.db"
    a = sorted(load_library().personas)[0]
    config = RunConfig(
        scenario="kh-credit-scoring-isolated-data",
        personas=(a, a, a, a, a),  # one persona: seats whose opening prompts are the same
        rounds=1,
        ballots=1,
        backend="openai",
        model="gpt-4o-mini",
    )
    ctx = prepare(config)
    prompts = [json.dumps(seat_messages(ctx, i, 0)) for i in range(ctx.n)]
    assert len(set(prompts)) < ctx.n  # some seats are asked the very same thing

    def run(fake: FakeOpenAI, seed: int, thread: str):  # type: ignore[no-untyped-def]
        record, _ = asyncio.run(
            run_graph(
                RunSession(
                    config.model_copy(update={"seed": seed, "base_url": fake.url}),
                    run_id=thread,
                    store=db,
                    api_key=KEY,
                    transport=Transport(backoff=0.01, timeout=5),
                )
            )
        )
        return record

    with FakeOpenAI() as fake:
        seed0 = run(fake, 0, "a")
        m = seed0.metrics
        assert (m.llm_calls, m.llm_cached, m.seat_failures) == (10, 0, 0)
        seed1 = run(fake, 1, "b")
        assert seed1.metrics.llm_cached == 0 and len(fake.requests) == 20  # a new seed asks
        again = run(fake, 0, "c")
        assert (again.metrics.llm_calls, again.metrics.llm_cached) == (0, 10)
        assert len(fake.requests) == 20
    assert again.rounds == seed0.rounds and again.outcome == seed0.outcome  # replayed exactly
