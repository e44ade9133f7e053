"""Protocols: how one ballot's messages become commits, in each honest seat's own view.

``tally`` is one phase (every seat sends its ballot; an honest seat commits its method's winner
if that winner's support reaches t in what it received). ``bft`` adds a commit phase with locks:
a seat whose prepares show its winner with support t sends commit for it and is locked to it;
an honest seat commits X when it holds t commits for X. Once committed, a seat's commit stands.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from council.adversary import NONE, faulty_ballots, faulty_commits
from council.context import RunContext
from council.offline import approvals, rankings
from council.voting import METHODS, Method, Profile, support


@dataclass(frozen=True)
class ProtocolState:
    """What carries across ballots: commits (which stand) and locks (bft), NONE where none."""

    committed: np.ndarray
    locked: np.ndarray

    @classmethod
    def start(cls, n: int) -> ProtocolState:
        """No commits, no locks."""
        return cls(np.full(n, NONE), np.full(n, NONE))


@dataclass(frozen=True)
class BallotResult:
    """One ballot: what each seat cast, saw and committed."""

    ballot: int
    after_round: int
    cast: np.ndarray
    """(n,) first choice each seat sent (a faulty seat: the one it sent most; NONE if silent)."""
    winner: np.ndarray
    """(n,) the method's winner in each honest seat's view of the prepares (NONE if faulty)."""
    support: np.ndarray
    """(n,) that winner's support in the seat's view."""
    commit_sent: np.ndarray
    """(n,) bft: the option each seat sent commit for (most sent, for a faulty seat)."""
    committed: np.ndarray
    """(n,) honest seats' commits after this ballot (standing ones included)."""
    messages: int


def honest_ballots(scores: np.ndarray, state: ProtocolState) -> tuple[np.ndarray, np.ndarray]:
    """Every seat's own ranking and approvals; a committed or locked seat puts that option first."""
    ranks = rankings(scores)
    approve = approvals(scores)
    pinned = np.where(state.committed != NONE, state.committed, state.locked)
    rows = np.flatnonzero(pinned != NONE)
    if len(rows):
        # Rank the pinned option ahead of everything, keep the rest in order.
        position = np.argsort(ranks[rows], axis=1)
        position[np.arange(len(rows)), pinned[rows]] = -1
        ranks[rows] = np.argsort(position, axis=1, kind="stable")
        approve[rows, pinned[rows]] = True
    return ranks, approve


@dataclass(frozen=True)
class _Received:
    """The prepares as received: every seat's own ballot, and what the faulty seats sent whom."""

    ranks: np.ndarray
    """(n, K) every seat's own ranking (faulty rows are replaced per recipient below)."""
    approve: np.ndarray
    faulty_ranks: np.ndarray
    """(n recipients, m faulty, K) rankings the faulty seats sent each recipient."""
    faulty_approve: np.ndarray
    faulty_speak: bool
    cast: np.ndarray
    """(n,) first choice each seat sent (most sent, for a faulty seat)."""


def _receive(ctx: RunContext, ranks: np.ndarray, approve: np.ndarray, step: int) -> _Received:
    cast = ranks[:, 0].copy()
    faulty = np.flatnonzero(ctx.faulty)
    n, k = ranks.shape
    fr = np.zeros((n, 0, k), dtype=int)
    fa = np.zeros((n, 0, k), dtype=bool)
    speaks = False
    if len(faulty):
        fr, fa, speaks = faulty_ballots(ctx, faulty, ranks, step)
        cast[faulty] = _most_sent_each(fr[:, :, 0], ctx.k) if speaks else NONE
    return _Received(ranks, approve, fr, fa, speaks, cast)


def _most_sent_each(options: np.ndarray, k: int) -> np.ndarray:
    """Per sender (column), the option it sent most often; NONE if it sent nothing.

    Ties go to the lower option.
    """
    counts = (options[:, :, None] == np.arange(k)).sum(axis=0)  # (senders, K)
    return np.where(counts.any(axis=1), counts.argmax(axis=1), NONE)


