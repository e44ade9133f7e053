"""The workshop room: one council run played by several people, each from their own browser.

A facilitator opens a room for one run (``RoomSettings``); trainees join it by its code and get
a seat (``Member``, found again by a secret token); each round every person's answer is kept
(``RoomStatement``) until the run goes on; at the end each trainee guesses which seats were
faulty (``Guess``). Everything lives in the store's SQLite file (``council.room_store``), so a
reload, a phone that sleeps or a server restart loses nothing.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from council.contracts.config import RunConfig
from council.contracts.principles import Group

ROOM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""Room codes use letters and digits nobody misreads (no 0/O, 1/I)."""

CODE_LENGTH = 6
TOKEN_BYTES = 16
"""A seat's token is ``secrets.token_urlsafe(16)``: 22 characters."""


RoomState = Literal["waiting", "running", "done", "closed", "failed"]
"""``waiting`` for people's statements; ``running`` while one session moves the run on;
``done`` when the council decided (or gave up); ``closed`` by the facilitator; ``failed`` if
the run stopped with an error (the room's ``error`` says why)."""

Absent = Literal["persona", "silent"]


class RoomSettings(BaseModel):
    """What the facilitator chose: the run, which seats are people, and the round timer."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    config: RunConfig = Field(
        description="The run; its human_seats are the people's seats and its person_faults "
        "their secret faulty roles."
    )
    timer_s: int | None = Field(
        default=None,
        ge=10,
        le=3600,
        description="Seconds a round waits for people before it goes on without them "
        "(None: until everyone has answered or the facilitator moves it on).",
    )
    title: str = Field(default="", max_length=120, description="What the room is called.")

    @model_validator(mode="after")
    def _people(self) -> RoomSettings:
        if not self.config.human_seats:
            raise ValueError("a room needs at least one seat played by a person")
        return self


class Board(BaseModel):
    """What the room's screens show of the run so far (updated each time the run moves on)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    size: int = 0
    quorum: int = Field(default=0, description="The threshold t a decision needs.")
    rounds: int = Field(default=0, description="Rounds finished.")
    tally: dict[str, int] = Field(
        default_factory=dict, description="Option -> seats that put it first, last round."
    )
    latest: dict[int, str] = Field(
        default_factory=dict, description="Seat -> its option of record, last round."
    )
    ballots: int = 0
    support: dict[str, int] = Field(
        default_factory=dict,
        description="Last ballot: option -> the most support an honest seat saw for it.",
    )
    groups: dict[int, str] = Field(default_factory=dict, description="Seat -> its group.")
    names: dict[int, str] = Field(default_factory=dict, description="Seat -> persona name.")
    options: dict[str, str] = Field(default_factory=dict, description="Option id -> label.")


class Room(BaseModel):
    """A room as the store holds it: where its run stands."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    settings: RoomSettings
    state: RoomState
    turn: int = Field(description="How many times the run has waited for people (0 first).")
    run_id: str
    created_at: str
    turn_started: float = Field(description="Unix time the current turn began (the timer).")
    waiting: list[int] = Field(description="Seats the run waits for in this turn.")
    prompts: list[dict[str, object]] = Field(
        description="What each waiting seat is shown (HumanPrompt data), in seat order."
    )
    round: int | None = Field(default=None, description="The run's round this turn is in.")
    board: Board = Field(default_factory=Board)
    decided: str | None = Field(default=None, description="The option decided, once done.")
    error: str | None = None


class Member(BaseModel):
    """A trainee in a seat. The token is their secret: it is never shown to anyone else."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    token: str
    room: str
    name: str = Field(min_length=1, max_length=40)
    seat: int


class Told(BaseModel):
    """What a person with a faulty role told one stakeholder group."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    option: str
    argument: str = Field(default="", max_length=2000)


class RoomStatement(BaseModel):
    """One person's answer in one turn of a room."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    room: str
    turn: int
    seat: int
    option: str
    confidence: float = Field(ge=0.0, le=1.0)
    argument: str = Field(min_length=1, max_length=2000)
    told: dict[Group, Told] | None = Field(
        default=None,
        description="A faulty person: what each stakeholder group hears (the option and the "
        "argument); None for an honest person, who tells everyone the same.",
    )
    at: float = Field(description="Unix time it was given.")


class Guess(BaseModel):
    """A trainee's guess of which seats were faulty."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    room: str
    token: str
    seats: tuple[int, ...]


class Score(BaseModel):
    """A trainee's line on the leaderboard."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    seat: int
    found: int = Field(description="Faulty seats they named.")
    wrong: int = Field(description="Honest seats they named as faulty.")
    missed: int = Field(description="Faulty seats they did not name.")
    score: int = Field(description="found - wrong.")


class RoomStatus(BaseModel):
    """What a poll of a room reads: where it stands, who sits where, who has answered."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    room: Room
    people: dict[int, str] = Field(description="Seat -> the display name of who plays it.")
    answered: list[int] = Field(description="Seats that answered this turn.")

    @property
    def missing(self) -> list[int]:
        """Seats the run still waits for."""
        return [s for s in self.room.waiting if s not in self.answered]
