"""`council run` with quorum systems, weights, quorum files and network faults, end to end."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write_yaml

from council.contracts.principles import GROUPS
from council.rules.quorum import parse_quorum
from council.rules.quorum_system import build_system
from council.rules.tolerance import exact_tolerance, smallest

SCENARIO = "kh-credit-scoring-isolated-data"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "store.db"
    monkeypatch.setenv("COUNCIL_DB", str(path))
    return path


def stored_runs(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM runs").fetchone()[0])


def test_group_quorum_through_the_console_script(tmp_path: Path) -> None:
    env = {"COUNCIL_DB": str(tmp_path / "s.db"), "PATH": "/usr/bin:/bin"}
    argv = [sys.executable, "-m", "council", "run", SCENARIO, "--quorum", "groups:3/0.5",
            "--size", "10", "--byzantine", "2", "--fault", "random", "--json"]  # fmt: skip
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert record["config"]["quorum"] == "groups:3/0.5"
    # 10 seats: 3, 3, 2, 2 by group; half of each is 2, 2, 1, 1: three groups need 4 seats.
    assert record["council"]["quorum"] == 4
    groups = [GROUPS[i % 4] for i in range(10)]
    expected = exact_tolerance(build_system(parse_quorum("groups:3/0.5"), groups))
    assert record["council"]["tolerates"] == expected.model_dump()
    assert record["outcome"]["status"] in ("decided", "no_quorum")
    bad = subprocess.run(
        [*argv[:6], "groups:9/0.5"], capture_output=True, text=True, env=env, timeout=120,
        check=False,
    )  # fmt: skip
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == [
        "council: quorum groups:9/0.5: write groups:G/P with G in 1..4 and P in (0, 1]"
    ]


def test_quorum_file_and_weights_are_recorded_and_shown(cli, db: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_yaml(
        tmp_path / "q.yaml",
        {"kind": "quorums", "quorums": {"regulators-and-public": {"government": 3,
                                                                  "civil_society": 3},
                                        "everyone": {g: 2 for g in GROUPS}}},
    )  # fmt: skip
    result = cli("run", SCENARIO, "--quorum", str(path), "--size", "16", "--json")
    assert result.code == 0, result.err
    record = json.loads(result.out)
    assert record["council"]["quorum"] == 6  # three government and three civil society seats
    groups = [GROUPS[i % 4] for i in range(16)]
    system = build_system(parse_quorum(str(path)), groups)
    assert smallest(system) == 6
    assert record["council"]["tolerates"] == exact_tolerance(system).model_dump()
    shown = cli("show", record["run_id"], "--json")
    assert json.loads(shown.out)["council"] == record["council"]

    weighted = cli("run", SCENARIO, "--weights", "government=2", "--quorum", "majority", "--json")
    assert weighted.code == 0, weighted.err
    data = json.loads(weighted.out)
    assert data["config"]["weights"] == {"government": 2.0}
    # 33 seats, 9 of them government weighing 2: weight 42; a majority rule asks 17/33 of it,
    # 21.6, so 22: nine government seats and four more.
    assert data["council"]["quorum"] == 13


def test_network_faults_are_recorded_and_count_only_delivered_messages(cli, db: Path) -> None:  # type: ignore[no-untyped-def]
    argv = ["run", SCENARIO, "--size", "9", "--byzantine", "2", "--seed", "4", "--json"]
    plain = json.loads(cli(*argv).out)
    lossy = cli(*argv, "--drop", "0.3", "--delay", "0.1", "--partition", "government@2")
    assert lossy.code == 0, lossy.err
    record = json.loads(lossy.out)
    assert record["config"]["drop"] == 0.3 and record["config"]["delay"] == 0.1
    assert record["config"]["partition"] == "government@2"
    assert record["metrics"]["messages"] < plain["metrics"]["messages"]
    assert json.loads(cli(*argv, "--drop", "0.3", "--delay", "0.1", "--partition",
                          "government@2").out)["ballots"] == record["ballots"]  # fmt: skip


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--quorum", "groups:3/1.5"], "must be in (0, 1]"),
        (["--quorum", "groups:x/0.5"], "write groups:G/P"),
        (["--quorum", "groups"], "needs an argument"),
        (["--quorum", "missing.yaml"], "missing.yaml: no such file"),
        (["--weights", "army=2"], "--weights: 'army=2' is not GROUP=WEIGHT"),
        (["--weights", "government=-1"], "is negative"),
        (["--quorum", "groups:3/0.5", "--weights", "government=2"], "applies to threshold rules"),
        (["--drop", "1.5"], "--drop"),
        (["--delay", "-0.1"], "--delay"),
        (["--partition", "government|government"], "on both sides"),
        (["--partition", "government|industry"], "on neither side"),
        (["--partition", "army@1"], "neither a group"),
        (["--partition", "government@2-1"], "run backwards"),
        (["--faulty-groups", "army"], "--faulty-groups"),
        (["--byzantine", "10", "--faulty-groups", "academia"], "only 8 seats are in academia"),
    ],
)
def test_bad_specs_are_one_line_exit_2_and_store_nothing(cli, db: Path, argv, words) -> None:  # type: ignore[no-untyped-def]
    result = cli("run", SCENARIO, *argv)
    assert result.code == 2, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], lines
    assert stored_runs(db) == 0


@pytest.mark.parametrize(
    ("doc", "line"),
    [
        (
            {"kind": "quorums", "quorums": {"a": {"army": 1}}},
            "quorums.a.army: unknown group 'army'",
        ),  # fmt: skip
        (
            {"kind": "quorums", "quorums": {"a": {"government": 0}}},
            "quorums: quorum 'a' needs at least one supporter",
        ),  # fmt: skip
        ({"kind": "groups", "groups": 3, "share": 2}, "share: a share must be in (0, 1]"),
        ({"kind": "groups", "groups": 3, "share": 0.5, "extra": 1}, "extra: unknown key"),
        ({"groups": 3, "share": 0.5}, "kind: required field is missing"),
        ({"kind": "quorums", "quorums": {"a": {"government": 50}}}, "cannot meet any"),
    ],
)
def test_bad_quorum_files_are_one_line_naming_the_file(
    cli, db: Path, tmp_path: Path, doc, line
) -> None:  # type: ignore[no-untyped-def]
    path = write_yaml(tmp_path / "q.yaml", doc)
    result = cli("run", SCENARIO, "--quorum", str(path))
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and line in lines[0] and str(path) in lines[0], lines
    assert stored_runs(db) == 0


def test_list_rules_and_the_quorum_schema(cli) -> None:  # type: ignore[no-untyped-def]
    rows = json.loads(cli("list", "rules", "--json").out)
    groups = next(r for r in rows if r["name"] == "groups")
    assert groups["kind"] == "quorum" and groups["arg"] == "G/P"
    assert any(r["name"] == "FILE.yaml" for r in rows)
    schema = json.loads(cli("schema", "quorum").out)
    kinds = {d["properties"]["kind"]["const"] for d in schema["$defs"].values()}
    assert kinds == {"quorums", "groups"}
    assert all(d["additionalProperties"] is False for d in schema["$defs"].values())
