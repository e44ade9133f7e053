"""What faulty seats send: views in deliberation, ballots and commits in the protocol.

Messages are point-to-point and authenticated: a faulty seat may send each recipient something
different, but never speaks for another seat. Arrays are indexed [recipient, sender].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from council.engine.context import RunContext

NONE = -1
"""No option (no commit, no message)."""


def split_pair(honest: np.ndarray, preference: np.ndarray) -> tuple[int, int]:
    """The two options the honest seats split on most.

    The two most common first choices (ties to the lower index); if the honest seats all
    agree, their choice and the best-liked other.

    >>> split_pair(np.array([True, True, True]), np.array([[0.0, 1, 0], [1, 0, 0], [0, 1, 0]]))
    (1, 0)
    """
    prefs = preference[honest]
    k = preference.shape[1]
    first, second, agreed = _top_two(prefs.argmax(axis=1), k)
    if not agreed:
        return first, second
    means = prefs.mean(axis=0)
    means[first] = -np.inf
    return first, int(means.argmax())


def _top_two(choices: np.ndarray, k: int) -> tuple[int, int, bool]:
    """The two most common of ``choices`` (ties to the lower option), and whether all agree.

    ``agreed`` is True when every choice is the first (and there is at least one choice and a
    second option): the caller then picks the second by another measure.
    """
    counts = np.bincount(choices, minlength=k)
    first = int(counts.argmax())
    if k < 2:
        return first, first, False
    counts[first] = -1
    second = int(counts.argmax())
    return first, second, bool(len(choices)) and counts[second] == 0


def leanings(ctx: RunContext, preference: np.ndarray) -> tuple[int, int, np.ndarray]:
    """The split pair (a, b) and, per seat, which of the two it leans to (a on a tie)."""
    a, b = split_pair(ctx.honest, preference)
    lean = np.where(preference[:, a] >= preference[:, b], a, b)
    return a, b, lean


def ranked_leanings(ctx: RunContext, rankings: np.ndarray) -> tuple[int, int, np.ndarray]:
    """``leanings`` of ballots: the split of the honest rankings, and who ranks a above b.

    The same answer as ``leanings`` on preferences read off the rankings (higher ranked,
    preferred), computed without them.

    >>> class Ctx:
    ...     honest = np.array([True, True, True])
    >>> ranked_leanings(Ctx(), np.array([[1, 0, 2], [0, 1, 2], [1, 2, 0]]))
    (1, 0, array([1, 0, 1]))
    """
    k = rankings.shape[1]
    own = rankings[ctx.honest]
    a, b, agreed = _top_two(own[:, 0], k)
    position = np.argsort(rankings, axis=1)
    if agreed:
        # All honest seats rank a first: b is the option they rank highest on average.
        mean = position[ctx.honest].mean(axis=0)
        mean[a] = np.inf
        b = int(mean.argmin())
    lean = np.where(position[:, a] <= position[:, b], a, b)
    return a, b, lean


def _extreme(k: int, option: int) -> np.ndarray:
    view = -np.ones(k)
    view[option] = 1.0
    return view


def stubborn_views(own: np.ndarray, option: int) -> np.ndarray:
    """Stubborn seats' views (m, K): their own, with their option raised clearly above the rest.

    >>> stubborn_views(np.array([[0.2, 0.5]]), 0)
    array([[0.8, 0.5]])
    """
    views = own.copy()
    views[:, option] = np.minimum(1.0, np.maximum(own.max(axis=1) + 0.3, own[:, option]))
    return views


def deliberation_inbox(
    ctx: RunContext, views: np.ndarray, step: int
) -> tuple[np.ndarray, np.ndarray]:
    """What each seat hears in a round: (inbox (n, n, K), heard (n, n)), both read-only.

    ``views`` (n, K) is every seat's current view (a faulty seat's row is its own opening).
    Without faulty seats every recipient hears the same views: the inbox is then a broadcast
    of ``views``, not a copy.
    """
    n = len(views)
    heard = ctx.hears
    faulty = ctx.faulty.nonzero()[0]
    if not len(faulty):
        return _same_for_all(views, n), heard
    inbox = views[None].repeat(n, axis=0)
    if ctx.fault.name == "equivocate":
        # The same as assigning faulty_views, written in place: only the split pair changes.
        a, b, lean = leanings(ctx, views)
        told_a = (lean == a)[:, None]
        inbox[:, faulty, a] = np.where(told_a, 1.0, -1.0)
        inbox[:, faulty, b] = np.where(told_a, -1.0, 1.0) if a != b else 1.0
    else:
        inbox[:, faulty, :] = faulty_views(ctx, faulty, views, step)
    if ctx.fault.name == "crash":
        heard = heard.copy()
        heard[:, faulty] = False
    return inbox, heard


def _same_for_all(rows: np.ndarray, n: int) -> np.ndarray:
    """``rows`` as every one of n recipients receives it: a read-only (n, *rows.shape) view."""
    if not rows.flags.c_contiguous:
        return np.broadcast_to(rows, (n, *rows.shape))
    # The ndarray constructor is a cheaper broadcast than np.broadcast_to for small arrays.
    out = np.ndarray((n, *rows.shape), rows.dtype, buffer=rows, strides=(0, *rows.strides))
    out.flags.writeable = False
    return out


def faulty_views(ctx: RunContext, faulty: np.ndarray, views: np.ndarray, step: int) -> np.ndarray:
    """The views the faulty seats send each recipient: (n recipients, len(faulty), K)."""
    n, k = views.shape
    m = len(faulty)
    name, option = ctx.fault.name, ctx.fault_option
    if name == "crash":
        return np.zeros((n, m, k))
    if name == "random":
        return ctx.random_stream(step).uniform(-1.0, 1.0, size=(n, m, k))
    if name == "stubborn":
        assert option is not None
        return _same_for_all(stubborn_views(views[faulty], option), n)
    if name in ("persuader", "collude"):
        assert option is not None
        return _same_for_all(np.tile(_extreme(k, option), (m, 1)), n)
    if name == "equivocate":
        a, b, lean = leanings(ctx, views)
        out = views[faulty][None].repeat(n, axis=0)
        told_a = (lean == a)[:, None]
        out[:, :, a] = np.where(told_a, 1.0, -1.0)
        out[:, :, b] = np.where(told_a, -1.0, 1.0) if a != b else 1.0
        return out
    raise ValueError(f"no deliberation rule for fault {name!r}")


@dataclass(frozen=True, eq=False)
class FaultyBallots:
    """The ballots the faulty seats send, as the few distinct sets and who receives which.

    Recipient r receives ``rankings[variant[r]]`` and ``approvals[variant[r]]`` from the faulty
    seats (one row per faulty seat): one set for every recipient when they say the same thing to
    all, two for an equivocator, one per recipient for random seats.
    """

    rankings: np.ndarray
    """(V, m, K) rankings, one set per variant."""
    approvals: np.ndarray
    """(V, m, K) approval sets."""
    variant: np.ndarray
    """(n,) which variant each recipient receives."""
    speaks: bool
    """False when the faulty seats are silent (then nothing is received from them)."""
    lean: np.ndarray | None = None
    """Equivocation: the option of the split pair each recipient was told (for its commits)."""


def _put_first(rankings: np.ndarray, option: int) -> np.ndarray:
    """Rankings (m, K) with ``option`` moved to the front, the rest in order."""
    rest = rankings[rankings != option].reshape(len(rankings), -1)
    return np.concatenate([np.full((len(rankings), 1), option), rest], axis=1)


def faulty_ballots(
    ctx: RunContext, faulty: np.ndarray, rankings: np.ndarray, step: int
) -> FaultyBallots:
    """The ballots the faulty seats send (``rankings`` (n, K): every seat's own, for the split)."""
    n, k = rankings.shape
    m = len(faulty)
    name, option = ctx.fault.name, ctx.fault_option
    one = np.zeros(n, dtype=np.intp)
    if name == "crash":
        return FaultyBallots(
            np.zeros((1, m, k), dtype=np.intp), np.zeros((1, m, k), dtype=bool), one, False
        )
    if name == "random":
        ranks = np.argsort(ctx.random_stream(step).random((n, m, k)), axis=2)
        approve = np.zeros((n, m, k), dtype=bool)
        np.put_along_axis(approve, ranks[:, :, :1], True, axis=2)
        return FaultyBallots(ranks, approve, np.arange(n), True)
    if name in ("stubborn", "persuader", "collude"):
        assert option is not None
        approve = np.zeros((1, m, k), dtype=bool)
        approve[:, :, option] = True
        return FaultyBallots(_put_first(rankings[faulty], option)[None], approve, one, True)
    if name == "equivocate":
        a, b, lean = ranked_leanings(ctx, rankings)
        own = rankings[faulty]
        # To a seat leaning a: a first, b last, its own order between; and the mirror image.
        ranks = np.empty((2, m, k), dtype=np.intp)
        ranks[:, :, 1:-1] = own[(own != a) & (own != b)].reshape(m, -1)
        ranks[0, :, 0] = ranks[1, :, -1] = a
        ranks[0, :, -1] = ranks[1, :, 0] = b
        approve = np.zeros((2, m, k), dtype=bool)
        approve[0, :, a] = True
        approve[1, :, b] = True
        return FaultyBallots(ranks, approve, (lean != a).astype(np.intp), True, lean)
    raise ValueError(f"no ballot rule for fault {name!r}")


def faulty_commits(
    ctx: RunContext,
    faulty: np.ndarray,
    sent: FaultyBallots,
    would_commit: np.ndarray,
    step: int,
) -> np.ndarray:
    """The option each faulty seat sends each recipient a commit for: (n, len(faulty)).

    NONE where silent. ``sent`` are the ballots they sent in the prepare phase of the same
    ballot. ``would_commit`` (len(faulty),) is what each commits by the protocol's own rule
    from what it received (NONE if nothing): stubborn seats and persuaders follow the rule, for
    their option only.
    """
    n = len(sent.variant)
    m = len(faulty)
    k = sent.rankings.shape[2]
    name, option = ctx.fault.name, ctx.fault_option
    if name == "crash":
        return np.full((n, m), NONE)
    if name == "random":
        return np.asarray(ctx.random_stream(step).integers(0, k, size=(n, m)))
    if name in ("stubborn", "persuader"):
        return np.where(would_commit == option, would_commit, NONE)[None, :].repeat(n, axis=0)
    if name == "collude":
        assert option is not None
        return np.full((n, m), option)
    if name == "equivocate":
        assert sent.lean is not None
        return np.asarray(sent.lean, dtype=int)[:, None].repeat(m, axis=1)
    raise ValueError(f"no commit rule for fault {name!r}")
