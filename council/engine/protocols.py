"""Protocols: how one ballot's messages become commits, in each honest seat's own view.

``tally`` is one phase (every seat sends its ballot; an honest seat commits its method's winner
if that winner's support reaches t in what it received). It has no locks: it is safe within one
ballot only. ``bft`` adds a commit phase with locks: a seat whose prepares show its winner with
support t sends commit for it and is locked to it; an honest seat commits X when it holds t
commits for X. Once committed, a seat's commit stands.

**Locks.** A seat locked on L casts L in every later ballot: L first in its ranking and the only
option it approves; it sends commit only for L. It unlocks only when a later ballot's prepares,
in its own view, show another option W as its method's winner with support t (PBFT's view
change): then it sends commit for W and is locked on W, and the ballot records the unlock. A
committed seat is locked on its commit for good: its ballot is its commit, it sends commit only
for it, and it never unlocks.

**Why this is safe for every method while k <= 2t - n - 1 seats are faulty.** Within one
ballot, an honest seat sends at most one commit; two honest seats committing X and Y would need
t commits each, so at least t - k honest senders each, and 2(t - k) <= n - k, that is k >=
2t - n: impossible. Across ballots: an honest seat commits X in ballot b, so it held t commits
for X, at least t - k of them from honest seats, which are now locked on X. In any later
ballot those t - k seats rank X first and approve only X, so in any seat's view another option
Y has support (first places, or approvals) from at most the other n - k - (t - k) = n - t
honest seats and the k faulty ones: n - t + k < t. So no honest seat sees Y reach t: none
unlocks from X (the t - k stay locked, and the argument repeats ballot after ballot), none sends
commit for Y, and Y gathers at most k < t commits, from faulty seats: no honest seat commits Y.
The argument needs only that support counts first places or approvals and that a locked seat
gives both to its lock alone, which holds whatever method picks the winner.

"Reaches t" is the plain threshold's case of "is a quorum": under a quorum system beyond one
threshold the same argument holds with "t" read as "a quorum" and k below the smallest
intersection of two quorums (``council.tolerates.safety``); such systems, and network faults
(what reached whom), are answered seat by seat in ``council.engine.views``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from council.engine.context import RunContext
from council.engine.prepares import decide_views, receive
from council.engine.views import commits_received, delivered_count, honest_senders, quorate
from council.rules.faults import NONE
from council.rules.opinion import approvals, rankings


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
    unlocked: np.ndarray
    """(n,) bft: the lock each honest seat gave up in this ballot (its new one is its commit
    sent); NONE where it kept its lock or had none."""


def honest_ballots(scores: np.ndarray, state: ProtocolState) -> tuple[np.ndarray, np.ndarray]:
    """Every seat's own ranking and approvals; a committed or locked seat casts only that option.

    Its ranking puts the option first and its approval set is that option alone.

    >>> ranks, approve = honest_ballots(
    ...     np.array([[0.9, 0.5, -0.2], [0.9, 0.5, -0.2]]),
    ...     ProtocolState(committed=np.array([-1, -1]), locked=np.array([1, -1])))
    >>> ranks.tolist(), approve.tolist()
    ([[1, 0, 2], [0, 1, 2]], [[False, True, False], [True, True, False]])
    """
    ranks = honest_rankings(scores, state)
    approve = approvals(scores)
    rows, pinned = _pinned(state)
    approve[rows] = False
    approve[rows, pinned] = True
    return ranks, approve


def honest_rankings(scores: np.ndarray, state: ProtocolState) -> np.ndarray:
    """Every seat's own ranking; a committed or locked seat puts that option first."""
    ranks = rankings(scores)
    rows, pinned = _pinned(state)
    if len(rows):
        # Rank the pinned option ahead of everything, keep the rest in order.
        position = np.argsort(ranks[rows], axis=1)
        position[np.arange(len(rows)), pinned] = -1
        ranks[rows] = np.argsort(position, axis=1, kind="stable")
    return ranks


def _pinned(state: ProtocolState) -> tuple[np.ndarray, np.ndarray]:
    """Seats whose ballot is pinned (committed, else locked) and the option pinned."""
    if state.committed.max(initial=NONE) == NONE and state.locked.max(initial=NONE) == NONE:
        none = np.zeros(0, dtype=np.intp)
        return none, none
    pinned = np.where(state.committed != NONE, state.committed, state.locked)
    rows = (pinned != NONE).nonzero()[0]
    return rows, pinned[rows]


def _most_sent_each(options: np.ndarray, k: int) -> np.ndarray:
    """Per sender (column), the option it sent most often; NONE if it sent nothing.

    Ties go to the lower option.

    >>> _most_sent_each(np.array([[1, -1, 0], [1, -1, 2], [0, -1, 2]]), 3).tolist()
    [1, -1, 2]
    """
    return _most_each(options.T, k)


def _most_each(options: np.ndarray, k: int) -> np.ndarray:
    """Per row, the option most often in it (ties to the lower); NONE if only NONE."""
    counts = _count_each(options, k)
    return np.where(counts.any(axis=1), counts.argmax(axis=1), NONE)


