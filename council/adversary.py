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


def stubborn_view(own: np.ndarray, option: int) -> np.ndarray:
    """A stubborn seat's view: its own, with its option raised clearly above the rest."""
    view = own.copy()
    view[option] = min(1.0, max(float(own.max()) + 0.3, own[option]))
    return view


def deliberation_inbox(
    ctx: RunContext, views: np.ndarray, step: int
) -> tuple[np.ndarray, np.ndarray]:
    """What each seat hears in a round: (inbox (n, n, K), heard (n, n)).

    ``views`` (n, K) is every seat's current view (a faulty seat's row is its own opening).
    """
    n, k = views.shape
    inbox = np.broadcast_to(views[None, :, :], (n, n, k)).copy()
    heard = ctx.hears.copy()
    for j in np.flatnonzero(ctx.faulty):
        inbox[:, j, :] = faulty_views(ctx, int(j), views, step)
    if ctx.fault.name == "crash":
        heard[:, ctx.faulty] = False
    return inbox, heard


def faulty_views(ctx: RunContext, j: int, views: np.ndarray, step: int) -> np.ndarray:
    """The view faulty seat j sends each recipient (n, K)."""
    n, k = views.shape
    name, option = ctx.fault.name, ctx.fault_option
    if name == "crash":
        return np.zeros((n, k))
    if name == "random":
        return ctx.random_stream(step * 1000 + j).uniform(-1.0, 1.0, size=(n, k))
    if name == "stubborn":
        assert option is not None
        return np.broadcast_to(stubborn_view(views[j], option), (n, k))
    if name in ("persuader", "collude"):
        assert option is not None
        return np.broadcast_to(_extreme(k, option), (n, k))
    if name == "equivocate":
        a, b, lean = leanings(ctx, views)
        out = np.broadcast_to(views[j], (n, k)).copy()
        out[:, a] = np.where(lean == a, 1.0, -1.0)
        out[:, b] = np.where(lean == b, 1.0, -1.0)
        return out
    raise ValueError(f"no deliberation rule for fault {name!r}")


def _put_first(ranking: np.ndarray, option: int) -> np.ndarray:
    return np.concatenate([[option], ranking[ranking != option]])


def faulty_ballots(
    ctx: RunContext, j: int, own_ranking: np.ndarray, honest_rankings: np.ndarray, step: int
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Rankings (n, K) and approvals (n, K) faulty seat j sends each recipient; False if silent.

    ``honest_rankings`` (n, K) are every seat's own ballots (used to find the split).
    """
    n, k = honest_rankings.shape
    name, option = ctx.fault.name, ctx.fault_option
    approve = np.zeros((n, k), dtype=bool)
    if name == "crash":
        return np.zeros((n, k), dtype=int), approve, False
    if name == "random":
        rng = ctx.random_stream(step * 1000 + j)
        ranks = np.argsort(rng.random((n, k)), axis=1)
        approve[np.arange(n), ranks[:, 0]] = True
        return ranks, approve, True
    if name in ("stubborn", "persuader", "collude"):
        assert option is not None
        ranking = _put_first(own_ranking, option)
        approve[:, option] = True
        return np.broadcast_to(ranking, (n, k)).copy(), approve, True
    if name == "equivocate":
        preference = -np.argsort(honest_rankings, axis=1)  # higher is better
        a, b, lean = leanings(ctx, preference.astype(float))
        base = own_ranking[(own_ranking != a) & (own_ranking != b)]
        for_a = np.concatenate([[a], base, [b]])
        for_b = np.concatenate([[b], base, [a]])
        ranks = np.where((lean == a)[:, None], for_a[None, :], for_b[None, :])
        approve[np.arange(n), lean] = True
        return ranks, approve, True
    raise ValueError(f"no ballot rule for fault {name!r}")


def faulty_commits(
    ctx: RunContext,
    j: int,
    honest_rankings: np.ndarray,
    would_commit: int,
    step: int,
) -> np.ndarray:
    """The option faulty seat j sends each recipient a commit for (n,), NONE where silent.

    ``would_commit`` is what j commits by the protocol's own rule from what it received
    (NONE if nothing): stubborn seats and persuaders follow the rule for their option only.
    """
    n, k = honest_rankings.shape
    name, option = ctx.fault.name, ctx.fault_option
    if name == "crash":
        return np.full(n, NONE)
    if name == "random":
        return np.asarray(ctx.random_stream(step * 1000 + j).integers(0, k, size=n))
    if name in ("stubborn", "persuader"):
        return np.full(n, would_commit if would_commit == option else NONE)
    if name == "collude":
        assert option is not None
        return np.full(n, option)
    if name == "equivocate":
        preference = -np.argsort(honest_rankings, axis=1)
        _, _, lean = leanings(ctx, preference.astype(float))
        return np.asarray(lean, dtype=int)
    raise ValueError(f"no commit rule for fault {name!r}")
