"""Aggregation methods: how the ballots a seat received rank the options.

Each method is one registered ``Method`` object in ``METHODS`` carrying two forms. Its scalar
form, the reference, is a pure function ``Profile -> winners``: the sorted indices of the
options that tie for best (several on a tie, none when no ballot arrived); calling the object
runs it, and ``winners(spec, profile)`` runs the one a spec names. Its vectorised form, where it
has one, is an additive scoring rule over stacks of ballots (``Scores``): the protocol scores
many seats' views at once with it, and falls back to the scalar form view by view for a method
without one (Copeland, IRV). Ties are never broken here: the protocol decides what a tied winner
set means (it takes the lowest, which is where ``argmax`` of the totals lands).

One profile, four answers (options 0, 1, 2; nine ballots, each approving its top two):

>>> r = np.repeat([[0, 1, 2], [2, 1, 0], [1, 2, 0]], [4, 3, 2], axis=0)
>>> p = Profile(r, np.argsort(r, axis=1) < 2)
>>> {name: winners(name, p) for name in METHODS.names()}
{'plurality': [0], 'approval': [1], 'borda': [1], 'copeland': [1], 'irv': [2]}
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from council.rules.registry import Registry

Ints = npt.NDArray[np.intp]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class Profile:
    """Ballots one seat received: rankings and approval sets over k options.

    Arrays are converted on construction (lists are accepted) and checked for shape, and each
    ranking for being a permutation; an empty profile still needs shape ``(0, k)``.
    Equality is identity: numpy arrays have no single truth value to compare by.

    >>> Profile([[1, 0], [0, 1]], [[True, False], [True, True]]).m
    2
    >>> Profile(np.empty((0, 3), int), np.empty((0, 3), bool)).k
    3
    """

    rankings: Ints
    """Shape (m, k); each row a permutation of range(k), best option first."""
    approvals: Bools
    """Shape (m, k); ``approvals[i, j]`` is True if ballot i approves option j."""

    def __post_init__(self) -> None:
        rankings = np.asarray(self.rankings, dtype=np.intp)
        approvals = np.asarray(self.approvals, dtype=np.bool_)
        if rankings.ndim != 2 or rankings.shape[1] < 1:
            raise ValueError(f"rankings must have shape (m, k) with k >= 1, not {rankings.shape}")
        if approvals.shape != rankings.shape:
            raise ValueError(
                f"approvals shape {approvals.shape} differs from rankings {rankings.shape}"
            )
        if not (np.sort(rankings, axis=1) == np.arange(rankings.shape[1])).all():
            raise ValueError(f"each ranking must be a permutation of range({rankings.shape[1]})")
        object.__setattr__(self, "rankings", rankings)
        object.__setattr__(self, "approvals", approvals)

    @classmethod
    def trusted(cls, rankings: Ints, approvals: Bools) -> Profile:
        """A profile of arrays already known to be valid (the protocol's own ballots): no checks.

        >>> Profile.trusted(np.array([[1, 0]]), np.array([[False, True]])).k
        2
        """
        profile = object.__new__(cls)
        object.__setattr__(profile, "rankings", rankings)
        object.__setattr__(profile, "approvals", approvals)
        return profile

    @property
    def m(self) -> int:
        """Number of ballots."""
        return int(self.rankings.shape[0])

    @property
    def k(self) -> int:
        """Number of options."""
        return int(self.rankings.shape[1])


def support(profile: Profile, *, approval: bool) -> Ints:
    """Per option, the ballots that rank it first, or that approve it when ``approval``.

    This is an option's support in the quorum sense (DESIGN "How a run goes", item 5).

    >>> p = Profile([[0, 1, 2], [2, 0, 1], [0, 2, 1]], [[1, 1, 0], [0, 0, 1], [1, 0, 1]])
    >>> support(p, approval=False).tolist(), support(p, approval=True).tolist()
    ([2, 0, 1], [2, 1, 2])
    """
    if approval:
        return np.bincount(np.nonzero(profile.approvals)[1], minlength=profile.k)
    return np.bincount(profile.rankings[:, 0], minlength=profile.k)


Scores = Callable[[Ints, Bools], Ints]
"""Per-option totals of a scoring method: ballots (..., m, k) -> totals (..., k).

Totals add up over ballots, so the totals of a seat's view are those of the ballots every seat
received plus those of the ones only it received; the method's winners are the options with
the highest total.
"""


def plurality_scores(rankings: Ints, approvals: Bools) -> Ints:
    """First places per option, over the ballot axis.

    >>> plurality_scores(np.array([[0, 1], [1, 0], [1, 0]]), np.ones((3, 2), bool)).tolist()
    [1, 2]
    """
    k = rankings.shape[-1]
    if rankings.ndim == 2:
        return np.bincount(rankings[:, 0], minlength=k)
    return (rankings[..., :1] == np.arange(k)).sum(axis=-2)


def approval_scores(rankings: Ints, approvals: Bools) -> Ints:
    """Approvals per option, over the ballot axis."""
    return approvals.sum(axis=-2)


def borda_scores(rankings: Ints, approvals: Bools) -> Ints:
    """Borda totals per option (k-1 for a first place down to 0), over the ballot axis."""
    k = rankings.shape[-1]
    return (k - 1 - np.argsort(rankings, axis=-1)).sum(axis=-2)


def winners(spec: str, profile: Profile) -> list[int]:
    """Run the method a spec names on a profile.

    >>> winners("borda", Profile([[0, 1], [1, 0], [1, 0]], np.ones((3, 2), bool)))
    [1]
    """
    return METHODS.create(spec)(profile)


def _best(scores: npt.NDArray[Any]) -> list[int]:
    """Return the indices of the maximal scores, ascending ([] for no scores)."""
    if scores.size == 0:
        return []
    return [int(i) for i in np.flatnonzero(scores == scores.max())]


def _positions(rankings: Ints) -> Ints:
    """``positions[i, j]``: where ballot i places option j (0 = first); the inverse permutation."""
    return np.argsort(rankings, axis=1).astype(np.intp, copy=False)


def plurality(profile: Profile) -> list[int]:
    """Options ranked first by the most ballots.

    >>> plurality(Profile([[0, 1, 2], [1, 0, 2], [1, 2, 0]], np.ones((3, 3), bool)))
    [1]
    >>> plurality(Profile([[0, 1], [1, 0]], np.ones((2, 2), bool)))
    [0, 1]
    """
    if profile.m == 0:
        return []
    return _best(support(profile, approval=False))


def approval(profile: Profile) -> list[int]:
    """Options approved by the most ballots (rankings are ignored).

    >>> approval(Profile([[0, 1, 2], [1, 2, 0]], [[1, 1, 0], [0, 1, 1]]))
    [1]
    """
    if profile.m == 0:
        return []
    return _best(support(profile, approval=True))


def borda(profile: Profile) -> list[int]:
    """Options with the highest Borda total: k-1 points for a first place, down to 0 for last.

    >>> r = [[0, 1, 2], [0, 1, 2], [1, 2, 0], [1, 2, 0], [2, 1, 0]]
    >>> borda(Profile(r, np.ones((5, 3), bool)))  # plurality ties 0 and 1
    [1]
    """
    if profile.m == 0:
        return []
    # Summed positions are the Borda score reversed: m(k-1) - total.
    return _best(-_positions(profile.rankings).sum(axis=0))


def copeland(profile: Profile) -> list[int]:
    """Options with the best pairwise record: majority wins minus majority losses.

    >>> r = np.repeat([[0, 1, 2], [2, 1, 0], [1, 2, 0]], [4, 3, 2], axis=0)
    >>> copeland(Profile(r, np.ones(r.shape, bool)))  # 1 is the Condorcet winner
    [1]
    >>> copeland(Profile([[0, 1, 2], [1, 2, 0], [2, 0, 1]], np.ones((3, 3), bool)))  # a cycle
    [0, 1, 2]
    """
    if profile.m == 0:
        return []
    pos = _positions(profile.rankings)
    prefer = (pos[:, :, None] < pos[:, None, :]).sum(axis=0)  # prefer[a, b]: ballots a > b
    return _best(np.sign(prefer - prefer.T).sum(axis=1))


def irv(profile: Profile) -> list[int]:
    """Instant runoff: drop the options with the fewest first places until one has a majority.

    Every option tied for fewest is dropped at once (as ``pref_voting.instant_runoff`` does
    without a tie-breaker); when all remaining options tie, they all win.

    >>> r = np.repeat([[0, 1, 2], [2, 1, 0], [1, 2, 0]], [4, 3, 2], axis=0)
    >>> irv(Profile(r, np.ones(r.shape, bool)))  # 1 is dropped; its ballots elect 2 over 0
    [2]
    """
    m, k = profile.m, profile.k
    if m == 0:
        return []
    pos = _positions(profile.rankings)
    remaining = np.ones(k, dtype=np.bool_)
    while True:
        # A ballot's first place among the remaining options; dropped ones sit past the end.
        tops = np.where(remaining, pos, k).argmin(axis=1)
        firsts = np.bincount(tops, minlength=k)
        leader = int(firsts.argmax())
        if 2 * firsts[leader] > m:
            return [leader]
        fewest = firsts[remaining].min()
        dropped = remaining & (firsts == fewest)
        if (dropped == remaining).all():
            return [int(i) for i in np.flatnonzero(remaining)]
        remaining &= ~dropped


@dataclass(frozen=True)
class Method:
    """An aggregation method: its scalar form (the reference) and its vectorised form, if any.

    >>> method = METHODS.create("borda")
    >>> method(Profile([[0, 1], [1, 0], [1, 0]], np.ones((3, 2), bool)))
    [1]
    >>> method.scores(np.array([[0, 1], [1, 0], [1, 0]]), np.ones((3, 2), bool)).tolist()
    [1, 2]
    """

    winners: Callable[[Profile], list[int]]
    """Scalar form: a profile -> its winner set, sorted option indices ([] if m == 0)."""
    scores: Scores | None = None
    """Vectorised form: per-option totals of ballots (..., m, K) -> (..., K), additive over
    ballots, whose highest total is the scalar form's lowest winner; None if it has none."""
    approval: bool = False
    """Whether an option's support counts approvals rather than first places."""

    def __call__(self, profile: Profile) -> list[int]:
        """The winners of a profile (the scalar form)."""
        return self.winners(profile)

    @property
    def support_scores(self) -> Scores:
        """Support in the quorum sense, vectorised: approvals or first places per option."""
        return approval_scores if self.approval else plurality_scores


METHODS: Registry[Method] = Registry("method")


@METHODS.register("plurality")
def _plurality(_: str | None) -> Method:
    """Most first places."""
    return Method(plurality, plurality_scores)


@METHODS.register("approval")
def _approval(_: str | None) -> Method:
    """Most approvals."""
    return Method(approval, approval_scores, approval=True)


@METHODS.register("borda")
def _borda(_: str | None) -> Method:
    """Highest Borda score (k-1 for first place down to 0 for last)."""
    return Method(borda, borda_scores)


@METHODS.register("copeland")
def _copeland(_: str | None) -> Method:
    """Most pairwise majority wins minus losses."""
    return Method(copeland)


@METHODS.register("irv")
def _irv(_: str | None) -> Method:
    """Instant runoff: eliminate the fewest first places until a majority."""
    return Method(irv)
