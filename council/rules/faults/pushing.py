"""What the models that push one option share: their views and ballots for it.

A pushing model (``stubborn``, ``collude``, ``persuader``) names an option in its spec, ballots
for it at prepare (its own ranking with the option first, approving only the option) and
says the same thing to every recipient.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from council.rules.faults.base import NONE, Fault, FaultContext, FaultyBallots, with_faulty_rows


def stubborn_views(own: np.ndarray, option: int) -> np.ndarray:
    """Stubborn seats' views (..., K): their own, with their option raised clearly above the rest.

    Any leading axes (seats; runs and seats in the batch kernel).

    >>> stubborn_views(np.array([[0.2, 0.5]]), 0)
    array([[0.8, 0.5]])
    """
    views = own.copy()
    views[..., option] = np.minimum(1.0, np.maximum(own.max(axis=-1) + 0.3, own[..., option]))
    return views


def extreme(k: int, option: int) -> np.ndarray:
    """The view (K,) that scores ``option`` 1 and every other option -1."""
    view = -np.ones(k)
    view[option] = 1.0
    return view


def put_first(rankings: np.ndarray, option: int) -> np.ndarray:
    """Rankings (m, K) with ``option`` moved to the front, the rest in order."""
    rest = rankings[rankings != option].reshape(len(rankings), -1)
    return np.concatenate([np.full((len(rankings), 1), option), rest], axis=1)


@dataclass(frozen=True)
class Pushing(Fault):
    """A model that pushes one option and ballots for it, the same to every recipient."""

    pushed: str
    """The option id pushed."""

    @classmethod
    def from_arg(cls, arg: str | None) -> Fault:
        """The option is the argument."""
        assert arg is not None
        return cls(arg)

    @classmethod
    def example_arg(cls, option_ids: Sequence[str], pick: int = 0) -> str | None:
        """One of the options."""
        return option_ids[pick % len(option_ids)]

    @property
    def option(self) -> str | None:
        """The option pushed."""
        return self.pushed

    @staticmethod
    def _index(ctx: FaultContext) -> int:
        option = ctx.fault_option
        assert option is not None
        return option

    def ballots(
        self,
        ctx: FaultContext,
        faulty: np.ndarray,
        rankings: np.ndarray,
        approvals: np.ndarray | None,
        step: int,
        after_round: int,
    ) -> FaultyBallots:
        """Its own ranking with the option first; it approves only the option."""
        option = self._index(ctx)
        approve = np.zeros((1, len(faulty), rankings.shape[1]), dtype=bool)
        approve[:, :, option] = True
        one = np.zeros(len(rankings), dtype=np.intp)
        return FaultyBallots(put_first(rankings[faulty], option)[None], approve, one, True)

    def commits(
        self,
        ctx: FaultContext,
        faulty: np.ndarray,
        sent: FaultyBallots,
        would_commit: np.ndarray,
        step: int,
    ) -> np.ndarray:
        """The protocol's own rule, for its option only."""
        option = self._index(ctx)
        followed = np.where(would_commit == option, would_commit, NONE)
        return followed[None, :].repeat(len(sent.variant), axis=0)


@dataclass(frozen=True)
class Extreme(Pushing):
    """A pushing model that tells everyone the extreme view: 1 for its option, -1 for the rest."""

    def inbox(
        self, ctx: FaultContext, faulty: np.ndarray, views: np.ndarray, round_no: int
    ) -> np.ndarray:
        """The extreme view for the option (1 for it, -1 for the rest), to everyone."""
        return with_faulty_rows(views, faulty, extreme(views.shape[1], self._index(ctx)))
