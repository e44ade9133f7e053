"""The deliberation as a LangGraph graph: wiring only.

Reads top to bottom: state, nodes (each a few lines calling the phase functions the batch path
uses), routers (fan every seat of a phase out with ``Send``), the builder, and a runner that
streams updates and checkpoints to SQLite so an interrupted run resumes.
"""

from __future__ import annotations

import functools
import operator
import time
from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypedDict

import numpy as np
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command, Send, interrupt

from council.config import RunConfig
from council.context import RunContext
from council.engine import baseline_option, build_record, prepare
from council.human import HumanAnswer, human_prompt
from council.llm.client import LLMClient, LLMSettings, Usage
from council.llm.prices import DEFAULT_PRICES, Price, cost
from council.llm.seat import (
    council_digest,
    heard_statements,
    own_statement,
    received_notes,
    speaks_through_llm,
)
from council.llm.seat import speak as llm_speak
from council.offline import human_view
from council.phases import Trace, done, hear, open_views, revise
from council.protocols import ProtocolState, ballot_from_data, ballot_to_data, run_ballot
from council.record import RunRecord
from council.store import Store


# --- state ---------------------------------------------------------------------------------
def _merge_views(
    left: dict[str, list[float]], right: dict[str, list[float]] | None
) -> dict[str, list[float]]:
    """Seats' views of the current round accumulate; ``None`` clears them for the next."""
    return {} if right is None else {**left, **right}


def _merge_notes(left: dict[str, str], right: dict[str, str]) -> dict[str, str]:
    return {**left, **right}


class CouncilState(TypedDict, total=False):
    """What the graph carries from step to step (plain data, so checkpoints stay portable)."""

    config: dict[str, Any]
    views: Annotated[list[list[list[float]]], operator.add]
    """Per finished round, every seat's view (n x K)."""
    pending: Annotated[dict[str, list[float]], _merge_views]
    """Views of the round under way, by seat."""
    ballots: Annotated[list[dict[str, Any]], operator.add]
    committed: list[int]
    locked: list[int]
    events: Annotated[list[dict[str, Any]], operator.add]
    started_at: float
    """Unix time the run started (wall time of interactive runs)."""
    notes: Annotated[dict[str, str], _merge_notes]
    """What people and LLM seats said, by "round:seat" (their statements' rationales)."""
    failed: Annotated[dict[str, str], _merge_notes]
    """LLM seats that failed a phase, by "round:seat", with the error."""
    usage: Annotated[list[dict[str, int]], operator.add]
    """LLM usage of every seat-phase."""
    record: str


class SeatTask(TypedDict, total=False):
    """What one seat is given in a round (the ``Send`` payload)."""

    config: dict[str, Any]
    seat: int
    round: int
    first: list[float]
    now: list[float]
    inbox: list[list[float]]
    heard: list[bool]
    digest: str
    """LLM seats: the council's last round in brief."""
    said: list[dict[str, Any]]
    """LLM seats: the peers' statements the seat reads."""
    own_last: dict[str, Any]


@functools.lru_cache(maxsize=32)
def _context(config_json: str) -> RunContext:
    return prepare(RunConfig.model_validate_json(config_json))


def context_of(config: dict[str, Any]) -> RunContext:
    """The run context of a config carried in the state (built once per process)."""
    return _context(RunConfig.model_validate(config).model_dump_json())


# --- nodes ---------------------------------------------------------------------------------
async def speak(task: SeatTask, config: RunnableConfig) -> CouncilState:
    """One seat's statement: its blind opening, or its revision from what it heard."""
    ctx = context_of(task["config"])
    seat = np.array([task["seat"]])
    key = f"{task['round']}:{task['seat']}"
    if task["round"] == 0:
        view = open_views(ctx, seat)[0]
    else:
        view = revise(
            ctx,
            seat,
            np.array([task["first"]]),
            np.array([task["now"]]),
            np.array([task["inbox"]]),
            np.array([task["heard"]]),
        )[0]
    if speaks_through_llm(ctx, task["seat"]):
        speech = await llm_speak(ctx, task, config["configurable"]["llm"])
        usage = [speech.usage.model_dump()]
        if speech.view is None:  # counts as crashed this phase: it keeps its last view, silent
            kept = view if task["round"] == 0 else np.array(task["now"])
            return {
                "pending": {str(task["seat"]): kept.tolist()},
                "usage": usage,
                "failed": {key: speech.error or "failed"},
            }
        return {
            "pending": {str(task["seat"]): speech.view},
            "usage": usage,
            "notes": {key: speech.rationale},
        }
    if task["seat"] in ctx.config.human_seats:
        # The run waits here for the person; the other seats of the phase have finished.
        answer = HumanAnswer.model_validate(interrupt(human_prompt(ctx, task, view).model_dump()))
        view = human_view(view, ctx.option_ids.index(answer.option), answer.confidence)
        return {"pending": {str(task["seat"]): view.tolist()}, "notes": {key: answer.argument}}
    return {"pending": {str(task["seat"]): view.tolist()}}


