"""Aggregation methods: expectation table, every-method checks, agreement with pref_voting."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pref_voting.c1_methods import copeland as pv_copeland
from pref_voting.iterative_methods import instant_runoff as pv_instant_runoff
from pref_voting.profiles import Profile as PVProfile
from pref_voting.scoring_methods import borda as pv_borda
from pref_voting.scoring_methods import plurality as pv_plurality

from council.rules.registry import SpecError
from council.rules.voting import METHODS, Profile, support, winners


def ballots(*groups: tuple[int, list[int]] | tuple[int, list[int], set[int]]) -> Profile:
    """Build a profile from (count, ranking[, approved]) groups; approved defaults to the top."""
    rankings: list[list[int]] = []
    approvals: list[list[bool]] = []
    for count, ranking, *rest in groups:
        approved = rest[0] if rest else {ranking[0]}
        rankings += [ranking] * count
        approvals += [[j in approved for j in range(len(ranking))]] * count
    return Profile(np.array(rankings, dtype=np.intp), np.array(approvals, dtype=bool))


# --- Named profiles -----------------------------------------------------------------------------

PROFILES: dict[str, Profile] = {
    # 1 beats 0 (5-4) and 2 (6-3) head to head but has the fewest first places;
    # IRV drops 1, whose ballots go to 2, so the plurality leader 0 loses the runoff.
    "condorcet_missed": ballots(
        (4, [0, 1, 2], {0, 1}), (3, [2, 1, 0], {2, 1}), (2, [1, 2, 0], {1, 2})
    ),
    # 0 is the majority's first choice (3 of 5) but 1 is everyone's first or second.
    "borda_dissent": ballots((3, [0, 1, 2]), (2, [1, 2, 0])),
    # Plurality leader 0 loses the runoff to 1 while 2 is the Condorcet winner: three answers.
    "irv_upset": ballots((4, [0, 2, 1]), (3, [1, 2, 0]), (2, [2, 1, 0])),
    # 1 and 2 tie for fewest first places and are dropped together (pref_voting, no tie-breaker),
    # leaving 0; dropping either alone would elect the other.
    "irv_joint_drop": ballots((3, [0, 1, 2]), (2, [1, 2, 0]), (2, [2, 1, 0])),
    # After 2 is dropped, 0 and 1 have 4 first places each of 8: no majority, both win.
    "irv_final_tie": ballots((3, [0, 1, 2]), (3, [1, 0, 2]), (1, [2, 0, 1]), (1, [2, 1, 0])),
    # A Condorcet cycle where every method ties all three.
    "cycle": ballots((1, [0, 1, 2]), (1, [1, 2, 0]), (1, [2, 0, 1])),
    # Approvals pile onto 3, which one ballot ranks first; 1 wins the runoff on 3's ballot.
    "approval_spread": ballots(
        (2, [0, 1, 2, 3], {0, 3}), (2, [1, 0, 2, 3], {1, 3}), (1, [3, 2, 1, 0])
    ),
    "single_ballot": ballots((1, [2, 0, 1], {0, 2})),
    "two_options": ballots((3, [1, 0]), (2, [0, 1])),
    "two_options_tie": ballots((2, [0, 1]), (2, [1, 0], {0, 1})),
    "empty": Profile(np.empty((0, 4), dtype=np.intp), np.empty((0, 4), dtype=bool)),
}

EXPECTED: dict[str, dict[str, list[int]]] = {
    "condorcet_missed": dict(plurality=[0], approval=[1], borda=[1], copeland=[1], irv=[2]),
    "borda_dissent": dict(plurality=[0], approval=[0], borda=[1], copeland=[0], irv=[0]),
    "irv_upset": dict(plurality=[0], approval=[0], borda=[2], copeland=[2], irv=[1]),
    "irv_joint_drop": dict(plurality=[0], approval=[0], borda=[1], copeland=[1], irv=[0]),
    "irv_final_tie": dict(
        plurality=[0, 1], approval=[0, 1], borda=[0, 1], copeland=[0, 1], irv=[0, 1]
    ),
    "cycle": dict(
        plurality=[0, 1, 2], approval=[0, 1, 2], borda=[0, 1, 2], copeland=[0, 1, 2], irv=[0, 1, 2]
    ),
    "approval_spread": dict(plurality=[0, 1], approval=[3], borda=[1], copeland=[1], irv=[1]),
    "single_ballot": dict(plurality=[2], approval=[0, 2], borda=[2], copeland=[2], irv=[2]),
    "two_options": dict(plurality=[1], approval=[1], borda=[1], copeland=[1], irv=[1]),
    "two_options_tie": dict(
        plurality=[0, 1], approval=[0], borda=[0, 1], copeland=[0, 1], irv=[0, 1]
    ),
    "empty": dict(plurality=[], approval=[], borda=[], copeland=[], irv=[]),
}

TABLE = [(method, name) for name in EXPECTED for method in EXPECTED[name]]


def test_registered_in_order_with_summaries() -> None:
    assert METHODS.names() == ["plurality", "approval", "borda", "copeland", "irv"]
    assert all(entry.summary and entry.arg is None for entry in METHODS.entries())


def test_table_covers_every_method() -> None:
    assert all(set(row) == set(METHODS.names()) for row in EXPECTED.values())


@pytest.mark.parametrize(("method", "name"), TABLE)
def test_expectation_table(method: str, name: str) -> None:
    assert winners(method, PROFILES[name]) == EXPECTED[name][method]


# --- Random profiles ----------------------------------------------------------------------------

KINDS = ("uniform", "few", "mirrored", "cyclic")


def random_profile(rng: np.random.Generator, kind: str) -> Profile:
    """A random profile, m in 1..40 and k in 2..8; all but "uniform" are built to tie."""
    k = int(rng.integers(2, 9))

    def perms(n: int) -> np.ndarray:
        return rng.permuted(np.tile(np.arange(k), (n, 1)), axis=1)

    if kind == "uniform":
        rankings = perms(int(rng.integers(1, 41)))
    elif kind == "few":  # a handful of distinct ballots, repeated: many equal counts
        pool = perms(int(rng.integers(1, 4)))
        rankings = pool[rng.integers(0, len(pool), int(rng.integers(1, 41)))]
    elif kind == "mirrored":  # each ballot with its reverse: every pairwise contest ties
        half = perms(int(rng.integers(1, 21)))
        rankings = np.concatenate([half, half[:, ::-1]])
        if rng.random() < 0.3:  # ... or one ballot short of that
            rankings = rankings[1:]
    elif kind == "cyclic":  # rotations of one ranking: a Latin square, all symmetric
        base = perms(1)[0]
        copies = int(rng.integers(1, 40 // k + 1))
        rankings = np.array([np.roll(base, s) for s in range(k)] * copies)
        extra = int(rng.integers(0, 41 - len(rankings)))
        rankings = np.concatenate([rankings, perms(extra)])
    else:
        raise ValueError(kind)
    m = len(rankings)
    density = rng.choice([0.0, 0.2, 0.5, 0.9, 1.0])
    return Profile(rankings, rng.random((m, k)) < density)


RANDOM_PROFILES = [
    random_profile(np.random.default_rng(seed), KINDS[seed % 4]) for seed in range(400)
]


def describe(p: Profile) -> str:
    return f"m={p.m} k={p.k} rankings={p.rankings.tolist()}"


def test_random_profiles_span_the_ranges() -> None:
    assert {p.m for p in RANDOM_PROFILES} >= {1, 40}
    assert {p.k for p in RANDOM_PROFILES} == set(range(2, 9))


@pytest.mark.parametrize("method", METHODS.names())
def test_every_method_returns_a_sorted_nonempty_subset(method: str) -> None:
    run = METHODS.create(method)
    for p in RANDOM_PROFILES:
        result = run(p)
        assert result, describe(p)
        assert result == sorted(set(result)), describe(p)
        assert all(type(i) is int and 0 <= i < p.k for i in result), describe(p)


@pytest.mark.parametrize("method", METHODS.names())
def test_every_method_on_empty_profiles(method: str) -> None:
    for k in (1, 2, 8):
        empty = Profile(np.empty((0, k), dtype=np.intp), np.empty((0, k), dtype=bool))
        assert winners(method, empty) == []


# --- Agreement with pref_voting -----------------------------------------------------------------

PREF_VOTING: dict[str, Callable[[PVProfile], list[int]]] = {
    "plurality": pv_plurality,
    "borda": pv_borda,
    "copeland": pv_copeland,
    "irv": pv_instant_runoff,
}


@pytest.mark.parametrize("method", sorted(PREF_VOTING))
def test_agrees_with_pref_voting(method: str) -> None:
    run, reference = METHODS.create(method), PREF_VOTING[method]
    ties = 0
    for p in RANDOM_PROFILES + [q for q in PROFILES.values() if q.m]:
        expected = [int(c) for c in reference(PVProfile(p.rankings.tolist()))]
        assert run(p) == expected, describe(p)
        ties += len(expected) > 1
    assert ties >= 50  # the comparison exercised tie handling, not just clear winners


def test_approval_matches_a_direct_count() -> None:
    for p in RANDOM_PROFILES:
        counts = [sum(bool(p.approvals[i, j]) for i in range(p.m)) for j in range(p.k)]
        expected = [j for j in range(p.k) if counts[j] == max(counts)]
        assert winners("approval", p) == expected, describe(p)


# --- support ------------------------------------------------------------------------------------


def test_support_counts_first_places_and_approvals() -> None:
    p = PROFILES["condorcet_missed"]
    assert support(p, approval=False).tolist() == [4, 2, 3]
    assert support(p, approval=True).tolist() == [4, 9, 5]


@pytest.mark.parametrize("approval", [False, True])
def test_support_matches_a_direct_count(approval: bool) -> None:
    for p in RANDOM_PROFILES + list(PROFILES.values()):
        got = support(p, approval=approval)
        if approval:
            expected = [int(p.approvals[:, j].sum()) for j in range(p.k)]
        else:
            expected = [sum(int(r[0]) == j for r in p.rankings) for j in range(p.k)]
        assert got.shape == (p.k,)
        assert np.issubdtype(got.dtype, np.integer)
        assert got.tolist() == expected


def test_plurality_and_approval_winners_have_the_most_support() -> None:
    for p in RANDOM_PROFILES:
        for method, approval in (("plurality", False), ("approval", True)):
            s = support(p, approval=approval)
            assert winners(method, p) == [j for j in range(p.k) if s[j] == s.max()]


# --- Properties ---------------------------------------------------------------------------------


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    k = draw(st.integers(1, 6))
    m = draw(st.integers(1, 12))
    rankings = [draw(st.permutations(range(k))) for _ in range(m)]
    approvals = draw(
        st.lists(st.lists(st.booleans(), min_size=k, max_size=k), min_size=m, max_size=m)
    )
    return Profile(np.array(rankings, dtype=np.intp), np.array(approvals, dtype=bool))


@settings(max_examples=150, deadline=None)
@given(p=profiles(), data=st.data())
def test_methods_are_anonymous_and_neutral(p: Profile, data: st.DataObject) -> None:
    order = np.array(data.draw(st.permutations(range(p.m))), dtype=np.intp)
    relabel = np.array(data.draw(st.permutations(range(p.k))), dtype=np.intp)  # j -> relabel[j]
    shuffled = Profile(p.rankings[order], p.approvals[order])
    renamed = Profile(relabel[p.rankings], p.approvals[:, np.argsort(relabel)])
    for method in METHODS.names():
        base = winners(method, p)
        assert winners(method, shuffled) == base
        assert winners(method, renamed) == sorted(int(relabel[j]) for j in base)


# --- Specs and validation -----------------------------------------------------------------------


def test_unknown_or_argument_spec_is_an_error() -> None:
    p = PROFILES["cycle"]
    with pytest.raises(SpecError, match="unknown method"):
        winners("condorcet", p)
    with pytest.raises(SpecError, match="takes no argument"):
        winners("borda:2", p)


@pytest.mark.parametrize(
    ("rankings", "approvals", "match"),
    [
        ([0, 1], [True, False], "shape"),
        ([[0, 1]], [[True, False, True]], "approvals shape"),
        ([[0, 0]], [[True, False]], "permutation"),
        ([[1, 2]], [[True, False]], "permutation"),
        (np.empty((2, 0)), np.empty((2, 0), bool), "k >= 1"),
    ],
)
def test_profile_rejects_malformed_ballots(rankings: object, approvals: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        Profile(rankings, approvals)  # type: ignore[arg-type]


def test_profile_accepts_lists_and_is_frozen() -> None:
    p = Profile([[1, 0]], [[False, True]])  # type: ignore[arg-type]
    assert (p.m, p.k) == (1, 2)
    assert p.rankings.dtype == np.intp and p.approvals.dtype == np.bool_
    with pytest.raises(AttributeError):
        p.rankings = np.array([[0, 1]])  # type: ignore[misc]
