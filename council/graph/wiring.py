"""The deliberation as a LangGraph graph: wiring only.

Reads top to bottom: the nodes that close a round, count a ballot and build the record (each a
few lines calling the phase functions the batch path uses), the routers (what comes after a
round and after a ballot), and the builder. A seat's turn is ``speak`` (``council.graph.speak``),
what each seat is given is ``council.graph.tasks``, the state ``council.graph.state``; running
the graph (streaming, checkpoints, LLM clients, the baseline twin) is ``council.session``.
"""

from __future__ import annotations

import numpy as np
from langgraph.graph import END, START, StateGraph
from langgraph.types import Send

from council.contracts.seat_key import SeatKey
from council.engine.adversary import NONE
from council.engine.context import RunContext
from council.engine.outcome import too_many_failures
from council.engine.phases import done
from council.engine.protocols import ProtocolState, ballot_to_data, run_ballot
from council.engine.records import build_record
from council.graph.speak import speak
from council.graph.state import (
    CouncilState,
    ballot_counted,
    context_of,
    failures_of,
    round_finished,
    run_context,
    said_of,
    silent,
    spoken_of,
    trace_of,
)
from council.graph.tasks import deliberation, open_round
from council.reasoners.llm.accounting import usage_metrics
from council.reasoners.llm.seat import speaks_through_llm


# --- nodes ---------------------------------------------------------------------------------
async def gather(state: CouncilState) -> CouncilState:
    """Close a round: every seat's view, in seat order (and why the run must stop, if it must)."""
    n = len(state["pending"])
    views = [state["pending"][str(i)] for i in range(n)]
    r = len(state.get("views", []))
    update: CouncilState = {
        "views": [views],
        "pending": None,  # type: ignore[typeddict-item]
        "events": [round_finished(r)],
    }
    reason = _halt(context_of(state["config"]), state, r)
    if reason:
        update["halt"] = reason
    return update


async def vote(state: CouncilState) -> CouncilState:
    """One ballot of the protocol over the latest views."""
    ctx = run_context(state)
    previous = (
        ProtocolState(np.array(state["committed"]), np.array(state["locked"]))
        if state.get("committed")
        else ProtocolState.start(ctx.n)
    )
    number = len(state.get("ballots", [])) + 1
    rounds = len(state["views"])
    # Seats whose reasoner failed in every round so far never spoke: crashed for the ballot.
    never = set.intersection(*(silent(state, r) for r in range(rounds)))
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
        "events": [ballot_counted(number, int((after.committed != NONE).sum()))],
    }


async def finish(state: CouncilState) -> CouncilState:
    """Build the run record from what the graph carried (status error if it could not work)."""
    ctx = run_context(state)
    failed = failures_of(state)
    seat_phases = len(state["views"]) * sum(speaks_through_llm(ctx, i) for i in range(ctx.n))
    reason = state.get("halt") or too_many_failures(
        len(failed), seat_phases, ctx.config.max_seat_failures
    )
    record = build_record(
        ctx,
        trace_of(ctx, state),
        baseline=None,
        wall_s=0.0,
        metrics_extra={**usage_metrics(state.get("usage", [])), "seat_failures": len(failed)},
        errors=[f"round {k.round}, seat {k.seat}: {e}" for k, e in sorted(failed.items())],
        said=said_of(state),
        failure=reason,
    )
    return {"record": record.model_dump_json()}


# --- routers -------------------------------------------------------------------------------
def _halt(ctx: RunContext, state: CouncilState, r: int) -> str | None:
    """Why the run cannot go on after round r: the cost cap, or every LLM seat failed."""
    llm = {i for i in range(ctx.n) if speaks_through_llm(ctx, i)}
    failed = silent(state, r)
    if not llm or not failed:
        return None
    spoken = spoken_of(state)
    if any(spoken.get(SeatKey(r, i), {}).get("kind") == "budget" for i in failed):
        cap = ctx.config.max_cost or 0.0
        return f"the cost cap (--max-cost ${cap:g}) was reached in round {r}: the run stopped"
    if llm <= failed:
        first = min(failed)
        error = failures_of(state).get(SeatKey(r, first), "failed")
        return f"every LLM seat failed in round {r} (seat {first}: {error})"
    return None


def after_round(state: CouncilState) -> list[Send] | str:
    """More rounds are due (the set ones, one more per failed ballot), or a ballot; or the end."""
    if state.get("halt"):
        return "finish"
    ctx = run_context(state)
    due = ctx.config.rounds + len(state.get("ballots", []))
    return deliberation(state, ctx) if len(state["views"]) - 1 < due else "vote"


def after_vote(state: CouncilState) -> list[Send] | str:
    """Finish when every honest seat committed or ballots ran out; else one more round."""
    ctx = run_context(state)
    committed = ProtocolState(np.array(state["committed"]), np.array(state["locked"]))
    if done(ctx, committed) or len(state["ballots"]) >= ctx.config.ballots:
        return "finish"
    return deliberation(state, ctx)


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
