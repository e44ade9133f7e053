"""One ballot of many runs at once: ballots, faulty prepares and commits, views, locks.

``council.engine.protocols.run_ballot`` with a run axis in front, for a plain threshold
without network faults: every seat's view is the honest ballots plus the variant of the faulty
seats' ballots it received, scored with the method's vectorised form (its additive rows).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from council.rules.faults import NONE
from council.rules.faults.runs import Prepared, RunDraws, RunForm, ordered_positions, positions
from council.rules.quorum_system import QuorumSystem
from council.rules.voting import METHODS, Profile

SCORED = ("plurality", "approval", "borda")
"""Methods decided by their additive rows; the others (Copeland, IRV) view by view."""


@dataclass
class Protocol:
    """What a ballot needs of its cell: seats, options, rules, the fault's run form."""

    n: int
    k: int
    threshold: int
    quorum: int
    bft: bool
    method: str
    approval: bool
    form: RunForm | None
    """The fault model's run form (None: the kernel runs only fault-free runs of the cell)."""
    system: QuorumSystem | None = None
    """A quorum system beyond one threshold (groups, weights), asked who backs an option;
    None: a plain threshold, where the count of backers is enough."""


@dataclass
class BallotOut:
    """What a ballot leaves for the metrics: first choices cast, messages, the new state."""

    cast: np.ndarray
    messages: np.ndarray
    committed: np.ndarray
    locked: np.ndarray
    tops: np.ndarray | None = None
    """(A, n) each seat's highest-scored option in the scores voted on, where the ballot
    found it (the next round's faulty seats may read it: ``RunForm.said``)."""


def rankings(
    scores: np.ndarray, pinned: np.ndarray, whole: bool = True, top: np.ndarray | None = None
) -> np.ndarray:
    """``honest_rankings`` per run: own order, a pinned option (NONE: none) put first.

    Not ``whole``: only the firsts (..., 1), the highest score's (the lower on a tie, as the
    stable sort puts it first; ``top``, where it is known) or the pin.

    >>> rankings(np.array([[[0.1, 0.5, 0.5], [0.3, 0.2, 0.1]]]), np.array([[NONE, 2]]))
    array([[[1, 2, 0],
            [2, 0, 1]]])
    """
    if not whole:
        firsts = scores.argmax(axis=-1) if top is None else top
        return np.where(pinned != NONE, pinned, firsts)[..., None]
    # the places' options: the inverse permutation
    return positions(ordered_positions(scores, pinned))


def approvals(scores: np.ndarray, pinned: np.ndarray, top: np.ndarray | None = None) -> np.ndarray:
    """``honest_ballots``' approvals per run: above zero and the top; a pinned seat its pin.

    ``top``: each seat's highest-scored option, where it is known (``scores.argmax(-1)``).

    >>> approvals(np.array([[[-0.2, -0.1, 0.3], [-0.5, -0.4, -0.6]]]), np.array([[NONE, 0]]))
    array([[[False, False,  True],
            [ True, False, False]]])
    """
    approve = scores > 0
    k = scores.shape[-1]
    flat = approve.reshape(-1, k)
    firsts = scores.argmax(axis=-1) if top is None else top
    flat[np.arange(len(flat)), firsts.reshape(-1)] = True
    rows = pinned != NONE
    if rows.any():
        approve[rows] = False
        approve[rows, pinned[rows]] = True
    return approve


def score_rows(method: str, ranks: np.ndarray, approve: np.ndarray | None, k: int) -> np.ndarray:
    """Each ballot's additive row (..., K) of a vectorised method (plurality, approval, borda).

    Plurality reads only the first of each ranking (``ranks`` may hold only those).
    """
    if method == "approval":
        assert approve is not None
        return approve.astype(np.int64)
    if method == "borda":
        return (k - 1 - positions(ranks)).astype(np.int64)
    return (ranks[..., :1] == np.arange(k)).astype(np.int64)


def _honest_sum(
    method: str, ranks: np.ndarray, approve: np.ndarray | None, honest: np.ndarray, k: int
) -> np.ndarray:
    """The honest seats' ballots' rows (A, n, K) summed per run (A, K)."""
    if method == "plurality":
        return option_counts(ranks[..., 0], honest, k)
    if method == "approval":  # count the approving honest seats: no int64 rows
        assert approve is not None
        return np.add.reduce(approve & honest[..., None], axis=1, dtype=np.int64)
    return (score_rows(method, ranks, approve, k) * honest[..., None]).sum(axis=1)


