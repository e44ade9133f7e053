"""Before spending: how many calls, tokens and dollars a council's LLM run will take."""

from __future__ import annotations

from pydantic import BaseModel

from council.config import RunConfig
from council.context import RunContext
from council.llm.prices import Price, cost
from council.llm.prompts import MAX_HEARD, MAX_SAID, PeerStatement, digest_block
from council.llm.seat import seat_messages, speaks_through_llm

COMPLETION_TOKENS = 220
"""Expected tokens of one reply (a short JSON object with a few sentences)."""


def tokens_of(text: str) -> int:
    """A rough token count: about four characters a token for English, fewer for Khmer."""
    return max(1, len(text) // 4)


class Estimate(BaseModel):
    """Expected size of an LLM run, from the fewest rounds to the most (failed ballots)."""

    llm_seats: int
    calls_min: int
    calls_max: int
    prompt_tokens_per_call: int
    prompt_tokens_max: int
    completion_tokens_max: int
    cost_min: float | None
    cost_max: float | None


def estimate(ctx: RunContext, prices: dict[str, Price]) -> Estimate:
    """Count the calls and tokens the run can take (with the baseline, if asked, doubled)."""
    seats = [i for i in range(ctx.n) if speaks_through_llm(ctx, i)]
    phases_min = ctx.config.rounds + 1
    phases_max = ctx.config.rounds + ctx.config.ballots
    factor = 2 if ctx.config.baseline else 1
    filler = PeerStatement(
        seat=0, name="x" * 40, option=ctx.option_ids[0], confidence=0.5, rationale="x" * MAX_SAID
    )
    per_call = []
    for seat in seats:
        opening = seat_messages(ctx, seat, 0)
        later = seat_messages(
            ctx,
            seat,
            1,
            digest=digest_block([filler, filler]),
            heard=[filler] * MAX_HEARD,
            own_last=filler,
        )
        per_call += [
            sum(tokens_of(m["content"]) for m in opening),
            sum(tokens_of(m["content"]) for m in later),
        ]
    prompt_per_call = max(per_call) if per_call else 0
    calls_min = len(seats) * phases_min * factor
    calls_max = len(seats) * phases_max * factor
    model = ctx.config.model
    return Estimate(
        llm_seats=len(seats),
        calls_min=calls_min,
        calls_max=calls_max,
        prompt_tokens_per_call=prompt_per_call,
        prompt_tokens_max=prompt_per_call * calls_max,
        completion_tokens_max=COMPLETION_TOKENS * calls_max,
        cost_min=cost(prices, model, prompt_per_call * calls_min, COMPLETION_TOKENS * calls_min),
        cost_max=cost(prices, model, prompt_per_call * calls_max, COMPLETION_TOKENS * calls_max),
    )


def estimate_config(config: RunConfig, prices: dict[str, Price] | None = None) -> Estimate:
    """The estimate for a config (resolved against the library), with the built-in prices."""
    from council.engine import prepare
    from council.llm.prices import DEFAULT_PRICES

    return estimate(prepare(config), prices or DEFAULT_PRICES)