def _decide_views(ctx: RunContext, got: _Received) -> tuple[np.ndarray, np.ndarray]:
    """Each seat's method winner and its support, computing each distinct view once."""
    n = ctx.n
    method = METHODS.create(ctx.config.method)
    by_approval = ctx.config.method == "approval"
    honest = np.flatnonzero(ctx.honest)
    own_ranks, own_approve = got.ranks[honest], got.approve[honest]
    speaks = got.faulty_speak and got.faulty_ranks.shape[1] > 0
    if not speaks:
        w, b = _decide(method, Profile(own_ranks, own_approve), by_approval)
        return np.full(n, w), np.full(n, b)
    # Views differ only in what the faulty seats sent: decide each distinct one once.
    signature = np.ascontiguousarray(
        np.concatenate(
            [got.faulty_ranks.reshape(n, -1), got.faulty_approve.reshape(n, -1)], axis=1
        ).astype(np.int8)
    )
    keys = signature.view(np.dtype((np.void, signature.shape[1]))).ravel()
    _, first, which = np.unique(keys, return_index=True, return_inverse=True)
    winners = np.empty(len(first), dtype=int)
    backing = np.empty(len(first), dtype=int)
    for v, i in enumerate(first):
        profile = Profile(
            np.concatenate([own_ranks, got.faulty_ranks[i]]),
            np.concatenate([own_approve, got.faulty_approve[i]]),
        )
        winners[v], backing[v] = _decide(method, profile, by_approval)
    which = which.ravel()
    return winners[which], backing[which]


def _decide(method: Method, profile: Profile, by_approval: bool) -> tuple[int, int]:
    """The method's winner (ties to the lower option) and its support; NONE, 0 if none."""
    best = method(profile)
    if not best:
        return NONE, 0
    return best[0], int(support(profile, approval=by_approval)[best[0]])


def run_ballot(
    ctx: RunContext, scores: np.ndarray, state: ProtocolState, *, ballot: int, after_round: int
) -> tuple[BallotResult, ProtocolState]:
    """Run one ballot of the configured protocol from every seat's current scores."""
    n, k = ctx.n, ctx.k
    t = ctx.quorum
    step = 10_000 + 2 * ballot
    honest = ctx.honest
    faulty = np.flatnonzero(ctx.faulty)
    ranks, approve = honest_ballots(scores, state)
    got = _receive(ctx, ranks, approve, step)
    winner, backing = _decide_views(ctx, got)
    senders = int(honest.sum()) + (len(faulty) if got.faulty_speak else 0)
    messages = senders * (n - 1)
    committed = state.committed.copy()
    locked = state.locked.copy()
    commit_sent = np.full(n, NONE)

    if ctx.config.protocol == "tally":
        ready = honest & (committed == NONE) & (winner != NONE) & (backing >= t)
        committed[ready] = winner[ready]
    else:
        reached = honest & (winner != NONE) & (backing >= t)
        commit_sent[reached] = winner[reached]
        locked[reached] = winner[reached]
        counts = np.broadcast_to(np.bincount(winner[reached], minlength=k), (n, k))
        messages += int(reached.sum()) * (n - 1)
        if len(faulty):
            follows = ~honest & (winner != NONE) & (backing >= t)
            would = np.where(follows[faulty], winner[faulty], NONE)
            sent = faulty_commits(ctx, faulty, ranks, would, step + 1)  # (n, m)
            commit_sent[faulty] = _most_sent_each(sent, k)
            counts = counts + (sent[:, :, None] == np.arange(k)).sum(axis=1)
            to_self = sent[faulty, np.arange(len(faulty))] != NONE
            messages += int((sent != NONE).sum() - to_self.sum())
        ready = honest & (committed == NONE) & (counts.max(axis=1) >= t)
        committed[ready] = counts.argmax(axis=1)[ready]

    # Faulty seats have no view of record: report theirs as none.
    winner[ctx.faulty] = NONE
    backing[ctx.faulty] = 0
    committed[ctx.faulty] = NONE
    result = BallotResult(
        ballot=ballot,
        after_round=after_round,
        cast=got.cast,
        winner=winner,
        support=backing,
        commit_sent=commit_sent,
        committed=committed,
        messages=messages,
    )
    return result, ProtocolState(committed=committed, locked=locked)


def ballot_to_data(result: BallotResult) -> dict[str, object]:
    """A ballot result as plain data (for checkpoints)."""
    return {
        "ballot": result.ballot,
        "after_round": result.after_round,
        "messages": result.messages,
        **{
            name: getattr(result, name).tolist()
            for name in ("cast", "winner", "support", "commit_sent", "committed")
        },
    }


def ballot_from_data(data: dict[str, object]) -> BallotResult:
    """The inverse of ``ballot_to_data``."""
    arrays = {
        name: np.asarray(data[name], dtype=int)
        for name in ("cast", "winner", "support", "commit_sent", "committed")
    }
    return BallotResult(
        ballot=int(data["ballot"]),  # type: ignore[call-overload]
        after_round=int(data["after_round"]),  # type: ignore[call-overload]
        messages=int(data["messages"]),  # type: ignore[call-overload]
        **arrays,
    )