async def gather(state: CouncilState) -> CouncilState:
    """Close a round: every seat's view, in seat order."""
    n = len(state["pending"])
    views = [state["pending"][str(i)] for i in range(n)]
    r = len(state.get("views", []))
    return {"views": [views], "pending": None, "events": [{"kind": "round", "round": r}]}  # type: ignore[typeddict-item]


async def vote(state: CouncilState) -> CouncilState:
    """One ballot of the protocol over the latest views."""
    ctx = context_of(state["config"])
    previous = ProtocolState(
        committed=np.array(state.get("committed") or [-1] * ctx.n),
        locked=np.array(state.get("locked") or [-1] * ctx.n),
    )
    number = len(state.get("ballots", [])) + 1
    rounds = len(state["views"])
    # Seats whose reasoner failed in every round so far never spoke: crashed for the ballot.
    never = set.intersection(*(_silent(state, r) for r in range(rounds)))
    result, after = run_ballot(
        ctx,
        np.array(state["views"][-1]),
        previous,
        ballot=number,
        after_round=rounds - 1,
        absent=np.isin(np.arange(ctx.n), sorted(never)) if never else None,
    )
    return {
        "ballots": [ballot_to_data(result)],
        "committed": after.committed.tolist(),
        "locked": after.locked.tolist(),
        "events": [
            {"kind": "ballot", "ballot": number, "committed": int((after.committed != -1).sum())}
        ],
    }


async def finish(state: CouncilState) -> CouncilState:
    """Build the run record from what the graph carried."""
    ctx = context_of(state["config"])
    used = sum((Usage(**u) for u in state.get("usage", [])), Usage())
    extra = {
        "llm_calls": used.calls,
        "llm_cached": used.cached,
        "llm_errors": used.errors,
        "seat_failures": len(state.get("failed", {})),
        "tokens": {"prompt": used.prompt_tokens, "completion": used.completion_tokens},
    }
    errors = [
        f"round {k.split(':')[0]}, seat {k.split(':')[1]}: {e}"
        for k, e in sorted(
            state.get("failed", {}).items(), key=lambda kv: tuple(map(int, kv[0].split(":")))
        )
    ]
    record = build_record(
        ctx, trace_of(ctx, state), baseline=None, wall_s=0.0, metrics_extra=extra, errors=errors
    )
    return {"record": record.model_dump_json()}


# --- routers -------------------------------------------------------------------------------
def open_round(state: CouncilState) -> list[Send]:
    """Fan the blind opening out to every seat at once."""
    ctx = context_of(state["config"])
    return [Send("speak", {"config": state["config"], "seat": i, "round": 0}) for i in range(ctx.n)]


def _silent(state: CouncilState, round_no: int) -> set[int]:
    """Seats whose reasoner failed in a round: they said nothing then."""
    prefix = f"{round_no}:"
    return {int(k[len(prefix) :]) for k in state.get("failed", {}) if k.startswith(prefix)}


def _deliberation(state: CouncilState, ctx: RunContext) -> list[Send]:
    views = np.array(state["views"][-1])
    r = len(state["views"])
    silent = _silent(state, r - 1)
    earlier = np.array(state["views"][-2]) if r > 1 else None
    inbox, heard = hear(
        ctx, views, r, silent=silent, earlier=earlier, earlier_silent=_silent(state, r - 2)
    )
    first = state["views"][0]
    notes = state.get("notes", {})
    llm = any(speaks_through_llm(ctx, i) for i in range(ctx.n))
    digest = council_digest(ctx, views, notes, r, silent) if llm else ""
    # Under network faults an LLM seat's digest holds only what reached it, as it reached it.
    late = ctx.network.deliberation(r)[1] if llm and ctx.network is not None else None
    tasks = []
    for i in range(ctx.n):
        task: SeatTask = {
            "config": state["config"],
            "seat": i,
            "round": r,
            "first": first[i],
            "now": views[i].tolist(),
            "inbox": inbox[i].tolist(),
            "heard": heard[i].tolist(),
        }
        if llm and speaks_through_llm(ctx, i):
            seen = notes
            if ctx.network is not None:
                seen = received_notes(notes, r, None if late is None else late[i] & heard[i])
                unheard = {int(j) for j in np.flatnonzero(~heard[i]) if j != i}
                digest = council_digest(ctx, inbox[i], seen, r, silent | unheard)
            task["digest"] = digest
            task["said"] = heard_statements(ctx, inbox[i], heard[i], seen, r)
            task["own_last"] = own_statement(ctx, i, views[i], notes, r)
        tasks.append(Send("speak", task))
    return tasks


