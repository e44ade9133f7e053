"""A run's configuration: every option resolved, defaults included, so a record can repeat it.

``RunConfig`` is the one place a run's defaults, bounds and descriptions are written: the CLI's
flags (``council.cli.options``) and the app's widgets (``council.ui.form``) read theirs from its
fields (``default_of``, ``bounds_of``, ``choices_of``).
"""

from __future__ import annotations

from typing import Any, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from council.contracts.choices import Backend, CacheMode, Language, Protocol, Topology, Update
from council.contracts.principles import Group
from council.contracts.seat_models import DEFAULT_MODEL, SeatModels

__all__ = [
    "MAX_SEED",
    "MAX_SIZE",
    "Protocol",
    "RunConfig",
    "Topology",
    "Update",
    "bounds_of",
    "choices_of",
    "default_of",
    "description_of",
]

MAX_SIZE = 1000
"""The largest council a run seats."""
MAX_SEED = 2**63 - 1
"""The largest seed: the store and the checkpointer keep it as a SQLite integer (64 bits)."""


class RunConfig(BaseModel):
    """Everything that decides a run (with the library): the record's ``config``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scenario: str = Field(description="Library id of the scenario (or the path it came from).")
    size: int = Field(
        default=33,
        ge=1,
        le=MAX_SIZE,
        description="Seats, composed from the library round-robin across the four groups.",
    )
    personas: tuple[str, ...] | None = Field(
        default=None, description="Exactly these personas, in order (overrides size)."
    )
    byzantine: int = Field(default=0, ge=0, description="Faulty seats, drawn by the seed.")
    fault: str = Field(
        default="equivocate", description="Fault model of the faulty seats, NAME[:OPTION]."
    )
    protocol: Protocol = Field(default="bft", description="How ballots become a decision.")
    quorum: str = Field(
        default="bft",
        description="Quorum rule: a name, a fraction, groups:G/P or a quorum file (.yaml).",
    )
    method: str = Field(default="plurality", description="How ballots rank the options.")
    update: Update = Field(default="fj", description="How seats revise their views.")
    rounds: int = Field(default=2, ge=0, le=50, description="Deliberation rounds before a vote.")
    ballots: int = Field(default=3, ge=1, le=20, description="Ballots before giving up.")
    topology: Topology = Field(default="complete", description="Who hears whom.")
    backend: Backend = Field(default="offline", description="Who reasons for the seats.")
    model: str | None = Field(
        default=None, description=f"Model name for LLM seats (default {DEFAULT_MODEL})."
    )
    base_url: str | None = Field(default=None, description="Endpoint, without credentials.")
    seed: int = Field(
        default=0, ge=0, le=MAX_SEED, description="Seed that fixes everything random."
    )
    human_seats: tuple[int, ...] = Field(default=(), description="Seats a person plays.")
    person_faults: dict[int, str] = Field(
        default_factory=dict,
        description="Seats a person plays with a secret faulty role (equivocate, "
        "persuader:OPTION, collude:OPTION, stubborn:OPTION), by seat: faulty seats whose "
        "messages are what the person told each group. Left out of a record when empty.",
    )
    language: Language = Field(default="en", description="Language of the rationales.")
    cache: CacheMode = Field(
        default="on",
        description="LLM response cache: use and fill (on), replay only (read), or bypass (off).",
    )
    max_concurrency: int = Field(default=64, ge=1, le=1024, description="LLM calls at once.")
    temperature: float = Field(default=0.7, ge=0, le=2, description="LLM sampling temperature.")
    baseline: bool = Field(
        default=False, description="LLM runs: also run the fault-free baseline (doubles calls)."
    )
    weights: dict[Group, float] | None = Field(
        default=None,
        description="Weight of each seat by its group (unnamed groups 1): a weighted threshold.",
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

    @model_validator(mode="after")
    def _person_faults(self) -> RunConfig:
        strays = sorted(set(self.person_faults) - set(self.human_seats))
        if strays:
            raise ValueError(f"person_faults: seats {strays} are not in human_seats")
        return self

    @model_serializer(mode="wrap")
    def _drop_empty(
        self, handler: SerializerFunctionWrapHandler, info: SerializationInfo
    ) -> dict[str, Any]:
        """Records without people in faulty roles keep the shape they always had."""
        data: dict[str, Any] = handler(self)
        if not self.person_faults:
            data.pop("person_faults", None)
        return data

    @property
    def network_faults(self) -> bool:
        """Whether any message can be lost, late or cut off."""
        return bool(self.drop or self.delay or self.partition)

    models: SeatModels | None = Field(
        default=None,
        description="LLM runs: a model per group or persona, from a models file (key env var "
        "names only, never keys); None: every seat uses model and base_url.",
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
        return self.model_copy(update={"byzantine": 0, "person_faults": {}})


def default_of(name: str) -> Any:
    """A config field's default.

    >>> default_of("size"), default_of("backend")
    (33, 'offline')
    """
    return RunConfig.model_fields[name].get_default(call_default_factory=True)


def description_of(name: str) -> str:
    """A config field's description (what the CLI's help and the app's hints say)."""
    return RunConfig.model_fields[name].description or ""


def bounds_of(name: str) -> tuple[Any, Any]:
    """A numeric config field's (lowest, highest) allowed value; None where unbounded.

    >>> bounds_of("size"), bounds_of("byzantine"), bounds_of("temperature")
    ((1, 1000), (0, None), (0, 2))
    """
    low = high = None
    for rule in RunConfig.model_fields[name].metadata:  # annotated-types' Ge, Gt, Le, Lt
        low = next((getattr(rule, a) for a in ("ge", "gt") if hasattr(rule, a)), low)
        high = next((getattr(rule, a) for a in ("le", "lt") if hasattr(rule, a)), high)
    return low, high


def choices_of(name: str) -> tuple[str, ...]:
    """The names a config field of a closed set takes (``council.contracts.choices``).

    >>> choices_of("protocol"), choices_of("cache")
    (('bft', 'tally'), ('on', 'read', 'off'))
    """
    found = get_args(RunConfig.model_fields[name].annotation)
    if not found or not all(isinstance(v, str) for v in found):
        raise ValueError(f"{name} is not a closed set of names")
    return tuple(found)
