"""Finishing a run: its record with id, timing, the fault-free baseline, LLM usage and cost.

``finalize`` turns a finished drive into the run's record; ``run_graph`` starts (or recovers) a
run with nobody at the table and finishes it.
"""

from __future__ import annotations

import time
from typing import Any

from council.contracts.events import RunEvent
from council.contracts.record import Metrics, RunRecord
from council.engine.adversary import NONE
from council.graph.state import context_of, events_of
from council.reasoners.llm.accounting import costs, usage_metrics
from council.reasoners.llm.limits import Budget
from council.session.batch import baseline_option
from council.session.checkpoints import Stop, snapshot
from council.session.drive import drive
from council.session.llm import new_budget
from council.session.run_session import RunSession


async def finalize(
    session: RunSession, stop: Stop, *, wall_s: float, budget: Budget | None = None
) -> RunRecord:
    """The finished run's record, with its id, timing, cost and fault-free baseline.

    Offline, the baseline is always computed (batch path); with LLM seats only when the config
    asks for it, by running the honest council through the graph too (the session's ``twin``;
    its calls are counted and charged to ``budget``; an interrupted twin resumes from its own
    checkpoint). A run that ended in error has no baseline: there is no decision to compare.
    """
    if not stop.finished or "record" not in stop.state:
        raise RuntimeError("the deliberation graph has not finished")
    record = RunRecord.model_validate_json(stop.state["record"])
    ctx = context_of(stop.state["config"])
    usages = list(stop.state.get("usage", []))
    errors = list(record.errors)
    baseline: str | None | bool = False  # False: not computed
    if ctx.config.backend == "offline":
        index = baseline_option(ctx)
        baseline = None if index == NONE else ctx.option_ids[index]
    elif ctx.config.baseline and record.outcome.status != "error":
        twin = session.twin()
        started = twin.store is not None and bool((await snapshot(twin.run_id, twin.store)).state)
        honest = await drive(twin, mode="recover" if started else "start", budget=budget)
        outcome = RunRecord.model_validate_json(honest.state["record"]).outcome
        usages += honest.state.get("usage", [])
        if outcome.status == "error":
            errors.append(f"baseline: {outcome.reason}")
        else:
            baseline = outcome.option
    update: dict[str, Any] = {
        "agrees_with_baseline": None if baseline is False else record.outcome.option == baseline,
        "baseline_option": None if baseline is False else baseline,
        "wall_s": round(wall_s, 4),
    }
    if ctx.config.backend != "offline":
        update |= usage_metrics(usages)
        update["cost_usd"], update["cost_by_model"] = costs(usages, session.price_table())
    # Validated, not copied: nested fields (tokens) must come back as their models.
    metrics = Metrics.model_validate({**record.metrics.model_dump(), **update})
    return record.model_copy(
        update={"run_id": session.run_id, "metrics": metrics, "errors": errors}
    )


async def run_graph(
    session: RunSession, *, resume: bool = False
) -> tuple[RunRecord, list[RunEvent]]:
    """Run the session's run through the graph to the end: its record (with baseline), events.

    ``resume``: recover the run from its checkpoint in the session's store (the cost cap then
    counts what was spent before the stop, by the run and its baseline).
    """
    started = time.perf_counter()
    spent: list[dict[str, Any]] = []
    if resume and session.store is not None:
        for run_id in (session.run_id, session.twin().run_id):
            spent += (await snapshot(run_id, session.store)).state.get("usage", [])
    budget = new_budget(session.config, session.price_table(), spent)
    stop = await drive(session, mode="recover" if resume else "start", budget=budget)
    if stop.interrupts:
        raise RuntimeError("this run has seats played by people: use the interactive session")
    record = await finalize(session, stop, wall_s=time.perf_counter() - started, budget=budget)
    return record, events_of(stop.state)
