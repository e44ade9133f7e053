"""Quorum properties and BFT safety, checked by Hypothesis over councils, faults and seeds."""

from __future__ import annotations

import math
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from council.contracts.config import RunConfig
from council.engine.context import build_context
from council.engine.metrics import safety_violation
from council.engine.outcome import summarize
from council.engine.phases import simulate
from council.library.catalog import load_library
from council.rules.faults import FAULTS, example_spec
from council.rules.quorum import bft_quorum, max_faulty, threshold, tolerates

LIBRARY = load_library()
SCENARIOS = sorted(LIBRARY.scenarios)


def test_quorum_intersection_and_liveness_for_every_n_up_to_100() -> None:
    for n in range(1, 101):
        q = bft_quorum(n)
        for f in range(0, max_faulty(n) + 1):
            assert 2 * q - n >= f + 1, (n, f, q)  # two quorums share an honest seat
            assert q <= n - f, (n, f, q)  # the honest seats alone can form a quorum
        assert tolerates(n, q).safety >= max_faulty(n)
        assert tolerates(n, q).liveness >= max_faulty(n)


@given(n=st.integers(1, 1000), thousandths=st.integers(1, 1000))
def test_fraction_threshold_is_exact_ceiling(n: int, thousandths: int) -> None:
    p = Fraction(thousandths, 1000)
    t = threshold(f"{thousandths / 1000:.3f}", n)
    assert t == max(1, math.ceil(p * n))  # exact, no float rounding (0.7 * 10 is 7)


def _fault_spec(name: str, scenario: str, pick: int) -> str:
    return example_spec(name, LIBRARY.scenarios[scenario].option_ids, pick)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(1, 40),
    share=st.floats(0, 1),
    fault=st.sampled_from(FAULTS.names()),
    scenario=st.sampled_from(SCENARIOS),
    pick=st.integers(0, 7),
    method=st.sampled_from(["plurality", "borda", "copeland", "irv"]),
    update=st.sampled_from(["fj", "wmsr", "majority"]),
    topology=st.sampled_from(["complete", "small-world", "scale-free", "ring"]),
    rounds=st.integers(0, 3),
    seed=st.integers(0, 10_000),
)
def test_bft_never_violates_safety_within_the_bound(  # type: ignore[no-untyped-def]
    n, share, fault, scenario, pick, method, update, topology, rounds, seed
) -> None:
    k = round(share * max_faulty(n))
    config = RunConfig(
        scenario=scenario,
        size=n,
        byzantine=k,
        fault=_fault_spec(fault, scenario, pick),
        protocol="bft",
        method=method,
        update=update,
        topology=topology,
        rounds=rounds,
        seed=seed,
    )
    ctx = build_context(config, LIBRARY, LIBRARY.scenarios[scenario])
    assert not safety_violation(ctx, summarize(ctx, simulate(ctx)).commits)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), scenario=st.sampled_from(SCENARIOS))
def test_bft_safe_at_exactly_f_equivocators_of_33(seed: int, scenario: str) -> None:
    config = RunConfig(scenario=scenario, byzantine=10, fault="equivocate", seed=seed)
    ctx = build_context(config, LIBRARY, LIBRARY.scenarios[scenario])
    assert not safety_violation(ctx, summarize(ctx, simulate(ctx)).commits)