def _variant_sum(
    method: str,
    ranks: np.ndarray,
    approve: np.ndarray | None,
    k: int,
    first_counts: np.ndarray | None = None,
) -> np.ndarray:
    """The faulty seats' ballots' rows (A, V, m, K) summed per variant (A, V, K).

    ``approve`` None: each approves only its first. ``first_counts``: how many of each
    variant's ballots put each option first (A, V, K), where the fault counted them as it drew.
    """
    if approve is None and method == "approval":
        method = "plurality"  # one approval, of its first: the first's count
    if first_counts is not None and method == "plurality":
        return first_counts
    if method == "plurality":
        firsts = ranks[..., 0]
        flat = firsts.reshape(-1, firsts.shape[-1])
        every = np.ones(flat.shape, dtype=bool)
        return option_counts(flat, every, k).reshape(*firsts.shape[:-1], k)
    if method == "approval":
        assert approve is not None
        return approve.sum(axis=-2)
    return score_rows(method, ranks, approve, k).sum(axis=-2)


def option_counts(choices: np.ndarray, counted: np.ndarray, k: int) -> np.ndarray:
    """Per run, how many of the ``counted`` seats chose each option: (A, n) -> (A, K).

    >>> option_counts(np.array([[0, 2, 2], [1, 1, -1]]), np.array([[1, 1, 1], [1, 0, 0]], bool), 3)
    array([[1, 0, 2],
           [0, 1, 0]])
    """
    runs = len(choices)
    cells = (np.arange(runs)[:, None] * k + choices)[counted]
    return np.bincount(cells, minlength=runs * k).reshape(runs, k)


