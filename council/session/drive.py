"""Driving the deliberation graph: start a run, continue it after a pause, recover it.

``drive`` runs the graph until it ends or pauses (a person's seat, a step), checkpointed to the
session's store so an interrupted run resumes. Finishing a run (its record, the fault-free
baseline, the LLM accounting and cost) is ``council.session.finish``.
"""

from __future__ import annotations

import time
from contextlib import AsyncExitStack
from typing import Any, Literal

from langchain_core.runnables import RunnableConfig
from langgraph.types import Command

from council.contracts.config import RunConfig
from council.graph.wiring import build_graph
from council.reasoners.llm.endpoints import RunCalls
from council.reasoners.llm.limits import Budget
from council.session.checkpoints import Stop, checkpointer
from council.session.llm import keeper, new_budget, open_calls
from council.session.run_session import RunSession
from council.session.stream import stream
from council.store import Store

Mode = Literal["start", "continue", "recover"]
"""How a drive begins: a new run; a paused run going on (a step, people's answers); or a run
that stopped part-way (a crash, Ctrl-C), whose step under way is run again."""


async def drive(
    session: RunSession,
    *,
    mode: Mode = "start",
    answers: dict[str, Any] | None = None,
    step: bool = False,
    budget: Budget | None = None,
) -> Stop:
    """Run the session's graph until it ends or pauses.

    ``start`` a run with the session's config; ``continue`` one (after a step pause or a
    person's turn, giving ``answers`` by interrupt id where people were asked) or ``recover``
    it after a stop part-way (the calls of the step it was in are counted as re-sent): both
    from its checkpoint, which must hold the session's config. LLM seats use the session's key,
    transport and prices, and ``budget`` (the cap of ``--max-cost``, shared with the baseline;
    by default charged with what the checkpoint says was spent). Raises ``EndpointError`` if
    an endpoint fails its preflight (nothing has run then).
    """
    payload: Any
    if mode == "start":
        payload = {"config": session.config.model_dump(), "started_at": time.time()}
    elif answers:
        payload = Command(resume=answers)
    else:
        payload = None
    settings: RunnableConfig = {
        "configurable": {"thread_id": session.run_id},
        "recursion_limit": 1000,
    }
    async with AsyncExitStack() as stack:
        saver = await stack.enter_async_context(checkpointer(session.store))
        graph = build_graph().compile(checkpointer=saver)
        config: RunConfig | None = session.config
        work, resent_step, spent = mode == "start", None, []
        if mode != "start":
            saved = await graph.aget_state(settings)
            config = _checkpointed(session, saved.values)
            work = bool(saved.next)
            spent = list(saved.values.get("usage", [])) if saved.values else []
            if mode == "recover" and work and not answers:
                resent_step = int((saved.metadata or {}).get("step", -1)) + 1
        store = Store(session.store) if session.store else None
        calls: RunCalls | None = None
        if config is not None and config.backend == "openai" and work:
            if budget is None:
                budget = new_budget(config, session.price_table(), spent)
            calls = await open_calls(
                session, config, stack, cache=store, budget=budget, resent_step=resent_step
            )
            settings["configurable"]["llm"] = calls
        keep = keeper(saver, calls) if store is not None else None
        try:
            await stream(
                graph, payload, settings, session=session, config=config, step=step, keep=keep
            )
        finally:
            if keep is not None:
                await keep()
        snapshot = await graph.aget_state(settings)
    return Stop(
        state=snapshot.values,  # type: ignore[arg-type]
        interrupts=[(i.id, i.value) for i in snapshot.interrupts],
        finished=not snapshot.next,
    )


def _checkpointed(session: RunSession, values: dict[str, Any] | None) -> RunConfig | None:
    """The config the run's checkpoint holds (None: no checkpoint); it must be the session's."""
    if not values:
        return None
    config = RunConfig.model_validate(values["config"])
    if config != session.config:
        raise ValueError(
            f"run {session.run_id} was started with another config than this session's"
        )
    return config
