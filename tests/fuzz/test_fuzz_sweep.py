"""Fuzzing sweep configs: good lists, wrong values, unknown keys, damaged YAML.

``council sweep CONFIG --out T.csv`` exits 0 (and writes the table) or 2 with the config's
problems, one line each naming the file, and then no table at all.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path
from typing import Any

from fuzz_contract import call, check, scaled
from fuzz_strategies import dump, junk, mutated_docs, mutated_texts
from hypothesis import given
from hypothesis import strategies as st

SCENARIO = "au-robodebt-income-averaging"

GOOD: dict[str, list[Any]] = {
    "size": [1, 4, 7],
    "byzantine": [0, 1, 2],
    "fault": ["crash", "random", "equivocate", "stubborn:suspend"],
    "protocol": ["bft", "tally"],
    "quorum": ["bft", "majority", 0.6, "groups:2/0.5"],
    "method": ["plurality", "approval", "borda", "copeland", "irv"],
    "topology": ["complete", "ring", "small-world", "scale-free"],
    "rounds": [0, 1, 2],
    "update": ["fj", "wmsr", "majority"],
    "weights": ["none", "government=2"],
    "faulty_groups": ["all", "government"],
    "drop": [0, 0.1],
    "delay": [0, 0.2],
    "partition": ["none", "government|industry"],
}
BAD: dict[str, list[Any]] = {
    "size": [0, -1, 1001, 2**63, 4.5, "4", True, [4]],
    "byzantine": [9, -1, 2**64],
    "fault": ["nope", "stubborn:", ""],
    "protocol": ["paxos", None],
    "quorum": [1.5, "0", "groups:x", float("nan")],
    "method": ["dictator"],
    "topology": ["star"],
    "rounds": [51, -1],
    "update": ["mean"],
    "weights": ["nobody=1", "government=-1"],
    "faulty_groups": ["martians"],
    "drop": [1.5, float("nan"), float("inf")],
    "delay": [-0.1],
    "partition": ["x|y@9-1"],
    "seeds": [0, -3, 10_000_001, 2**63, "two", None, True, 1.5],
    "scenarios": [[], "no-such", ["no-such"], [SCENARIO, SCENARIO]],
}
"""Good and wrong values of every sweep factor: a config is good but for at most one slip."""


@st.composite
def configs(draw: st.DrawFn) -> dict[str, Any]:
    """A sweep config of a few factors, each a short list (a few runs), maybe with one slip."""
    doc: dict[str, Any] = {
        "scenarios": draw(st.sampled_from([[SCENARIO], [SCENARIO, "kh-ai-tutor-public-schools"]])),
        "seeds": draw(st.sampled_from([1, 2])),
    }
    for factor in draw(st.lists(st.sampled_from(sorted(GOOD)), max_size=3, unique=True)):
        values = draw(st.lists(st.sampled_from(GOOD[factor]), min_size=1, max_size=2, unique=True))
        doc[factor] = values if len(values) > 1 or draw(st.booleans()) else values[0]
    slip = draw(st.sampled_from([None] * len(BAD) + sorted(BAD)))  # half the configs are good
    if slip is not None:
        doc[slip] = draw(st.sampled_from(BAD[slip]))
    if draw(st.integers(0, 9)) == 0:
        doc[draw(st.text(min_size=1, max_size=10))] = draw(junk)
    return doc


def _run(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        path, table = root / "sweep.yaml", root / "table.csv"
        path.write_bytes(raw)
        argv = ["sweep", str(path), "--out", str(table), "--workers", "1"]
        outcome = check(call(argv), files=[str(path)], test="sweep: config")
        if outcome.code == 0:
            with table.open(newline="") as handle:
                assert len(list(csv.DictReader(handle))) >= 1
        else:
            assert not table.exists(), "a refused sweep left a table behind"


@scaled(20)
@given(doc=configs())
def test_sweep_configs(doc: dict[str, Any]) -> None:
    _run(dump(doc).encode("utf-8"))


@scaled(12)
@given(raw=mutated_texts(mutated_docs(configs())))
def test_damaged_sweep_configs(raw: bytes) -> None:
    _run(raw)
