"""Quorum systems: which sets of supporters make a quorum, and exactly what that tolerates.

Seats fall into classes whose members are interchangeable (the whole council for a plain
threshold, the stakeholder groups otherwise), so a set of supporters is known by its per-class
counts and a system is a monotone predicate on count vectors, vectorised over leading axes:

- ``Threshold``: at least t supporters (one class);
- ``Weighted``: supporters' weight at least ``need`` (each seat weighs its group's weight);
- ``GroupShares``: at least ``need[g]`` supporters in at least ``groups`` of the classes;
- ``Listed``: at least one listed minimal quorum (a count per class) is covered.

``build_system`` makes one from a quorum rule and a council's groups; what a system tolerates
is ``council.rules.tolerance``'s to say.
"""

from __future__ import annotations

import itertools
import math
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from council.contracts.principles import GROUPS
from council.rules.quorum import CountRule, GroupRule, QuorumRule
from council.rules.registry import SpecError


@dataclass(frozen=True, eq=False)
class QuorumSystem(ABC):
    """A monotone quorum predicate over per-class support counts."""

    classes: np.ndarray
    """(n,) the class of each seat."""
    sizes: np.ndarray
    """(C,) seats per class."""
    names: tuple[str, ...]
    """Each class's name (a stakeholder group, or ``all``)."""

    @abstractmethod
    def is_quorum(self, counts: np.ndarray) -> np.ndarray:
        """Whether supporters with these per-class counts (..., C) are a quorum: (...)."""

    def minimal(self) -> np.ndarray | None:
        """The minimal quorums as count vectors (M, C), when there are few; else None."""
        return None

    @property
    def n(self) -> int:
        """Seats in the council."""
        return int(self.sizes.sum())

    @property
    def threshold(self) -> int | None:
        """The count t when the system is a plain threshold (the fast path), else None."""
        return None

    def counts(self, supporters: np.ndarray) -> np.ndarray:
        """Per-class counts (..., C) of boolean supporter masks (..., n).

        >>> s = GroupShares(np.array([0, 1, 1]), np.array([1, 2]), ("a", "b"), np.array([1, 2]), 1)
        >>> s.counts(np.array([[True, True, False]])).tolist()
        [[1, 1]]
        """
        onehot = self.classes[:, None] == np.arange(len(self.sizes))
        return supporters.astype(np.int64) @ onehot.astype(np.int64)

    def seats_quorum(self, supporters: np.ndarray) -> np.ndarray:
        """Whether boolean supporter masks (..., n) are quorums: the per-seat reference."""
        return self.is_quorum(self.counts(supporters))

    def commit_choice(self, got: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """What each recipient commits from the commits it received (..., n recipients, n senders).

        ``got`` holds each sender's option (negative: none). Returns (...,) whether some option's
        senders make a quorum, and which: among the quorate options, the one with the most
        commits (the lower on a tie).

        >>> s = Threshold(np.zeros(3, dtype=np.intp), np.array([3]), ("all",), 2)
        >>> quorate, choice = s.commit_choice(np.array([[1, 1, 0], [0, -1, 1]]), 2)
        >>> quorate.tolist(), choice[0].item()
        ([True, False], 1)
        """
        totals = np.zeros((*got.shape[:-1], k), dtype=np.int64)
        quorate = np.zeros((*got.shape[:-1], k), dtype=bool)
        for option in range(k):
            backs = got == option
            totals[..., option] = backs.sum(axis=-1)
            quorate[..., option] = self.seats_quorum(backs)
        return np.asarray(quorate.any(axis=-1)), np.where(quorate, totals, -1).argmax(axis=-1)


@dataclass(frozen=True, eq=False)
class Threshold(QuorumSystem):
    """At least t supporters, whoever they are."""

    t: int

    def is_quorum(self, counts: np.ndarray) -> np.ndarray:
        """Count >= t."""
        return np.asarray(counts[..., 0] >= self.t)

    def minimal(self) -> np.ndarray:
        """One minimal quorum: any t seats."""
        return np.array([[self.t]])

    @property
    def threshold(self) -> int:
        """The count t."""
        return self.t


@dataclass(frozen=True, eq=False)
class Weighted(QuorumSystem):
    """Supporters' weight (each seat its class's integer weight) at least ``need``."""

    weights: np.ndarray
    """(C,) integer weight of one seat of each class."""
    need: int

    def is_quorum(self, counts: np.ndarray) -> np.ndarray:
        """Weight of the supporters >= need."""
        return np.asarray(counts @ self.weights >= self.need)


@dataclass(frozen=True, eq=False)
class GroupShares(QuorumSystem):
    """At least ``need[c]`` supporters in each of at least ``groups`` classes."""

    need: np.ndarray
    """(C,) supporters a class must give to count; above its size, it can never count."""
    groups: int

    def is_quorum(self, counts: np.ndarray) -> np.ndarray:
        """Classes meeting their need >= groups."""
        return np.asarray((counts >= self.need).sum(axis=-1) >= self.groups)

    def minimal(self) -> np.ndarray:
        """Every choice of ``groups`` classes that can meet their need, each giving exactly it."""
        able = [c for c in range(len(self.sizes)) if self.need[c] <= self.sizes[c]]
        rows = []
        for chosen in itertools.combinations(able, self.groups):
            row = np.zeros(len(self.sizes), dtype=np.int64)
            row[list(chosen)] = self.need[list(chosen)]
            rows.append(row)
        return np.array(rows, dtype=np.int64).reshape(-1, len(self.sizes))


@dataclass(frozen=True, eq=False)
class Listed(QuorumSystem):
    """A quorum covers at least one of the listed count vectors."""

    quorums: np.ndarray
    """(M, C) the listed quorums (those a class cannot fill are never met)."""

    def is_quorum(self, counts: np.ndarray) -> np.ndarray:
        """Covers some listed vector."""
        return np.asarray((counts[..., None, :] >= self.quorums).all(axis=-1).any(axis=-1))

    def minimal(self) -> np.ndarray:
        """The listed vectors that can be met and cover no other listed one."""
        able = self.quorums[(self.quorums <= self.sizes).all(axis=1)]
        keep = [
            i
            for i, q in enumerate(able)
            if not any(j != i and (o <= q).all() and (o != q).any() for j, o in enumerate(able))
        ]
        unique = np.unique(able[keep], axis=0) if keep else able[:0]
        return unique.reshape(-1, len(self.sizes))


def reachable(system: QuorumSystem) -> bool:
    """Whether the whole council is a quorum (else nothing can ever be decided)."""
    return bool(system.is_quorum(system.sizes))


def build_system(
    rule: QuorumRule, groups: Sequence[str], weights: Mapping[Any, float] | None = None
) -> QuorumSystem:
    """The quorum system a rule gives a council whose seats are in these stakeholder groups.

    ``groups:G/P``: a group with seats counts when ceil(P x its seats) of them support; a group
    without seats never counts, and G is capped at the groups that have seats (a council of
    three groups under groups:4/P needs all three). ``weights`` (each seat weighs its group's
    weight; unnamed groups weigh 1) make a threshold rule a weighted one: supporters' weight
    at least t/n of the council's weight, the share of seats the rule asks for. SpecError if
    the rule and the council cannot work together.

    Two groups with two seats each: half of each is 1; the seatless groups never count (they
    would need 1 of 0 seats), and G = 3 becomes 2.

    >>> from council.rules.quorum import parse_quorum
    >>> s = build_system(parse_quorum("groups:3/0.5"), ["government", "industry"] * 2)
    >>> s.need.tolist(), s.sizes.tolist(), s.groups
    ([1, 1, 1, 1], [2, 2, 0, 0], 2)
    """
    n = len(groups)
    index = {g: i for i, g in enumerate(GROUPS)}
    classes = np.array([index[g] for g in groups], dtype=np.int64)
    sizes = np.bincount(classes, minlength=len(GROUPS)).astype(np.int64)
    if isinstance(rule, CountRule):
        t = rule.count(n)
        if weights is None:
            return Threshold(np.zeros(n, dtype=np.int64), np.array([n]), ("all",), t)
        return _weighted(classes, sizes, t, weights)
    if weights is not None:
        raise SpecError(
            f"--weights applies to threshold rules (bft, majority, ..., a fraction), not to "
            f"--quorum {rule.spec}: a group quorum already says what each group must give"
        )
    if isinstance(rule, GroupRule):
        need = sizes + 1  # a group that is not listed, or has no seats, never counts
        for g, share in rule.share.items():
            i = index[g]
            if sizes[i]:
                need[i] = max(1, math.ceil(share * int(sizes[i])))
        seated = int(sum(1 for g in rule.share if sizes[index[g]]))
        if not seated:
            raise SpecError(f"quorum {rule.spec}: none of its groups has a seat in this council")
        return GroupShares(classes, sizes, GROUPS, need, min(rule.groups, seated))
    quorums = np.array(
        [[q.get(g, 0) for g in GROUPS] for q in rule.quorums.values()], dtype=np.int64
    )
    system = Listed(classes, sizes, GROUPS, quorums)
    if not reachable(system):
        raise SpecError(
            f"quorum {rule.spec}: this council cannot meet any of its quorums (seats: "
            + ", ".join(f"{g} {s}" for g, s in zip(GROUPS, sizes, strict=True))
            + ")"
        )
    return system


def _weighted(
    classes: np.ndarray, sizes: np.ndarray, t: int, weights: Mapping[Any, float]
) -> Weighted:
    """Weight >= t/n of the total, in integers: each weight scaled by the common denominator."""
    exact = [Fraction(str(weights.get(g, 1.0))) for g in GROUPS]
    scale = math.lcm(*(w.denominator for w in exact))
    ints = np.array([int(w * scale) for w in exact], dtype=np.int64)
    total = int(ints @ sizes)
    if total == 0:
        raise SpecError("--weights: every seated group weighs 0, so no set of seats has weight")
    n = int(sizes.sum())
    need = -(-t * total // n)  # weight * n >= t * total, the weight an integer
    return Weighted(classes, sizes, GROUPS, ints, need)