def _count_each(options: np.ndarray, k: int) -> np.ndarray:
    """Per row of options (NONE for none), how often each option occurs: (rows, K)."""
    rows = len(options)
    valid = options != NONE
    index = (np.arange(rows)[:, None] * k + options)[valid]
    return np.bincount(index, minlength=rows * k).reshape(rows, k)


def run_ballot(
    ctx: RunContext,
    scores: np.ndarray,
    state: ProtocolState,
    *,
    ballot: int,
    after_round: int,
    absent: np.ndarray | None = None,
) -> tuple[BallotResult, ProtocolState]:
    """Run one ballot of the configured protocol from every seat's current scores.

    ``absent`` (a boolean mask) marks honest seats that have never managed to speak (an LLM
    seat whose every call failed): they are crashed for the ballot, sending and committing
    nothing.
    """
    if absent is not None and not absent.any():
        absent = None
    n, k = ctx.n, ctx.n_options
    t = ctx.quorum
    step = 10_000 + 2 * ballot
    honest = ctx.honest
    faulty = ctx.faulty.nonzero()[0]
    if ctx.method.approval:
        ranks, approve = honest_ballots(scores, state)
    else:  # only approval reads the approval sets: skip them
        ranks, approve = honest_rankings(scores, state), None
    got = receive(ctx, faulty, ranks, approve, step, after_round)
    delivered = None if ctx.network is None else ctx.network.delivered(step, after_round)
    winner, backing = decide_views(ctx, faulty, got, absent, delivered)
    speaks = got.faulty is not None and got.faulty.speaks
    senders = n - len(faulty) + (len(faulty) if speaks else 0)
    if absent is not None:
        honest = honest & ~absent
        senders -= int(absent.sum())
        got.cast[absent] = NONE
    messages = senders * (n - 1)
    if delivered is not None:
        messages = delivered_count(delivered, honest_senders(ctx, absent) | (ctx.faulty & speaks))
    committed = state.committed.copy()
    locked = state.locked.copy()
    prepare_messages = messages
    commit_sent = np.empty(n, dtype=np.intp)
    commit_sent.fill(NONE)
    unlocked = np.full(n, NONE)
    # A winner whose support is a quorum (t >= 1, and a view with no winner has support 0).
    reach = quorate(ctx, faulty, got, absent, winner, backing, delivered)

    if ctx.config.protocol == "tally":
        ready = reach & honest & (committed == NONE)
        committed[ready] = winner[ready]
    else:
        # A committed seat is locked on its commit for good; a locked seat sends commit only
        # for its lock, unless its view's winner is another option backed by a quorum (it unlocks).
        held = np.where(committed != NONE, committed, locked)
        reached = reach & honest
        moves = reached & (held != NONE) & (winner != held) & (committed == NONE)
        reached &= (held == NONE) | (winner == held) | moves
        unlocked[moves] = locked[moves]
        commit_sent[reached] = winner[reached]
        locked[reached] = winner[reached]
        counts = np.bincount(winner[reached], minlength=k)[None, :]  # every seat hears these
        messages += int(reached.sum()) * (n - 1)
        sent = None
        if got.faulty is not None:
            would = np.where(reach[faulty], winner[faulty], NONE)
            sent = ctx.fault.commits(ctx, faulty, got.faulty, would, step + 1)  # (n, m)
            commit_sent[faulty] = _most_sent_each(sent, k)
            counts = counts + _count_each(sent, k)
            to_self = sent[faulty, np.arange(len(faulty))] != NONE
            messages += int((sent != NONE).sum() - to_self.sum())
        if ctx.system.threshold is not None and ctx.network is None:
            ready = honest & (committed == NONE) & (counts.max(axis=1) >= t)
            choice = counts.argmax(axis=1)
            committed[ready] = choice[ready] if len(choice) == n else choice[0]
        else:
            arrived = commits_received(ctx, commit_sent, faulty, sent, step + 1, after_round)
            messages = prepare_messages + arrived.messages  # commits that arrived
            ready = honest & (committed == NONE) & arrived.quorate
            committed[ready] = arrived.choice[ready]

    # Faulty seats have no view of record: report theirs as none.
    winner[faulty] = NONE
    backing[faulty] = 0
    committed[faulty] = NONE
    result = BallotResult(
        ballot=ballot,
        after_round=after_round,
        cast=got.cast,
        winner=winner,
        support=backing,
        commit_sent=commit_sent,
        committed=committed,
        messages=messages,
        unlocked=unlocked,
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
            for name in ("cast", "winner", "support", "commit_sent", "committed", "unlocked")
        },
    }


def ballot_from_data(data: dict[str, object]) -> BallotResult:
    """The inverse of ``ballot_to_data`` (data saved before unlocks were recorded has none)."""
    arrays = {
        name: np.asarray(data[name], dtype=int)
        for name in ("cast", "winner", "support", "commit_sent", "committed")
    }
    arrays["unlocked"] = np.asarray(data.get("unlocked", [NONE] * len(arrays["cast"])), dtype=int)
    return BallotResult(
        ballot=int(data["ballot"]),  # type: ignore[call-overload]
        after_round=int(data["after_round"]),  # type: ignore[call-overload]
        messages=int(data["messages"]),  # type: ignore[call-overload]
        **arrays,
    )