def after_round(state: CouncilState) -> list[Send] | str:
    """More rounds are due (the set ones, one more per failed ballot), or a ballot."""
    ctx = context_of(state["config"])
    due = ctx.config.rounds + len(state.get("ballots", []))
    return _deliberation(state, ctx) if len(state["views"]) - 1 < due else "vote"


def after_vote(state: CouncilState) -> list[Send] | str:
    """Finish when every honest seat committed or ballots ran out; else one more round."""
    ctx = context_of(state["config"])
    committed = ProtocolState(np.array(state["committed"]), np.array(state["locked"]))
    if done(ctx, committed) or len(state["ballots"]) >= ctx.config.ballots:
        return "finish"
    return _deliberation(state, ctx)


# --- builder -------------------------------------------------------------------------------
def build_graph() -> StateGraph[CouncilState]:
    """The deliberation graph, uncompiled."""
    builder = StateGraph(CouncilState)
    builder.add_node("speak", speak)  # type: ignore[call-overload]
    builder.add_node("gather", gather)
    builder.add_node("vote", vote)
    builder.add_node("finish", finish)
    builder.add_conditional_edges(START, open_round, ["speak"])
    builder.add_edge("speak", "gather")
    builder.add_conditional_edges("gather", after_round, ["speak", "vote"])
    builder.add_conditional_edges("vote", after_vote, ["speak", "finish"])
    builder.add_edge("finish", END)
    return builder


def trace_of(ctx: RunContext, state: CouncilState) -> Trace:
    """Rebuild the trace from the graph's state (inboxes are recomputed, deterministically)."""
    views = [np.array(v) for v in state["views"]]
    trace = Trace(views=views)
    trace.inboxes = [
        hear(
            ctx,
            views[r - 1],
            r,
            silent=_silent(state, r - 1),
            earlier=views[r - 2] if r > 1 else None,
            earlier_silent=_silent(state, r - 2),
        )
        for r in range(1, len(views))
    ]
    trace.ballots = [ballot_from_data(b) for b in state.get("ballots", [])]
    for key, text in state.get("notes", {}).items():
        r, seat = key.split(":")
        trace.notes[(int(r), int(seat))] = text
    for key in state.get("failed", {}):
        r, seat = key.split(":")
        trace.failures.setdefault(int(r), []).append(int(seat))
    return trace


# --- runner --------------------------------------------------------------------------------
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


class Transport(LLMSettings):
    """How hard LLM calls try (attempts, backoff, timeout); the model comes from the config."""

    model: str = ""


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
) -> Stop:
    """Run the graph until it ends or pauses.

    Start a run with ``config``; continue one (after a crash, a step pause or a person's
    turn) without it, giving ``answers`` by interrupt id where people were asked. LLM seats
    use ``api_key`` (held by the client only) and ``transport``.
    """
    payload: Any
    if config is not None:
        payload = {"config": config.model_dump(), "started_at": time.time()}
    elif answers:
        payload = Command(resume=answers)
    else:
        payload = None
    settings: RunnableConfig = {"configurable": {"thread_id": thread_id}, "recursion_limit": 1000}
    async with AsyncExitStack() as stack:
        if checkpoints is None:
            saver: Any = InMemorySaver()
        else:
            saver = await stack.enter_async_context(
                AsyncSqliteSaver.from_conn_string(str(checkpoints))
            )
        graph = build_graph().compile(checkpointer=saver)
        run_config = config
        if run_config is None:
            values = (await graph.aget_state(settings)).values
            run_config = RunConfig.model_validate(values["config"]) if values else None
        if run_config is not None and run_config.backend == "openai":
            client = _llm_client(run_config, checkpoints, api_key, transport)
            stack.push_async_callback(client.close)
            settings["configurable"]["llm"] = client
        totals = Usage()
        # "sync": each step is on disk before the next starts, so a crash loses no finished work.
        async for update in graph.astream(
            payload,
            settings,
            stream_mode="updates",
            durability="sync",
            interrupt_after=STEP_PAUSES if step else None,
        ):
            for node, node_update in update.items():
                if not progress or node == "__interrupt__" or not isinstance(node_update, dict):
                    continue
                for used in node_update.get("usage", []):
                    totals = totals + Usage(**used)
                    progress({"kind": "llm", **totals.model_dump()})
                for event in node_update.get("events", []):
                    progress(event)
        snapshot = await graph.aget_state(settings)
    return Stop(
        state=snapshot.values,  # type: ignore[arg-type]
        interrupts=[(i.id, i.value) for i in snapshot.interrupts],
        finished=not snapshot.next,
    )


