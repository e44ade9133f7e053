"""What an LLM seat answers: a typed reply whose JSON schema is sent as a strict format."""

from __future__ import annotations

import functools
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator


class _Reply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="after")
    def _every_option_scored_once(self) -> Any:
        scored = [s.option for s in getattr(self, "scores", [])]
        options = _options_of(type(self))
        if sorted(scored) != sorted(options):
            raise ValueError(f"scores must list every option once: {', '.join(options)}")
        return self


def _options_of(model: type[BaseModel]) -> list[str]:
    field = model.model_fields["option"]
    return list(field.annotation.__args__)  # type: ignore[union-attr]


@functools.lru_cache(maxsize=64)
def reply_model(option_ids: tuple[str, ...]) -> type[_Reply]:
    """The reply model for a scenario's options (enums keep the model to real option ids)."""
    options = Literal[option_ids]  # type: ignore[valid-type]
    score = create_model(
        "OptionScore",
        __config__=ConfigDict(extra="forbid"),
        option=(options, Field(description="An option id.")),
        score=(float, Field(description="How good the option is, from -1 (bad) to 1 (good).")),
    )
    return create_model(
        "SeatReply",
        __base__=_Reply,
        option=(options, Field(description="The option you support now.")),
        scores=(list[score], Field(description="Every option with your score for it.")),
        confidence=(float, Field(description="How sure you are, from 0 to 1.")),
        rationale=(str, Field(description="Why, in two to four sentences, naming principles.")),
    )


def clamp_scores(reply: Any, option_ids: tuple[str, ...]) -> tuple[list[float], float]:
    """The reply's scores in option order, clipped to [-1, 1], with its option on top."""
    by_option = {s.option: max(-1.0, min(1.0, float(s.score))) for s in reply.scores}
    view = [by_option[o] for o in option_ids]
    chosen = option_ids.index(reply.option)
    if view[chosen] < max(view):  # the stated option is the seat's choice, whatever it scored
        view[chosen] = min(1.0, max(view) + 0.01)
    return view, max(0.0, min(1.0, float(reply.confidence)))
