"""One LLM seat's turn: build its prompt from what it heard, ask, and turn the reply into a view."""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import BaseModel

from council.context import RunContext
from council.llm.client import LLMClient, Usage
from council.llm.prompts import (
    MAX_HEARD,
    Language,
    PeerStatement,
    adversarial_objective,
    digest_block,
    messages,
    pick_heard,
    system_prompt,
    user_prompt,
)
from council.llm.reply import clamp_scores, reply_model

LLM_FAULTS = ("persuader", "collude")
"""Fault models that act through what an LLM says (the others act on messages)."""


class Speech(BaseModel):
    """An LLM seat's statement, or the error that made it fail this phase."""

    view: list[float] | None = None
    confidence: float = 0.0
    rationale: str = ""
    error: str | None = None
    usage: Usage = Usage()


def speaks_through_llm(ctx: RunContext, seat: int) -> bool:
    """Whether this seat's statements come from the LLM (honest, or a prompt-level fault)."""
    if ctx.seats[seat].reasoner != "openai":
        return False
    return not ctx.faulty[seat] or ctx.fault.name in LLM_FAULTS


def seat_messages(
    ctx: RunContext,
    seat: int,
    round_no: int,
    *,
    digest: str = "",
    heard: list[PeerStatement] | None = None,
    own_last: PeerStatement | None = None,
) -> list[dict[str, str]]:
    """The chat messages of one seat-phase."""
    persona = ctx.personas[seat]
    objective = None
    if ctx.faulty[seat] and ctx.fault.name in LLM_FAULTS and ctx.fault.option:
        label = ctx.scenario.option(ctx.fault.option).label
        objective = adversarial_objective(ctx.fault.name, ctx.fault.option, label)
    language: Language = ctx.config.language
    return messages(
        system_prompt(persona, ctx.scenario, language=language, objective=objective),
        user_prompt(
            ctx.scenario,
            round_no=round_no,
            own_last=own_last,
            digest=digest,
            heard=heard or [],
            language=language,
        ),
    )


async def speak(ctx: RunContext, task: Any, client: LLMClient) -> Speech:
    """Ask the LLM for one seat's statement this round."""
    heard = [PeerStatement.model_validate(h) for h in task.get("said", [])]
    own = task.get("own_last")
    msgs = seat_messages(
        ctx,
        task["seat"],
        task["round"],
        digest=task.get("digest", ""),
        heard=heard,
        own_last=PeerStatement.model_validate(own) if own else None,
    )
    answer = await client.ask(msgs, reply_model(ctx.option_ids))
    if answer.reply is None:
        return Speech(error=answer.error, usage=answer.usage)
    view, confidence = clamp_scores(answer.reply, ctx.option_ids)
    return Speech(
        view=view, confidence=confidence, rationale=answer.reply.rationale, usage=answer.usage
    )


def _statement(ctx: RunContext, seat: int, view: Any, text: str | None) -> PeerStatement:
    from council.offline import confidence

    row = np.asarray(view, dtype=float)
    option = ctx.option_ids[int(row.argmax())]
    return PeerStatement(
        seat=seat,
        name=ctx.personas[seat].name,
        option=option,
        confidence=float(confidence(row[None, :])[0]),
        rationale=text or f"Backs {option}.",
    )


def heard_statements(
    ctx: RunContext,
    inbox: np.ndarray,
    heard: np.ndarray,
    notes: dict[str, str],
    round_no: int,
) -> list[dict[str, Any]]:
    """What one seat heard last round, as the statements its prompt quotes (at most a few)."""
    from council.offline import confidence

    senders = np.flatnonzero(heard)
    if not len(senders):
        return []
    sure = confidence(inbox[senders])
    # The prompt quotes the most confident few (ties to the lower seat), as pick_heard does.
    chosen = senders[np.lexsort((senders, -sure))[:MAX_HEARD]]
    said = [_statement(ctx, int(j), inbox[j], notes.get(f"{round_no - 1}:{j}")) for j in chosen]
    return [s.model_dump() for s in pick_heard(said)]


def received_notes(notes: dict[str, str], round_no: int, late: np.ndarray | None) -> dict[str, str]:
    """The statements a seat reads in a round: a late sender's is the one from the round before.

    ``late`` (n,) marks the senders whose message reached this seat a round late (network
    faults); their text is then their note of round ``round_no - 2`` (or none).

    >>> late = np.array([False, True, True])
    >>> received_notes({"0:1": "old", "1:1": "new", "1:2": "x"}, 2, late)
    {'0:1': 'old', '1:1': 'old'}
    """
    if late is None or not late.any():
        return notes
    mine = dict(notes)
    for j in np.flatnonzero(late):
        older = notes.get(f"{round_no - 2}:{j}")
        if older is None:
            mine.pop(f"{round_no - 1}:{j}", None)
        else:
            mine[f"{round_no - 1}:{j}"] = older
    return mine


def council_digest(
    ctx: RunContext, views: np.ndarray, notes: dict[str, str], round_no: int, silent: set[int]
) -> str:
    """The digest of last round's statements that every seat's prompt carries."""
    said = [
        _statement(ctx, j, views[j], notes.get(f"{round_no - 1}:{j}"))
        for j in range(ctx.n)
        if j not in silent and not (ctx.faulty[j] and ctx.fault.name == "crash")
    ]
    return digest_block(said)


def own_statement(
    ctx: RunContext, seat: int, view: Any, notes: dict[str, str], round_no: int
) -> dict[str, Any]:
    """A seat's own last statement, to remind it where it stood."""
    return _statement(ctx, seat, view, notes.get(f"{round_no - 1}:{seat}")).model_dump()
