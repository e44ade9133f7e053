"""Protocol behaviour on hand-built councils: equivocation against tally, BFT locks, CP-WBFT."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import make_library, make_persona, two_option_scenario

from council.contracts.config import RunConfig
from council.contracts.formats import Scenario
from council.engine.context import build_context
from council.engine.metrics import safety_violation
from council.engine.outcome import summarize
from council.engine.phases import simulate

FAIR = {"fairness": 1.0, "innovation": 0.0}
INNOV = {"fairness": 0.0, "innovation": 1.0}


def split_council(n_each: int, extra: int = 1):  # type: ignore[no-untyped-def]
    """n_each fairness seats, n_each innovation seats, then `extra` more seats (made faulty)."""
    personas = [make_persona(f"fair-{i}", "civil_society", FAIR) for i in range(n_each)]
    personas += [make_persona(f"innov-{i}", "industry", INNOV) for i in range(n_each)]
    personas += [make_persona(f"extra-{i}", "academia", FAIR) for i in range(extra)]
    return personas


def run_split(protocol: str, quorum: str, n_each: int, equivocators: int, seed: int = 0):  # type: ignore[no-untyped-def]
    personas = split_council(n_each, equivocators)
    scenario = two_option_scenario()
    lib = make_library(personas, [scenario])
    # Pick the faulty seats by hand: the extra ones.
    config = RunConfig(
        scenario="split",
        personas=tuple(p.id for p in personas),
        size=len(personas),
        byzantine=0,
        protocol=protocol,
        quorum=quorum,
        rounds=1,
        seed=seed,  # type: ignore[arg-type]
    )
    ctx = build_context(config, lib, scenario)
    faulty = np.zeros(ctx.n, dtype=bool)
    faulty[2 * n_each :] = True
    object.__setattr__(ctx, "faulty", faulty)
    return ctx, summarize(ctx, simulate(ctx))


def test_one_equivocator_breaks_tally_majority_on_an_even_split() -> None:
    ctx, summary = run_split("tally", "majority", n_each=2, equivocators=1)
    assert ctx.quorum == 3
    honest_commits = {int(c) for c in summary.commits[ctx.honest]}
    assert honest_commits == {0, 1}
    assert safety_violation(ctx, summary.commits)


@pytest.mark.parametrize("n_each", [2, 5, 16])
def test_bft_protocol_stays_safe_on_the_same_split(n_each: int) -> None:
    equivocators = (2 * n_each + 1 - 1) // 3  # f for n = 2*n_each + f, never more
    ctx, summary = run_split("bft", "bft", n_each=n_each, equivocators=max(1, equivocators))
    assert ctx.faulty.sum() <= ctx.max_faulty
    assert not safety_violation(ctx, summary.commits)
    assert summary.status == "no_quorum"  # an even honest split cannot reach a Byzantine quorum


def test_tally_majority_breaks_at_scale_but_bft_does_not() -> None:
    ctx, tally = run_split("tally", "majority", n_each=16, equivocators=1)
    assert safety_violation(ctx, tally.commits)
    ctx, bft = run_split("bft", "majority", n_each=16, equivocators=1)
    # bft's commit phase alone does not save a weak threshold: majority tolerates 2t-n-1 = 0.
    assert safety_violation(ctx, bft.commits)


def colluding_council(m: int, update: str = "fj"):  # type: ignore[no-untyped-def]
    """7 seats on a complete graph, all preferring 'right'; m of them collude on 'wrong'."""
    scenario = Scenario.model_validate(
        {
            **two_option_scenario().model_dump(),
            "id": "cpwbft",
            "options": [
                {
                    "id": "right",
                    "label": "Right answer",
                    "impacts": {"fairness": 0.8, "safety": 0.8},
                },
                {
                    "id": "wrong",
                    "label": "Wrong answer",
                    "impacts": {"fairness": -0.8, "safety": -0.8},
                },
            ],
        }
    )
    personas = [
        make_persona(f"agent-{i}", "academia", {"fairness": 0.7, "safety": 0.7}, openness=0.5)
        for i in range(7)
    ]
    lib = make_library(personas, [scenario])
    config = RunConfig(
        scenario="cpwbft",
        personas=tuple(p.id for p in personas),
        size=7,
        byzantine=m,
        fault="collude:wrong",
        protocol="tally",
        quorum="majority",
        topology="complete",
        rounds=2,
        update=update,
    )
    ctx = build_context(config, lib, scenario)
    return ctx, summarize(ctx, simulate(ctx))


@pytest.mark.parametrize("update", ["majority", "fj"])
@pytest.mark.parametrize("m", range(0, 7))
def test_cp_wbft_rule_baseline_correct_iff_at_most_three_colluders(m: int, update: str) -> None:
    # "majority" is the study's strict-majority update; FJ with these clear preferences agrees.
    ctx, summary = colluding_council(m, update)
    correct = summary.status == "decided" and ctx.option_ids[summary.option] == "right"
    assert correct == (m <= 3), (m, summary.status, summary.option)


def test_bft_lock_carries_a_commit_across_ballots() -> None:
    """A seat that sent commit X prepares and approves only X later, whatever its scores say."""
    from council.engine.protocols import ProtocolState, honest_ballots

    scores = np.array([[0.9, 0.1], [0.1, 0.9]])
    state = ProtocolState(committed=np.array([-1, -1]), locked=np.array([1, -1]))
    ranks, approve = honest_ballots(scores, state)
    assert ranks[0, 0] == 1 and ranks[1, 0] == 1
    assert approve[0].tolist() == [False, True]  # it approves its lock alone
