"""The group-quorum and lossy-network presets: their paragraphs are what a fresh run gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from council.presets import load_preset
from council.presets.generated import WRITERS, paragraph
from council.report import report, sweep_cells
from council.runner import run_sweep


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_the_committed_paragraph_is_the_one_a_fresh_run_writes(name: str, tmp_path: Path) -> None:
    preset = load_preset(name)
    table = tmp_path / f"{name}.csv"
    run_sweep(preset.config, table, workers=2, preset=name)
    cells = sweep_cells(table)
    assert preset.explanation == " ".join(paragraph(name, cells).split()), (
        f"run `python -m council.presets.generated {name}` and commit the paragraph"
    )
    done = report(table, tmp_path / "report")
    assert (tmp_path / "report" / f"{preset.plot.metrics[0]}.png") in done.files
    if name == "lossy-network":
        assert preset.plot.x == "drop"
        assert "rounds_to_decide" in cells.columns
        html = (tmp_path / "report" / "report.html").read_text(encoding="utf-8")
        assert "share of messages lost (drop)" in html
        assert cells["safety_violation_rate"].max() == 0  # what the paragraph says holds
    else:
        sidecar = json.loads(table.with_suffix(".cells.json").read_text())
        assert {c["factors"]["faulty_groups"] for c in sidecar["cells"]} == {
            "all", "government", "government,industry"
        }  # fmt: skip
