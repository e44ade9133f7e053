"""``council report``: per-cell tables and plots from a sweep table; presets; effective votes."""

from __future__ import annotations

import csv
import json
from html import escape
from pathlib import Path

import numpy as np
import pytest

from council.experiments.effective import BallotStats, BallotTally, effective_votes
from council.experiments.presets import load_preset
from council.experiments.report import cell_table, load_table, report, sweep_cells
from council.experiments.schedule import run_sweep
from council.experiments.sweep import SweepConfig

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    config = SweepConfig.model_validate(
        {
            "scenarios": ["kh-credit-scoring-isolated-data"],
            "byzantine": [0, 11],
            "protocol": ["bft", "tally"],
            "quorum": ["bft", "majority"],
            "seeds": 8,
        }
    )
    out = tmp_path_factory.mktemp("sweep") / "t.csv"
    run_sweep(config, out, workers=1, preset="n3-bound")
    return out


def test_report_writes_tables_and_plots(table: Path, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("report", str(table), "--out", str(table.parent / "r"))
    assert result.code == 0, result.err
    folder = table.parent / "r"
    for name in ("report.html", "summary.md", "cells.csv", "safety_violation_rate.png",
                 "validity.png"):  # fmt: skip
        assert (folder / name).is_file(), name
    assert (folder / "validity.png").read_bytes()[:8] == PNG
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "The n ≥ 3f+1 cliff" in page and "vega" in page
    assert 'src="http' not in page  # the scripts are inline: no network
    for text in (page, (folder / "summary.md").read_text(encoding="utf-8")):
        assert "or both decide nothing" in text  # what validity counts, said with it
    with (folder / "cells.csv").open(newline="") as handle:
        cells = list(csv.DictReader(handle))
    assert len(cells) == 8
    majority = [c for c in cells if c["quorum"] == "majority" and c["byzantine"] == "11"]
    assert all(float(c["safety_violation_rate"]) > 0.5 for c in majority)
    assert all(c["effective_votes"] for c in cells)
    assert "8 cells" in result.out


def test_cell_table_matches_the_sweep_sidecar(table: Path) -> None:
    cells = cell_table(load_table(table))
    sidecar = json.loads(table.with_suffix(".cells.json").read_text())["cells"]
    assert len(cells) == len(sidecar)
    for row, cell in zip(cells.to_dict("records"), sidecar, strict=True):
        for metric in ("safety_violation_rate", "decision_rate", "validity", "messages"):
            assert row[metric] == pytest.approx(cell[metric])
        assert row["honest_drift"] == pytest.approx(cell["honest_drift"], abs=1e-6)


def test_report_json_and_bad_tables(table: Path, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("report", str(table), "--out", str(tmp_path / "r"), "--json")
    assert result.code == 0
    assert len(json.loads(result.out)) == 8
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    for path, message in [(bad, "not a sweep table"), (tmp_path / "none.csv", "no such file")]:
        result = cli("report", str(path))
        assert result.code == 2 and message in result.err
        assert len(result.err.strip().splitlines()) == 1


def test_presets_command_lists_every_preset(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("presets", "--json")
    rows = json.loads(result.out)
    assert [r["name"] for r in rows] == [
        "group-quorum",
        "k7-colluders",
        "locks",
        "lossy-network",
        "n3-bound",
        "persuasion",
        "thresholds",
    ]
    assert all(r["explanation"] and r["runs"] > 0 for r in rows)


def test_network_and_group_presets_plot_along_their_own_factors(tmp_path: Path) -> None:
    lossy = load_preset("lossy-network")
    assert lossy.plot.x == "drop"
    config = lossy.config.model_copy(
        update={"seeds": 3, "scenarios": lossy.config.scenarios[:1], "drop": (0.0, 0.3, 0.5)}
    )
    run_sweep(config, tmp_path / "lossy.csv", workers=1, preset="lossy-network")
    done = report(tmp_path / "lossy.csv", tmp_path / "lossy")
    assert tmp_path / "lossy" / "rounds_to_decide.png" in done.files
    html = (tmp_path / "lossy" / "report.html").read_text(encoding="utf-8")
    assert "share of messages lost (drop)" in html and escape(lossy.explanation) in html
    cells = sweep_cells(tmp_path / "lossy.csv")
    assert sorted(cells["drop"].unique()) == [0.0, 0.3, 0.5]
    assert cells["safety_violation_rate"].max() == 0
    group = load_preset("group-quorum")
    config = group.config.model_copy(
        update={"seeds": 2, "byzantine": (0, 9), "scenarios": group.config.scenarios[:1]}
    )
    run_sweep(config, tmp_path / "group.csv", workers=1, preset="group-quorum")
    report(tmp_path / "group.csv", tmp_path / "group")
    sidecar = json.loads((tmp_path / "group.cells.json").read_text(encoding="utf-8"))
    assert {c["factors"]["faulty_groups"] for c in sidecar["cells"]} == {
        "all", "government", "government,industry"
    }  # fmt: skip
    html = (tmp_path / "group" / "report.html").read_text(encoding="utf-8")
    assert "faulty_groups" in html and escape(group.explanation) in html


def test_k7_colluders_preset_without_deliberation_is_correct_iff_m_at_most_3(
    tmp_path: Path,
) -> None:
    preset = load_preset("k7-colluders")
    config = preset.config.model_copy(update={"seeds": 20, "rounds": (0,), "update": ("fj",)})
    result = report(run_sweep(config, tmp_path / "k7.csv", workers=1).out, tmp_path / "r")
    cells = cell_table(load_table(tmp_path / "k7.csv"))
    validity = dict(zip(cells["byzantine"], cells["validity"], strict=True))
    assert all(validity[m] >= 0.8 for m in range(4))
    assert all(validity[m] == 0.0 for m in range(4, 8))
    assert result.cells == 8


def test_persuasion_preset_wmsr_holds_drift_where_fj_gives_way(tmp_path: Path) -> None:
    preset = load_preset("persuasion")
    config = preset.config.model_copy(update={"seeds": 6, "byzantine": (0, 8)})
    run_sweep(config, tmp_path / "p.csv", workers=1)
    cells = cell_table(load_table(tmp_path / "p.csv"))
    drift = {(r["update"], r["byzantine"]): r["honest_drift"] for r in cells.to_dict("records")}
    assert drift[("fj", 8)] > 3 * drift[("fj", 0)]
    assert drift[("wmsr", 8)] < 1.5 * drift[("wmsr", 0)]


def test_effective_votes_of_copies_and_of_independent_seats() -> None:
    rng = np.random.default_rng(1)
    copies, independent = BallotTally(10, 3), BallotTally(10, 3)
    for _ in range(400):
        copies.add(np.full(10, rng.integers(0, 3)), np.ones(10, bool))
        independent.add(rng.integers(0, 3, size=10), np.ones(10, bool))
    assert effective_votes(copies.stats()) == pytest.approx(1.0)
    assert 8.5 < (effective_votes(independent.stats()) or 0) <= 10
    # Blocks merge by addition: two halves give the same answer as the whole.
    half = BallotTally(10, 3)
    for _ in range(3):
        half.add(np.arange(10) % 3, np.ones(10, bool))
    merged = half.stats().merge(copies.stats())
    assert merged.runs == 403
    assert effective_votes(BallotStats()) is None
    constant = BallotTally(4, 2)
    for _ in range(5):
        constant.add(np.zeros(4, int), np.ones(4, bool))
    assert effective_votes(constant.stats()) is None  # nothing varied: undefined


def _redrawn(n: int, k: int, runs: int, vote, seed: int = 0) -> BallotStats:  # type: ignore[no-untyped-def]
    """Runs of n seats, k faulty ones re-drawn each run (as a sweep's seeds do), in blocks."""
    rng = np.random.default_rng(seed)
    total = BallotStats()
    for _ in range(runs // 100):
        tally = BallotTally(n, 3)
        casts, honest = [], []
        for _ in range(100):
            mask = np.ones(n, bool)
            mask[rng.choice(n, size=k, replace=False)] = False
            casts.append(vote(rng))
            honest.append(mask)
        tally.add_many(np.stack(casts), np.stack(honest))
        total = total.merge(tally.stats())
    return total


def test_effective_votes_do_not_count_a_redrawn_faulty_set_as_correlation() -> None:
    # 33 seats that vote independently, each with its own fixed leaning; 10 faulty, re-drawn.
    lean = np.random.default_rng(7).dirichlet([0.3, 0.3, 0.3], size=33)
    cumulative = lean.cumsum(axis=1)

    def independent(rng: np.random.Generator) -> np.ndarray:
        return (rng.random(33)[:, None] > cumulative).sum(axis=1)

    stats = _redrawn(33, 10, 2000, independent)
    assert stats.honest == 23
    assert 21.5 < (effective_votes(stats) or 0) <= 23

    # Three blocs that each vote as one: worth about three votes, re-drawn or not.
    bloc = np.arange(33) % 3

    def blocs(rng: np.random.Generator) -> np.ndarray:
        return rng.integers(0, 3, size=3)[bloc]

    assert (effective_votes(_redrawn(33, 10, 2000, blocs)) or 99) < 4


def test_a_block_counted_at_once_is_its_runs_counted_one_by_one() -> None:
    """``add_many`` (a kernel block's casts) tallies what ``add`` tallies run by run."""
    rng = np.random.default_rng(3)
    runs, n, k = 250, 9, 4
    casts = rng.integers(-1, k, size=(runs, n))  # -1: no ballot
    honest = rng.random((runs, n)) < 0.7
    honest[-1] = rng.random(n) < 0.5  # the last run's honest count is the one kept
    at_once, one_by_one = BallotTally(n, k), BallotTally(n, k)
    at_once.add_many(casts, honest)
    for cast, mask in zip(casts, honest, strict=True):
        one_by_one.add(cast, mask)
    assert at_once.stats() == one_by_one.stats()
    assert at_once.stats().runs == runs and sum(at_once.stats().seat_runs) > 0
