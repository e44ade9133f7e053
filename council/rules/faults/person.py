"""Faulty seats played by people: what each told each stakeholder group, and the mix of faults.

A person in a secret faulty role (a workshop room's equivocator, persuader, colluder or
stubborn seat) is a faulty seat whose messages are what the person wrote, per recipient: for
each round they name the option each stakeholder group hears. In deliberation a recipient hears
the person's statement with the option told to its group put on top (``human_view``, with the
person's confidence); at prepare and commit it receives that option (ranked first, approved
alone, committed to) as told in the last round. Groups the person named nothing for hear their
own option.

``Mixed`` lets one run hold the config's fault model for the automated faulty seats and the
person-played seats at once: each method asks each part for its own seats and puts the answers
back in seat order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from council.rules.faults.base import NONE, Fault, FaultContext, FaultyBallots, same_for_all
from council.rules.opinion import human_view


@dataclass(frozen=True)
class Told:
    """What one person told each group in one round."""

    to: tuple[int, ...]
    """Per group (in ``GROUPS`` order), the option index told; NONE: their own option."""
    confidence: float


@dataclass(frozen=True, eq=False)
class PersonPlayed(Fault):
    """Faulty seats played by people: each recipient gets what the person told its group."""

    name: ClassVar[str] = "person"
    groups: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.intp))
    """(n,) each seat's group index."""
    told: Mapping[tuple[int, int], Told] = field(default_factory=dict)
    """(round, seat) -> what the person at the seat told each group that round."""

    def option_to(self, seat: int, round_no: int, own: int) -> np.ndarray:
        """(n,) the option each recipient is told by ``seat`` in ``round_no`` (``own`` if none)."""
        said = self.told.get((round_no, seat))
        if said is None:
            return np.full(len(self.groups), own)
        per_group = np.array([own if o == NONE else o for o in said.to], dtype=np.intp)
        return per_group[self.groups]

    def confidence(self, seat: int, round_no: int) -> float:
        """The person's confidence in ``round_no`` (0.5 when they said nothing of it)."""
        said = self.told.get((round_no, seat))
        return 0.5 if said is None else said.confidence

    def inbox(
        self, ctx: FaultContext, faulty: np.ndarray, views: np.ndarray, round_no: int
    ) -> np.ndarray:
        """The person's statement of the round before, with each group's option on top."""
        inbox = views[None].repeat(len(views), axis=0)
        self.fill(inbox, faulty, views, round_no)
        return inbox

    def fill(self, inbox: np.ndarray, faulty: np.ndarray, views: np.ndarray, round_no: int) -> None:
        """Write the person-played senders' columns of an inbox (n, n, K) in place."""
        last = round_no - 1
        for p in faulty:
            told = self.option_to(int(p), last, int(views[p].argmax()))
            conf = self.confidence(int(p), last)
            made = {o: human_view(views[p], int(o), conf) for o in np.unique(told)}
            inbox[:, p, :] = np.stack([made[o] for o in told])

    def ballots(
        self,
        ctx: FaultContext,
        faulty: np.ndarray,
        rankings: np.ndarray,
        approvals: np.ndarray | None,
        step: int,
        after_round: int,
    ) -> FaultyBallots:
        """One variant per group: the option told to it first, the person's own order after."""
        n_groups = int(self.groups.max(initial=0)) + 1
        k = rankings.shape[1]
        ranks = np.empty((n_groups, len(faulty), k), dtype=np.intp)
        for j, p in enumerate(faulty):
            own = rankings[p]
            said = self.told.get((after_round, int(p)))
            for g in range(n_groups):
                top = own[0] if said is None or said.to[g] == NONE else said.to[g]
                ranks[g, j] = np.concatenate([[top], own[own != top]])
        approve = np.zeros((n_groups, len(faulty), k), dtype=bool)
        np.put_along_axis(approve, ranks[:, :, :1], True, axis=2)
        return FaultyBallots(ranks, approve, self.groups.astype(np.intp), True)

    def commits(
        self,
        ctx: FaultContext,
        faulty: np.ndarray,
        sent: FaultyBallots,
        would_commit: np.ndarray,
        step: int,
    ) -> np.ndarray:
        """A commit for the option each recipient's group was told."""
        return np.asarray(sent.rankings[sent.variant][:, :, 0], dtype=int)


