"""One LLM seat's turn: build its prompt from what it heard, ask, and turn the reply into a view."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

import numpy as np
from pydantic import BaseModel

from council.contracts.choices import Language
from council.contracts.seat_key import SeatKey
from council.engine.context import RunContext
from council.engine.rationale import opening_rationale
from council.reasoners.llm.client import LLMClient
from council.reasoners.llm.hearing import sample_peers
from council.reasoners.llm.prompts import (
    PeerStatement,
    digest_block,
    messages,
    scenario_block,
    system_prompt,
    user_prompt,
)
from council.reasoners.llm.reply import clamp_scores, reply_model, reply_template
from council.reasoners.llm.request import CallScope, Usage
from council.rules.opinion import confidence


class Speech(BaseModel):
    """An LLM seat's statement, or the error that made it fail this phase."""

    view: list[float] | None = None
    confidence: float = 0.0
    """The model's own stated confidence."""
    rationale: str = ""
    error: str | None = None
    error_kind: str | None = None
    """Why it failed, as the client classes it (``budget``, ``invalid``, ``cache_miss``, ...)."""
    usage: Usage = Usage()
    prompt: str = ""
    """The exact messages sent, as JSON text (kept in the store by hash)."""
    reply: str | None = None
    """The reply's content as received (None if nothing arrived)."""


def speaks_through_llm(ctx: RunContext, seat: int) -> bool:
    """Whether this seat's statements come from the LLM (honest, or a prompt-level fault)."""
    return ctx.endpoints[seat] is not None


def seat_messages(
    ctx: RunContext,
    seat: int,
    round_no: int,
    *,
    digest: str = "",
    heard: list[PeerStatement] | None = None,
    own_last: PeerStatement | None = None,
) -> list[dict[str, str]]:
    """The chat messages of one seat-phase (from round 1, ``own_last`` None: it was silent)."""
    return messages(
        _system(ctx, seat),
        user_prompt(
            ctx.scenario,
            round_no=round_no,
            own_last=own_last,
            digest=digest,
            heard=heard or [],
            language=ctx.config.language,
            scenario_text=_scenario(ctx),
        ),
    )


@functools.lru_cache(maxsize=4096)
def _system(ctx: RunContext, seat: int) -> str:
    """A seat's system message: the same every round of a run (built once)."""
    objective = ctx.fault.objective(ctx.scenario) if ctx.faulty[seat] else None
    language: Language = ctx.config.language
    return system_prompt(
        ctx.personas[seat],
        ctx.scenario,
        language=language,
        objective=objective,
        # The options are listed from one that turns with the seat: none looks preferred.
        template=reply_template(ctx.option_ids, ctx.option_ids[seat % ctx.n_options]),
    )


@functools.lru_cache(maxsize=64)
def _scenario(ctx: RunContext) -> str:
    """The run's scenario block: the same in every prompt of a run (built once)."""
    return scenario_block(ctx.scenario, language=ctx.config.language)


def prompt_text(msgs: list[dict[str, str]]) -> str:
    """The messages as the JSON text kept in the store (stable, non-ASCII kept)."""
    return json.dumps(msgs, ensure_ascii=False, separators=(",", ":"))


async def speak(ctx: RunContext, task: Mapping[str, Any], client: LLMClient) -> Speech:
    """Ask the LLM for one seat's statement this round (its call scoped to seed, seat, round)."""
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
    scope = CallScope(seed=ctx.config.seed, seat=task["seat"], round=task["round"])
    answer = await client.ask(msgs, reply_model(ctx.option_ids), scope=scope)
    sent = prompt_text(msgs)
    if answer.reply is None:
        return Speech(
            error=answer.error or "failed",
            error_kind=answer.error_kind,
            usage=answer.usage,
            prompt=sent,
            reply=answer.raw,
        )
    view, stated = clamp_scores(answer.reply, ctx.option_ids)
    return Speech(
        view=view,
        confidence=stated,
        rationale=answer.reply.rationale,
        usage=answer.usage,
        prompt=sent,
        reply=answer.raw,
    )


def _peer(
    ctx: RunContext, seat: int, view: np.ndarray, text: str | None, sure: float
) -> PeerStatement:
    option = ctx.option_ids[int(view.argmax())]
    return PeerStatement(
        seat=seat,
        name=ctx.personas[seat].name,
        option=option,
        confidence=sure,
        rationale=opening_rationale(ctx, seat, view) if text is None else text,
    )


