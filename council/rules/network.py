"""Network faults: point-to-point messages lost (drop), late (delay) or cut off (partition).

Every message, in deliberation and in the protocol, goes from one seat to another; a seat
always has its own view and ballot. For each step (deliberation round r is step r; ballot b's
prepare phase is step 10000 + 2b and its commit phase the next) and each ordered pair of seats:

- ``drop`` P: the message is lost with probability P;
- ``delay`` P: it arrives one round late with probability P. In deliberation the recipient then
  hears the message the sender sent the round before (its view one round older; nothing in the
  first round, where there is none); a ballot's late message misses that ballot;
- ``partition``: while it is on, messages between the two sides are lost. It is on in
  deliberation round r, and in the ballot held after round r, when r is in its rounds.

The draws come from the run's seed, one stream per step and kind, so the same seed gives the
same losses on both drivers, and turning one fault on does not move the draws of another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from council.contracts.principles import GROUPS
from council.rules.registry import SpecError

_DROP, _DELAY = 11, 12
"""Random streams of the seed (see council.engine.context for the others)."""


@dataclass(frozen=True, eq=False)
class Partition:
    """Two sides of the council, cut apart during some rounds."""

    side: np.ndarray
    """(n,) True for the seats of the first side."""
    first: int
    last: int | None
    """Rounds first..last (inclusive) are cut; ``last`` None: every round from ``first``."""

    def on(self, round_no: int) -> bool:
        """Whether the cut is on in this round (and in the ballot held after it)."""
        return self.first <= round_no and (self.last is None or round_no <= self.last)

    def across(self) -> np.ndarray:
        """(n, n) True for the pairs of seats on different sides."""
        return np.asarray(self.side[:, None] != self.side[None, :])


def parse_partition(spec: str, groups: Sequence[str]) -> Partition:
    """``SIDE[|SIDE][@R1[-R2]]`` for a council whose seats are in these groups.

    A side is a comma-separated list of groups and seats (``3`` or ``0-5``); one side alone is
    cut from everyone else, two sides must hold every seat once. Without ``@`` the cut lasts the
    whole run; ``@2`` is round 2 alone.

    >>> p = parse_partition("government,industry|academia,civil_society@1-2", ["government",
    ...     "industry", "academia", "civil_society"] * 2)
    >>> p.side.tolist(), p.on(0), p.on(2), p.on(3)
    ([True, True, False, False, True, True, False, False], False, True, False)
    >>> parse_partition("0-1@3", ["academia"] * 4).side.tolist()
    [True, True, False, False]
    """
    n = len(groups)
    body, at, rounds = spec.partition("@")
    first, last = _rounds(spec, rounds) if at else (0, None)
    parts = body.split("|")
    if len(parts) > 2 or not all(p.strip() for p in parts):
        raise SpecError(f"--partition {spec!r}: write SIDE|SIDE@R1-R2 (or one SIDE@R1-R2)")
    sides = [_side(spec, part, groups) for part in parts]
    if len(sides) == 2:
        both = sides[0] & sides[1]
        if both.any():
            raise SpecError(f"--partition {spec!r}: seat {int(both.argmax())} is on both sides")
        neither = ~(sides[0] | sides[1])
        if neither.any():
            seat = int(neither.argmax())
            raise SpecError(
                f"--partition {spec!r}: seat {seat} ({groups[seat]}) is on neither side"
            )
    if sides[0].all() or not sides[0].any():
        raise SpecError(f"--partition {spec!r}: both sides need seats (council of {n})")
    return Partition(sides[0], first, last)


def _side(spec: str, text: str, groups: Sequence[str]) -> np.ndarray:
    n = len(groups)
    side = np.zeros(n, dtype=bool)
    seated = np.array(groups)
    for item in (i.strip() for i in text.split(",")):
        if item in GROUPS:
            side |= seated == item
            continue
        low, dash, high = item.partition("-")
        if not low.isdigit() or (dash and not high.isdigit()):
            raise SpecError(
                f"--partition {spec!r}: {item!r} is neither a group ({', '.join(GROUPS)}) "
                "nor a seat or seat range like 0-5"
            )
        a, b = int(low), int(high) if dash else int(low)
        if not a <= b < n:
            raise SpecError(f"--partition {spec!r}: seats {item} are not in the council of {n}")
        side[a : b + 1] = True
    return side


def _rounds(spec: str, text: str) -> tuple[int, int | None]:
    low, dash, high = text.partition("-")
    if not low.isdigit() or (dash and not high.isdigit()):
        raise SpecError(f"--partition {spec!r}: rounds go after @ as R or R1-R2, like @1-2")
    first, last = int(low), int(high) if dash else int(low)
    if last < first:
        raise SpecError(f"--partition {spec!r}: rounds {first}-{last} run backwards")
    return first, last


@dataclass(frozen=True, eq=False)
class Network:
    """A run's network faults, drawn from its seed."""

    seed: int
    n: int
    drop: float
    delay: float
    partition: Partition | None

    def _draw(self, stream: int, step: int, p: float) -> np.ndarray | None:
        if p <= 0:
            return None
        return np.random.default_rng([self.seed, stream, step]).random((self.n, self.n)) < p

    def _cut(self, round_no: int) -> np.ndarray | None:
        if self.partition is None or not self.partition.on(round_no):
            return None
        return self.partition.across()

    def deliberation(self, round_no: int) -> tuple[np.ndarray, np.ndarray | None]:
        """(lost, late) (n, n) [recipient, sender] in a deliberation round (late None: none)."""
        lost = np.zeros((self.n, self.n), dtype=bool)
        for part in (self._draw(_DROP, round_no, self.drop), self._cut(round_no)):
            if part is not None:
                lost |= part
        late = self._draw(_DELAY, round_no, self.delay)
        if late is not None:
            np.fill_diagonal(late, False)  # a seat's own view is no message
        return lost, late

    def delivered(self, step: int, after_round: int) -> np.ndarray:
        """(n, n) [recipient, sender]: which messages of a ballot phase arrive (self: always)."""
        ok = np.ones((self.n, self.n), dtype=bool)
        for part in (
            self._draw(_DROP, step, self.drop),
            self._draw(_DELAY, step, self.delay),
            self._cut(after_round),
        ):
            if part is not None:
                ok &= ~part
        np.fill_diagonal(ok, True)
        return ok
