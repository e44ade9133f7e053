"""Quorum systems beyond one threshold: the predicate, exact tolerances against brute force."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from council.contracts.principles import GROUPS
from council.rules.quorum import CountRule, ListedRule, parse_quorum, tolerates
from council.rules.quorum_system import GroupShares, Listed, build_system
from council.rules.registry import SpecError
from council.rules.tolerance import _grid_tolerance as grid_tolerance
from council.rules.tolerance import exact_tolerance, smallest, smallest_blocking, tolerance


def round_robin(n: int) -> list[str]:
    """Groups of a composed council (``council.engine.context.compose``)."""
    return [GROUPS[i % 4] for i in range(n)]


# --- per-seat references: the rules' definitions, seat by seat, in plain Python -----------------
def groups_reference(groups: list[str], g_needed: int, share: Fraction):  # type: ignore[no-untyped-def]
    sizes = {g: groups.count(g) for g in GROUPS}
    seated = [g for g in GROUPS if sizes[g]]
    need = min(g_needed, len(seated))

    def is_quorum(seats: set[int]) -> bool:
        met = 0
        for g in seated:
            have = sum(1 for s in seats if groups[s] == g)
            met += have >= max(1, math.ceil(share * sizes[g]))
        return met >= need

    return is_quorum


def threshold_reference(t: int):  # type: ignore[no-untyped-def]
    return lambda seats: len(seats) >= t


def weighted_reference(groups: list[str], t: int, weights: dict[str, Fraction]):  # type: ignore[no-untyped-def]
    total = sum(weights.get(g, Fraction(1)) for g in groups)

    def is_quorum(seats: set[int]) -> bool:
        have = sum(weights.get(groups[s], Fraction(1)) for s in seats)
        return have * len(groups) >= t * total

    return is_quorum


def listed_reference(groups: list[str], quorums: list[dict[str, int]]):  # type: ignore[no-untyped-def]
    def is_quorum(seats: set[int]) -> bool:
        have = {g: sum(1 for s in seats if groups[s] == g) for g in GROUPS}
        return any(all(have[g] >= q.get(g, 0) for g in GROUPS) for q in quorums)

    return is_quorum


def brute_force(n: int, is_quorum) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(safety, liveness) over every subset of the seats."""
    masks = np.arange(1 << n)
    quorum = np.array([is_quorum({s for s in range(n) if m >> s & 1}) for m in masks])
    sizes = np.array([bin(m).count("1") for m in masks])
    qs = masks[quorum]
    if len(qs):
        both = qs[:, None] & qs[None, :]
        bits = np.zeros(both.shape, dtype=np.int64)
        for s in range(n):
            bits += (both >> s) & 1
        safety = int(bits.min()) - 1
    else:
        safety = -1
    full = (1 << n) - 1
    # F blocks when the seats outside it are no quorum; liveness is the smallest such F minus 1.
    blocking = [int(sizes[f]) for f in masks if not quorum[full ^ f]]
    liveness = min(blocking) - 1 if blocking else n
    return safety, liveness


def assert_blocks(groups: list[str], system, reference, liveness: int) -> None:  # type: ignore[no-untyped-def]
    """``smallest_blocking`` names liveness + 1 seats whose loss leaves no quorum (by reference)."""
    taken = smallest_blocking(system)
    lost: set[int] = set()
    for name, k in taken.items():
        members = [s for s, g in enumerate(groups) if name == "all" or g in name.split("+")]
        assert 0 < k <= len(members), (name, k)
        lost |= set(members[:k])
    assert len(lost) == liveness + 1, taken
    assert not reference(set(range(len(groups))) - lost), taken


COMPOSITIONS = [round_robin(n) for n in range(1, 11)] + [
    ["academia"] * 5,
    ["government", "government", "industry", "civil_society", "civil_society", "civil_society"],
    ["industry"] * 3 + ["academia"] * 4 + ["government"],
    ["government"] * 2 + ["industry"] * 2 + ["academia"] * 3 + ["civil_society"] * 3,
]
SHARES = ["0.25", "0.5", "0.6", "0.75", "1"]


@pytest.mark.parametrize(
    "groups", COMPOSITIONS, ids=lambda g: f"n{len(g)}-" + "".join(x[0] for x in g)
)
def test_group_quorum_tolerance_equals_brute_force(groups: list[str]) -> None:
    n = len(groups)
    for g_needed, share in itertools.product(range(1, 5), SHARES):
        spec = f"groups:{g_needed}/{share}"
        system = build_system(parse_quorum(spec), groups)
        reference = groups_reference(groups, g_needed, Fraction(share))
        got = tolerance(system)
        assert (got.safety, got.liveness) == brute_force(n, reference), spec
        assert_blocks(groups, system, reference, got.liveness)
        assert smallest(system) == min(
            len(c) for r in range(n + 1) for c in itertools.combinations(range(n), r)
            if reference(set(c))
        ), spec  # fmt: skip


WEIGHTINGS = [
    {"government": 2.0},
    {"government": 3.0, "industry": 0.5},
    {"academia": 0.0, "civil_society": 2.0},
    {"government": 1.0, "industry": 1.0, "academia": 1.0, "civil_society": 1.0},
    {"government": 1.5, "industry": 1.25, "academia": 0.75},
]


