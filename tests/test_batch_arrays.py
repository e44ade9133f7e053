"""The kernel's array shortcuts equal what they stand for, bit for bit.

Rankings counted by comparisons are the stable sort's, a permutation inverted by one flat
assignment is ``argsort``'s, the honest drift summed option by option is the softmax drift
of ``council.rules.opinion.distribution`` (the per-run path's), and counts by ``bincount``
are one-hot sums. Scores are drawn from a few values so that ties are common.
"""

from __future__ import annotations

import numpy as np
import pytest

from council.engine.batch import drive, first_ballots
from council.engine.batch.ballots import (
    Protocol,
    _decide,
    _honest_sum,
    _top,
    _top_with,
    approvals,
    option_counts,
    rankings,
)
from council.engine.batch.draws import SeedDraws
from council.rules.faults import NONE
from council.rules.faults.runs import EquivocateRuns, ordered_positions, positions
from council.rules.opinion import distribution

OPTIONS = (2, 3, 5, 7)


def tied_scores(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Scores from a few values (ties), with both zeros (-0.0 ties 0.0)."""
    scores = rng.choice(np.array([-1.0, -0.5, -0.0, 0.0, 0.25, 0.5]), size=shape)
    return scores


def sorted_rankings(scores: np.ndarray, pinned: np.ndarray) -> np.ndarray:
    """The per-run path's rankings: a stable sort of -scores, the pin moved first."""
    ranks = np.argsort(-scores, axis=-1, kind="stable")
    for at in zip(*np.nonzero(pinned != NONE), strict=True):
        order = [o for o in ranks[at].tolist() if o != pinned[at]]
        ranks[at] = [pinned[at], *order]
    return ranks


@pytest.mark.parametrize("k", OPTIONS)
def test_rankings_are_the_stable_sort_with_the_pin_first(k: int) -> None:
    rng = np.random.default_rng(k)
    scores = tied_scores(rng, (60, 9, k))
    pinned = np.where(rng.random((60, 9)) < 0.3, rng.integers(0, k, (60, 9)), NONE)
    expected = sorted_rankings(scores, pinned)
    assert (rankings(scores, pinned) == expected).all()
    assert (rankings(scores, pinned, whole=False) == expected[..., :1]).all()
    free = np.full((60, 9), NONE)
    assert (ordered_positions(scores) == np.argsort(sorted_rankings(scores, free), -1)).all()


@pytest.mark.parametrize("k", OPTIONS)
def test_positions_invert_a_permutation(k: int) -> None:
    rng = np.random.default_rng(k)
    ranks = rng.permuted(np.broadcast_to(np.arange(k), (40, 6, k)), axis=-1)
    assert (positions(ranks) == np.argsort(ranks, axis=-1)).all()
    assert (positions(positions(ranks)) == ranks).all()


def softmax_drift(
    first: np.ndarray, final: np.ndarray, honest: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Drift and flips run by run, as ``measure`` computes them from ``distribution``."""
    drift, flips = [], []
    for opened, last, mask in zip(first, final, honest, strict=True):
        tv = 0.5 * np.abs(distribution(opened[mask]) - distribution(last[mask])).sum(axis=1)
        drift.append(tv.sum() / mask.sum())
        flips.append(int((opened[mask].argmax(axis=1) != last[mask].argmax(axis=1)).sum()))
    return np.array(drift), np.array(flips)


@pytest.mark.parametrize("k", OPTIONS)
@pytest.mark.parametrize("faulty_seats", [0, 4])
def test_drift_by_columns_is_the_softmax_drift(k: int, faulty_seats: int) -> None:
    rng = np.random.default_rng(10 * k + faulty_seats)
    runs, n = 80, 33
    first = rng.uniform(-1, 1, (runs, n, k))
    final = first + rng.normal(0, 0.3, first.shape)
    final[:5] = first[:5]  # no drift at all
    first[5:10, :, 1] = first[5:10, :, 0]  # tied tops
    faulty = np.zeros((runs, n), dtype=bool)
    for row in faulty:
        row[rng.choice(n, faulty_seats, replace=False)] = True
    honest = ~faulty
    drift, flips = drive._drift_by_columns(first, final, honest, n - faulty_seats)
    expected_drift, expected_flips = softmax_drift(first, final, honest)
    assert drift.tolist() == expected_drift.tolist()  # equal floats, not close ones
    assert flips.tolist() == expected_flips.tolist()
    assert (drift[:5] == 0).all() and (drift[5:] > 0).all()


def test_a_blocks_drift_measured_in_parts_is_each_runs_own() -> None:
    """``_measure`` takes the drift MEASURED runs at a time: a block of more runs than that
    gets each run's own drift and flips, as one run measures them."""
    rng = np.random.default_rng(4)
    runs, n, k = 2 * drive.MEASURED + 37, 9, 4
    first = rng.uniform(-1, 1, (runs, n, k))
    final = first + rng.normal(0, 0.3, first.shape)
    faulty = np.zeros((runs, n), dtype=bool)
    faulty[:, :2] = True
    committed = np.full((runs, n), NONE)
    zeros = np.zeros(runs, dtype=np.int64)
    out = drive._measure(faulty, committed, first, final, zeros, zeros, committed)
    expected_drift, expected_flips = softmax_drift(first, final, ~faulty)
    assert out.honest_drift.tolist() == expected_drift.tolist()
    assert out.honest_flips.tolist() == expected_flips.tolist()


def test_option_counts_and_top_are_one_hot_sums_and_argmax() -> None:
    rng = np.random.default_rng(3)
    choices = rng.integers(-1, 4, (50, 9))
    counted = rng.random((50, 9)) < 0.7
    one_hot = ((choices[..., None] == np.arange(4)) & counted[..., None]).sum(axis=1)
    assert (option_counts(choices, counted & (choices != NONE), 4) == one_hot).all()
    top, most = _top(one_hot)
    assert (top == one_hot.argmax(axis=1)).all() and (most == one_hot.max(axis=1)).all()


@pytest.mark.parametrize("k", OPTIONS)
def test_equivocators_prepare_the_same_from_scores_as_from_rankings(k: int) -> None:
    """``prepared_firsts`` (scores and pins) tells what ``prepared`` (whole rankings) tells."""
    rng = np.random.default_rng(k)
    runs, n, m = 120, 9, 3
    scores = tied_scores(rng, (runs, n, k))
    scores[:40, :, 0] = 2.0  # every seat's first: the pair's b comes from the mean order
    pinned = np.where(rng.random((runs, n)) < 0.3, rng.integers(0, k, (runs, n)), NONE)
    pinned[:20] = NONE
    faulty = np.zeros((runs, n), dtype=bool)
    for row in faulty:
        row[rng.choice(n, m, replace=False)] = True
    index = np.nonzero(faulty)[1].reshape(runs, m)
    form = EquivocateRuns()
    ranks = rankings(scores, pinned)
    whole = form.prepared(ranks, ~faulty, index, SeedDraws(np.arange(runs)), 1, whole=False)
    firsts = form.prepared_firsts(
        scores, pinned, ranks[..., 0], ~faulty, index, SeedDraws(np.arange(runs)), 1
    )
    assert firsts is not None
    for field in ("cast", "rankings", "approvals", "variant", "lean"):
        assert (getattr(firsts, field) == getattr(whole, field)).all(), field
    assert len(set(whole.lean[:40].ravel().tolist())) > 1  # the agreed runs were told apart


@pytest.mark.parametrize("k", OPTIONS)
@pytest.mark.parametrize("approval", [False, True])
def test_compiled_first_ballots_count_what_the_numpy_steps_count(k: int, approval: bool) -> None:
    """``first_ballots`` (the random fault's ballots) equals ``run_ballot``'s numpy steps:
    firsts and honest counts, each recipient's winner and backing, the commits' top."""
    rng = np.random.default_rng(10 * k + approval)
    runs, n, views = 80, 9, 9
    scores = tied_scores(rng, (runs, n, k))
    pinned = np.where(rng.random((runs, n)) < 0.3, rng.integers(0, k, (runs, n)), NONE)
    honest = rng.random((runs, n)) < 0.7
    method = "approval" if approval else "plurality"
    firsts, base = first_ballots.firsts(scores, pinned, honest, approval)
    ranks = rankings(scores, pinned, whole=False)
    approve = approvals(scores, pinned) if approval else None
    assert (firsts == ranks[..., 0]).all()
    assert (base == _honest_sum(method, ranks, approve, honest, k)).all()
    # each recipient its own view, as the random fault sends; then one view for all
    extra = rng.integers(0, 3, (runs, views, k))
    faulty_firsts = rng.integers(0, k, (runs, views, 2, 1))  # read through extra
    variant = np.broadcast_to(np.arange(n), (runs, n))
    p = Protocol(n, k, 5, 5, True, method, approval, None)
    expected = _decide(p, ranks, approve, honest, faulty_firsts, None, variant, extra)
    got = first_ballots.decide(base, extra, variant)
    assert all((a == b).all() for a, b in zip(got, expected, strict=True))
    one = first_ballots.decide(base, extra[:, :1], np.zeros((runs, n), dtype=np.intp))
    assert (one[0] == (base + extra[:, 0]).argmax(axis=1)[:, None]).all()
    winner = got[0]
    reached = honest & (rng.random((runs, n)) < 0.6)
    counts = option_counts(winner, reached, k)[:, None, :]
    for recipients in (1, n):
        faulty_commits = rng.integers(0, 4, (runs, recipients, k))
        top, most = first_ballots.commit_top(winner, reached, faulty_commits)
        expected_top, expected_most = _top(counts + faulty_commits)
        assert (top == expected_top).all() and (most == expected_most).all()
    assert len(set(winner.ravel().tolist())) == k  # every option won somewhere


@pytest.mark.parametrize("k", OPTIONS)
def test_two_variants_that_differ_at_a_pair_sum_as_two_whole_variants(k: int) -> None:
    """``_pair_sums`` (variant 1 added only at its two options) equals the sums of both whole
    variants, each recipient's picked: the same floats, for runs whose pair is one option too."""
    from council.engine.batch.rounds import _pair_sums, _variant_sums

    rng = np.random.default_rng(20 + k)
    runs, n, m = 90, 9, 3
    said = rng.normal(size=(n, k, runs)) * 10.0 ** rng.integers(-3, 4, size=(n, k, runs))
    index = np.sort(np.array([rng.choice(n, m, replace=False) for _ in range(runs)]), axis=1)
    differ = np.stack([rng.integers(0, k, runs), rng.integers(0, k, runs)], axis=1)
    variants = np.repeat(rng.normal(size=(runs, 1, m, k)), 2, axis=1)
    rows = np.arange(runs)
    for j, value in ((0, 1.0), (1, -1.0)):
        variants[rows, 1, :, differ[:, j]] = value  # variant 1 differs at the pair only
    which = rng.integers(0, 2, size=(runs, n))
    expected = _variant_sums(said, index, variants, which)
    got = _pair_sums(said, index, variants, which, differ)
    assert got.tolist() == expected.tolist()  # equal floats, not close ones
    assert (differ[:, 0] == differ[:, 1]).any() and which.any()


@pytest.mark.parametrize("k", OPTIONS)
def test_top_with_one_option_more_is_the_top_of_the_counts_added(k: int) -> None:
    """Each recipient's top of the run's commits plus ``count`` for its own option, found
    once per option (``_top_with``), is ``_top`` of the whole (A, n, K) counts: ties too."""
    rng = np.random.default_rng(30 + k)
    counts = rng.integers(0, 6, (200, k))
    option = rng.integers(0, k, (200, 9))
    for count in (0, 1, 3):
        expected = _top(counts[:, None, :] + count * (option[..., None] == np.arange(k)))
        got = _top_with(counts, option, count)
        assert all((a == b).all() for a, b in zip(got, expected, strict=True))
