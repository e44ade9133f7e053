"""Running the deliberation graph: streaming, checkpoints, LLM clients, the baseline twin.

``drive`` runs the graph until it ends or pauses (a person's seat, a step), checkpointed to
SQLite so an interrupted run resumes; ``finalize`` turns a finished run into its record (with
the fault-free baseline, the LLM accounting and cost); ``run_graph`` does both for a run with
nobody at the table.

Before any LLM seat is called, every endpoint the council uses is checked (``preflight``): a
wrong URL, a refused connection, a rejected key or an unknown model stops the run at once with
one line, instead of every seat failing in turn.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite
import numpy as np
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.types import Command

from council.contracts.config import RunConfig
from council.contracts.record import Metrics, RunRecord
from council.graph.wiring import CouncilState, build_graph, context_of
from council.reasoners.llm.accounting import costs, tokens_by_model, usage_metrics
from council.reasoners.llm.client import Budget, LLMSettings, Usage
from council.reasoners.llm.endpoints import RunCalls, SeatClients
from council.reasoners.llm.endpoints import Transport as Transport
from council.reasoners.llm.prices import DEFAULT_PRICES, Price
from council.session.batch import baseline_option
from council.store import Store, text_hash

Progress = Callable[[dict[str, Any]], None]
STEP_PAUSES = ["gather", "vote"]
"""Where a stepped run pauses: after every round and every ballot."""


@dataclass(frozen=True)
class Stop:
    """Where a drive of the graph stopped: the end, a person's seat, or a step pause."""

    state: CouncilState
    interrupts: list[tuple[str, Any]]
    """(interrupt id, prompt) of every seat waiting for a person."""
    finished: bool


def new_budget(
    config: RunConfig, prices: Mapping[str, Price], spent: Sequence[Mapping[str, Any]] = ()
) -> Budget | None:
    """The run's cost cap (None without ``max_cost``), charged with what was already spent."""
    if config.max_cost is None:
        return None
    budget = Budget(limit_usd=config.max_cost, prices=dict(prices))
    for model, (prompt, completion) in tokens_by_model(spent).items():
        budget.charge(model, prompt, completion)
    return budget


@asynccontextmanager
async def checkpointer(path: Path | None) -> AsyncIterator[Any]:
    """The graph's checkpointer: in memory, or the store's SQLite file.

    WAL with ``synchronous=NORMAL``: every step is committed before the next starts, so a
    crashed process loses no finished work, without an fsync per seat's write (only a power
    cut could lose the last steps, which a resume then runs again).
    """
    if path is None:
        yield InMemorySaver()
        return
    async with aiosqlite.connect(str(path), timeout=30) as conn:
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA synchronous=NORMAL")
        yield AsyncSqliteSaver(conn)


def _settings(config: RunConfig, transport: Transport | None) -> LLMSettings:
    base = transport or Transport()
    return LLMSettings(
        **{
            **base.model_dump(),
            "model": config.model or "gpt-4o-mini",
            "base_url": config.base_url,
            "max_concurrency": config.max_concurrency,
            "temperature": config.temperature,
            "cache": config.cache,
        }
    )


def _seat_event(config: RunConfig, node_update: Mapping[str, Any]) -> dict[str, Any] | None:
    """A progress event for one LLM seat's statement, as soon as its reply is in."""
    spoken = node_update.get("spoken") or {}
    if not spoken:
        return None
    ((key, entry),) = spoken.items()
    r, seat = (int(x) for x in key.split(":"))
    failed = key in (node_update.get("failed") or {})
    option = None
    if not failed:
        view = np.asarray(node_update["pending"][str(seat)])
        option = context_of(config.model_dump()).option_ids[int(view.argmax())]
    return {
        "kind": "seat",
        "round": r,
        "seat": seat,
        "model": entry["model"],
        "option": option,
        "confidence": entry.get("confidence"),
        "rationale": (node_update.get("notes") or {}).get(key, ""),
        "error": (node_update.get("failed") or {}).get(key),
    }