@pytest.mark.parametrize(
    "groups", COMPOSITIONS, ids=lambda g: f"n{len(g)}-" + "".join(x[0] for x in g)
)
def test_thresholds_and_weighted_thresholds_equal_brute_force(groups: list[str]) -> None:
    n = len(groups)
    for spec in ("bft", "majority", "supermajority", "unanimity", "0.4", "0.6"):
        rule = parse_quorum(spec)
        assert isinstance(rule, CountRule)
        t = rule.count(n)
        system = build_system(rule, groups)
        exact = exact_tolerance(system)
        assert (exact.safety, exact.liveness) == brute_force(n, threshold_reference(t)), spec
        # The record keeps the closed forms; they agree wherever 2t >= n.
        assert tolerance(system) == tolerates(n, t)
        assert exact.liveness == n - t and exact.safety == max(-1, 2 * t - n - 1)
        assert_blocks(groups, system, threshold_reference(t), exact.liveness)
        for weights in WEIGHTINGS:
            if all(weights.get(g, 1.0) == 0 for g in groups):
                continue
            weighted = build_system(rule, groups, weights)
            exact_w = {g: Fraction(str(w)) for g, w in weights.items()}
            reference = weighted_reference(groups, t, exact_w)
            got = tolerance(weighted)
            assert (got.safety, got.liveness) == brute_force(n, reference), (spec, weights)
            assert_blocks(groups, weighted, reference, got.liveness)


@pytest.mark.parametrize("seed", range(12))
def test_listed_quorums_equal_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 11))
    groups = [GROUPS[int(g)] for g in rng.integers(0, 4, size=n)]
    quorums = [{g: int(rng.integers(0, 4)) for g in GROUPS if rng.random() < 0.6} for _ in range(3)]
    quorums = [q for q in quorums if sum(q.values())] or [{groups[0]: 1}]
    rule = ListedRule("test", {f"q{i}": q for i, q in enumerate(quorums)})
    reference = listed_reference(groups, quorums)
    if not reference(set(range(n))):
        with pytest.raises(SpecError, match="cannot meet any"):
            build_system(rule, groups)
        return
    system = build_system(rule, groups)
    got = tolerance(system)
    assert (got.safety, got.liveness) == brute_force(n, reference)
    assert_blocks(groups, system, reference, got.liveness)


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(0, 9), min_size=4, max_size=4),
    needs=st.lists(st.integers(1, 10), min_size=4, max_size=4),
    groups=st.integers(1, 4),
)
def test_both_exact_methods_agree_on_larger_councils(sizes, needs, groups) -> None:  # type: ignore[no-untyped-def]
    """The minimal-quorum method and the full grid give the same answer."""
    sizes_a = np.array(sizes)
    if not sizes_a.sum():
        return
    classes = np.repeat(np.arange(4), sizes_a)
    system = GroupShares(classes, sizes_a, GROUPS, np.array(needs), groups)
    listed = Listed(classes, sizes_a, GROUPS, np.array(needs)[None, :] * np.eye(4, dtype=int))
    for s in (system, listed):
        if bool(s.is_quorum(sizes_a)):
            assert exact_tolerance(s) == grid_tolerance(s)


def test_equal_weights_are_the_plain_threshold() -> None:
    for n in (1, 4, 9, 33, 50):
        groups = round_robin(n)
        plain = build_system(parse_quorum("bft"), groups)
        weighted = build_system(parse_quorum("bft"), groups, dict.fromkeys(GROUPS, 3.0))
        votes = np.stack(np.meshgrid(*[np.arange(groups.count(g) + 1) for g in GROUPS],
                                     indexing="ij"), axis=-1).reshape(-1, 4)  # fmt: skip
        assert (weighted.is_quorum(votes) == plain.is_quorum(votes.sum(axis=1)[:, None])).all()
        assert smallest(weighted) == plain.t


def test_plain_threshold_tolerance_is_the_closed_form_for_every_n_to_100() -> None:
    for n in range(1, 101):
        for spec in ("bft", "majority", "supermajority", "unanimity", "0.55", "0.9"):
            system = build_system(parse_quorum(spec), round_robin(n))
            t = system.threshold
            assert t is not None
            assert tolerance(system) == tolerates(n, t)
            assert exact_tolerance(system).liveness == n - t
            if 2 * t >= n:
                assert exact_tolerance(system) == tolerates(n, t)


def test_group_quorum_tolerance_at_the_seed_council() -> None:
    """33 seats (9, 8, 8, 8): groups:3/0.75 needs 7, 6, 6, 6 of three groups."""
    system = build_system(parse_quorum("groups:3/0.75"), round_robin(33))
    assert smallest(system) == 18  # three groups of 8 giving 6 each
    # Two quorums share at least two groups, and 6 + 6 - 8 = 4 seats in each: 8 in all.
    # Blocking takes two groups, 8 - 6 + 1 = 3 seats each.
    assert tolerance(system).model_dump() == {"safety": 7, "liveness": 5}
    assert sorted(smallest_blocking(system).values()) == [3, 3]
    # groups:3/0.5 lets two halves of an even group miss each other: not even fault-free safe.
    assert tolerance(build_system(parse_quorum("groups:3/0.5"), round_robin(33))).safety == -1


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("groups", "needs an argument"),
        ("groups:5/0.5", "G in 1..4"),
        ("groups:3", "G in 1..4"),
        ("groups:3/0", "(0, 1]"),
        ("groups:3/x", "not a number"),
        ("groups:0/0.5", "G in 1..4"),
    ],
)
def test_bad_group_specs_name_the_problem(spec: str, words: str) -> None:
    with pytest.raises(SpecError, match=words.replace("(", r"\(").replace(")", r"\)")):
        parse_quorum(spec)


def test_weights_refused_with_a_group_quorum() -> None:
    with pytest.raises(SpecError, match="--weights applies to threshold rules"):
        build_system(parse_quorum("groups:3/0.5"), round_robin(8), {"government": 2.0})
