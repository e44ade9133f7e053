"""The compiled inbox sums (``engine.batch.recipient_sums``) add as ``fj_update``'s einsum adds."""

from __future__ import annotations

import numpy as np
import pytest

from council.engine.batch.recipient_sums import sums_per_recipient


@pytest.mark.parametrize(("n", "m", "k", "variants"), [(33, 10, 5, 33), (7, 2, 3, 2), (4, 1, 2, 4)])
def test_honest_recipients_sum_what_they_hear_in_sender_order(
    n: int, m: int, k: int, variants: int
) -> None:
    rng = np.random.default_rng(7)
    runs = 60
    said = rng.normal(size=(n, k, runs)) * 10.0 ** rng.integers(-3, 4, size=(n, k, runs))
    index = np.sort(np.array([rng.choice(n, m, replace=False) for _ in range(runs)]), axis=1)
    told = rng.normal(size=(runs, variants, m, k))
    which = rng.integers(0, variants, size=(runs, n))
    total = sums_per_recipient(said, index, told, which)
    for a in range(runs):
        inbox = np.repeat(said[:, :, a][None], n, axis=0)  # (recipients, senders, K)
        for i in range(n):
            inbox[i, index[a]] = told[a, which[a, i]]
        heard = ~np.eye(n, dtype=bool)
        expected = np.einsum("mj,mjk->mk", heard.astype(float), inbox)  # fj_update's sums
        honest = np.setdiff1d(np.arange(n), index[a])
        assert total[honest, :, a].tolist() == expected[honest].tolist()
        assert (total[index[a], :, a] == 0.0).all()


@pytest.mark.parametrize(("n", "m", "k", "runs"), [(33, 10, 5, 70), (7, 2, 3, 31), (4, 1, 2, 1)])
def test_a_uniform_round_is_fj_rows_of_the_drawn_views_with_the_faulty_views_kept(
    n: int, m: int, k: int, runs: int
) -> None:
    """Drawn, added and anchored in one pass (chunks of CHUNK runs, a short last one) = the
    views drawn by ``pcg.uniform``, ``fj_rows`` of them, the faulty seats' views put back."""
    from council.engine.batch import pcg
    from council.engine.batch.recipient_sums import uniform_round
    from council.engine.batch.rounds import fj_rows
    from council.rules.faults.runs import Said

    rng = np.random.default_rng(11)
    now = rng.normal(size=(runs, n, k)) * 10.0 ** rng.integers(-3, 4, size=(runs, n, k))
    first = rng.normal(size=(runs, n, k))
    openness = rng.uniform(0.1, 0.9, n)
    index = np.sort(np.array([rng.choice(n, m, replace=False) for _ in range(runs)]), axis=1)
    seeds = np.arange(1000, 1000 + runs)
    tail = (3, 2)
    states = pcg.seed_states(seeds, tail)
    assert states is not None
    drawn = pcg.uniform(seeds, tail, (n, m, k), -1.0, 1.0)
    which = np.broadcast_to(np.arange(n), (runs, n))
    heard = ~np.eye(n, dtype=bool)
    expected = fj_rows(first, now, heard, openness, index, Said(drawn, which))
    faulty = np.zeros((runs, n), dtype=bool)
    faulty[np.arange(runs)[:, None], index] = True
    expected[faulty] = now[faulty]
    got = uniform_round(now, first, index, states, -1.0, 1.0, heard.sum(axis=1), openness)
    assert got.tolist() == expected.tolist()  # equal floats, not close ones
    assert (got[~faulty] != now[~faulty]).all()  # the honest seats moved
