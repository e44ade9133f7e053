"""The key of one seat's turn: ``(round, seat)``, and its text form in the graph's state.

What a seat said, whether it failed and what its LLM call carried are kept per round and seat.
In memory the key is a ``SeatKey`` (a named tuple, so it sorts by round, then seat); the graph's
state, which LangGraph checkpoints as plain data, keeps it as the text ``"round:seat"``. This
module is the one place that text is built or read.

>>> SeatKey(2, 11).text
'2:11'
>>> SeatKey.parse("2:11")
SeatKey(round=2, seat=11)
>>> sorted(keyed({"10:0": "b", "2:3": "a"}).items())
[(SeatKey(round=2, seat=3), 'a'), (SeatKey(round=10, seat=0), 'b')]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple, TypeVar

V = TypeVar("V")


class SeatKey(NamedTuple):
    """One seat's turn in one round (round 0 is the blind opening)."""

    round: int
    seat: int

    @property
    def text(self) -> str:
        """The key as the graph's state keeps it: ``"round:seat"``."""
        return f"{self.round}:{self.seat}"

    @classmethod
    def parse(cls, text: str) -> SeatKey:
        """The key from its text form (ValueError if it is not ``"round:seat"``)."""
        round_no, sep, seat = text.partition(":")
        if not sep:
            raise ValueError(f"not a round:seat key: {text!r}")
        return cls(int(round_no), int(seat))


def keyed(entries: Mapping[str, V]) -> dict[SeatKey, V]:
    """Entries the state keeps by ``"round:seat"`` text, by ``SeatKey``."""
    return {SeatKey.parse(text): value for text, value in entries.items()}


def as_text(entries: Mapping[SeatKey, V]) -> dict[str, V]:
    """Entries by ``SeatKey``, keyed by text for the state (the inverse of ``keyed``)."""
    return {key.text: value for key, value in entries.items()}
