"""The ``speak`` node: one seat's statement in a round, by whoever reasons for that seat.

An LLM seat asks its model (through the run's clients); a person's seat interrupts the graph
until the person answers; any other seat follows the offline rule (the blind opening, then the
update rule over what it heard). Every way ends in the seat's view for the round, plus what
the seat said (a person's or a model's words) and, for LLM seats, what the call cost.
"""

from __future__ import annotations

import numpy as np
from langchain_core.runnables import RunnableConfig
from langgraph.types import interrupt

from council.contracts.seat_key import SeatKey
from council.engine.context import RunContext
from council.engine.phases import open_views, revise
from council.graph.state import CouncilState, SeatTask, context_of
from council.reasoners.human import HumanAnswer, human_prompt
from council.reasoners.llm.endpoints import RunCalls
from council.reasoners.llm.seat import speak as llm_speak
from council.reasoners.llm.seat import speaks_through_llm
from council.rules.opinion import human_view


async def speak(task: SeatTask, config: RunnableConfig) -> CouncilState:
    """One seat's statement: its blind opening, or its revision from what it heard."""
    ctx = context_of(task["config"])
    if speaks_through_llm(ctx, task["seat"]):
        return await _through_llm(ctx, task, config)
    view = _offline_view(ctx, task)
    seat, key = str(task["seat"]), SeatKey(task["round"], task["seat"]).text
    if task["seat"] in ctx.config.human_seats:
        # The run waits here for the person; the other seats of the phase have finished.
        answer = HumanAnswer.model_validate(interrupt(human_prompt(ctx, task, view).model_dump()))
        view = human_view(view, ctx.option_ids.index(answer.option), answer.confidence)
        # The record keeps the person's confidence as given, not one derived from the view.
        spoken = {"model": "human", "confidence": answer.confidence}
        update: CouncilState = {
            "pending": {seat: view.tolist()},
            "notes": {key: answer.argument},
            "spoken": {key: spoken},
        }
        if task["seat"] in ctx.config.person_faults:
            told = {"to": answer.told or {}, "confidence": answer.confidence}
            update["told"] = {key: told}
        return update
    return {"pending": {seat: view.tolist()}}


def _offline_view(ctx: RunContext, task: SeatTask) -> np.ndarray:
    """The seat's view by the offline rule: its blind opening, or its update from its inbox."""
    seat = np.array([task["seat"]])
    if task["round"] == 0:
        return open_views(ctx, seat)[0]
    return revise(
        ctx,
        seat,
        np.array([task["first"]]),
        np.array([task["now"]]),
        np.array([task["inbox"]]),
        np.array([task["heard"]]),
        task["round"],
    )[0]


async def _through_llm(ctx: RunContext, task: SeatTask, config: RunnableConfig) -> CouncilState:
    """An LLM seat's statement; if its call fails it counts as crashed this phase (silent)."""
    calls: RunCalls = config["configurable"]["llm"]
    seat, key = task["seat"], SeatKey(task["round"], task["seat"]).text
    speech = await llm_speak(ctx, task, calls.clients.client(seat))
    step = config.get("metadata", {}).get("langgraph_step")
    update: CouncilState = {
        "usage": [calls.usage(seat, speech.usage, step)],
        "spoken": {key: calls.spoken(seat, speech)},
    }
    if speech.view is None:  # it keeps its last view, and says nothing
        kept = open_views(ctx, np.array([seat]))[0] if task["round"] == 0 else np.array(task["now"])
        return {
            **update,
            "pending": {str(seat): kept.tolist()},
            "failed": {key: speech.error or "failed"},
        }
    return {**update, "pending": {str(seat): speech.view}, "notes": {key: speech.rationale}}
