"""Before spending: how many calls, tokens and dollars a council's LLM run will take.

Tokens are counted with the model's own tokenizer where we have it (see
:mod:`council.reasoners.llm.tokens`), prompts as they would be sent (messages, per-message overhead
and the reply schema, which servers count as input). The range runs from the fewest phases (the
first ballot decides) with no failure, to the most phases (every ballot fails) with
:data:`RETRY_RATE` extra attempts and :data:`REPAIR_RATE` repairs per call.
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


class Estimate(BaseModel):
    """Expected size of an LLM run, from the fewest rounds to the most (failed ballots)."""

    llm_seats: int
    calls_min: int = Field(description="Seat-phases if the first ballot decides.")
    calls_max: int = Field(description="Seat-phases if every ballot fails.")
    attempts_max: int = Field(description="HTTP requests at most: calls_max with retries/repairs.")
    prompt_tokens_per_call: int = Field(description="The largest prompt of any seat-phase.")
    prompt_tokens_min: int
    prompt_tokens_max: int
    completion_tokens_per_call: int = Field(description="A typical reply.")
    completion_tokens_cap: int = Field(description="The output cap each request carries.")
    completion_tokens_min: int
    completion_tokens_max: int
    cost_min: float | None
    cost_max: float | None
    tokenizer: str = Field(description="What counted the tokens.")
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


def estimate(
    ctx: RunContext, prices: dict[str, Price], max_completion_tokens: int = MAX_COMPLETION_TOKENS
) -> Estimate:
    """Count the calls and tokens the run can take (with the baseline, if asked, doubled)."""
    model = ctx.config.model
    seats = [i for i in range(ctx.n) if speaks_through_llm(ctx, i)]
    phases_min = ctx.config.rounds + 1
    phases_max = ctx.config.rounds + ctx.config.ballots
    factor = 2 if ctx.config.baseline else 1
    schema = count_json(reply_schema(reply_model(ctx.option_ids)), model)
    filler = PeerStatement(
        seat=0, name="x" * 40, option=ctx.option_ids[0], confidence=0.5, rationale="x" * MAX_SAID
    )
    opening, later = [], []
    for seat in seats:
        heard = [filler] * MAX_HEARD
        full = seat_messages(
            ctx, seat, 1, digest=digest_block([filler, filler]), heard=heard, own_last=filler
        )
        opening.append(count_messages(seat_messages(ctx, seat, 0), model) + schema)
        later.append(count_messages(full, model) + schema)
    reply = count(_typical_reply(ctx), model)
    prompt_min = factor * (sum(opening) + sum(later) * (phases_min - 1))
    extra = 1 + RETRY_RATE + REPAIR_RATE
    # A repair resends the prompt with the bad reply and a short note: about a prompt and a reply.
    prompt_max = math.ceil(
        factor * (sum(opening) + sum(later) * (phases_max - 1)) * extra
        + factor * len(seats) * phases_max * REPAIR_RATE * (reply + 40)
    )
    calls_min = len(seats) * phases_min * factor
    calls_max = len(seats) * phases_max * factor
    completion_min = reply * calls_min
    completion_max = math.ceil(reply * calls_max * extra)
    return Estimate(
        llm_seats=len(seats),
        calls_min=calls_min,
        calls_max=calls_max,
        attempts_max=math.ceil(calls_max * extra),
        prompt_tokens_per_call=max([*opening, *later], default=0),
        prompt_tokens_min=prompt_min,
        prompt_tokens_max=prompt_max,
        completion_tokens_per_call=reply,
        completion_tokens_cap=max_completion_tokens,
        completion_tokens_min=completion_min,
        completion_tokens_max=completion_max,
        cost_min=cost(prices, model, prompt_min, completion_min),
        cost_max=cost(prices, model, prompt_max, completion_max),
        tokenizer=tokenizer_of(model),
    )


def estimate_config(config: RunConfig, prices: dict[str, Price] | None = None) -> Estimate:
    """The estimate for a config (resolved against the library), with the built-in prices."""
    from council.engine.context import prepare
    from council.reasoners.llm.prices import DEFAULT_PRICES

    return estimate(prepare(config), prices or DEFAULT_PRICES)
