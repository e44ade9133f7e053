"""Deliberation rounds of many runs at once: what each seat hears, and the FJ update.

The arithmetic is ``council.rules.opinion.fj_update`` with a run axis in front (numpy sums a
seat's inbox in the same order either way), and the faulty seats' messages are their fault
model's run form's (``council.rules.faults.runs``), for every run of the block together.
"""

from __future__ import annotations

import numpy as np

from council.engine.batch.inboxes import hearing, inboxes, revise_rows
from council.rules.faults.runs import RunDraws, RunForm, Said, Uniform


def fj_rows(
    first: np.ndarray,
    now: np.ndarray,
    heard: np.ndarray,
    openness: np.ndarray,
    index: np.ndarray,
    sent: Said | None,
    silent: bool = False,
    first_said: np.ndarray | None = None,
) -> np.ndarray:
    """``fj_update`` of A runs' views (A, n, K) on a complete graph (``heard``).

    ``silent``: nobody hears the faulty seats (``sent`` are then zeros, which add nothing, as
    einsum's 0 * x adds nothing), and each seat's mean is over the seats it heard.

    Each seat hears every other seat's ``now``, but from the faulty seats ``index`` (A, m)
    recipient r of run a hears ``variants[a, which[a, r]]`` (m, K), ``sent`` saying so
    (``Said``: variants (A, V, m, K), which (A, n); uniform views are drawn here). The
    sums over senders run as ``fj_update``'s einsum runs them, sender by sender in order, so
    the floats are the same bit for bit (the kernel tests hold the two together; einsum adds
    0 * a seat's own view to its sum, which leaves it as it was). The run axis is innermost
    throughout: numpy's loops then run over runs, not over a few options. ``first_said``:
    ``first`` laid out so, if the caller has it.
    """
    if not complete(heard):
        raise ValueError("the kernel's rounds take a complete graph")
    runs, n, k = now.shape
    said = np.ascontiguousarray(now.transpose(1, 2, 0))  # (n senders, K, A)
    if sent is None:
        total = _sums(said[None])[0]
    else:
        total = _variant_sums(said, index, *sent.arrays(), differ=sent.differ)
    hearing = heard.sum(axis=1)[:, None, None]  # (n, 1, 1)
    if silent:
        quiet = np.zeros((runs, n), dtype=np.int64)
        quiet[np.arange(runs)[:, None], index] = 1
        hearing = (hearing[:, 0, 0] - index.shape[1] + quiet).T[:, None, :]  # (n, 1, A)
    if first_said is None:  # the openings, (n, K, A): the same every round of a run
        first_said = np.ascontiguousarray(first.transpose(1, 2, 0))
    total += said  # the seat's own view and those it heard (x + y is y + x, bit for bit)
    held = _anchor(first_said, total, hearing, openness[:, None, None])
    return np.ascontiguousarray(held.transpose(2, 0, 1))


def _sums(said: np.ndarray) -> np.ndarray:
    """Per variant and recipient, the sum over the other senders in order (V, n, K, A).

    Recipient i's sum is the prefix x_0 + ... + x_{i-1}, then x_{i+1}, ... added to it one by
    one: the prefix is shared, so each sender j is added once to the running prefix and once
    to each recipient before it, half the additions of adding every sender to every recipient.
    """
    n = said.shape[1]
    total = np.empty(said.shape)
    prefix = np.zeros(said.shape[:1] + said.shape[2:])
    for j in range(n):
        if j:
            total[:, :j] += said[:, j : j + 1]
        total[:, j] = prefix
        if j < n - 1:
            prefix += said[:, j]
    return total


def _variant_sums(
    said: np.ndarray,
    index: np.ndarray,
    variants: np.ndarray,
    which: np.ndarray,
    differ: np.ndarray | None = None,
) -> np.ndarray:
    """Sums (n, K, A) when recipient r of run a hears ``variants[a, which[a, r]]``.

    A few variants: each variant's sums for every recipient, each recipient's picked; two
    that differ only at the options ``differ`` (A, 2): variant 0's sums, and variant 1's at
    those two options only (``_pair_sums``); one variant per recipient: each recipient's own
    (``_sums_per_recipient``).
    """
    n, _, runs = said.shape
    count = len(variants[0])
    if count >= n:
        return _sums_per_recipient(said, index, variants, which)
    if count == 2 and differ is not None:
        return _pair_sums(said, index, variants, which, differ)
    views = np.empty((count, *said.shape))  # (V, n senders, K, A)
    views[:] = said
    by_run = views.transpose(3, 1, 0, 2)  # (A, n, V, K): run a's senders' rows
    by_run[np.arange(runs)[:, None], index] = variants.transpose(0, 2, 1, 3)
    sums = _sums(views)
    total = sums[0]
    heard_as = which.T[:, None, :]  # (n recipients, 1, A): the variant each one hears
    for v in range(1, count):
        total = np.where(heard_as == v, sums[v], total)
    return total


