"""Quorum rules: how many ballots (t) an option needs, and what that t tolerates.

Rules are pure functions of the council size n. ``f`` is always floor((n-1)/3), the most faulty
seats a Byzantine protocol can survive, whatever the number actually seated.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from pydantic import BaseModel, ConfigDict

from council.registry import Registry, SpecError

Threshold = Callable[[int], int]
"""A quorum rule: council size n -> threshold t."""

RULES: Registry[Threshold] = Registry("quorum rule")


class Tolerance(BaseModel):
    """How many faulty seats a threshold survives (``council.tolerates`` in a run record)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    safety: int
    """Safety holds (no two honest seats commit different options) up to 2t - n - 1 faulty."""
    liveness: int
    """Liveness holds (faulty seats alone cannot block a decision) up to n - t faulty."""


def max_faulty(n: int) -> int:
    """The classic Byzantine bound f = floor((n - 1) / 3).

    >>> [max_faulty(n) for n in (1, 3, 4, 7, 33)]
    [0, 0, 1, 2, 10]
    """
    return max(0, (n - 1) // 3)


def bft_quorum(n: int) -> int:
    """Byzantine quorum q = ceil((n + f + 1) / 2).

    >>> [bft_quorum(n) for n in (1, 4, 7, 33)]
    [1, 3, 5, 22]
    """
    return -(-(n + max_faulty(n) + 1) // 2)


def majority(n: int) -> int:
    """Strict majority floor(n / 2) + 1.

    >>> [majority(n) for n in (1, 4, 33)]
    [1, 3, 17]
    """
    return n // 2 + 1


def supermajority(n: int) -> int:
    """Two thirds, ceil(2n / 3).

    >>> [supermajority(n) for n in (1, 4, 33)]
    [1, 3, 22]
    """
    return -(-2 * n // 3)


def unanimity(n: int) -> int:
    """Every seat, n.

    >>> unanimity(33)
    33
    """
    return n


def fraction(p: Fraction) -> Threshold:
    """A fraction p in (0, 1] of the seats, ceil(p * n), computed exactly.

    >>> fraction(Fraction("0.7"))(10)
    7
    """

    def rule(n: int) -> int:
        return max(1, -(-p.numerator * n // p.denominator))

    return rule


@RULES.register("bft")
def _bft(_: str | None) -> Threshold:
    """Byzantine quorum ceil((n+f+1)/2) with f = floor((n-1)/3)."""
    return bft_quorum


@RULES.register("majority")
def _majority(_: str | None) -> Threshold:
    """Strict majority, floor(n/2)+1."""
    return majority


@RULES.register("supermajority")
def _supermajority(_: str | None) -> Threshold:
    """Two thirds, ceil(2n/3)."""
    return supermajority


@RULES.register("unanimity")
def _unanimity(_: str | None) -> Threshold:
    """Every seat."""
    return unanimity


def parse_rule(spec: str) -> Threshold:
    """A rule from its spec: a registered name or a fraction such as ``0.6``."""
    if spec and (spec[0].isdigit() or spec[0] == "."):
        try:
            p = Fraction(spec)
        except (ValueError, ZeroDivisionError):
            raise SpecError(f"quorum {spec!r} is not a number") from None
        if not 0 < p <= 1:
            raise SpecError(f"quorum fraction {spec} must be in (0, 1]")
        return fraction(p)
    return RULES.create(spec)


def threshold(spec: str, n: int) -> int:
    """The count t a rule gives for n seats.

    >>> threshold("bft", 33), threshold("0.6", 33), threshold("majority", 33)
    (22, 20, 17)
    """
    return parse_rule(spec)(n)


def tolerates(n: int, t: int) -> Tolerance:
    """Faulty seats that safety (2t-n-1) and liveness (n-t) survive at threshold t.

    >>> tolerates(33, 22)
    Tolerance(safety=10, liveness=11)
    """
    return Tolerance(safety=2 * t - n - 1, liveness=n - t)
