"""The run record: the versioned, typed interface every reader (CLI, UI, exports) uses."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from council.contracts.choices import Reasoner, Status
from council.contracts.config import RunConfig
from council.contracts.inputs import RunInputs

RECORD_VERSION = 1


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Seat(BaseModel):
    """A persona in a council, with its behaviour and reasoner (``council.seats`` in a record)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seat: int
    persona: str
    behaviour: str
    """``honest`` or the fault spec of a faulty seat."""
    reasoner: Reasoner = "offline"
    model: str = "offline"
    """Who speaks for the seat: ``offline``, ``human``, or the LLM's model id."""


class Tolerance(BaseModel):
    """How many faulty seats a threshold survives (``council.tolerates`` in a run record)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    safety: int
    """Safety holds (no two honest seats commit different options) up to 2t - n - 1 faulty."""
    liveness: int
    """Liveness holds (faulty seats alone cannot block a decision) up to n - t faulty."""


class CouncilInfo(_Record):
    """The council as seated, with its quorum arithmetic."""

    size: int
    max_faulty: int = Field(description="f = floor((n-1)/3), whatever the number seated.")
    quorum: int = Field(
        description="The threshold t in force; for a quorum system beyond one threshold "
        "(groups:G/P, weights, a quorum file), the seats of its smallest quorum."
    )
    tolerates: Tolerance = Field(
        description="Faulty seats safety and liveness survive: 2t-n-1 and n-t for a threshold, "
        "the smallest quorum intersection and blocking set minus one for a quorum system."
    )
    seats: list[Seat]


class Statement(_Record):
    """What one seat said in one round."""

    seat: int
    option: str | None = Field(description="The seat's top option (None: it said nothing).")
    scores: dict[str, float] = Field(description="Its view: a score in [-1, 1] per option.")
    confidence: float = Field(
        ge=0,
        le=1,
        description="How sure it was: an LLM's own stated confidence; otherwise 0.5 plus its "
        "top option's margin. 0 when it said nothing.",
    )
    rationale: str = Field(description="Why, generated from the numbers behind the view.")
    sent: dict[str, int] | None = Field(
        default=None,
        description="Faulty seats only: how many seats it told each option (the truth a "
        "facilitator reveals; the rationale is what it argued in public).",
    )
    model: str = Field(
        default="offline", description="Who spoke: offline, human, or the LLM's model id."
    )
    prompt_hash: str | None = Field(
        default=None,
        description="LLM statements: sha256 of the exact prompt messages sent (kept in the "
        "store; `council show RUN --seat S --round R` prints them).",
    )
    reply_hash: str | None = Field(
        default=None, description="LLM statements: sha256 of the raw reply as received."
    )


class Round(_Record):
    """One round of statements; round 0 is the blind opening."""

    round: int
    statements: list[Statement]


class SeatView(_Record):
    """One honest seat's view of a ballot's prepares."""

    winner: str | None
    support: int


class Unlock(_Record):
    """A bft seat giving up its lock: a later ballot's prepares showed another option at t."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_by_name=True, serialize_by_alias=True
    )

    was: str = Field(alias="from", description="The option it had been locked on.")
    now: str = Field(alias="to", description="The option it sent commit for and is locked on.")


class Ballot(_Record):
    """One ballot of the protocol."""

    ballot: int
    after_round: int
    cast: dict[str, str | None] = Field(description="Seat -> first choice sent (most sent).")
    tally: dict[str, int] = Field(description="Option -> first choices cast.")
    views: dict[str, SeatView] = Field(description="Honest seat -> winner and support it saw.")
    commit_sent: dict[str, str] = Field(description="bft: seat -> option it sent commit for.")
    committed: dict[str, str] = Field(description="Honest seat -> its standing commit.")
    messages: int
    unlocked: dict[str, Unlock] = Field(
        default_factory=dict,
        description="bft: honest seat -> the lock it gave up in this ballot and its new one.",
    )


class Outcome(_Record):
    """The decision."""

    status: Status
    option: str | None
    label: str | None = None
    tally: dict[str, int]
    dissent: list[int] = Field(
        default_factory=list, description="Honest seats whose last ballot was another option."
    )
    degraded: bool = Field(
        default=False,
        description="Some LLM seat-phases failed and counted as crashed (metrics.seat_failures).",
    )
    reason: str | None = Field(
        default=None, description="Status error: why the run could not work, in one line."
    )


class Tokens(_Record):
    """LLM token usage."""

    prompt: int = 0
    completion: int = 0


class Metrics(_Record):
    """What the run measured (DESIGN.md, How a run goes, 10)."""

    safety_violation: bool
    agrees_with_baseline: bool | None
    baseline_option: str | None = None
    rounds_used: int
    messages: int
    honest_drift: float
    honest_flips: int
    llm_calls: int = 0
    llm_cached: int = 0
    llm_errors: int = 0
    seat_failures: int = 0
    llm_resent: int = Field(
        default=0,
        description="HTTP attempts a resume sent again: the calls in flight when the run stopped.",
    )
    tokens: Tokens = Tokens()
    cost_usd: float | None = Field(
        default=None,
        description="Estimated cost of the LLM calls, from the price table (None if a model "
        "used has no price).",
    )
    cost_by_model: dict[str, float | None] = Field(
        default_factory=dict, description="LLM runs: estimated cost per model (None: no price)."
    )
    wall_s: float = 0.0


class PdcaStep(_Record):
    """One step of the Plan-Do-Check-Act record."""

    summary: str
    items: list[str]


class Pdca(_Record):
    """A decided outcome as an action record."""

    option: str
    owners: list[str] = Field(description="Stakeholder groups that own the plan.")
    plan: PdcaStep
    do: PdcaStep
    check: PdcaStep
    act: PdcaStep


class RunRecord(_Record):
    """A whole run, as ``council run --json`` prints and the store keeps it."""

    version: int = RECORD_VERSION
    run_id: str
    created_at: str
    scenario: str
    config: RunConfig
    council: CouncilInfo
    rounds: list[Round]
    ballots: list[Ballot]
    outcome: Outcome
    commits: dict[str, str | None]
    metrics: Metrics
    pdca: Pdca | None
    errors: list[str] = Field(default_factory=list, description="Failed LLM calls, one line each.")
    _inputs: RunInputs | None = PrivateAttr(default=None)

    @property
    def inputs(self) -> RunInputs | None:
        """The scenario and personas the run was made from, when the store kept them.

        Not part of the record's JSON: the store keeps them beside it and attaches them here.
        """
        return self._inputs

    def __eq__(self, other: object) -> bool:
        """Records are equal when their fields are: the inputs they carry are not compared."""
        if not isinstance(other, RunRecord):
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]  # lists inside: never hashable

    def with_inputs(self, inputs: RunInputs | None) -> RunRecord:
        """The same record, carrying the inputs it was made from."""
        copy = self.model_copy()
        copy._inputs = inputs
        return copy
