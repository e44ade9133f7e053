"""A person in a seat: what they are shown when the run waits for them, and what they answer."""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from council.engine.context import RunContext


class Heard(BaseModel):
    """One peer's statement, as the person's seat received it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seat: int
    persona: str
    option: str
    scores: dict[str, float]


class HumanPrompt(BaseModel):
    """What a person sees when the run waits at their seat."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seat: int
    round: int
    persona: str = Field(description="Persona id of the seat.")
    name: str
    role: str
    options: dict[str, str] = Field(description="Option id -> label.")
    own_view: dict[str, float] = Field(description="What the persona's own values suggest.")
    heard: list[Heard] = Field(description="Peers' statements this round (none in round 0).")


class HumanAnswer(BaseModel):
    """What a person says at their seat."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    option: str
    confidence: float = Field(ge=0.0, le=1.0)
    argument: str = Field(min_length=1, max_length=2000)
    told: dict[str, str] | None = Field(
        default=None,
        description="A person in a secret faulty role: the option each stakeholder group is "
        "told (groups left out hear ``option``); None: everyone hears the same.",
    )

    @model_validator(mode="after")
    def _strip(self) -> HumanAnswer:
        if not self.argument.strip():
            raise ValueError("say why, in a sentence or two")
        return self


def human_prompt(ctx: RunContext, task: Any, view: np.ndarray) -> HumanPrompt:
    """The prompt for the person at ``task['seat']`` in ``task['round']``."""
    seat = int(task["seat"])
    persona = ctx.personas[seat]
    heard: list[Heard] = []
    if task["round"] > 0:
        inbox, arrived = np.array(task["inbox"]), np.array(task["heard"])
        for j in np.flatnonzero(arrived):
            said = inbox[j]
            heard.append(
                Heard(
                    seat=int(j),
                    persona=ctx.personas[j].id,
                    option=ctx.option_ids[int(said.argmax())],
                    scores={
                        o: round(float(x), 3) for o, x in zip(ctx.option_ids, said, strict=True)
                    },
                )
            )
    return HumanPrompt(
        seat=seat,
        round=int(task["round"]),
        persona=persona.id,
        name=persona.name,
        role=persona.role,
        options={o.id: o.label for o in ctx.scenario.options},
        own_view={o: round(float(x), 3) for o, x in zip(ctx.option_ids, view, strict=True)},
        heard=heard,
    )
