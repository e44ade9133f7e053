"""Golden seeded runs: every case reproduces its committed file, ids and timings masked.

Regenerate with ``python tests/golden_cases.py --write`` after reading the diff it prints.
"""

from __future__ import annotations

import json

import pytest
from golden_cases import CASES, Case, differences, golden_path, masked


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_golden_run_reproduces_its_file(case: Case) -> None:
    path = golden_path(case)
    assert path.exists(), f"no golden file for {case.name}: run tests/golden_cases.py --write"
    want = json.loads(path.read_text(encoding="utf-8"))
    diffs = differences(want, case.produce())
    assert not diffs, f"{case.name} changed in {len(diffs)} places:\n" + "\n".join(diffs[:20])


def test_the_comparison_sees_a_changed_number_and_ignores_ids() -> None:
    golden = {"run_id": "a", "metrics": {"messages": 10, "wall_s": 0.1}, "rounds": [{"x": 1}]}
    rerun = {"run_id": "b", "metrics": {"messages": 10, "wall_s": 0.3}, "rounds": [{"x": 1}]}
    assert differences(masked(golden), masked(rerun)) == []
    moved = {**rerun, "metrics": {"messages": 11, "wall_s": 0.3}, "rounds": [{"x": 1}, {"x": 2}]}
    assert differences(masked(golden), masked(moved)) == [
        "metrics.messages: golden 10, now 11",
        "rounds: 1 items in golden, 2 now",
    ]
