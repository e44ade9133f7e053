"""Bounded sweeps: sizes counted not listed, the run limit, lazy cells, stopping, no orphans."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import psutil
import pytest
from conftest import write_yaml

from council.experiments.bounds import estimate, limit_from_env
from council.experiments.cells import SweepSummary
from council.experiments.plan import plan
from council.experiments.schedule import SweepStopped, run_sweep
from council.experiments.sweep import SweepConfig, parse_sweep
from council.experiments.table import paths
from council.library.loader import LoadError
from council.rules.registry import SpecError

SCENARIO = "kh-credit-scoring-isolated-data"
SMALL = {"scenarios": [SCENARIO], "byzantine": [0, 4], "protocol": ["bft", "tally"], "seeds": 6}
# 500 sizes × 100 faulty counts × 2 protocols × 30 round counts: 3,000,000 valid combinations.
HUGE = {
    "scenarios": [SCENARIO],
    "size": list(range(500, 1000)),
    "byzantine": list(range(100)),
    "protocol": ["bft", "tally"],
    "rounds": list(range(30)),
    "seeds": 10,
}


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_a_3m_cell_sweep_is_refused_in_one_line_without_listing_its_cells(
    tmp_path: Path, cli
) -> None:  # type: ignore[no-untyped-def]
    path = write_yaml(tmp_path / "huge.yaml", HUGE)
    out = tmp_path / "t.csv"
    tracemalloc.start()
    try:
        result = cli("sweep", str(path), "--out", str(out))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.code == 2
    line = one_line(result.err)
    assert line == (
        f"{path}: 30,000,000 runs (3,000,000 combinations × 10 seeds) exceed the limit of "
        "10,000,000 runs; run it anyway with --yes, or raise --max-runs (or COUNCIL_MAX_RUNS)"
    )
    assert peak < 20_000_000, f"{peak:,} bytes allocated to refuse it"  # 3 M cells: gigabytes
    assert not any(tmp_path.glob("t.*"))
    # One seed each is 3,000,000 runs: under the default limit, over a lower one.
    seeds_1 = cli("sweep", str(path), "--out", str(out), "--seeds", "1", "--max-runs", "1000000")
    assert seeds_1.code == 2 and "3,000,000 runs (3,000,000 combinations × 1 seeds)" in seeds_1.err
    assert not any(tmp_path.glob("t.*"))


def test_the_limit_comes_from_the_flag_the_environment_or_yes(
    tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    path = write_yaml(tmp_path / "small.yaml", SMALL)  # 4 combinations × 6 seeds = 24 runs
    out = tmp_path / "t.csv"
    refused = cli("sweep", str(path), "--out", str(out), "--max-runs", "23")
    assert refused.code == 2 and "24 runs (4 combinations × 6 seeds) exceed the limit of 23" in (
        one_line(refused.err)
    )
    monkeypatch.setenv("COUNCIL_MAX_RUNS", "20")
    assert cli("sweep", str(path), "--out", str(out)).code == 2 and not out.exists()
    assert cli("sweep", str(path), "--out", str(out), "--max-runs", "24").code == 0  # flag wins
    out.unlink()
    ran = cli("sweep", str(path), "--out", str(out), "--yes")
    assert ran.code == 0, ran.err
    assert out.read_text(encoding="utf-8").count("\n") == 1 + 24
    monkeypatch.setenv("COUNCIL_MAX_RUNS", "lots")
    bad = cli("sweep", str(path), "--out", str(out))
    assert bad.code == 2
    assert one_line(bad.err) == (
        "council: COUNCIL_MAX_RUNS: expected a whole number of runs of at least 1, not 'lots'"
    )
    assert cli("sweep", str(path), "--out", str(out), "--max-runs", "0").code == 2


def test_seeds_beyond_the_cap_or_as_a_boolean_are_refused_naming_the_field(
    tmp_path: Path, cli
) -> None:  # type: ignore[no-untyped-def]
    path = write_yaml(tmp_path / "small.yaml", SMALL)
    out = tmp_path / "t.csv"
    result = cli("sweep", str(path), "--out", str(out), "--seeds", "1000000000")
    assert result.code == 2
    assert one_line(result.err) == (
        "--seeds: seeds: input should be less than or equal to 10000000 (got 1000000000)"
    )
    zero = cli("sweep", str(path), "--out", str(out), "--seeds", "0")
    assert zero.code == 2 and one_line(zero.err).startswith("--seeds: seeds: ")
    for field, value in (("seeds", True), ("size", [33, True]), ("rounds", [False])):
        bad = write_yaml(tmp_path / f"{field}.yaml", {**SMALL, field: value})
        result = cli("sweep", str(bad), "--out", str(out))
        assert result.code == 2, result
        assert one_line(result.err).startswith(f"{bad}: {field}")
        assert "expected a whole number, not " in result.err
    assert not out.exists()


def test_dry_run_prints_the_size_and_an_estimate_and_writes_nothing(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    path = write_yaml(tmp_path / "small.yaml", SMALL)
    out = tmp_path / "t.csv"
    result = cli("sweep", str(path), "--out", str(out), "--dry-run", "--workers", "1")
    assert result.code == 0 and not result.err
    assert result.out.startswith("sweep: 24 runs (4 combinations × 6 seeds): about ")
    assert " on 1 worker, a table of about " in result.out
    assert not any(tmp_path.glob("t.*"))


def test_the_estimate_of_the_table_is_close_to_the_table(tmp_path: Path) -> None:
    config = parse_sweep({**SMALL, "seeds": 40}, "x")
    guess = estimate(plan(config, "x"), workers=1)
    table = run_sweep(config, tmp_path / "t.csv", workers=1).out.stat().st_size
    assert guess.runs == config.runs == 160
    assert 0.8 * table < guess.table_bytes < 1.25 * table, (guess.table_bytes, table)
    assert guess.seconds > 0


def test_the_plan_makes_the_cells_of_the_product_from_their_index() -> None:
    data = {"scenarios": [SCENARIO], "size": [7, 10], "byzantine": [0, 2],
            "fault": ["crash", "equivocate"], "protocol": ["bft", "tally"], "drop": [0.0, 0.1],
            "seeds": 1}  # fmt: skip
    config = parse_sweep(data, "x")
    cells = plan(config, "x")
    product = list(itertools.product(*config.lists()))
    assert len(cells) == len(product) == 32
    groups: dict[tuple[object, ...], set[int]] = {}
    for index, values in enumerate(product):
        assert tuple(cells.values(index).values()) == values
        cell = cells.cell(index)
        assert cell.index == index and cell.factors == values
        key = tuple(v for f, v in zip(config.factors(), values, strict=True)
                    if f not in ("byzantine", "fault"))  # fmt: skip
        groups.setdefault(key, set()).add(index)
    for members in groups.values():  # the same groups the product's keys make
        assert {cells.group(i) for i in members} == {min(members)}
        assert set(cells.members(min(members))) == members
    huge = plan(parse_sweep(HUGE, "huge"), "huge")  # lazily: only the asked cell is made
    assert len(huge) == 3_000_000
    last = huge.cell(2_999_999)
    assert (last.config.size, last.config.byzantine, last.config.rounds) == (999, 99, 29)
    assert last.config.protocol == "tally" and last.council.max_faulty == 332
    with pytest.raises(IndexError):
        huge.values(3_000_000)


def test_the_sidecar_is_the_summary_as_pydantic_writes_it(tmp_path: Path) -> None:
    config = parse_sweep({**SMALL, "drop": [0.0, 0.2], "seeds": 3}, "x")
    sidecar = run_sweep(config, tmp_path / "t.csv", workers=1).sidecar
    text = sidecar.read_text(encoding="utf-8")
    summary = SweepSummary.model_validate_json(text)
    assert summary.model_dump_json(indent=1) == text
    assert [c.runs for c in summary.cells] == [3] * config.cells
    assert [c.factors["drop"] for c in summary.cells] == [0.0, 0.2] * 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.cells.json", "t.csv"]


def test_a_stopped_sweep_keeps_its_rows_and_resumes_to_the_whole_table(tmp_path: Path) -> None:
    config = parse_sweep({**SMALL, "seeds": 30}, "x")
    expected = run_sweep(config, tmp_path / "expected.csv", workers=1, block_size=7)
    out = tmp_path / "t.csv"
    asked = 0

    def stop() -> bool:
        nonlocal asked
        asked += 1
        return asked >= 3

    with pytest.raises(SweepStopped) as stopped:
        run_sweep(config, out, workers=1, block_size=7, stop=stop)
    assert stopped.value.done == 7 + 7 + 7 and stopped.value.total == 120
    assert out.read_text(encoding="utf-8").count("\n") == 1 + 21
    _, journal, sidecar = paths(out)
    assert journal.exists() and not sidecar.exists()
    resumed = run_sweep(config, out, workers=1, block_size=7, resume=True)
    assert resumed.resumed == 21
    assert out.read_bytes() == expected.out.read_bytes()
    assert sidecar.read_bytes() == expected.sidecar.read_bytes().replace(
        b'"expected.csv"', b'"t.csv"'
    )


def test_the_library_call_takes_a_limit_too(tmp_path: Path) -> None:
    config = SweepConfig.model_validate({**SMALL, "seeds": 10_000_000})
    with pytest.raises(LoadError) as refused:
        run_sweep(config, tmp_path / "t.csv", workers=1, max_runs=100_000, name="preset x")
    assert refused.value.lines() == [
        "preset x: 40,000,000 runs (4 combinations × 10,000,000 seeds) exceed the limit of "
        "100,000 runs"
    ]
    assert not any(tmp_path.iterdir())


def test_a_bad_limit_variable_is_a_spec_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COUNCIL_X_LIMIT", "1_000")
    assert limit_from_env("COUNCIL_X_LIMIT", 5) == 1000
    monkeypatch.setenv("COUNCIL_X_LIMIT", "-3")
    with pytest.raises(SpecError, match="COUNCIL_X_LIMIT"):
        limit_from_env("COUNCIL_X_LIMIT", 5)


def _descendants(pid: int) -> list[psutil.Process]:
    return psutil.Process(pid).children(recursive=True)


def _gone(process: psutil.Process) -> bool:
    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_pool_workers_die_when_the_sweep_is_killed(tmp_path: Path) -> None:
    config = {**SMALL, "byzantine": list(range(12)), "seeds": 2000}  # far longer than the test
    path = write_yaml(tmp_path / "sweep.yaml", config)
    out = tmp_path / "t.csv"
    command = [sys.executable, "-m", "council", "sweep", str(path), "--out", str(out)]
    process = subprocess.Popen(
        [*command, "--workers", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        workers: list[psutil.Process] = []
        while time.monotonic() < deadline and process.poll() is None:
            workers = _descendants(process.pid)
            if len(workers) >= 2 and out.exists() and out.stat().st_size > 2000:
                break
            time.sleep(0.05)
        assert process.poll() is None and len(workers) >= 2, "the sweep never got going"
    finally:
        os.kill(process.pid, signal.SIGKILL)  # the sweep alone, not its process group
        process.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not all(_gone(w) for w in workers):
        time.sleep(0.1)
    alive = [w.pid for w in workers if not _gone(w)]
    for pid in alive:  # leave nothing behind, whatever the outcome
        os.kill(pid, signal.SIGKILL)
    assert not alive, f"workers {alive} outlived their sweep"
    _, journal, _ = paths(out)
    assert json.loads(journal.read_text(encoding="utf-8").splitlines()[0])["cell"] == 0