async def drive(
    *,
    thread_id: str,
    config: RunConfig | None = None,
    checkpoints: Path | None = None,
    answers: dict[str, Any] | None = None,
    step: bool = False,
    progress: Progress | None = None,
    api_key: str | None = None,
    transport: Transport | None = None,
    prices: Mapping[str, Price] | None = None,
    budget: Budget | None = None,
    recovering: bool = False,
) -> Stop:
    """Run the graph until it ends or pauses.

    Start a run with ``config``; continue one (after a crash, a step pause or a person's
    turn) without it, giving ``answers`` by interrupt id where people were asked. LLM seats
    use ``api_key`` (held by the clients only), ``transport`` and the ``prices`` and
    ``budget`` of ``--max-cost``. ``recovering``: this continues a run that stopped part-way,
    so the calls of the step it was in are counted as re-sent. Raises ``EndpointError`` if an
    endpoint fails its preflight (nothing has run then).
    """
    payload: Any
    if config is not None:
        payload = {"config": config.model_dump(), "started_at": time.time()}
    elif answers:
        payload = Command(resume=answers)
    else:
        payload = None
    settings: RunnableConfig = {"configurable": {"thread_id": thread_id}, "recursion_limit": 1000}
    prices = prices or DEFAULT_PRICES
    async with AsyncExitStack() as stack:
        saver = await stack.enter_async_context(checkpointer(checkpoints))
        graph = build_graph().compile(checkpointer=saver)
        run_config, work, resent_step = config, config is not None, None
        spent: list[dict[str, Any]] = []
        if config is None:
            saved = await graph.aget_state(settings)
            values = saved.values
            run_config = RunConfig.model_validate(values["config"]) if values else None
            work = bool(saved.next)
            spent = list(values.get("usage", [])) if values else []
            if recovering and work and not answers:
                resent_step = int((saved.metadata or {}).get("step", -1)) + 1
        store = Store(checkpoints) if checkpoints else None
        calls: RunCalls | None = None
        if run_config is not None and run_config.backend == "openai" and work:
            ctx = context_of(run_config.model_dump())
            if budget is None:
                budget = new_budget(run_config, prices, spent)
            clients = SeatClients(
                ctx,
                api_key=api_key,
                settings=_settings(run_config, transport),
                cache=store,
                budget=budget,
                prices=prices,
            )
            stack.push_async_callback(clients.close)
            if run_config.cache != "read" and clients.endpoints:
                await clients.preflight()
                if progress:
                    progress({"kind": "preflight", "endpoints": len(clients.endpoints)})
            calls = RunCalls(clients, resent_step=resent_step)
            settings["configurable"]["llm"] = calls
        keep = _keeper(saver, calls) if store is not None else None
        try:
            await _stream(graph, payload, settings, step, progress, run_config, keep, prices)
        finally:
            if keep is not None:
                await keep()
        snapshot = await graph.aget_state(settings)
    return Stop(
        state=snapshot.values,  # type: ignore[arg-type]
        interrupts=[(i.id, i.value) for i in snapshot.interrupts],
        finished=not snapshot.next,
    )


def _keeper(saver: Any, calls: RunCalls | None) -> Callable[[], Awaitable[None]] | None:
    """Writes the prompts and replies held since the last call into the store's ``llm_texts``.

    Through the checkpointer's own connection, under its lock: one writer on the file, so the
    texts never wait on (or hold up) a checkpoint.
    """
    if calls is None:
        return None

    async def keep() -> None:
        rows = [(text_hash(t), t) for t in calls.take_texts()]
        if not rows:
            return
        async with saver.lock:
            await saver.conn.executemany(
                "INSERT OR IGNORE INTO llm_texts (hash, text) VALUES (?, ?)", rows
            )
            await saver.conn.commit()

    return keep


async def _stream(
    graph: Any,
    payload: Any,
    settings: RunnableConfig,
    step: bool,
    progress: Progress | None,
    run_config: RunConfig | None,
    keep: Callable[[], Awaitable[None]] | None,
    prices: Mapping[str, Price],
) -> None:
    """Stream the graph's updates: progress events as they come, texts stored once a round.

    LLM usage events carry the running totals and their cost (None if a model has no price).
    """
    totals = Usage()
    used_so_far: list[Mapping[str, Any]] = []
    # "sync": each step is on disk before the next starts, so a crash loses no finished work.
    async for update in graph.astream(
        payload,
        settings,
        stream_mode="updates",
        durability="sync",
        interrupt_after=STEP_PAUSES if step else None,
    ):
        for node, node_update in update.items():
            if node == "gather" and keep is not None:
                await keep()
            if not progress or node == "__interrupt__" or not isinstance(node_update, dict):
                continue
            if node == "speak" and run_config is not None:
                seat = _seat_event(run_config, node_update)
                if seat is not None:
                    progress(seat)
            for used in node_update.get("usage", []):
                totals = totals + Usage(**{k: used[k] for k in Usage.model_fields if k in used})
                used_so_far.append(used)
                dollars = costs(used_so_far, prices)[0]
                progress({"kind": "llm", **totals.model_dump(), "cost_usd": dollars})
            for event in node_update.get("events", []):
                progress(event)


