"""Sweeps: the table's shape, the same table however it runs, crash and resume, bad configs."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import write_yaml

from council.contracts.events import ProgressEvent, SweepAdvanced
from council.experiments.plan import plan
from council.experiments.presets import load_preset, names
from council.experiments.schedule import run_sweep
from council.experiments.sweep import SweepConfig, parse_sweep
from council.experiments.table import COLUMNS, FACTORS, paths
from council.library.loader import LoadError

SCENARIO = "kh-credit-scoring-isolated-data"
SMALL = {
    "scenarios": [SCENARIO],
    "byzantine": [0, 4, 11],
    "fault": ["equivocate", "crash"],
    "protocol": ["bft", "tally"],
    "seeds": 6,
}


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_table_has_every_combination_times_seeds_in_order(tmp_path: Path) -> None:
    config = SweepConfig.model_validate(SMALL)
    result = run_sweep(config, tmp_path / "t.csv", workers=1)
    assert result.runs == 3 * 2 * 2 * 6 == config.runs
    with (tmp_path / "t.csv").open(encoding="utf-8") as handle:
        assert handle.readline().rstrip("\n") == ",".join(COLUMNS)
    rows = read_rows(tmp_path / "t.csv")
    assert len(rows) == config.runs
    # Product order, the last factor fastest, seeds innermost; defaults fill the optional keys.
    keys = [tuple(r[c] for c in (*FACTORS, "seed")) for r in rows]
    assert keys[:7] == [
        (SCENARIO, "33", "0", "equivocate", "bft", "bft", "plurality", "complete", "2", "fj", s)
        for s in "012345"
    ] + [(SCENARIO, "33", "0", "equivocate", "tally", "bft", "plurality", "complete", "2", "fj",
          "0")]  # fmt: skip
    assert [k[2] for k in keys[::24]] == ["0", "4", "11"]
    for row in rows:
        assert row["safety_violation"] in ("true", "false")
        assert row["agrees_with_baseline"] in ("true", "false")
        assert row["status"] in ("decided", "no_quorum")
        assert (row["option"] == "") == (row["status"] != "decided")
    # Byzantine 0 under two fault models: two identical cells, as the contract says.
    results = [tuple(r[c] for c in COLUMNS[11:]) for r in rows]
    assert results[0:12] == results[12:24]
    # Every faulty-free run agrees with its baseline (it is its own baseline).
    assert all(r["agrees_with_baseline"] == "true" for r in rows if r["byzantine"] == "0")
    sidecar = json.loads(result.sidecar.read_text())
    assert len(sidecar["cells"]) == config.cells
    assert sidecar["cells"][0]["runs"] == 6


def test_rows_match_single_runs_of_the_engine(tmp_path: Path) -> None:
    from council.contracts.config import RunConfig
    from council.session import RunSession
    from council.session.batch import run

    config = SweepConfig.model_validate({**SMALL, "fault": ["equivocate"], "seeds": 3})
    run_sweep(config, tmp_path / "t.csv", workers=1)
    for row in read_rows(tmp_path / "t.csv")[::4]:
        fields = {c: row[c] for c in FACTORS}
        single = RunConfig(**fields, seed=int(row["seed"]))  # type: ignore[arg-type]
        record = run(RunSession(single))
        assert row["status"] == record.outcome.status
        assert row["option"] == (record.outcome.option or "")
        assert row["agrees_with_baseline"] == str(record.metrics.agrees_with_baseline).lower()
        assert row["safety_violation"] == str(record.metrics.safety_violation).lower()
        assert int(row["messages"]) == record.metrics.messages
        assert float(row["honest_drift"]) == pytest.approx(record.metrics.honest_drift, abs=1e-6)


def test_a_kernel_blocks_lines_are_the_csv_writers_lines_of_each_row() -> None:
    """``format_rows`` (one %-format a row) writes what ``format_row`` and csv.writer write."""
    import io

    from council.engine.metrics import RunMetrics
    from council.experiments.table import format_row, format_rows

    factors, extras = ["67%", 'say "no"', "a,b", "%d"], ["x%s", "", "1,2"]
    drift = [0.5, 0.0, -1e-9, 0.1234565, 0.9999995, 1 / 3, 2.675e-7, 123.4567891]
    n = len(drift)
    metrics = {
        "safety_violation": [i % 2 == 0 for i in range(n)],
        "agrees_with_baseline": [i % 3 == 0 for i in range(n)],
        "rounds_used": list(range(n)),
        "messages": [10**i for i in range(n)],
        "honest_drift": drift,
        "honest_flips": [n - i for i in range(n)],
    }
    seeds, options = [i * 7 for i in range(n)], ["", "b", 'q"t', "c,d", "e%", "", "b", "f"]
    statuses = ["decided" if o else "no_quorum" for o in options]
    got = format_rows(factors, seeds, statuses, options, metrics, extras)
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\n")
    for i in range(n):
        one = RunMetrics(**{m: values[i] for m, values in metrics.items()})
        writer.writerow(format_row(factors, seeds[i], statuses[i], options[i], one, extras))
    assert got == expected.getvalue()


def test_one_worker_a_pool_and_dask_write_the_same_table(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    config = SweepConfig.model_validate({**SMALL, "seeds": 10})
    one = run_sweep(config, tmp_path / "one.csv", workers=1)
    pool = run_sweep(config, tmp_path / "pool.csv", workers=2, block_size=3)
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        dask = run_sweep(config, tmp_path / "dask.csv", scheduler=cluster.scheduler_address)
    table = one.out.read_bytes()
    assert pool.out.read_bytes() == table
    assert dask.out.read_bytes() == table
    cells = json.loads(one.sidecar.read_text())["cells"]
    assert json.loads(pool.sidecar.read_text())["cells"] == cells
    assert json.loads(dask.sidecar.read_text())["cells"] == cells


def test_parquet_holds_the_same_rows_with_booleans(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    config = SweepConfig.model_validate({**SMALL, "seeds": 2})
    run_sweep(config, tmp_path / "t.csv", workers=1)
    run_sweep(config, tmp_path / "t.parquet", workers=1)
    table = pq.read_table(tmp_path / "t.parquet")
    assert table.column_names == list(COLUMNS)
    assert str(table.schema.field("safety_violation").type) == "bool"
    rows = read_rows(tmp_path / "t.csv")
    got = table.to_pylist()
    assert len(got) == len(rows)
    for a, b in zip(got, rows, strict=True):
        assert a["seed"] == int(b["seed"]) and a["quorum"] == b["quorum"]
        assert (a["option"] or "") == b["option"]
        assert a["agrees_with_baseline"] == (b["agrees_with_baseline"] == "true")
    assert not (tmp_path / "t.parquet.rows.csv").exists()


def sweep_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "council", "sweep", *args]


def test_kill_9_mid_sweep_then_resume_gives_the_uninterrupted_table(tmp_path: Path) -> None:
    config = {**SMALL, "byzantine": [0, 2, 4, 6, 8, 10, 11, 12], "fault": ["equivocate"],
              "seeds": 60}  # fmt: skip
    path = write_yaml(tmp_path / "sweep.yaml", config)
    expected = run_sweep(parse_sweep(config, "x"), tmp_path / "expected.csv", workers=1)
    out = tmp_path / "crashed.csv"
    _, journal, sidecar = paths(out)
    process = subprocess.Popen(
        sweep_command(str(path), "--out", str(out), "--workers", "2"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the pool dies with it
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            if journal.exists() and journal.read_bytes().count(b"\n") >= 3:
                break
            time.sleep(0.005)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert not sidecar.exists(), "the sweep finished before it could be killed"
    rows_before = out.read_bytes().count(b"\n") - 1
    assert 0 < rows_before < expected.runs
    done = subprocess.run(
        sweep_command(str(path), "--out", str(out), "--workers", "2", "--resume"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "kept from before" in done.stdout
    assert out.read_bytes() == expected.out.read_bytes()
    assert (
        json.loads(sidecar.read_text())["cells"]
        == json.loads(expected.sidecar.read_text())["cells"]
    )
    assert not journal.exists()


class Crash(Exception):
    pass


def crash_after(blocks: int):  # type: ignore[no-untyped-def]
    """A progress callback that crashes the sweep once ``blocks`` blocks are written."""
    calls = 0

    def progress(event: ProgressEvent) -> None:
        nonlocal calls
        assert isinstance(event, SweepAdvanced) and 0 <= event.done <= event.total
        calls += 1  # once at the start, then once per block written
        if calls > blocks:
            raise Crash

    return progress


def test_resume_drops_rows_the_journal_does_not_vouch_for(tmp_path: Path) -> None:
    config = SweepConfig.model_validate({**SMALL, "fault": ["equivocate"], "seeds": 5})
    expected = run_sweep(config, tmp_path / "expected.csv", workers=1)
    out = tmp_path / "t.csv"
    with pytest.raises(Crash):
        run_sweep(config, out, workers=1, block_size=2, progress=crash_after(7))
    _, journal, sidecar = paths(out)
    assert journal.read_text().count("\n") == 7 and not sidecar.exists()
    # 7 blocks (5 + 5 + 2 rows) are vouched for; then a row with no journal line yet, half a
    # row and half a journal line: what a kill -9 mid-write leaves.
    extra = expected.out.read_bytes().splitlines(keepends=True)[13:15]
    with out.open("ab") as handle:
        handle.write(extra[0] + extra[1][:25])
    with journal.open("a") as handle:
        handle.write('{"cell": 2, "st')
    result = run_sweep(config, out, workers=1, resume=True)
    assert result.resumed == 12
    assert out.read_bytes() == expected.out.read_bytes()
    assert (
        json.loads(result.sidecar.read_text())["cells"]
        == json.loads(expected.sidecar.read_text())["cells"]
    )


def test_resume_refuses_a_table_of_another_sweep(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    first = write_yaml(tmp_path / "a.yaml", {**SMALL, "seeds": 2})
    other = write_yaml(tmp_path / "b.yaml", {**SMALL, "byzantine": [1, 4, 11], "seeds": 2})
    out = tmp_path / "t.csv"
    assert cli("sweep", str(first), "--out", str(out), "--workers", "1").code == 0
    out.write_bytes(out.read_bytes()[:-40])  # cut the last row short: an unfinished sweep
    paths(out)[2].unlink()
    result = cli("sweep", str(other), "--out", str(out), "--resume", "--workers", "1")
    assert result.code == 2
    assert "does not match the sweep config" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_a_finished_sweep_resumes_to_itself(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    config = write_yaml(tmp_path / "a.yaml", {**SMALL, "seeds": 2})
    out = tmp_path / "t.csv"
    assert cli("sweep", str(config), "--out", str(out), "--workers", "1").code == 0
    before = out.read_bytes()
    result = cli("sweep", str(config), "--out", str(out), "--resume", "--workers", "1")
    assert result.code == 0 and out.read_bytes() == before
    assert "24 kept from before" in result.out
    other = write_yaml(tmp_path / "b.yaml", {**SMALL, "seeds": 3})
    result = cli("sweep", str(other), "--out", str(out), "--resume", "--workers", "1")
    assert result.code == 2 and "does not match the sweep config" in result.err
    assert out.read_bytes() == before


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"colour": ["red"]}, "colour", "unknown key"),
        ({"seeds": 0}, "seeds", "greater than or equal to 1"),
        ({"seeds": None}, "seeds", "required field is missing"),
        ({"size": [0, 33]}, "size", "1 to 1000 seats"),
        ({"byzantine": [40]}, "byzantine", "40 faulty seats exceed a council of 33"),
        ({"fault": ["sabotage"]}, "fault", "unknown fault 'sabotage'"),
        ({"fault": ["stubborn"]}, "fault", "needs an argument"),
        ({"fault": ["stubborn:nope"]}, "fault", "unknown option 'nope'"),
        ({"protocol": ["paxos"]}, "protocol.0", "'bft' or 'tally'"),
        ({"quorum": [1.5]}, "quorum", "must be in (0, 1]"),
        ({"method": ["dictator"]}, "method", "unknown method 'dictator'"),
        ({"rounds": [99]}, "rounds", "0 to 50"),
        ({"update": ["gossip"]}, "update.0", "'fj', 'wmsr' or 'majority'"),
        ({"byzantine": [0, 0]}, "byzantine", "listed twice"),
        ({"scenarios": ["no-such-incident"]}, "scenarios", "unknown scenario id"),
        ({"scenarios": []}, "scenarios", "list at least one value"),
        ({"quorum": ["groups:9/0.5"]}, "quorum", "write groups:G/P"),
        (
            {"weights": ["government=2"], "quorum": ["groups:3/0.5"]},
            "quorum",
            "applies to threshold rules",
        ),  # fmt: skip
        ({"weights": ["army=1"]}, "weights", "is not GROUP=WEIGHT"),
        ({"faulty_groups": ["army"]}, "faulty_groups", "'army' is not a group"),
        ({"drop": [0.1, 1.5]}, "drop", "chances must be in [0, 1]"),
        ({"delay": [0.1, 0.1]}, "delay", "listed twice"),
        ({"partition": ["government|government"]}, "partition", "on both sides"),
    ],
)
def test_a_bad_config_is_one_line_exit_2_and_no_table(  # type: ignore[no-untyped-def]
    tmp_path: Path, cli, change: dict, field: str, message: str
) -> None:
    data = {**SMALL, **change}
    data = {k: v for k, v in data.items() if v is not None}
    path = write_yaml(tmp_path / "bad.yaml", data)
    out = tmp_path / "t.csv"
    result = cli("sweep", str(path), "--out", str(out))
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{path}: {field}: "), lines[0]
    assert message in lines[0]
    assert "Traceback" not in result.err
    assert not list(tmp_path.glob("t.*"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("scenarios: [a\n", "YAML error"),
        ("- just\n- a list\n", "the root must be a mapping"),
        ("", "file is empty"),
        ("a: &x 1\nb: *x\n", "aliases"),
    ],
)
def test_an_unreadable_config_is_one_line(tmp_path: Path, cli, text: str, message: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli("sweep", str(path), "--out", str(tmp_path / "t.csv"))
    assert result.code == 2
    assert result.err.startswith(f"{path}: ") and message in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert not (tmp_path / "t.csv").exists()


def test_usage_errors(tmp_path: Path, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("council.experiments.pool.CONNECT_TIMEOUT", "0.5s")
    config = write_yaml(tmp_path / "a.yaml", SMALL)
    for args, message in [
        ((str(config), "--out", str(tmp_path / "t.txt")), "must end in .csv or .parquet"),
        ((str(config), "--out", str(tmp_path / "no" / "t.csv")), "its folder does not exist"),
        (("--out", str(tmp_path / "t.csv")), "give a CONFIG.yaml or --preset NAME"),
        ((str(config), "--preset", "n3-bound", "--out", "t.csv"), "one of them"),
        (("--preset", "n4-bound", "--out", str(tmp_path / "t.csv")), "no such preset"),
        ((str(config), "--out", str(tmp_path / "t.csv"), "--workers", "0"), "1 to 1,024"),
        ((str(tmp_path / "missing.yaml"), "--out", str(tmp_path / "t.csv")), "no such file"),
        ((str(config), "--out", str(tmp_path / "t.csv"), "--scheduler", "tcp://127.0.0.1:1"),
         "cannot connect"),
    ]:  # fmt: skip
        result = cli("sweep", *args)
        assert result.code == 2, (args, result.err)
        assert message in result.err and len(result.err.strip().splitlines()) == 1, result.err
    assert not list(tmp_path.glob("t.*"))


def test_every_preset_is_a_valid_sweep_of_the_library() -> None:
    assert names() == [
        "group-quorum",
        "k7-colluders",
        "locks",
        "lossy-network",
        "n3-bound",
        "persuasion",
        "thresholds",
    ]
    for name in names():
        preset = load_preset(name)
        assert plan(preset.config, name)
        assert len(preset.explanation) > 400  # a paragraph, not a caption


def test_n3_bound_preset_bft_is_safe_up_to_f_10_and_tally_fails_far_earlier(
    tmp_path: Path,
) -> None:
    preset = load_preset("n3-bound")
    config = preset.config.model_copy(update={"seeds": 8})
    result = run_sweep(config, tmp_path / "n3.csv", workers=2, preset="n3-bound")
    rate: dict[tuple[str, str, int], float] = {}
    for cell in json.loads(result.sidecar.read_text())["cells"]:
        f = cell["factors"]
        rate[(f["protocol"], f["quorum"], f["byzantine"])] = cell["safety_violation_rate"]
    bft = [rate[("bft", "bft", k)] for k in range(17)]
    assert bft[:11] == [0.0] * 11
    assert all(r > 0 for r in bft[13:]) and sum(bft[11:]) > 1
    tally = [rate[("tally", "majority", k)] for k in range(17)]
    first = next(k for k, r in enumerate(tally) if r > 0)
    assert first <= 3
    assert all(r > 0 for r in tally[first:])


NETWORK = {
    "scenarios": [SCENARIO],
    "size": [9],
    "byzantine": [0, 2],
    "fault": ["random"],
    "quorum": ["bft", "groups:3/0.75"],
    "drop": [0, 0.3],
    "partition": ["none", "government,industry|academia,civil_society@1-2"],
    "seeds": 3,
}


def test_optional_columns_come_last_only_when_listed_and_match_single_runs(
    tmp_path: Path,
) -> None:
    from council.contracts.config import RunConfig
    from council.experiments.report import sweep_cells
    from council.session import RunSession
    from council.session.batch import run

    config = SweepConfig.model_validate(NETWORK)
    result = run_sweep(config, tmp_path / "t.csv", workers=1)
    with (tmp_path / "t.csv").open(encoding="utf-8") as handle:
        assert handle.readline().rstrip("\n").split(",") == [*COLUMNS, "drop", "partition"]
    rows = read_rows(tmp_path / "t.csv")
    assert len(rows) == config.runs == 2 * 2 * 2 * 2 * 3
    # The optional factors run after update, the last fastest, seeds innermost.
    assert [(r["quorum"], r["drop"], r["partition"][:4]) for r in rows[:12:3]] == [
        ("bft", "0.0", "none"), ("bft", "0.0", "gove"), ("bft", "0.3", "none"),
        ("bft", "0.3", "gove"),
    ]  # fmt: skip
    for row in rows[::5]:
        cut = None if row["partition"] == "none" else row["partition"]
        fields = {c: row[c] for c in FACTORS}
        single = RunConfig(**fields, drop=float(row["drop"]), partition=cut,  # type: ignore[arg-type]
                           seed=int(row["seed"]))  # fmt: skip
        record = run(RunSession(single))
        assert row["status"] == record.outcome.status
        assert row["option"] == (record.outcome.option or "")
        assert int(row["messages"]) == record.metrics.messages
        assert int(row["rounds_used"]) == record.metrics.rounds_used
        assert row["agrees_with_baseline"] == str(record.metrics.agrees_with_baseline).lower()
    # Decision rate and rounds to decide, per cell, in the sidecar and in the report.
    sidecar = json.loads(result.sidecar.read_text())["cells"]
    cells = sweep_cells(tmp_path / "t.csv")
    assert len(sidecar) == len(cells) == config.cells
    for i, cell in enumerate(sidecar):
        mine = rows[i * 3 : (i + 1) * 3]
        assert cell["factors"]["drop"] == float(mine[0]["drop"])
        assert cell["factors"]["partition"] == mine[0]["partition"]
        decided = [int(r["rounds_used"]) for r in mine if r["status"] == "decided"]
        assert cell["decision_rate"] == pytest.approx(len(decided) / 3)
        assert cell["decision_rate"] == pytest.approx(cells["decision_rate"][i])
        if decided:
            # Rounded to six decimals, like honest drift: 10/3 is 3.333333, not 3.3333333333333335.
            assert cell["rounds_to_decide"] == round(sum(decided) / len(decided), 6)
            assert cells["rounds_to_decide"][i] == pytest.approx(cell["rounds_to_decide"])
        else:
            assert cell["rounds_to_decide"] is None and cells["rounds_to_decide"].isna()[i]
    assert any(c["decision_rate"] < 1 for c in sidecar) and any(
        c["rounds_to_decide"] for c in sidecar
    )


def test_a_table_with_optional_columns_resumes_to_the_same_bytes(tmp_path: Path) -> None:
    config = SweepConfig.model_validate({**NETWORK, "partition": None, "delay": [0.2],
                                         "faulty_groups": ["all", "industry"]})  # fmt: skip
    expected = run_sweep(config, tmp_path / "expected.csv", workers=1)
    out = tmp_path / "t.csv"
    with pytest.raises(Crash):
        run_sweep(config, out, workers=1, block_size=2, progress=crash_after(5))
    result = run_sweep(config, out, workers=1, resume=True)
    assert result.resumed > 0
    assert out.read_bytes() == expected.out.read_bytes()
    header = expected.out.read_text().splitlines()[0].split(",")
    assert header[len(COLUMNS) :] == ["faulty_groups", "drop", "delay"]
    # A table of the same sweep without its optional columns is another sweep's.
    plain = SweepConfig.model_validate({k: v for k, v in NETWORK.items()
                                        if k not in ("drop", "partition")})  # fmt: skip
    paths(out)[2].unlink()  # as if it had not finished: its rows are checked
    with pytest.raises(LoadError, match="header differs"):
        run_sweep(plain, out, workers=1, resume=True)


def test_progress_reports_runs_per_second_and_time_left(tmp_path: Path) -> None:
    heard: list[ProgressEvent] = []
    config = SweepConfig.model_validate({**SMALL, "seeds": 4})
    run_sweep(config, tmp_path / "t.csv", workers=1, block_size=2, progress=heard.append)
    events = [e for e in heard if isinstance(e, SweepAdvanced)]
    assert events[0].done == 0 and events[0].runs_per_s is None and events[0].eta_s is None
    assert [e.done for e in events] == list(range(0, config.runs + 1, 2))
    for event in events[1:]:
        assert event.runs_per_s is not None and event.runs_per_s > 0 and event.eta_s is not None
        assert event.eta_s == pytest.approx((event.total - event.done) / event.runs_per_s, abs=0.1)
    assert events[-1].eta_s == 0


def test_a_blocks_drift_in_millionths_is_pythons_rounding_of_each_run() -> None:
    """``micro_sum`` (numpy's rint, Python's round near a half) is the sum of
    round(round(d, 6) * 1e6), on drifts at, near and away from a half-millionth."""
    import numpy as np

    from council.experiments.blocks import micro_sum

    rng = np.random.default_rng(5)
    halves = (np.arange(2_000) + 0.5) / 1_000_000  # the doubles nearest k + 1/2 millionths
    near = np.concatenate([np.nextafter(halves, 0), halves, np.nextafter(halves, 1)])
    for drift in (rng.random(5_000), near, rng.random(300) * 1e-5, np.zeros(3)):
        assert micro_sum(drift) == sum(round(round(d, 6) * 1_000_000) for d in drift.tolist())
        # and a kernel block writes each unrounded (format_rows' %.6f): round(d, 6)'s digits
        unrounded = ["%.6f" % d for d in drift.tolist()]  # noqa: UP031  # format_rows' format
        assert unrounded == [f"{round(d, 6):.6f}" for d in drift.tolist()]
