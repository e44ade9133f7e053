"""Before spending: how many calls, tokens and dollars a council's LLM run will take.

Each seat is counted with its own model's tokenizer where we have it (see
:mod:`council.reasoners.llm.tokens`) and priced at its own model's price (with ``--models``, seats
differ), prompts as they would be sent (messages, per-message overhead and the reply schema,
which servers count as input). The range runs from the fewest phases (the first ballot
decides) with no failure, to the most phases (every ballot fails) with :data:`RETRY_RATE`
extra attempts and :data:`REPAIR_RATE` repairs per call.
"""

from __future__ import annotations

import math

from pydantic import BaseModel, Field

from council.contracts.config import RunConfig
from council.engine.context import RunContext
from council.reasoners.llm.prices import Price, cost
from council.reasoners.llm.prompts import MAX_HEARD, MAX_SAID, PeerStatement, digest_block
from council.reasoners.llm.reply import reply_model, reply_schema
from council.reasoners.llm.seat import seat_messages, speaks_through_llm
from council.reasoners.llm.tokens import (
    MAX_COMPLETION_TOKENS,
    count,
    count_json,
    count_messages,
    tokenizer_of,
)

RETRY_RATE = 0.10
"""Assumed extra HTTP attempts per call at most (429s, 5xx, timeouts retried)."""
REPAIR_RATE = 0.05
"""Assumed share of replies at most that need one repair (the prompt sent again, plus the reply)."""
RATIONALE_CHARS = 400
"""Characters of a typical rationale (two to four sentences; the schema allows 600)."""

_ENGLISH = (
    "Accountability and fairness weigh most here: the harm falls on people who cannot contest "
    "it, so the safer option protects them while the facts are checked. "
)


class ModelEstimate(BaseModel):
    """One model's part of an estimate: its seats, counted with its tokenizer, at its price."""

    seats: int
    tokenizer: str = Field(description="What counted this model's tokens.")
    prompt_tokens_min: int
    prompt_tokens_max: int
    completion_tokens_min: int
    completion_tokens_max: int
    cost_min: float | None = Field(description="None: no price for this model.")
    cost_max: float | None


class Estimate(BaseModel):
    """Expected size of an LLM run, from the fewest rounds to the most (failed ballots)."""

    llm_seats: int
    calls_min: int = Field(description="Seat-phases if the first ballot decides.")
    calls_max: int = Field(description="Seat-phases if every ballot fails.")
    attempts_max: int = Field(description="HTTP requests at most: calls_max with retries/repairs.")
    prompt_tokens_per_call: int = Field(description="The largest prompt of any seat-phase.")
    prompt_tokens_min: int
    prompt_tokens_max: int
    completion_tokens_per_call: int = Field(description="A typical reply (the longest model's).")
    completion_tokens_cap: int = Field(description="The output cap each request carries.")
    completion_tokens_min: int
    completion_tokens_max: int
    cost_min: float | None = Field(description="None if a model of the run has no price.")
    cost_max: float | None
    tokenizer: str = Field(description="What counted the tokens (per model if they differ).")
    by_model: dict[str, ModelEstimate] = Field(
        default_factory=dict, description="Each model's seats, tokens and cost (--models)."
    )
    retry_rate: float = RETRY_RATE
    repair_rate: float = REPAIR_RATE


