"""Progress events: what a run (or a sweep) reports as it goes, one typed model per kind.

A drive of the deliberation reports every round that closes (``RoundFinished``), every ballot
counted (``BallotCounted``), each LLM seat's statement as its reply arrives (``SeatSpoke``),
the running LLM usage and cost (``LlmUsage``) and the endpoint check before any seat is called
(``Preflight``); a sweep reports the runs done (``SweepAdvanced``). Whoever shows progress (the
CLI's lines on standard error, the app's status box, a sweep's bar) takes one callback type,
``Progress``, and matches on the event's ``kind``.

Rounds and ballots are also what a run records: the graph carries them in its state and the
store keeps them in its ``events`` table, as the JSON of the model (``{"kind": "round",
"round": 0}``), so ``run_event`` reads back every store written before these models existed.

>>> run_event({"kind": "ballot", "ballot": 1, "committed": 7})
BallotCounted(kind='ballot', ballot=1, committed=7)
>>> RoundFinished(round=2).model_dump()
{'kind': 'round', 'round': 2}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RoundFinished(_Event):
    """A round closed: every seat's view of it is in (round 0 is the blind opening)."""

    kind: Literal["round"] = "round"
    round: int


class BallotCounted(_Event):
    """A ballot of the protocol was counted."""

    kind: Literal["ballot"] = "ballot"
    ballot: int
    """Its number, from 1."""
    committed: int
    """Seats committed after it (only honest seats commit)."""


class SeatSpoke(_Event):
    """An LLM seat's statement, as soon as its reply is in (before the round closes)."""

    kind: Literal["seat"] = "seat"
    round: int
    seat: int
    model: str
    option: str | None
    """The option its view puts first; None if it failed this phase (it said nothing)."""
    confidence: float | None
    """The model's own stated confidence (None if it failed)."""
    rationale: str = ""
    error: str | None = None
    """Why it failed this phase, if it did."""


class LlmUsage(_Event):
    """The run's LLM usage so far (this drive's calls), after each seat-phase."""

    kind: Literal["llm"] = "llm"
    calls: int = 0
    """HTTP attempts."""
    errors: int = 0
    """Failed attempts."""
    cached: int = 0
    """Answers taken from the cache."""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None
    """What the calls so far cost (None if a model used has no price)."""

    @property
    def tokens(self) -> int:
        """Prompt and completion tokens together."""
        return self.prompt_tokens + self.completion_tokens


class Preflight(_Event):
    """Every endpoint the council uses answered its check; the seats are called next."""

    kind: Literal["preflight"] = "preflight"
    endpoints: int


class SweepAdvanced(_Event):
    """A sweep wrote a block of runs: ``done`` of ``total`` are in the table."""

    kind: Literal["sweep"] = "sweep"
    done: int
    total: int
    runs_per_s: float | None = None
    """Runs per second so far in this session (rows kept by ``--resume`` not counted)."""
    eta_s: float | None = None
    """Seconds left at that rate (None until a block is done)."""


RunEvent = Annotated[RoundFinished | BallotCounted, Field(discriminator="kind")]
"""What a run records as it happened (the graph's state, the store's ``events`` table)."""

ProgressEvent = Annotated[
    RoundFinished | BallotCounted | SeatSpoke | LlmUsage | Preflight | SweepAdvanced,
    Field(discriminator="kind"),
]
"""Every event a run or a sweep reports."""

Progress = Callable[[ProgressEvent], None]
"""Where progress goes: the one callback type of runs, the app and sweeps."""

_RUN_EVENT: TypeAdapter[RunEvent] = TypeAdapter(RunEvent)
_PROGRESS_EVENT: TypeAdapter[ProgressEvent] = TypeAdapter(ProgressEvent)


def run_event(data: Mapping[str, Any]) -> RunEvent:
    """A recorded event from its JSON data (ValidationError if it is no round or ballot)."""
    return _RUN_EVENT.validate_python(data)


def progress_event(data: Mapping[str, Any]) -> ProgressEvent:
    """Any progress event from its JSON data (ValidationError for an unknown kind)."""
    return _PROGRESS_EVENT.validate_python(data)
