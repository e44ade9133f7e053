"""The deliberation as a LangGraph graph: wiring only.

Reads top to bottom: state, nodes (each a few lines calling the phase functions the batch path
uses), routers (fan every seat of a phase out with ``Send``), and the builder. Running it
(streaming, checkpoints, LLM clients, the baseline twin) is ``council.session.drive``.
"""

from __future__ import annotations

import functools
import operator
from typing import Annotated, Any, TypedDict

import numpy as np
from langchain_core.runnables import RunnableConfig
from langgraph.graph import END, START, StateGraph
from langgraph.types import Send, interrupt

from council.contracts.config import RunConfig
from council.engine.context import RunContext, prepare
from council.engine.outcome import too_many_failures
from council.engine.phases import Trace, done, hear, open_views, revise
from council.engine.protocols import ProtocolState, ballot_from_data, ballot_to_data, run_ballot
from council.engine.records import Said, Spoken, build_record
from council.reasoners.human import HumanAnswer, human_prompt
from council.reasoners.llm.accounting import usage_metrics
from council.reasoners.llm.endpoints import RunCalls
from council.reasoners.llm.seat import (
    council_digest,
    heard_statements,
    own_statement,
    received_notes,
    speaks_through_llm,
)
from council.reasoners.llm.seat import speak as llm_speak
from council.rules.opinion import human_view


# --- state ---------------------------------------------------------------------------------
def _merge_views(
    left: dict[str, list[float]], right: dict[str, list[float]] | None
) -> dict[str, list[float]]:
    """Seats' views of the current round accumulate; ``None`` clears them for the next."""
    return {} if right is None else {**left, **right}


def _merge(left: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:
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
    notes: Annotated[dict[str, str], _merge]
    """What people and LLM seats said, by "round:seat" (their statements' rationales)."""
    failed: Annotated[dict[str, str], _merge]
    """LLM seats that failed a phase, by "round:seat", with the error."""
    spoken: Annotated[dict[str, dict[str, Any]], _merge]
    """LLM seat-phases by "round:seat": model, stated confidence, prompt and reply hashes, and
    the kind of error if it failed."""
    usage: Annotated[list[dict[str, Any]], operator.add]
    """LLM usage of every seat-phase, with its model and the attempts a resume re-sent."""
    halt: str
    """Why the run cannot go on (every LLM seat of a phase failed, the cost cap): it ends."""
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
    """LLM seats: the peers' statements the seat reads (its fair sample)."""
    own_last: dict[str, Any] | None
    """LLM seats: its own last statement (None: it said nothing)."""


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
    if speaks_through_llm(ctx, task["seat"]):
        calls: RunCalls = config["configurable"]["llm"]
        speech = await llm_speak(ctx, task, calls.clients.client(task["seat"]))
        step = config.get("metadata", {}).get("langgraph_step")
        update: CouncilState = {
            "usage": [calls.usage(task["seat"], speech.usage, step)],
            "spoken": {key: calls.spoken(task["seat"], speech)},
        }
        if speech.view is None:  # counts as crashed this phase: it keeps its last view, silent
            kept = open_views(ctx, seat)[0] if task["round"] == 0 else np.array(task["now"])
            return {
                **update,
                "pending": {str(task["seat"]): kept.tolist()},
                "failed": {key: speech.error or "failed"},
            }
        return {
            **update,
            "pending": {str(task["seat"]): speech.view},
            "notes": {key: speech.rationale},
        }
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
            task["round"],
        )[0]
    if task["seat"] in ctx.config.human_seats:
        # The run waits here for the person; the other seats of the phase have finished.
        answer = HumanAnswer.model_validate(interrupt(human_prompt(ctx, task, view).model_dump()))
        view = human_view(view, ctx.option_ids.index(answer.option), answer.confidence)
        return {"pending": {str(task["seat"]): view.tolist()}, "notes": {key: answer.argument}}
    return {"pending": {str(task["seat"]): view.tolist()}}


