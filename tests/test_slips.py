"""Issue 15's small slips, one table each: bad input is exit 2 and one line naming the flag or
file, never exit 1, a traceback, a resume hint for a run that never started, or a silent default.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GOOD_PERSONA, GOOD_SCENARIO, write_yaml
from fake_openai import FakeOpenAI

from council.cli.main import main

SCENARIO = "au-robodebt-income-averaging"
HUGE = "9" * 5000  # over Python's 4,300-digit int/str limit
LONG_HEX = "0x" + "f" * 5000  # parses, but no message could print it


def _call(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, list[str]]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, [line for line in captured.err.splitlines() if line.strip()]


def _runs(db: Path) -> int:
    import sqlite3

    if not db.exists():
        return 0
    with sqlite3.connect(db) as con:
        return int(con.execute("SELECT count(*) FROM runs").fetchone()[0])


@pytest.mark.parametrize(
    ("flag", "value", "says"),
    [
        ("--seed", HUGE, "--seed"),
        ("--size", HUGE, "--size"),
        ("--rounds", HUGE, "--rounds"),
        ("--timeout", HUGE + ".0", "--timeout"),
        ("--seed", str(2**63), "--seed"),
        ("--seed", "-1", "--seed"),
        ("--seed", "abc", "--seed"),
        ("--seed", "1e3", "--seed"),
        ("--timeout", "nan", "--timeout"),
        ("--timeout", "inf", "--timeout"),
        ("--timeout", "0", "--timeout"),
        ("--timeout", "-5", "--timeout"),
        ("--retry-backoff", "inf", "--retry-backoff"),
        ("--max-cost", "nan", "--max-cost"),
        ("--personas", ",,,", "--personas"),
        ("--personas", "", "--personas"),
    ],
)
def test_bad_run_flags_are_one_line_exit_2_and_store_nothing(
    flag: str, value: str, says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "s.db"
    code, out, err = _call(["run", SCENARIO, flag, value, "--db", str(db)], capsys)
    assert code == 2, err
    assert len(err) == 1 and says in err[0], err
    assert len(err[0]) < 300, err  # a 5,000-digit value is elided, not echoed
    assert "resume" not in err[0]
    assert _runs(db) == 0 and out == ""


@pytest.mark.parametrize(
    ("flag", "value"),
    [("--timeout", "inf"), ("--timeout", "nan"), ("--seed", str(2**64)), ("--seed", HUGE)],
)
def test_bad_llm_flags_stop_before_the_run_starts(
    flag: str, value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """These once reached a started LLM run (OverflowError in the client, a 64-bit column in the
    checkpointer) and exited 1 telling the user to resume a run that never began."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    db = tmp_path / "s.db"
    with FakeOpenAI() as server:
        argv = ["run", SCENARIO, "--backend", "openai", "--base-url", server.url, "--size", "3"]
        code, _, err = _call([*argv, "--rounds", "0", flag, value, "--db", str(db)], capsys)
        assert server.requests == []  # nothing was asked of the endpoint
    assert code == 2 and len(err) == 1 and flag in err[0], err
    assert "resume" not in err[0]
    assert _runs(db) == 0


def test_the_largest_seed_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "s.db"
    code, out, err = _call(
        ["run", SCENARIO, "--size", "4", "--seed", str(2**63 - 1), "--db", str(db), "--json"],
        capsys,
    )
    assert code == 0, err
    assert json.loads(out)["config"]["seed"] == 2**63 - 1 and _runs(db) == 1


def test_personas_flag_seats_exactly_the_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "s.db"
    argv = ["run", SCENARIO, "--personas", ",data-law-scholar, digital-rights-ngo,", "--json"]
    code, out, err = _call([*argv, "--db", str(db)], capsys)
    assert code == 0, err
    seats = json.loads(out)["council"]["seats"]
    assert [s["persona"] for s in seats] == ["data-law-scholar", "digital-rights-ngo"]


