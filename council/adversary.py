"""What faulty seats send: views in deliberation, ballots and commits in the protocol.

Messages are point-to-point and authenticated: a faulty seat may send each recipient something
different, but never speaks for another seat. Arrays are indexed [recipient, sender].
"""

from __future__ import annotations

import numpy as np

from council.context import RunContext

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
    counts = np.bincount(prefs.argmax(axis=1), minlength=k) if len(prefs) else np.zeros(k, int)
    order = np.lexsort((np.arange(k), -counts))
    first = int(order[0])
    if k < 2:
        return first, first
    if counts[order[1]] > 0 or not len(prefs):
        return first, int(order[1])
    means = prefs.mean(axis=0)
    means[first] = -np.inf
    return first, int(means.argmax())


def leanings(ctx: RunContext, preference: np.ndarray) -> tuple[int, int, np.ndarray]:
    """The split pair (a, b) and, per seat, which of the two it leans to (a on a tie)."""
    a, b = split_pair(ctx.honest, preference)
    lean = np.where(preference[:, a] >= preference[:, b], a, b)
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
    """What each seat hears in a round: (inbox (n, n, K), heard (n, n)).

    ``views`` (n, K) is every seat's current view (a faulty seat's row is its own opening).
    """
    n, k = views.shape
    inbox = np.broadcast_to(views[None, :, :], (n, n, k)).copy()
    heard = ctx.hears
    faulty = np.flatnonzero(ctx.faulty)
    if len(faulty):
        inbox[:, faulty, :] = faulty_views(ctx, faulty, views, step)
        if ctx.fault.name == "crash":
            heard = heard.copy()
            heard[:, faulty] = False
    return inbox, heard


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
        return np.broadcast_to(stubborn_views(views[faulty], option), (n, m, k))
    if name in ("persuader", "collude"):
        assert option is not None
        return np.broadcast_to(_extreme(k, option), (n, m, k))
    if name == "equivocate":
        a, b, lean = leanings(ctx, views)
        out = np.broadcast_to(views[faulty][None], (n, m, k)).copy()
        out[:, :, a] = np.where(lean == a, 1.0, -1.0)[:, None]
        out[:, :, b] = np.where(lean == b, 1.0, -1.0)[:, None]
        return out
    raise ValueError(f"no deliberation rule for fault {name!r}")


def _put_first(rankings: np.ndarray, option: int) -> np.ndarray:
    """Rankings (m, K) with ``option`` moved to the front, the rest in order."""
    rest = rankings[rankings != option].reshape(len(rankings), -1)
    return np.concatenate([np.full((len(rankings), 1), option), rest], axis=1)


def faulty_ballots(
    ctx: RunContext, faulty: np.ndarray, rankings: np.ndarray, step: int
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Rankings and approvals (n recipients, len(faulty), K) the faulty seats send.

    The flag is False when they are silent. ``rankings`` (n, K) are every seat's own ballots
    (to find the split).
    """
    n, k = rankings.shape
    m = len(faulty)
    name, option = ctx.fault.name, ctx.fault_option
    approve = np.zeros((n, m, k), dtype=bool)
    if name == "crash":
        return np.zeros((n, m, k), dtype=int), approve, False
    if name == "random":
        ranks = np.argsort(ctx.random_stream(step).random((n, m, k)), axis=2)
        np.put_along_axis(approve, ranks[:, :, :1], True, axis=2)
        return ranks, approve, True
    if name in ("stubborn", "persuader", "collude"):
        assert option is not None
        approve[:, :, option] = True
        return np.broadcast_to(_put_first(rankings[faulty], option), (n, m, k)), approve, True
    if name == "equivocate":
        a, b, lean = leanings(ctx, _preference(rankings))
        own = rankings[faulty]
        base = own[(own != a) & (own != b)].reshape(m, -1)
        for_a = np.concatenate([np.full((m, 1), a), base, np.full((m, 1), b)], axis=1)
        for_b = np.concatenate([np.full((m, 1), b), base, np.full((m, 1), a)], axis=1)
        ranks = np.where((lean == a)[:, None, None], for_a[None], for_b[None])
        approve[np.arange(n), :, lean] = True
        return ranks, approve, True
    raise ValueError(f"no ballot rule for fault {name!r}")


def _preference(rankings: np.ndarray) -> np.ndarray:
    """Rankings turned into scores (higher is better), for finding the split."""
    return -np.argsort(rankings, axis=1).astype(float)


def faulty_commits(
    ctx: RunContext,
    faulty: np.ndarray,
    rankings: np.ndarray,
    would_commit: np.ndarray,
    step: int,
) -> np.ndarray:
    """The option each faulty seat sends each recipient a commit for: (n, len(faulty)).

    NONE where silent. ``would_commit`` (len(faulty),) is what each commits by the protocol's
    own rule from what it received (NONE if nothing): stubborn seats and persuaders follow
    the rule, for their option only.
    """
    n, k = rankings.shape
    m = len(faulty)
    name, option = ctx.fault.name, ctx.fault_option
    if name == "crash":
        return np.full((n, m), NONE)
    if name == "random":
        return np.asarray(ctx.random_stream(step).integers(0, k, size=(n, m)))
    if name in ("stubborn", "persuader"):
        return np.broadcast_to(np.where(would_commit == option, would_commit, NONE), (n, m))
    if name == "collude":
        assert option is not None
        return np.full((n, m), option)
    if name == "equivocate":
        _, _, lean = leanings(ctx, _preference(rankings))
        return np.broadcast_to(np.asarray(lean, dtype=int)[:, None], (n, m))
    raise ValueError(f"no commit rule for fault {name!r}")
