"""Every method's two forms against pref_voting: the scalar reference and the vectorised path.

The protocol decides a ballot's views with ``decide_many`` (views that differ only in what the
faulty seats sent) or ``decide_delivered`` (network faults: every view its own), each using the
method's vectorised form where it has one and its scalar form view by view where it has none.
Both are checked here, view by view, against pref_voting on hundreds of random profiles.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from pref_voting.c1_methods import copeland as pv_copeland
from pref_voting.grade_methods import approval as pv_approval
from pref_voting.grade_profiles import GradeProfile
from pref_voting.iterative_methods import instant_runoff as pv_instant_runoff
from pref_voting.profiles import Profile as PVProfile
from pref_voting.scoring_methods import borda as pv_borda
from pref_voting.scoring_methods import plurality as pv_plurality
from test_voting import RANDOM_PROFILES, describe

from council.engine.prepares import Received, decide_many
from council.engine.views import decide_delivered
from council.rules.faults import NONE, FaultyBallots
from council.rules.voting import METHODS, Profile, support


def _ranked(method: Callable[[PVProfile], list[int]]) -> Callable[[Profile], list[int]]:
    return lambda p: sorted(int(c) for c in method(PVProfile(p.rankings.tolist())))


def _approval(p: Profile) -> list[int]:
    grades = [{c: int(p.approvals[i, c]) for c in range(p.k)} for i in range(p.m)]
    return sorted(int(c) for c in pv_approval(GradeProfile(grades, [0, 1], candidates=range(p.k))))


REFERENCE: dict[str, Callable[[Profile], list[int]]] = {
    "plurality": _ranked(pv_plurality),
    "approval": _approval,
    "borda": _ranked(pv_borda),
    "copeland": _ranked(pv_copeland),
    "irv": _ranked(pv_instant_runoff),
}


def test_every_method_has_a_reference_and_says_which_form_it_has() -> None:
    assert set(REFERENCE) == set(METHODS.names())
    vectorised = {name for name in METHODS.names() if METHODS.create(name).scores is not None}
    assert vectorised == {"plurality", "approval", "borda"}
    assert [name for name in METHODS.names() if METHODS.create(name).approval] == ["approval"]


@pytest.mark.parametrize("name", METHODS.names())
def test_scalar_form_agrees_with_pref_voting(name: str) -> None:
    method, reference = METHODS.create(name), REFERENCE[name]
    ties = 0
    for p in RANDOM_PROFILES:
        expected = reference(p)
        assert method(p) == expected, describe(p)
        ties += len(expected) > 1
    assert ties >= 50  # tie handling was exercised, not just clear winners


@pytest.mark.parametrize("name", ["plurality", "approval", "borda"])
def test_vectorised_form_picks_pref_votings_lowest_winner(name: str) -> None:
    scores = METHODS.create(name).scores
    assert scores is not None
    for p in RANDOM_PROFILES:
        totals = scores(p.rankings, p.approvals)
        assert totals.shape == (p.k,)
        expected = REFERENCE[name](p)
        assert int(totals.argmax()) == expected[0], describe(p)
        # The highest totals are exactly the winner set.
        assert np.flatnonzero(totals == totals.max()).tolist() == expected, describe(p)


def _ballots(rng: np.random.Generator, m: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    ranks = rng.permuted(np.tile(np.arange(k), (m, 1)), axis=1).astype(np.intp)
    # Repeat a few ballots so that ties are common.
    if m > 2 and rng.random() < 0.5:
        ranks = ranks[rng.integers(0, max(1, m // 3), m)]
    return ranks, rng.random((m, k)) < rng.choice([0.2, 0.5, 0.9])


def _expected(name: str, ranks: np.ndarray, approve: np.ndarray) -> tuple[int, int]:
    """Winner (lowest of the reference's set) and its support; NONE, 0 without ballots."""
    if not len(ranks):
        return NONE, 0
    p = Profile(ranks, approve)
    winner = REFERENCE[name](p)[0]
    return winner, int(support(p, approval=METHODS.create(name).approval)[winner])


@pytest.mark.parametrize("name", METHODS.names())
def test_decide_many_agrees_with_pref_voting_view_by_view(name: str) -> None:
    """Common ballots plus one set of faulty ballots per variant: the protocol's batch path."""
    method = METHODS.create(name)
    rng = np.random.default_rng(sum(map(ord, name)))
    views = 0
    for _ in range(150):
        k = int(rng.integers(2, 7))
        ranks, approve = _ballots(rng, int(rng.integers(0, 15)), k)
        variants, m = int(rng.integers(1, 5)), int(rng.integers(0, 5))
        if m == 0:
            extra_ranks = extra_approve = None
            stacks = [(ranks, approve)]
        else:
            pairs = [_ballots(rng, m, k) for _ in range(variants)]
            extra_ranks = np.stack([r for r, _ in pairs])
            extra_approve = np.stack([a for _, a in pairs])
            stacks = [(np.concatenate([ranks, r]), np.concatenate([approve, a])) for r, a in pairs]
        passed = None if not method.approval and rng.random() < 0.5 else approve
        if passed is None:
            stacks = [(r, np.zeros_like(a)) for r, a in stacks]
        winner, backing = decide_many(method, ranks, passed, extra_ranks, extra_approve)
        assert len(winner) == len(stacks)
        for v, (r, a) in enumerate(stacks):
            assert (int(winner[v]), int(backing[v])) == _expected(name, r, a), (v, r.tolist())
            views += 1
    assert views >= 300


@pytest.mark.parametrize("name", METHODS.names())
def test_decide_delivered_agrees_with_pref_voting_seat_by_seat(name: str) -> None:
    """Network faults: each seat decides on the ballots that reached it, faulty ones included."""
    method = METHODS.create(name)
    rng = np.random.default_rng(1000 + sum(map(ord, name)))
    seats = 0
    for _ in range(40):
        n, k = int(rng.integers(2, 12)), int(rng.integers(2, 6))
        ranks, approve = _ballots(rng, n, k)
        faulty = np.sort(rng.choice(n, size=int(rng.integers(0, n // 2 + 1)), replace=False))
        m = len(faulty)
        variants = int(rng.integers(1, 4))
        pairs = [_ballots(rng, m, k) for _ in range(variants)]
        sent = FaultyBallots(
            np.stack([r for r, _ in pairs]),
            np.stack([a for _, a in pairs]),
            rng.integers(0, variants, n),
            bool(rng.random() < 0.8),
        )
        voters = ~np.isin(np.arange(n), faulty) & (rng.random(n) < 0.9)
        delivered = rng.random((n, n)) < 0.6
        np.fill_diagonal(delivered, True)
        got = Received(ranks, approve, sent if m else None, ranks[:, 0].copy())
        winner, backing = decide_delivered(method, faulty, got, voters, delivered)
        for r in range(n):
            mine = delivered[r] & voters
            rs, aps = [ranks[mine]], [approve[mine]]
            if m and sent.speaks:
                heard = delivered[r, faulty]
                rs.append(sent.rankings[sent.variant[r]][heard])
                aps.append(sent.approvals[sent.variant[r]][heard])
            expected = _expected(name, np.concatenate(rs), np.concatenate(aps))
            assert (int(winner[r]), int(backing[r])) == expected, (r, n, k, m)
            seats += 1
    assert seats >= 200
