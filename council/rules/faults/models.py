"""The fault models, one registered class each, in the order ``council list faults`` shows them.

Adding a model is one class here (``@fault`` and the three message methods; ``silent``,
``honest`` and ``objective`` where it departs from the defaults) and its tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from council.contracts.formats import Scenario
from council.rules.faults.base import (
    NONE,
    Fault,
    FaultContext,
    FaultyBallots,
    fault,
    same_for_all,
    with_faulty_rows,
)
from council.rules.faults.pushing import Extreme, Pushing, stubborn_views
from council.rules.faults.runs import (
    CrashRuns,
    EquivocateRuns,
    PushingRuns,
    RandomRuns,
    RunForm,
    SilentAfterRuns,
)
from council.rules.faults.split import leanings, ranked_leanings
from council.rules.registry import SpecError


@fault("crash")
@dataclass(frozen=True)
class Crash(Fault):
    """Silent: sends nothing in deliberation or in any protocol phase."""

    def runs(self, option_ids: Sequence[str]) -> RunForm | None:
        """Nothing, for many runs."""
        return CrashRuns()

    def silent(self, round_no: int) -> bool:
        """Always."""
        return True

    def inbox(
        self, ctx: FaultContext, faulty: np.ndarray, views: np.ndarray, round_no: int
    ) -> np.ndarray:
        """Zero views from the faulty seats (nobody hears them: ``silent``)."""
        return with_faulty_rows(views, faulty, 0.0)

    def ballots(
        self,
        ctx: FaultContext,
        faulty: np.ndarray,
        rankings: np.ndarray,
        approvals: np.ndarray | None,
        step: int,
        after_round: int,
    ) -> FaultyBallots:
        """Nothing."""
        return FaultyBallots.silent(len(rankings), len(faulty), rankings.shape[1])

    def commits(
        self,
        ctx: FaultContext,
        faulty: np.ndarray,
        sent: FaultyBallots,
        would_commit: np.ndarray,
        step: int,
    ) -> np.ndarray:
        """Nothing."""
        return np.full((len(sent.variant), len(faulty)), NONE)


@fault("random")
@dataclass(frozen=True)
class Random(Fault):
    """Sends a random view and a random ballot to each recipient, drawn from the seed."""

    def runs(self, option_ids: Sequence[str]) -> RunForm | None:
        """Each run's own draws."""
        return RandomRuns()

    def inbox(
        self, ctx: FaultContext, faulty: np.ndarray, views: np.ndarray, round_no: int
    ) -> np.ndarray:
        """A uniform view in [-1, 1] per recipient and faulty seat."""
        n, k = views.shape
        drawn = ctx.random_stream(round_no).uniform(-1.0, 1.0, size=(n, len(faulty), k))
        return with_faulty_rows(views, faulty, drawn)

    def ballots(
        self,
        ctx: FaultContext,
        faulty: np.ndarray,
        rankings: np.ndarray,
        approvals: np.ndarray | None,
        step: int,
        after_round: int,
    ) -> FaultyBallots:
        """A uniform ranking per recipient and faulty seat, approving its first option."""
        n, k = rankings.shape
        ranks = np.argsort(ctx.random_stream(step).random((n, len(faulty), k)), axis=2)
        approve = np.zeros((n, len(faulty), k), dtype=bool)
        np.put_along_axis(approve, ranks[:, :, :1], True, axis=2)
        return FaultyBallots(ranks, approve, np.arange(n), True)

    def commits(
        self,
        ctx: FaultContext,
        faulty: np.ndarray,
        sent: FaultyBallots,
        would_commit: np.ndarray,
        step: int,
    ) -> np.ndarray:
        """A uniform option per recipient and faulty seat."""
        n, k = len(sent.variant), sent.rankings.shape[2]
        return np.asarray(ctx.random_stream(step).integers(0, k, size=(n, len(faulty))))


