"""A run's configuration: every option resolved, defaults included, so a record can repeat it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from council.contracts.principles import Group
from council.contracts.seat_models import SeatModels

Protocol = Literal["bft", "tally"]
Update = Literal["fj", "wmsr", "majority"]
Topology = Literal["complete", "small-world", "scale-free", "ring"]

MAX_SIZE = 1000


class RunConfig(BaseModel):
    """Everything that decides a run (with the library): the record's ``config``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scenario: str = Field(description="Library id of the scenario (or the path it came from).")
    size: int = Field(default=33, ge=1, le=MAX_SIZE, description="Number of seats.")
    personas: tuple[str, ...] | None = Field(
        default=None, description="Exactly these personas, in order (overrides size)."
    )
    byzantine: int = Field(default=0, ge=0, description="Number of faulty seats.")
    fault: str = Field(default="equivocate", description="Fault model spec, NAME[:OPTION].")
    protocol: Protocol = Field(default="bft", description="How ballots become a decision.")
    quorum: str = Field(
        default="bft",
        description="Quorum rule: a name, a fraction, groups:G/P or a quorum file (.yaml).",
    )
    method: str = Field(default="plurality", description="Aggregation method.")
    update: Update = Field(default="fj", description="Deliberation update rule.")
    rounds: int = Field(default=2, ge=0, le=50, description="Deliberation rounds before a vote.")
    ballots: int = Field(default=3, ge=1, le=20, description="Ballots before giving up.")
    topology: Topology = Field(default="complete", description="Who hears whom.")
    backend: str = Field(default="offline", description="Reasoner for the seats.")
    model: str | None = Field(default=None, description="Model name for LLM seats.")
    base_url: str | None = Field(default=None, description="Endpoint, without credentials.")
    seed: int = Field(default=0, ge=0, description="Seed that fixes everything random.")
    human_seats: tuple[int, ...] = Field(default=(), description="Seats a person plays.")
    language: Literal["en", "km"] = Field(default="en", description="Language of rationales.")
    cache: Literal["on", "read", "off"] = Field(
        default="on", description="LLM response cache: use and fill, only read, or bypass."
    )
    max_concurrency: int = Field(default=64, ge=1, le=1024, description="LLM calls at once.")
    temperature: float = Field(default=0.7, ge=0, le=2, description="LLM sampling temperature.")
    baseline: bool = Field(
        default=False, description="LLM runs: also run the fault-free baseline (doubles calls)."
    )
    weights: dict[Group, float] | None = Field(
        default=None,
        description="Weight of each seat by group (unnamed groups 1): a weighted threshold.",
    )
    faulty_groups: tuple[Group, ...] | None = Field(
        default=None, description="Draw the faulty seats from these groups only (None: all)."
    )
    drop: float = Field(default=0.0, ge=0, le=1, description="Chance each message is lost.")
    delay: float = Field(
        default=0.0, ge=0, le=1, description="Chance each message arrives one round late."
    )
    partition: str | None = Field(
        default=None, description="Two sides cut apart for some rounds, SIDE|SIDE@R1-R2."
    )

    @field_validator("weights")
    @classmethod
    def _weights(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        if value is not None and any(w < 0 for w in value.values()):
            raise ValueError("weights cannot be negative")
        return value

    @property
    def network_faults(self) -> bool:
        """Whether any message can be lost, late or cut off."""
        return bool(self.drop or self.delay or self.partition)

    models: SeatModels | None = Field(
        default=None,
        description="LLM runs: a model per group or persona (the --models file; key env var "
        "names only, never keys). None: every seat uses model and base_url.",
    )
    max_seat_failures: float = Field(
        default=0.25,
        ge=0,
        le=1,
        description="LLM runs: the share of LLM seat-phases that may fail before the run is an "
        "error rather than a degraded result.",
    )
    max_cost: float | None = Field(
        default=None,
        gt=0,
        description="LLM runs: US dollars the calls may cost; the run stops with an error "
        "once they pass it (and does not start if the estimate's lower bound does).",
    )

    def honest(self) -> RunConfig:
        """The same run with every seat honest: the baseline for validity."""
        return self.model_copy(update={"byzantine": 0})