def _typical_reply(ctx: RunContext) -> str:
    options = ctx.option_ids
    text = _ENGLISH
    if ctx.config.language == "km" and "km" in ctx.scenario.translations:
        text = ctx.scenario.translations["km"].summary or text
    rationale = (text * (RATIONALE_CHARS // max(1, len(text)) + 1))[:RATIONALE_CHARS]
    reply = reply_model(options).model_validate(
        {
            "option": options[0],
            "scores": dict.fromkeys(options, -0.25),
            "confidence": 0.75,
            "rationale": rationale,
        }
    )
    return reply.model_dump_json(by_alias=True)


class _Counts(BaseModel):
    """One model's token counts: its seats' prompts (opening and later) and a typical reply."""

    opening: list[int]
    later: list[int]
    reply: int


def _counts(ctx: RunContext, model: str, seats: list[int]) -> _Counts:
    """Count one model's seats' prompts and a typical reply with that model's tokenizer."""
    schema = count_json(reply_schema(reply_model(ctx.option_ids)), model)
    filler = PeerStatement(
        seat=0, name="x" * 40, option=ctx.option_ids[0], confidence=0.5, rationale="x" * MAX_SAID
    )
    opening, later = [], []
    for seat in seats:
        full = seat_messages(
            ctx,
            seat,
            1,
            digest=digest_block([ctx.option_ids[0]] * 2),
            heard=[filler] * MAX_HEARD,
            own_last=filler,
        )
        opening.append(count_messages(seat_messages(ctx, seat, 0), model) + schema)
        later.append(count_messages(full, model) + schema)
    return _Counts(opening=opening, later=later, reply=count(_typical_reply(ctx), model))


def estimate(
    ctx: RunContext, prices: dict[str, Price], max_completion_tokens: int = MAX_COMPLETION_TOKENS
) -> Estimate:
    """Count the calls and tokens the run can take (with the baseline, if asked, doubled).

    Each seat is counted with its own model's tokenizer and priced at its own model's price
    (``--models``); the cost is None if any model of the run has no price.
    """
    seats_of: dict[str, list[int]] = {}
    for i in range(ctx.n):
        endpoint = ctx.endpoints[i]
        if endpoint is not None and speaks_through_llm(ctx, i):
            seats_of.setdefault(endpoint.model, []).append(i)
    n_seats = sum(len(s) for s in seats_of.values())
    phases_min = ctx.config.rounds + 1
    phases_max = ctx.config.rounds + ctx.config.ballots
    factor = 2 if ctx.config.baseline else 1
    extra = 1 + RETRY_RATE + REPAIR_RATE
    counts = {model: _counts(ctx, model, seats) for model, seats in seats_of.items()}
    by_model: dict[str, ModelEstimate] = {}
    for model, c in counts.items():
        seats = len(seats_of[model])
        prompt_min = factor * (sum(c.opening) + sum(c.later) * (phases_min - 1))
        # A repair resends the prompt with the bad reply and a short note: about a prompt and
        # a reply.
        prompt_max = math.ceil(
            factor * (sum(c.opening) + sum(c.later) * (phases_max - 1)) * extra
            + factor * seats * phases_max * REPAIR_RATE * (c.reply + 40)
        )
        completion_min = c.reply * seats * phases_min * factor
        completion_max = math.ceil(c.reply * seats * phases_max * factor * extra)
        by_model[model] = ModelEstimate(
            seats=seats,
            tokenizer=tokenizer_of(model),
            prompt_tokens_min=prompt_min,
            prompt_tokens_max=prompt_max,
            completion_tokens_min=completion_min,
            completion_tokens_max=completion_max,
            cost_min=cost(prices, model, prompt_min, completion_min),
            cost_max=cost(prices, model, prompt_max, completion_max),
        )
    parts = list(by_model.values())
    calls_max = n_seats * phases_max * factor
    tokenizers = {m: e.tokenizer for m, e in by_model.items()}
    return Estimate(
        llm_seats=n_seats,
        calls_min=n_seats * phases_min * factor,
        calls_max=calls_max,
        attempts_max=math.ceil(calls_max * extra),
        prompt_tokens_per_call=max(
            (t for c in counts.values() for t in c.opening + c.later), default=0
        ),
        prompt_tokens_min=sum(e.prompt_tokens_min for e in parts),
        prompt_tokens_max=sum(e.prompt_tokens_max for e in parts),
        completion_tokens_per_call=max((c.reply for c in counts.values()), default=0),
        completion_tokens_cap=max_completion_tokens,
        completion_tokens_min=sum(e.completion_tokens_min for e in parts),
        completion_tokens_max=sum(e.completion_tokens_max for e in parts),
        cost_min=_total([e.cost_min for e in parts]),
        cost_max=_total([e.cost_max for e in parts]),
        tokenizer=_tokenizers(tokenizers) if tokenizers else tokenizer_of(ctx.config.model),
        by_model=by_model,
    )


def _total(costs: list[float | None]) -> float | None:
    """The sum of the models' costs (0 for none), or None if any has no price."""
    if any(c is None for c in costs):
        return None
    return round(sum(c for c in costs if c is not None), 6)


def _tokenizers(by_model: dict[str, str]) -> str:
    """One tokenizer's name, or each model's where they differ.

    >>> _tokenizers({"a": "o200k_base", "b": "o200k_base"})
    'o200k_base'
    >>> _tokenizers({"gpt-4o-mini": "o200k_base", "llama3.1": "chars"})
    'o200k_base (gpt-4o-mini); chars (llama3.1)'
    """
    if len(set(by_model.values())) == 1:
        return next(iter(by_model.values()))
    return "; ".join(f"{t} ({m})" for m, t in by_model.items())


def estimate_config(config: RunConfig, prices: dict[str, Price] | None = None) -> Estimate:
    """The estimate for a config (resolved against the library), with the built-in prices."""
    from council.engine.context import prepare
    from council.reasoners.llm.prices import DEFAULT_PRICES

    return estimate(prepare(config), prices or DEFAULT_PRICES)