@fault("stubborn", arg="option")
@dataclass(frozen=True)
class Stubborn(Pushing):
    """Never moves: argues its own view but always ballots for OPTION, following the protocol."""

    def runs(self, option_ids: Sequence[str]) -> RunForm | None:
        """Its own views, its option raised, for many runs."""
        return PushingRuns(list(option_ids).index(self.pushed), stubborn=True)

    def inbox(
        self, ctx: FaultContext, faulty: np.ndarray, views: np.ndarray, round_no: int
    ) -> np.ndarray:
        """Its own view, with its option raised clearly above the rest, to everyone."""
        return with_faulty_rows(views, faulty, stubborn_views(views[faulty], self._index(ctx)))


@fault("equivocate")
@dataclass(frozen=True)
class Equivocate(Fault):
    """Tells each honest seat the option of the two the honest seats split on that it leans to."""

    def runs(self, option_ids: Sequence[str]) -> RunForm | None:
        """Each run's split pair."""
        return EquivocateRuns()

    def inbox(
        self, ctx: FaultContext, faulty: np.ndarray, views: np.ndarray, round_no: int
    ) -> np.ndarray:
        """Its own view, with the split pair set to 1 for the recipient's leaning, -1 the other."""
        inbox = views[None].repeat(len(views), axis=0)
        a, b, lean = leanings(ctx, views)
        told_a = (lean == a)[:, None]
        inbox[:, faulty, a] = np.where(told_a, 1.0, -1.0)
        inbox[:, faulty, b] = np.where(told_a, -1.0, 1.0) if a != b else 1.0
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
        """To a seat leaning a: a first, b last, its own order between; and the mirror image."""
        m, k = len(faulty), rankings.shape[1]
        a, b, lean = ranked_leanings(ctx, rankings)
        own = rankings[faulty]
        ranks = np.empty((2, m, k), dtype=np.intp)
        ranks[:, :, 1:-1] = own[(own != a) & (own != b)].reshape(m, -1)
        ranks[0, :, 0] = ranks[1, :, -1] = a
        ranks[0, :, -1] = ranks[1, :, 0] = b
        approve = np.zeros((2, m, k), dtype=bool)
        approve[0, :, a] = True
        approve[1, :, b] = True
        return FaultyBallots(ranks, approve, (lean != a).astype(np.intp), True, lean)

    def commits(
        self,
        ctx: FaultContext,
        faulty: np.ndarray,
        sent: FaultyBallots,
        would_commit: np.ndarray,
        step: int,
    ) -> np.ndarray:
        """To each recipient, a commit for the option it was told at prepare."""
        assert sent.lean is not None
        return np.asarray(sent.lean, dtype=int)[:, None].repeat(len(faulty), axis=1)


@fault("collude", arg="option")
@dataclass(frozen=True)
class Collude(Extreme):
    """A cartel: every member sends the same extreme view, prepare and commit for OPTION."""

    def runs(self, option_ids: Sequence[str]) -> RunForm | None:
        """The extreme view and commits for the option to everyone, for many runs."""
        return PushingRuns(list(option_ids).index(self.pushed), cartel=True)

    through_llm = True

    def objective(self, scenario: Scenario) -> str | None:
        """Get the option adopted, as a cartel that argues as if independently."""
        label = scenario.option(self.pushed).label
        return (
            f"You belong to a cartel that must get '{self.pushed}' ({label}) adopted. Always "
            "support it with a score of 1, score every other option low, and argue as if "
            "independently."
        )

    def commits(
        self,
        ctx: FaultContext,
        faulty: np.ndarray,
        sent: FaultyBallots,
        would_commit: np.ndarray,
        step: int,
    ) -> np.ndarray:
        """A commit for the option to everyone, whatever it received."""
        return np.full((len(sent.variant), len(faulty)), self._index(ctx))