async def finalize(
    stop: Stop,
    *,
    thread_id: str,
    wall_s: float,
    checkpoints: Path | None = None,
    api_key: str | None = None,
    transport: Transport | None = None,
    prices: Mapping[str, Price] | None = None,
    budget: Budget | None = None,
) -> RunRecord:
    """The finished run's record, with its id, timing, cost and fault-free baseline.

    Offline, the baseline is always computed (batch path); with LLM seats only when the config
    asks for it, by running the honest council through the graph too (its calls are counted;
    an interrupted twin resumes from its own checkpoint). A run that ended in error has no
    baseline: there is no decision to compare.
    """
    if not stop.finished or "record" not in stop.state:
        raise RuntimeError("the deliberation graph has not finished")
    record = RunRecord.model_validate_json(stop.state["record"])
    ctx = context_of(stop.state["config"])
    prices = prices or DEFAULT_PRICES
    usages = list(stop.state.get("usage", []))
    errors = list(record.errors)
    baseline: str | None | bool = False  # False: not computed
    if ctx.config.backend == "offline":
        index = baseline_option(ctx)
        baseline = None if index == -1 else ctx.option_ids[index]
    elif ctx.config.baseline and record.outcome.status != "error":
        twin_id = f"{thread_id}-baseline"
        started = checkpoints is not None and bool((await snapshot(twin_id, checkpoints)).state)
        honest = await drive(
            thread_id=twin_id,
            config=None if started else ctx.config.honest(),
            checkpoints=checkpoints,
            api_key=api_key,
            transport=transport,
            prices=prices,
            budget=budget,
            recovering=started,
        )
        twin = RunRecord.model_validate_json(honest.state["record"])
        usages += honest.state.get("usage", [])
        if twin.outcome.status == "error":
            errors.append(f"baseline: {twin.outcome.reason}")
        else:
            baseline = twin.outcome.option
    update: dict[str, Any] = {
        "agrees_with_baseline": None if baseline is False else record.outcome.option == baseline,
        "baseline_option": None if baseline is False else baseline,
        "wall_s": round(wall_s, 4),
    }
    if ctx.config.backend != "offline":
        update |= usage_metrics(usages)
        update["cost_usd"], update["cost_by_model"] = costs(usages, prices)
    # Validated, not copied: nested fields (tokens) must come back as their models.
    metrics = Metrics.model_validate({**record.metrics.model_dump(), **update})
    return record.model_copy(update={"run_id": thread_id, "metrics": metrics, "errors": errors})


async def run_graph(
    config: RunConfig,
    *,
    checkpoints: Path | None = None,
    thread_id: str = "run",
    resume: bool = False,
    progress: Progress | None = None,
    api_key: str | None = None,
    transport: Transport | None = None,
    prices: Mapping[str, Price] | None = None,
) -> tuple[RunRecord, list[dict[str, Any]]]:
    """Run through the graph to the end; return the record (with baseline) and the events."""
    started = time.perf_counter()
    prices = prices or DEFAULT_PRICES
    spent: list[dict[str, Any]] = []
    if resume and checkpoints is not None:  # the cap counts what was spent before the stop
        for thread in (thread_id, f"{thread_id}-baseline"):
            spent += (await snapshot(thread, checkpoints)).state.get("usage", [])
    budget = new_budget(config, prices, spent)
    stop = await drive(
        thread_id=thread_id,
        config=None if resume else config,
        checkpoints=checkpoints,
        progress=progress,
        api_key=api_key,
        transport=transport,
        prices=prices,
        budget=budget,
        recovering=resume,
    )
    if stop.interrupts:
        raise RuntimeError("this run has seats played by people: use the interactive session")
    record = await finalize(
        stop,
        thread_id=thread_id,
        wall_s=time.perf_counter() - started,
        checkpoints=checkpoints,
        api_key=api_key,
        transport=transport,
        prices=prices,
        budget=budget,
    )
    return record, list(stop.state.get("events", []))


async def snapshot(thread_id: str, checkpoints: Path) -> Stop:
    """Where a checkpointed run stands, without running anything."""
    async with checkpointer(checkpoints) as saver:
        graph = build_graph().compile(checkpointer=saver)
        snap = await graph.aget_state({"configurable": {"thread_id": thread_id}})
    return Stop(
        state=snap.values,  # type: ignore[arg-type]
        interrupts=[(i.id, i.value) for i in snap.interrupts],
        finished=not snap.next,
    )


async def saved_config(checkpoints: Path, thread_id: str) -> RunConfig | None:
    """The config of a checkpointed run, or None if there is no checkpoint for it."""
    values = (await snapshot(thread_id, checkpoints)).state
    if not values or "config" not in values:
        return None
    return RunConfig.model_validate(values["config"])
