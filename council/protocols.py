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
from council.voting import METHODS, Profile, support


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


def _most_sent(options: np.ndarray) -> int:
    valid = options[options != NONE]
    if not len(valid):
        return NONE
    return int(np.bincount(valid).argmax())


def honest_ballots(scores: np.ndarray, state: ProtocolState) -> tuple[np.ndarray, np.ndarray]:
    """Every seat's own ranking and approvals; a committed or locked seat puts that option first."""
    ranks = rankings(scores)
    approve = approvals(scores)
    pinned = np.where(state.committed != NONE, state.committed, state.locked)
    for i in np.flatnonzero(pinned != NONE):
        option = pinned[i]
        ranks[i] = np.concatenate([[option], ranks[i][ranks[i] != option]])
        approve[i, option] = True
    return ranks, approve


def _views(
    ctx: RunContext, ranks: np.ndarray, approve: np.ndarray, step: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Ballots as received: rankings (n, n, K), approvals (n, n, K), arrived (n, n), cast (n,)."""
    n, k = ranks.shape
    got_rank = np.broadcast_to(ranks[None], (n, n, k)).copy()
    got_appr = np.broadcast_to(approve[None], (n, n, k)).copy()
    arrived = np.ones((n, n), dtype=bool)
    cast = ranks[:, 0].copy()
    for j in np.flatnonzero(ctx.faulty):
        r, a, speaks = faulty_ballots(ctx, int(j), ranks[j], ranks, step)
        got_rank[:, j], got_appr[:, j] = r, a
        arrived[:, j] = speaks
        cast[j] = _most_sent(r[:, 0]) if speaks else NONE
    return got_rank, got_appr, arrived, cast


def _decide_views(
    ctx: RunContext, got_rank: np.ndarray, got_appr: np.ndarray, arrived: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each seat's method winner and its support, computing each distinct view once."""
    n = got_rank.shape[0]
    method = METHODS.create(ctx.config.method)
    by_approval = ctx.config.method == "approval"
    winner = np.full(n, NONE)
    backing = np.zeros(n, dtype=int)
    faulty = np.flatnonzero(ctx.faulty)
    seen: dict[bytes, tuple[int, int]] = {}
    for i in range(n):
        key = (
            got_rank[i, faulty].tobytes()
            + got_appr[i, faulty].tobytes()
            + arrived[i, faulty].tobytes()
        )
        if key not in seen:
            mask = arrived[i]
            profile = Profile(got_rank[i, mask], got_appr[i, mask])
            best = method(profile)
            if best:
                w = best[0]
                seen[key] = (w, int(support(profile, approval=by_approval)[w]))
            else:
                seen[key] = (NONE, 0)
        winner[i], backing[i] = seen[key]
    return winner, backing


def run_ballot(
    ctx: RunContext, scores: np.ndarray, state: ProtocolState, *, ballot: int, after_round: int
) -> tuple[BallotResult, ProtocolState]:
    """Run one ballot of the configured protocol from every seat's current scores."""
    n = ctx.n
    t = ctx.quorum
    step = 10_000 + 2 * ballot
    ranks, approve = honest_ballots(scores, state)
    got_rank, got_appr, arrived, cast = _views(ctx, ranks, approve, step)
    winner, backing = _decide_views(ctx, got_rank, got_appr, arrived)
    messages = int(arrived.sum() - arrived.diagonal().sum())
    honest = ctx.honest
    committed = state.committed.copy()
    locked = state.locked.copy()
    commit_sent = np.full(n, NONE)

    if ctx.config.protocol == "tally":
        ready = honest & (committed == NONE) & (winner != NONE) & (backing >= t)
        committed[ready] = winner[ready]
    else:
        reached = (winner != NONE) & (backing >= t)
        commit_sent[honest & reached] = winner[honest & reached]
        locked[honest & reached] = winner[honest & reached]
        got_commit = np.broadcast_to(commit_sent[None, :], (n, n)).copy()
        for j in np.flatnonzero(ctx.faulty):
            sent = faulty_commits(
                ctx, int(j), ranks, int(winner[j]) if reached[j] else NONE, step + 1
            )
            got_commit[:, j] = sent
            commit_sent[j] = _most_sent(sent)
        off_self = got_commit.copy()
        np.fill_diagonal(off_self, NONE)
        messages += int((off_self != NONE).sum())
        for i in np.flatnonzero(honest & (committed == NONE)):
            received = got_commit[i][got_commit[i] != NONE]
            if len(received):
                counts = np.bincount(received, minlength=ctx.k)
                if counts.max() >= t:
                    committed[i] = int(counts.argmax())

    # Faulty seats have no view of record: report theirs as none.
    winner[ctx.faulty] = NONE
    backing[ctx.faulty] = 0
    committed[ctx.faulty] = NONE
    result = BallotResult(
        ballot=ballot,
        after_round=after_round,
        cast=cast,
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