def _llm_client(
    config: RunConfig, checkpoints: Path | None, api_key: str | None, transport: Transport | None
) -> LLMClient:
    base = transport or Transport()
    llm = LLMSettings(
        **{
            **base.model_dump(),
            "model": config.model or "gpt-4o-mini",
            "base_url": config.base_url,
            "max_concurrency": config.max_concurrency,
            "temperature": config.temperature,
            "cache": config.cache,
        }
    )
    return LLMClient(llm, api_key=api_key, store=Store(checkpoints) if checkpoints else None)


async def finalize(
    stop: Stop,
    *,
    thread_id: str,
    wall_s: float,
    checkpoints: Path | None = None,
    api_key: str | None = None,
    transport: Transport | None = None,
    prices: dict[str, Price] | None = None,
) -> RunRecord:
    """The finished run's record, with its id, timing, cost and fault-free baseline.

    Offline, the baseline is always computed (batch path); with LLM seats only when the config
    asks for it, by running the honest council through the graph too (its calls are counted).
    """
    if not stop.finished or "record" not in stop.state:
        raise RuntimeError("the deliberation graph has not finished")
    record = RunRecord.model_validate_json(stop.state["record"])
    ctx = context_of(stop.state["config"])
    metrics = record.metrics
    baseline: str | None | bool = False  # False: not computed
    if ctx.config.backend == "offline":
        index = baseline_option(ctx)
        baseline = None if index == -1 else ctx.option_ids[index]
    elif ctx.config.baseline:
        honest = await drive(
            thread_id=f"{thread_id}-baseline",
            config=ctx.config.honest(),
            checkpoints=checkpoints,
            api_key=api_key,
            transport=transport,
        )
        twin = RunRecord.model_validate_json(honest.state["record"])
        baseline = twin.outcome.option
        m = twin.metrics
        metrics = metrics.model_copy(
            update={
                "llm_calls": metrics.llm_calls + m.llm_calls,
                "llm_cached": metrics.llm_cached + m.llm_cached,
                "llm_errors": metrics.llm_errors + m.llm_errors,
                "tokens": {
                    "prompt": metrics.tokens.prompt + m.tokens.prompt,
                    "completion": metrics.tokens.completion + m.tokens.completion,
                },
            }
        )
    metrics = metrics.model_copy(
        update={
            "agrees_with_baseline": None
            if baseline is False
            else record.outcome.option == baseline,
            "baseline_option": None if baseline is False else baseline,
            "cost_usd": None
            if ctx.config.backend == "offline"
            else cost(
                prices or DEFAULT_PRICES,
                ctx.config.model,
                metrics.tokens.prompt,
                metrics.tokens.completion,
            ),
            "wall_s": round(wall_s, 4),
        }
    )
    return record.model_copy(update={"run_id": thread_id, "metrics": metrics})


async def run_graph(
    config: RunConfig,
    *,
    checkpoints: Path | None = None,
    thread_id: str = "run",
    resume: bool = False,
    progress: Progress | None = None,
    api_key: str | None = None,
    transport: Transport | None = None,
    prices: dict[str, Price] | None = None,
) -> tuple[RunRecord, list[dict[str, Any]]]:
    """Run through the graph to the end; return the record (with baseline) and the events."""
    started = time.perf_counter()
    stop = await drive(
        thread_id=thread_id,
        config=None if resume else config,
        checkpoints=checkpoints,
        progress=progress,
        api_key=api_key,
        transport=transport,
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
    )
    return record, list(stop.state.get("events", []))


async def snapshot(thread_id: str, checkpoints: Path) -> Stop:
    """Where a checkpointed run stands, without running anything."""
    async with AsyncSqliteSaver.from_conn_string(str(checkpoints)) as saver:
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
