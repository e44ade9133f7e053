"""The deliberation as a LangGraph graph: wiring only.

Reads top to bottom: state, nodes (each a few lines calling the phase functions the batch path
uses), routers (fan every seat of a phase out with ``Send``), the builder, and a runner that
streams updates and checkpoints to SQLite so an interrupted run resumes.
"""

from __future__ import annotations

import functools
import operator
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Annotated, Any, TypedDict

import numpy as np
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Send

from council.config import RunConfig
from council.context import RunContext
from council.engine import baseline_option, build_record, prepare
from council.phases import Trace, done, hear, open_views, revise
from council.protocols import ProtocolState, ballot_from_data, ballot_to_data, run_ballot
from council.record import RunRecord


# --- state ---------------------------------------------------------------------------------
def _merge_views(
    left: dict[str, list[float]], right: dict[str, list[float]] | None
) -> dict[str, list[float]]:
    """Seats' views of the current round accumulate; ``None`` clears them for the next."""
    return {} if right is None else {**left, **right}


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


@functools.lru_cache(maxsize=32)
def _context(config_json: str) -> RunContext:
    return prepare(RunConfig.model_validate_json(config_json))


def context_of(config: dict[str, Any]) -> RunContext:
    """The run context of a config carried in the state (built once per process)."""
    return _context(RunConfig.model_validate(config).model_dump_json())


# --- nodes ---------------------------------------------------------------------------------
async def speak(task: SeatTask) -> CouncilState:
    """One seat's statement: its blind opening, or its revision from what it heard."""
    ctx = context_of(task["config"])
    seat = np.array([task["seat"]])
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
    result, after = run_ballot(
        ctx,
        np.array(state["views"][-1]),
        previous,
        ballot=number,
        after_round=len(state["views"]) - 1,
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
    return {
        "record": build_record(
            ctx, trace_of(ctx, state), baseline=None, wall_s=0.0
        ).model_dump_json()
    }


# --- routers -------------------------------------------------------------------------------
def open_round(state: CouncilState) -> list[Send]:
    """Fan the blind opening out to every seat at once."""
    ctx = context_of(state["config"])
    return [Send("speak", {"config": state["config"], "seat": i, "round": 0}) for i in range(ctx.n)]


def _deliberation(state: CouncilState, ctx: RunContext) -> list[Send]:
    views = np.array(state["views"][-1])
    r = len(state["views"])
    inbox, heard = hear(ctx, views, r)
    first = state["views"][0]
    return [
        Send(
            "speak",
            {
                "config": state["config"],
                "seat": i,
                "round": r,
                "first": first[i],
                "now": views[i].tolist(),
                "inbox": inbox[i].tolist(),
                "heard": heard[i].tolist(),
            },
        )
        for i in range(ctx.n)
    ]


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
    trace.inboxes = [hear(ctx, views[r - 1], r) for r in range(1, len(views))]
    trace.ballots = [ballot_from_data(b) for b in state.get("ballots", [])]
    return trace


# --- runner --------------------------------------------------------------------------------
Progress = Callable[[dict[str, Any]], None]


async def stream_run(
    config: RunConfig,
    *,
    checkpoints: Path | None = None,
    thread_id: str = "run",
    resume: bool = False,
) -> AsyncIterator[dict[str, Any]]:
    """Run the graph, yielding each step's updates; checkpoint to SQLite when a path is given."""
    payload: CouncilState | None = None if resume else {"config": config.model_dump()}
    settings: RunnableConfig = {"configurable": {"thread_id": thread_id}, "recursion_limit": 1000}
    if checkpoints is None:
        graph: CompiledStateGraph[Any, Any, Any, Any] = build_graph().compile()
        async for update in graph.astream(payload, settings, stream_mode="updates"):
            yield update
        return
    async with AsyncSqliteSaver.from_conn_string(str(checkpoints)) as saver:
        graph = build_graph().compile(checkpointer=saver)
        # "sync": each step is on disk before the next starts, so a crash loses no finished work.
        async for update in graph.astream(
            payload, settings, stream_mode="updates", durability="sync"
        ):
            yield update


async def run_graph(
    config: RunConfig,
    *,
    checkpoints: Path | None = None,
    thread_id: str = "run",
    resume: bool = False,
    progress: Progress | None = None,
) -> tuple[RunRecord, list[dict[str, Any]]]:
    """Run through the graph to the end; return the record (with baseline) and the events."""
    started = time.perf_counter()
    record_json: str | None = None
    events: list[dict[str, Any]] = []
    async for update in stream_run(
        config, checkpoints=checkpoints, thread_id=thread_id, resume=resume
    ):
        for node_update in update.values():
            if not isinstance(node_update, dict):
                continue
            for event in node_update.get("events", []):
                events.append(event)
                if progress:
                    progress(event)
            record_json = node_update.get("record", record_json)
    if record_json is None:
        raise RuntimeError("the deliberation graph ended without a record")
    record = RunRecord.model_validate_json(record_json)
    ctx = context_of(record.config.model_dump())
    baseline = baseline_option(ctx) if config.backend == "offline" else None
    metrics = record.metrics.model_copy(
        update={
            "agrees_with_baseline": None
            if baseline is None
            else (record.outcome.option == (None if baseline == -1 else ctx.option_ids[baseline])),
            "baseline_option": None if baseline in (None, -1) else ctx.option_ids[baseline],
            "wall_s": round(time.perf_counter() - started, 4),
        }
    )
    return record.model_copy(update={"run_id": thread_id, "metrics": metrics}), events


async def saved_config(checkpoints: Path, thread_id: str) -> RunConfig | None:
    """The config of a checkpointed run, or None if there is no checkpoint for it."""
    async with AsyncSqliteSaver.from_conn_string(str(checkpoints)) as saver:
        graph = build_graph().compile(checkpointer=saver)
        snapshot = await graph.aget_state({"configurable": {"thread_id": thread_id}})
    values = snapshot.values if snapshot else None
    if not values or "config" not in values:
        return None
    return RunConfig.model_validate(values["config"])