def heard_statements(
    ctx: RunContext,
    seat: int,
    round_no: int,
    inbox: np.ndarray,
    heard: np.ndarray,
    notes: Mapping[SeatKey, str],
    stated: Mapping[int, float],
    memo: dict[tuple[int, bytes], dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """The peers' statements one seat reads this round: its fair sample of what it was sent.

    ``inbox`` (n, K) is what each peer sent this seat and ``heard`` (n,) which arrived; ``stated``
    maps LLM peers to the confidence they stated last round. The sample is drawn by
    ``council.reasoners.llm.hearing.sample_peers``. ``memo`` keeps statements already written this
    round, by sender and what it sent (most senders send every seat the same).
    """
    senders = [j for j in np.flatnonzero(heard).tolist() if j != seat]
    if not senders:
        return []
    rows = inbox[senders]
    # An LLM peer's stated confidence stands where it sent its own view (not a forged one).
    sure = confidence(rows).tolist()
    for k, j in enumerate(senders):
        if j in stated:
            sure[k] = stated[j]
    groups, faulty = _seat_facts(ctx)
    chosen = sample_peers(
        seed=ctx.config.seed,
        seat=seat,
        round_no=round_no,
        senders=senders,
        options=rows.argmax(axis=1).tolist(),
        confidence=[float(c) for c in sure],
        groups=[groups[j] for j in senders],
        faulty=[faulty[j] for j in senders],
        n=ctx.n,
        n_faulty=sum(faulty),
    )
    index = {j: k for k, j in enumerate(senders)}
    memo = {} if memo is None else memo
    out = []
    for j in chosen:
        row = rows[index[j]]
        key = (j, row.tobytes())
        if key not in memo:
            text = notes.get(SeatKey(round_no - 1, j))
            memo[key] = _peer(ctx, j, row, text, float(sure[index[j]])).model_dump()
        out.append(memo[key])
    return out


@functools.lru_cache(maxsize=64)
def _seat_facts(ctx: RunContext) -> tuple[tuple[str, ...], tuple[bool, ...]]:
    """Each seat's stakeholder group and whether it is faulty (read for every seat, every round)."""
    return tuple(p.group for p in ctx.personas), tuple(bool(f) for f in ctx.faulty)


def received_notes(
    notes: dict[SeatKey, str], round_no: int, late: np.ndarray | None
) -> dict[SeatKey, str]:
    """The statements a seat reads in a round: a late sender's is the one from the round before.

    ``late`` (n,) marks the senders whose message reached this seat a round late (network
    faults); their text is then their note of round ``round_no - 2`` (or none).

    >>> late = np.array([False, True, True])
    >>> said = {SeatKey(0, 1): "old", SeatKey(1, 1): "new", SeatKey(1, 2): "x"}
    >>> received_notes(said, 2, late)
    {SeatKey(round=0, seat=1): 'old', SeatKey(round=1, seat=1): 'old'}
    """
    if late is None or not late.any():
        return notes
    mine = dict(notes)
    for j in np.flatnonzero(late):
        older = notes.get(SeatKey(round_no - 2, int(j)))
        if older is None:
            mine.pop(SeatKey(round_no - 1, int(j)), None)
        else:
            mine[SeatKey(round_no - 1, int(j))] = older
    return mine


def council_digest(
    ctx: RunContext,
    views: np.ndarray,
    round_no: int,
    silent: set[int],
    ballot_tally: dict[str, int] | None,
) -> str:
    """The digest every seat's prompt carries: last round's tally, the last ballot, the bar."""
    # Last round's statements: a faulty seat's is nothing where its fault is silent then.
    quiet = {j for j in range(ctx.n) if ctx.faulty[j] and ctx.fault.silent(round_no - 1)} | silent
    ids = ctx.option_ids
    tops = np.asarray(views).argmax(axis=1).tolist()
    said = [ids[top] for j, top in enumerate(tops) if j not in quiet]
    return digest_block(
        said, silent=len(quiet), ballot_tally=ballot_tally, threshold=ctx.quorum, size=ctx.n
    )


def own_statement(
    ctx: RunContext,
    seat: int,
    view: Any,
    notes: Mapping[SeatKey, str],
    round_no: int,
    stated: Mapping[int, float],
    silent: set[int],
) -> dict[str, Any] | None:
    """A seat's own last statement, to remind it where it stood (None: it said nothing)."""
    if seat in silent:
        return None
    row = np.asarray(view, dtype=float)
    sure = stated[seat] if seat in stated else float(confidence(row[None, :])[0])
    return _peer(ctx, seat, row, notes.get(SeatKey(round_no - 1, seat)), sure).model_dump()