@fault("persuader", arg="option")
@dataclass(frozen=True)
class Persuader(Extreme):
    """Argues as hard as it can for OPTION in deliberation and ballots for it."""

    def runs(self, option_ids: Sequence[str]) -> RunForm | None:
        """The extreme view, for many runs."""
        return PushingRuns(list(option_ids).index(self.pushed))

    through_llm = True

    def objective(self, scenario: Scenario) -> str | None:
        """Get the option adopted with the most persuasive case."""
        label = scenario.option(self.pushed).label
        return (
            f"Get the council to adopt '{self.pushed}' ({label}). Support it with full "
            "confidence and make the most persuasive case you can for it, and against the "
            "alternatives, in terms of the principles your peers care about."
        )


@fault("silent-after", arg="round")
@dataclass(frozen=True)
class SilentAfter(Fault):
    """Honest until round ROUND, then crashed: silent from its statement of that round on.

    Before round R it is an honest seat: it revises its view from what it hears, its
    statements of rounds 0 to R - 1 are that view (heard by its neighbours in rounds 1 to R),
    and a ballot held after round a < R gets its own ranking and approvals at prepare and, at
    commit, a commit for its view's winner when a quorum backs it (the protocol's rule; as
    every faulty seat it keeps no lock of record). From round R on it says nothing: its
    statements are nothing, nobody hears it from round R + 1, and it sends nothing in any
    phase of a ballot held after round R or later. ``silent-after:0`` is ``crash``.
    """

    after: int
    """R: the first round whose statement is nothing."""

    @classmethod
    def from_arg(cls, arg: str | None) -> Fault:
        """R, a whole number of rounds, 0 or more."""
        if arg is None or not (arg.isascii() and arg.isdigit()):
            raise SpecError(
                f"fault 'silent-after': ROUND must be a whole number, 0 or more (not {arg!r})"
            )
        return cls(int(arg))

    @classmethod
    def example_arg(cls, option_ids: Sequence[str], pick: int = 0) -> str | None:
        """A round from 1 to 3."""
        return str(1 + pick % 3)

    @property
    def arg(self) -> str | None:
        """R."""
        return str(self.after)

    def runs(self, option_ids: Sequence[str]) -> RunForm | None:
        """Its own statements and ballots before round R, nothing after, for many runs."""
        return SilentAfterRuns(self.after)

    def silent(self, round_no: int) -> bool:
        """From round R on."""
        return round_no >= self.after

    def honest(self, round_no: int) -> bool:
        """Before round R."""
        return round_no < self.after

    def inbox(
        self, ctx: FaultContext, faulty: np.ndarray, views: np.ndarray, round_no: int
    ) -> np.ndarray:
        """Its own view while its last statement was said; zero views (unheard) after."""
        if self.silent(round_no - 1):
            return with_faulty_rows(views, faulty, 0.0)
        return same_for_all(views, len(views))

    def ballots(
        self,
        ctx: FaultContext,
        faulty: np.ndarray,
        rankings: np.ndarray,
        approvals: np.ndarray | None,
        step: int,
        after_round: int,
    ) -> FaultyBallots:
        """Its own ballot after a round it spoke in; nothing after a silent one."""
        n, k = rankings.shape
        m = len(faulty)
        if self.silent(after_round):
            return FaultyBallots.silent(n, m, k)
        own = np.zeros((m, k), dtype=bool) if approvals is None else approvals[faulty]
        return FaultyBallots(rankings[faulty][None], own[None], np.zeros(n, dtype=np.intp), True)

    def commits(
        self,
        ctx: FaultContext,
        faulty: np.ndarray,
        sent: FaultyBallots,
        would_commit: np.ndarray,
        step: int,
    ) -> np.ndarray:
        """The protocol's own rule, to everyone, in a ballot it prepared in; else nothing."""
        if not sent.speaks:
            return np.full((len(sent.variant), len(faulty)), NONE)
        return would_commit[None, :].repeat(len(sent.variant), axis=0)