def _pair_sums(
    said: np.ndarray, index: np.ndarray, variants: np.ndarray, which: np.ndarray, differ: np.ndarray
) -> np.ndarray:
    """``_variant_sums`` of two variants that differ only at two options per run, ``differ``.

    Variant 0's sums at every option and variant 1's at the two options, summed together as
    K + 2 columns; variant 1's are put in for the recipients that hear it. The other options'
    sums are the same numbers under either variant (the same addends in the same order), so
    they are added once.
    """
    n, k, runs = said.shape
    cols = np.arange(runs)
    views = np.empty((n, k + 2, runs))  # variant 0's K options, then variant 1's pair
    views[:, :k] = said
    for j in range(2):
        views[:, k + j] = said[:, differ[:, j], cols]
    told = np.concatenate(
        [variants[:, 0], np.take_along_axis(variants[:, 1], differ[:, None, :], axis=2)], axis=2
    )  # (A, m, K + 2)
    views.transpose(2, 0, 1)[cols[:, None], index] = told
    sums = _sums(views[None])[0]
    flat = sums.reshape(-1)
    heard = np.flatnonzero(which.T == 1)  # recipient * A + run, of those told variant 1
    recipient, run = np.divmod(heard, runs)
    at = recipient * ((k + 2) * runs) + run  # (recipient, option 0, run) in sums
    for j in range(2):
        flat[at + differ[run, j] * runs] = flat[at + (k + j) * runs]
    return sums[:, :k]


def _sums_per_recipient(
    said: np.ndarray, index: np.ndarray, variants: np.ndarray, which: np.ndarray
) -> np.ndarray:
    """Sums (n, K, A) when the faulty seats tell each recipient its own views (compiled).

    Only the honest recipients' (the faulty ones' are zero): ``deliberate`` keeps the faulty
    seats' views.
    """
    from council.engine.batch.recipient_sums import sums_per_recipient

    return sums_per_recipient(said, index, variants, which)


def _uniform_round(
    first: np.ndarray,
    now: np.ndarray,
    heard: np.ndarray,
    openness: np.ndarray,
    index: np.ndarray,
    views: Uniform,
) -> np.ndarray | None:
    """``fj_rows`` where each recipient hears its own uniform views, the faulty seats' kept.

    Drawn, added and anchored in one compiled pass where the draws are the kernel's own (the
    seeds' PCG64 streams); None where they are not (seeds past one entropy word, other draws).
    """
    from council.engine.batch.draws import SeedDraws

    states = views.draws.states(views.step) if isinstance(views.draws, SeedDraws) else None
    if states is None:
        return None
    from council.engine.batch.recipient_sums import uniform_round

    return uniform_round(now, first, index, states, views.low, views.high, heard.sum(axis=1),
                         openness)  # fmt: skip


def _anchor(
    first: np.ndarray, total: np.ndarray, count: np.ndarray, openness: np.ndarray
) -> np.ndarray:
    """FJ's last step: the mean of the views held, weighed against the opening by openness.

    A seat holds its own view and the ``count`` views it heard. Arrays are (n, K, A), the
    others broadcast to that: numpy's loops then run along the runs, not a few options.
    ``total`` is overwritten. The operations are ``fj_update``'s, each product and sum with
    its operands swapped at most (which leaves IEEE results as they are).
    """
    mean = np.divide(total, 1.0 + count, out=total)  # in place: ``total`` is a temporary
    mean *= openness
    held = (1.0 - openness) * first
    held += mean
    return held


def deliberate(
    form: RunForm | None,
    first: np.ndarray,
    now: np.ndarray,
    faulty: np.ndarray,
    index: np.ndarray,
    draws: RunDraws,
    heard: np.ndarray,
    openness: np.ndarray,
    round_no: int,
    update: str = "fj",
    trim: int = 0,
    first_said: np.ndarray | None = None,
    tops: np.ndarray | None = None,
) -> np.ndarray:
    """One round for A runs: the new views (A, n, K); faulty seats keep theirs.

    What the faulty seats say is their fault model's run form's (``form``; None without them)
    for the round whose statements are heard (``RunForm.at``); they keep their views unless
    the form says they move as honest seats this round.
    ``heard`` is one graph (n, n) for every run, or each run's own (A, n, n). FJ on a complete
    graph runs on sums (``fj_rows``); any other rule or graph on whole inboxes
    (``inboxes.revise_rows``, with W-MSR's ``trim``). ``first_said``: the openings laid out
    (n, K, A), where the caller keeps them from round to round (``fj_rows``). ``tops``: each
    seat's highest-scored option in ``now`` (A, n), where the caller has it (the last ballot's).
    """
    said_form = None if form is None else form.at(round_no - 1)  # round r hears round r - 1
    silent = said_form is not None and said_form.silent
    said: Said | None = None
    if said_form is not None and index.shape[1]:
        said = said_form.said(now, faulty, index, draws, round_no, tops)
    keeps = form is not None and index.shape[1] > 0 and not form.moves(round_no)
    fj = update == "fj" and heard.ndim == 2 and complete(heard)
    if fj and keeps and said is not None and said.uniform is not None and not silent:
        drawn = _uniform_round(first, now, heard, openness, index, said.uniform)
        if drawn is not None:  # drawn and added in one pass: the faulty seats' views kept
            return drawn
    if fj:
        new = fj_rows(first, now, heard, openness, index, said, silent and said is not None,
                      first_said)  # fmt: skip
    else:
        each = hearing(heard, len(now), index, silent)
        arrays = None if said is None else said.arrays()
        new = revise_rows(update, first, now, inboxes(now, index, arrays), each, openness, trim)
    if not keeps:
        return new
    return np.where(faulty[:, :, None], now, new)


def complete(heard: np.ndarray) -> bool:
    """Whether every seat hears every other (n, n)."""
    return bool((heard == ~np.eye(len(heard), dtype=bool)).all())