async def gather(state: CouncilState) -> CouncilState:
    """Close a round: every seat's view, in seat order (and why the run must stop, if it must)."""
    n = len(state["pending"])
    views = [state["pending"][str(i)] for i in range(n)]
    r = len(state.get("views", []))
    update: CouncilState = {
        "views": [views],
        "pending": None,  # type: ignore[typeddict-item]
        "events": [{"kind": "round", "round": r}],
    }
    reason = _halt(context_of(state["config"]), state, r)
    if reason:
        update["halt"] = reason
    return update


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
    """Build the run record from what the graph carried (status error if it could not work)."""
    ctx = context_of(state["config"])
    failed = state.get("failed", {})
    seat_phases = len(state["views"]) * sum(speaks_through_llm(ctx, i) for i in range(ctx.n))
    reason = state.get("halt") or too_many_failures(
        len(failed), seat_phases, ctx.config.max_seat_failures
    )
    errors = [
        f"round {k.split(':')[0]}, seat {k.split(':')[1]}: {e}"
        for k, e in sorted(failed.items(), key=lambda kv: tuple(map(int, kv[0].split(":"))))
    ]
    record = build_record(
        ctx,
        trace_of(ctx, state),
        baseline=None,
        wall_s=0.0,
        metrics_extra={**usage_metrics(state.get("usage", [])), "seat_failures": len(failed)},
        errors=errors,
        said=said_of(state),
        failure=reason,
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


def _halt(ctx: RunContext, state: CouncilState, r: int) -> str | None:
    """Why the run cannot go on after round r: the cost cap, or every LLM seat failed."""
    llm = {i for i in range(ctx.n) if speaks_through_llm(ctx, i)}
    failed = _silent(state, r)
    if not llm or not failed:
        return None
    spoken = state.get("spoken", {})
    if any(spoken.get(f"{r}:{i}", {}).get("kind") == "budget" for i in failed):
        cap = ctx.config.max_cost or 0.0
        return f"the cost cap (--max-cost ${cap:g}) was reached in round {r}: the run stopped"
    if llm <= failed:
        first = min(failed)
        error = state.get("failed", {}).get(f"{r}:{first}", "failed")
        return f"every LLM seat failed in round {r} (seat {first}: {error})"
    return None


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
    digest, stated, tally = "", {}, None
    if llm:
        said = said_of(state)
        stated = {
            seat: s.confidence
            for (rr, seat), s in said.items()
            if rr == r - 1 and s.confidence is not None
        }
        ballots = state.get("ballots", [])
        if ballots:
            cast = ballot_from_data(ballots[-1]).cast
            tally = {o: int((cast == k).sum()) for k, o in enumerate(ctx.option_ids)}
        digest = council_digest(ctx, views, r, silent, tally)
    # Under network faults an LLM seat's digest holds only what reached it, as it reached it.
    late = ctx.network.deliberation(r)[1] if llm and ctx.network is not None else None
    tasks = []
    memo: dict[tuple[int, bytes], dict[str, Any]] = {}  # each peer's statement, written once
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
                digest = council_digest(ctx, inbox[i], r, silent | unheard, tally)
            task["digest"] = digest
            # Under network faults what a peer said differs by recipient: no shared memo.
            shared = memo if ctx.network is None else None
            task["said"] = heard_statements(ctx, i, r, inbox[i], heard[i], seen, stated, shared)
            task["own_last"] = own_statement(ctx, i, views[i], notes, r, stated, silent)
        tasks.append(Send("speak", task))
    return tasks


def after_round(state: CouncilState) -> list[Send] | str:
    """More rounds are due (the set ones, one more per failed ballot), or a ballot; or the end."""
    if state.get("halt"):
        return "finish"
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
    builder.add_conditional_edges("gather", after_round, ["speak", "vote", "finish"])
    builder.add_conditional_edges("vote", after_vote, ["speak", "finish"])
    builder.add_edge("finish", END)
    return builder


# --- reading the state back ----------------------------------------------------------------
def said_of(state: CouncilState) -> Said:
    """What every LLM seat-phase carried, by (round, seat), for the record's statements."""
    out: Said = {}
    for key, s in state.get("spoken", {}).items():
        r, seat = key.split(":")
        out[(int(r), int(seat))] = Spoken(
            model=s["model"],
            confidence=s.get("confidence"),
            prompt_hash=s.get("prompt"),
            reply_hash=s.get("reply"),
        )
    return out


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