@dataclass(frozen=True, eq=False)
class MixedBallots(FaultyBallots):
    """Ballots of automated and person-played faulty seats together, with each part's own."""

    parts: tuple[FaultyBallots | None, FaultyBallots | None] = (None, None)


@dataclass(frozen=True, eq=False)
class Mixed(Fault):
    """The config's fault model for the automated faulty seats, people for their own seats."""

    auto: Fault
    people: PersonPlayed
    played: frozenset[int]
    """The person-played faulty seats."""
    has_auto: bool
    """Whether any faulty seat is automated (else the auto model is never asked)."""

    @property
    def option(self) -> str | None:
        """The automated model's option."""
        return self.auto.option

    @property
    def spec(self) -> str:
        """The automated model's spec (a person-played seat's is ``person:ROLE``)."""
        return self.auto.spec

    def silent(self, round_no: int) -> bool:
        """As the automated model (a run mixing people in accepts only models never silent)."""
        return self.has_auto and self.auto.silent(round_no)

    def honest(self, round_no: int) -> bool:
        """As the automated model (ditto)."""
        return self.has_auto and self.auto.honest(round_no)

    def _split(self, faulty: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions (in ``faulty``) of the automated and the person-played seats."""
        mine = np.isin(faulty, sorted(self.played))
        return np.flatnonzero(~mine), np.flatnonzero(mine)

    def inbox(
        self, ctx: FaultContext, faulty: np.ndarray, views: np.ndarray, round_no: int
    ) -> np.ndarray:
        """The automated model's inbox, then the people's columns on top."""
        auto, mine = self._split(faulty)
        if len(auto):
            inbox = np.array(self.auto.inbox(ctx, faulty[auto], views, round_no))
        else:
            inbox = np.array(same_for_all(views, len(views)))
        self.people.fill(inbox, faulty[mine], views, round_no)
        return inbox

    def ballots(
        self,
        ctx: FaultContext,
        faulty: np.ndarray,
        rankings: np.ndarray,
        approvals: np.ndarray | None,
        step: int,
        after_round: int,
    ) -> FaultyBallots:
        """Both parts' ballots; a recipient's variant is the pair of variants it gets."""
        auto, mine = self._split(faulty)
        n, k = rankings.shape
        a = (
            self.auto.ballots(ctx, faulty[auto], rankings, approvals, step, after_round)
            if len(auto)
            else None
        )
        p = (
            self.people.ballots(ctx, faulty[mine], rankings, approvals, step, after_round)
            if len(mine)
            else None
        )
        va = np.zeros(n, dtype=np.intp) if a is None else a.variant
        vp = np.zeros(n, dtype=np.intp) if p is None else p.variant
        count_p = 1 if p is None else len(p.rankings)
        pairs, variant = np.unique(va * count_p + vp, return_inverse=True)
        ranks = np.zeros((len(pairs), len(faulty), k), dtype=np.intp)
        approve = np.zeros((len(pairs), len(faulty), k), dtype=bool)
        for part, where, index in ((a, auto, pairs // count_p), (p, mine, pairs % count_p)):
            if part is not None:
                ranks[:, where] = part.rankings[index]
                approve[:, where] = part.approvals[index]
        return MixedBallots(
            ranks,
            approve,
            variant.astype(np.intp),
            True,
            None if a is None else a.lean,
            parts=(a, p),
        )

    def commits(
        self,
        ctx: FaultContext,
        faulty: np.ndarray,
        sent: FaultyBallots,
        would_commit: np.ndarray,
        step: int,
    ) -> np.ndarray:
        """Each part's commits, for its own seats."""
        assert isinstance(sent, MixedBallots)
        auto, mine = self._split(faulty)
        out = np.full((len(sent.variant), len(faulty)), NONE)
        a, p = sent.parts
        if a is not None:
            out[:, auto] = self.auto.commits(ctx, faulty[auto], a, would_commit[auto], step)
        if p is not None:
            out[:, mine] = self.people.commits(ctx, faulty[mine], p, would_commit[mine], step)
        return out