def _decide(
    p: Protocol,
    ranks: np.ndarray,
    approve: np.ndarray | None,
    honest: np.ndarray,
    extra_ranks: np.ndarray | None,
    extra_approve: np.ndarray | None,
    variant: np.ndarray | None,
    extra_first_counts: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Each seat's winner and backing (A, n): honest ballots plus its variant's faulty ones."""
    support = "approval" if p.approval else "plurality"
    backing = _honest_sum(support, ranks, approve, honest, p.k)[:, None, :]  # (A, 1, K)
    totals = None
    if p.method != support and p.method in SCORED:
        totals = _honest_sum(p.method, ranks, approve, honest, p.k)[:, None, :]
    if extra_ranks is not None:
        backing = backing + _variant_sum(
            support, extra_ranks, extra_approve, p.k, extra_first_counts
        )
        if totals is not None:
            totals = totals + _variant_sum(
                p.method, extra_ranks, extra_approve, p.k, extra_first_counts
            )
    if p.method in SCORED:
        winner = (backing if totals is None else totals).argmax(axis=-1)  # (A, V)
    else:
        winner = _winners_each(p.method, ranks, honest, extra_ranks, backing.shape[1])
    rows = np.arange(len(winner))[:, None]
    held = backing[rows, np.arange(backing.shape[1]), winner]  # (A, V): the winner's backing
    if variant is None:
        n = ranks.shape[1]
        return np.repeat(winner, n, axis=1), np.repeat(held, n, axis=1)
    return winner[rows, variant], held[rows, variant]


def _winners_each(
    method: str,
    ranks: np.ndarray,
    honest: np.ndarray,
    extra_ranks: np.ndarray | None,
    views: int,
) -> np.ndarray:
    """(A, V) winners of a method without additive rows (Copeland, IRV), view by view.

    Each view's profile is what ``prepares.decide_many`` hands the method: the run's honest
    rankings in seat order, then that variant's faulty ones; a view with no ballot at all is
    decided by nobody (its support is 0, below any threshold: option 0 stands in).
    """
    rule = METHODS.create(method)
    runs, _, k = ranks.shape
    winner = np.zeros((runs, views), dtype=np.intp)
    for a in range(runs):
        base = ranks[a][honest[a]]
        for v in range(views):
            both = base if extra_ranks is None else np.concatenate([base, extra_ranks[a, v]])
            if len(both):
                winner[a, v] = rule(Profile.trusted(both, np.zeros(both.shape, dtype=bool)))[0]
    return winner


def run_ballot(
    p: Protocol,
    scores: np.ndarray,
    faulty: np.ndarray,
    index: np.ndarray,
    draws: RunDraws,
    committed: np.ndarray,
    locked: np.ndarray,
    ballot: int,
    after_round: int,
) -> BallotOut:
    """One ballot for A runs (``protocols.run_ballot``, without network faults)."""
    runs, n, k = scores.shape
    m = index.shape[1]
    step = 10_000 + 2 * ballot
    honest = ~faulty
    pinned = np.where(committed != NONE, committed, locked)
    form = p.form.at(after_round) if p.form is not None and m else None
    own = form is None and p.form is not None and m > 0  # faulty seats cast their own ballots
    whole = p.method not in ("plurality", "approval")  # plurality and approval read firsts
    # the random fault's draws load numba: its ballots are counted compiled as well
    compiled = form is not None and form.random and not whole and p.system is None
    base = approve = tops = None
    if compiled:
        from council.engine.batch import first_ballots

        firsts, base = first_ballots.firsts(scores, pinned, honest, p.approval)
        ranks = firsts[..., None]
    elif not whole:  # one argmax for firsts, approvals and the next round's faulty seats
        tops = scores.argmax(axis=-1)
        ranks = rankings(scores, pinned, False, tops)
        approve = approvals(scores, pinned, tops) if p.approval else None
    else:
        ranks = rankings(scores, pinned)
        approve = approvals(scores, pinned) if p.approval else None
    cast = ranks[:, :, 0].copy()
    rows = np.arange(runs)[:, None]
    sent = None
    if form is not None:
        if not whole:
            sent = form.prepared_firsts(scores, pinned, ranks[..., 0], honest, index, draws, step)
        if sent is None:  # the form reads whole rankings
            every = ranks if whole else rankings(scores, pinned)
            sent = form.prepared(every, honest, index, draws, step, whole)
    elif own:
        sent = _own_ballots(ranks, approve, index, k)
    if sent is not None:
        cast[rows, index] = sent.cast
    if base is not None:  # compiled: the random fault counted its firsts as it drew them
        assert sent is not None and sent.first_counts is not None and sent.variant is not None
        winner, backing = first_ballots.decide(base, sent.first_counts, sent.variant)
    elif sent is None or sent.rankings is None:
        winner, backing = _decide(p, ranks, approve, honest, None, None, None)
    else:
        winner, backing = _decide(
            p, ranks, approve, honest, sent.rankings, sent.approvals, sent.variant,
            sent.first_counts,
        )  # fmt: skip
    senders = n - m if form is not None and form.silent else n
    messages = np.full(runs, senders * (n - 1), dtype=np.int64)
    if p.system is None:
        reach = backing >= p.threshold
    else:
        reach = p.system.seats_quorum(_supporters(p, ranks, approve, honest, winner, index, sent))
    committed = committed.copy()
    locked = locked.copy()
    if not p.bft:
        ready = reach & honest & (committed == NONE)
        committed[ready] = winner[ready]
        return BallotOut(cast, messages, committed, locked, tops)
    held = np.where(committed != NONE, committed, locked)
    reached = reach & honest
    moves = reached & (held != NONE) & (winner != held) & (committed == NONE)
    reached &= (held == NONE) | (winner == held) | moves
    locked[reached] = winner[reached]
    messages += reached.sum(axis=1) * (n - 1)
    would = np.where(reach[rows, index], winner[rows, index], NONE)  # the protocol's own rule
    extra = None  # (A, 1 or n, K) the faulty seats' commits each recipient holds
    one = None  # or (A, n) the one option all of them commit to each recipient
    if form is not None and sent is not None:
        told = form.one_commit(sent, index) if p.system is None else None
        if told is None:
            extra, sent_messages = form.commits(sent, would, index, draws, step + 1, k)
        else:
            one, sent_messages = told
        messages += sent_messages
    elif own:  # to everyone, as an honest seat would
        extra = option_counts(would, would != NONE, k)[:, None, :]
        messages += (would != NONE).sum(axis=1) * (n - 1)
    if p.system is None:
        if compiled and extra is not None:
            top, most = first_ballots.commit_top(winner, reached, extra)
        else:
            counts = option_counts(winner, reached, k)  # (A, K) the honest seats' commits
            if one is not None:
                top, most = _top_with(counts, one, m)
            else:
                top, most = _top(counts[:, None, :] if extra is None else counts[:, None] + extra)
        ready = honest & (committed == NONE) & (most >= p.quorum)
        choice = np.broadcast_to(top, (runs, n))
    else:
        chosen = np.where(reached, winner, NONE)
        got = np.broadcast_to(chosen[:, None, :], (runs, n, n)).copy()  # (A, recipient, sender)
        faulty_sent = None
        if form is not None and sent is not None:
            faulty_sent = form.sent_commits(sent, would, index, draws, step + 1, k)
        elif own:
            faulty_sent = would[:, None, :]
        if faulty_sent is not None:
            got[rows[:, :, None], np.arange(n)[None, :, None], index[:, None, :]] = faulty_sent
        quorate, choice = p.system.commit_choice(got, k)
        ready = honest & (committed == NONE) & quorate
    committed[ready] = choice[ready]
    return BallotOut(cast, messages, committed, locked, tops)


def _own_ballots(
    ranks: np.ndarray, approve: np.ndarray | None, index: np.ndarray, k: int
) -> Prepared:
    """The faulty seats' own rankings (or firsts) and approvals, one variant for everyone."""
    runs, n = ranks.shape[:2]
    rows = np.arange(runs)[:, None]
    mine = ranks[rows, index]  # (A, m, K or 1)
    approvals = approve[rows, index] if approve is not None else np.zeros((*index.shape, k), bool)
    return Prepared(
        mine[..., 0], mine[:, None], approvals[:, None], np.zeros((runs, n), dtype=np.intp)
    )


def _supporters(
    p: Protocol,
    ranks: np.ndarray,
    approve: np.ndarray | None,
    honest: np.ndarray,
    winner: np.ndarray,
    index: np.ndarray,
    sent: Prepared | None,
) -> np.ndarray:
    """(A, n recipients, n senders): which ballots a seat received back its winner.

    ``views.supporters`` with a run axis: an honest ballot backs the option it puts first (or
    approves, under approval), a faulty sender's is the variant the recipient received.
    """
    runs, n, _ = ranks.shape
    option = winner  # the kernel's views always name a winner (no ballots: support 0)
    if approve is not None:
        backs = np.take_along_axis(approve[:, None, :, :], option[:, :, None, None], axis=3)[..., 0]
    else:
        backs = ranks[:, None, :, 0] == option[:, :, None]
    backs = backs & honest[:, None, :]
    if sent is not None and sent.rankings is not None and index.shape[1]:
        rows = np.arange(runs)[:, None]
        assert sent.variant is not None
        if approve is not None and sent.approvals is not None:
            got = sent.approvals[rows, sent.variant]  # (A, n, m, K)
            told = np.take_along_axis(got, option[:, :, None, None], axis=3)[..., 0]
        else:
            told = sent.rankings[rows, sent.variant][..., 0] == option[:, :, None]  # (A, n, m)
        backs[rows[:, :, None], np.arange(n)[None, :, None], index[:, None, :]] = told
    return backs


def _top_with(counts: np.ndarray, option: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """``_top`` of each recipient's commits, the run's and ``count`` more for one option.

    ``counts`` (A, K) the run's, ``option`` (A, n) each recipient's: found once per run and
    option, then looked up.

    >>> _top_with(np.array([[1, 3, 0]]), np.array([[0, 2, 1]]), 2)
    (array([[0, 1, 1]]), array([[3, 3, 5]]))
    """
    runs, k = counts.shape
    tops = np.empty((runs, k), dtype=np.intp)
    mosts = np.empty((runs, k), dtype=counts.dtype)
    for o in range(k):
        told = counts.copy()
        told[:, o] += count
        tops[:, o], mosts[:, o] = _top(told)
    rows = np.arange(runs)[:, None]
    return tops[rows, option], mosts[rows, option]


def _top(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``argmax`` and ``max`` over the last, short axis, option by option (the first on a tie).

    >>> _top(np.array([[1, 3, 3], [2, 0, 1]]))
    (array([1, 0]), array([3, 2]))
    """
    most = counts[..., 0].copy()
    top = np.zeros(most.shape, dtype=np.intp)
    for j in range(1, counts.shape[-1]):
        column = counts[..., j]
        top[column > most] = j
        np.maximum(most, column, out=most)
    return top, most