def _library_file(tmp_path: Path, kind: str, field: str, literal: str) -> Path:
    doc = dict(GOOD_PERSONA if kind == "persona" else GOOD_SCENARIO)
    path = write_yaml(tmp_path / f"{kind}s" / "x.yaml", doc)
    text = path.read_text(encoding="utf-8")
    path.write_text(f"{field}: {literal}\n" + text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("kind", "literal", "says"),
    [
        ("persona", HUGE, "4,000 digits"),
        ("persona", LONG_HEX, "4,000 digits"),
        ("persona", "-" + HUGE, "4,000 digits"),
        ("scenario", f"[a, {HUGE}]", "4,000 digits"),
        ("scenario", "2020-02-30", "day is out of range"),  # a date that cannot be
        ("scenario", "!!float abc", "could not convert"),
        ("scenario", "!!timestamp nonsense", "does not fit its tag"),
    ],
)
def test_unbuildable_yaml_scalars_are_one_line_with_the_line_number(
    kind: str, literal: str, says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _library_file(tmp_path, kind, "extra", literal)
    code, _, err = _call(["validate", str(path)], capsys)
    assert code == 2
    assert err == [err[0]] and err[0].startswith(f"{path}: line 1, column "), err
    assert says in err[0] and len(err[0]) < 300, err


def test_a_key_given_twice_is_refused_where_it_is_given_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """YAML keeps the last of two equal keys silently: a second openness would win unseen."""
    path = _library_file(tmp_path, "persona", "openness", "0.9")
    line = path.read_text(encoding="utf-8").splitlines().index("openness: 0.4") + 1
    code, _, err = _call(["validate", str(path)], capsys)
    assert code == 2
    assert err == [f"{path}: line {line}, column 1: YAML error: key 'openness' is given twice"]


def test_huge_integers_in_a_sweep_config_and_a_models_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(f"scenarios: [{SCENARIO}]\nsize: [{HUGE}]\nseeds: 2\n")
    code, _, err = _call(["sweep", str(sweep), "--out", str(tmp_path / "t.csv")], capsys)
    assert code == 2 and err == [f"{sweep}: line 2, column 8: {err[0].split(': ', 2)[2]}"], err
    assert "4,000 digits" in err[0] and not (tmp_path / "t.csv").exists()
    models = tmp_path / "models.yaml"
    models.write_text(f"default: {{model: m, max_tokens: {LONG_HEX}}}\n")
    argv = ["run", SCENARIO, "--backend", "openai", "--models", str(models)]
    code, _, err = _call([*argv, "--db", str(tmp_path / "s.db")], capsys)
    assert code == 2 and len(err) == 1 and err[0].startswith(str(models)), err


@pytest.mark.parametrize("sweep_flag", ["--seeds"])
def test_sweep_seeds_past_the_limit(
    sweep_flag: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "sweep.yaml"
    config.write_text(f"scenarios: [{SCENARIO}]\nseeds: 2\n")
    for value in ("1000000000", str(2**63), HUGE):
        code, _, err = _call(
            ["sweep", str(config), sweep_flag, value, "--out", str(tmp_path / "t.csv")], capsys
        )
        assert code == 2 and len(err) == 1 and "--seeds" in err[0], err
        assert len(err[0]) < 300


def test_validate_refuses_an_empty_folder_and_a_missing_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("not YAML")
    code, _, err = _call(["validate", str(empty)], capsys)
    assert code == 2 and err == [f"{empty}: no YAML files in this folder"]
    code, _, err = _call(["validate", str(tmp_path / "gone")], capsys)
    assert code == 2 and err == [f"{tmp_path / 'gone'}: no such file or folder"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder")
def test_validate_refuses_an_unreadable_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = tmp_path / "locked"
    write_yaml(locked / "personas" / "x.yaml", GOOD_PERSONA)
    (locked / "personas").chmod(0)
    try:
        code, _, err = _call(["validate", str(locked)], capsys)
    finally:
        (locked / "personas").chmod(0o755)
    assert code == 2 and len(err) == 1 and "cannot read folder" in err[0], err


@pytest.fixture
def stored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, str]:
    db = tmp_path / "s.db"
    code, out, err = _call(["run", SCENARIO, "--size", "4", "--db", str(db), "--json"], capsys)
    assert code == 0, err
    return db, json.loads(out)["run_id"]


@pytest.mark.parametrize(
    ("out", "says"),
    [
        ("/nonexistent/dir/x.md", "its folder does not exist"),
        ("{tmp}", "is a folder"),
        ("{tmp}/missing/x.md", "its folder does not exist"),
        ("{tmp}/file.md/x.md", "not in a folder"),
        ("/proc/x.md", "cannot be written"),
        ("a\x00b.md", "not a file name"),
    ],
)
def test_export_to_a_bad_path_is_exit_2(
    out: str,
    says: str,
    stored: tuple[Path, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if out.startswith("/proc") and not Path("/proc").is_dir():
        pytest.skip("no /proc here")
    (tmp_path / "file.md").write_text("a file, not a folder")
    db, run_id = stored
    target = out.format(tmp=tmp_path)
    code, stdout, err = _call(["export", run_id, "--out", target, "--db", str(db)], capsys)
    assert code == 2 and len(err) == 1, err
    assert err[0].startswith("council export: --out: ") and says in err[0], err
    assert stdout == ""


def test_export_to_a_good_path_writes_the_handout(
    stored: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, run_id = stored
    target = tmp_path / "handout.md"
    code, _, err = _call(["export", run_id, "--out", str(target), "--db", str(db)], capsys)
    assert code == 0, err
    assert run_id in target.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("out", "says"),
    [
        ("/nonexistent/dir/t.csv", "its folder does not exist"),
        ("{tmp}/afolder.csv", "is a folder"),
        ("/proc/t.csv", "cannot be written"),
    ],
)
def test_sweep_to_a_bad_path_is_exit_2_before_any_run(
    out: str, says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if out.startswith("/proc") and not Path("/proc").is_dir():
        pytest.skip("no /proc here")
    (tmp_path / "afolder.csv").mkdir()
    config = tmp_path / "sweep.yaml"
    config.write_text(f"scenarios: [{SCENARIO}]\nseeds: 2\n")
    target = out.format(tmp=tmp_path)
    code, _, err = _call(["sweep", str(config), "--out", target, "--workers", "1"], capsys)
    assert code == 2 and len(err) == 1, err
    assert err[0].startswith("council sweep: --out: ") and says in err[0], err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afolder.csv", "sweep.yaml"]


def test_history_limit_past_64_bits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "s.db")
    code, _, err = _call(["history", "--limit", str(10**20), "--db", db], capsys)
    assert code == 2 and len(err) == 1 and "--limit" in err[0], err


@pytest.mark.parametrize(
    "argv",
    [
        ["run", SCENARIO, "--seed", HUGE],
        ["run", SCENARIO, "--personas", ",,,"],
        ["validate", "{tmp}"],
        ["export", "x", "--out", "/nonexistent/dir/x.md"],
    ],
)
def test_a_real_process_prints_one_line_and_exits_2(argv: list[str], tmp_path: Path) -> None:
    """What a user's terminal shows: one line, exit 2, no traceback (a real process)."""
    words = [w.format(tmp=tmp_path) for w in argv]
    proc = subprocess.run(
        [sys.executable, "-m", "council", *words, "--db", str(tmp_path / "s.db")]
        if words[0] != "validate"
        else [sys.executable, "-m", "council", *words],
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert not (tmp_path / "s.db").exists() or _runs(tmp_path / "s.db") == 0
