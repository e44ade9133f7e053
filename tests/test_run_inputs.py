"""Self-contained records: a run keeps the scenario and personas it was made from.

`show`, `export`, `rerun` and the app's History work after the scenario file is deleted or
changed; `rerun` says so in one line and runs from the stored copy.
"""

from __future__ import annotations

import copy
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import GOOD_SCENARIO, write_yaml
from streamlit.testing.v1 import AppTest

from council.store import Store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "store.db"
    monkeypatch.setenv("COUNCIL_DB", str(path))
    return path


def _run_from_file(cli: Any, path: Path) -> dict[str, Any]:
    result = cli("run", str(path), "--size", "7", "--byzantine", "1", "--seed", "3", "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)  # type: ignore[no-any-return]


def test_a_run_shows_exports_and_reruns_after_its_scenario_file_is_deleted(
    cli: Any, db: Path, tmp_path: Path
) -> None:
    path = write_yaml(tmp_path / "away" / "incident.yaml", GOOD_SCENARIO)
    record = _run_from_file(cli, path)
    run_id = record["run_id"]
    path.unlink()
    path.parent.rmdir()

    shown = cli("show", run_id)
    assert shown.code == 0, shown.err
    assert GOOD_SCENARIO["title"] in shown.out
    as_json = cli("show", run_id, "--json")
    assert json.loads(as_json.out) == record  # the record's JSON is unchanged by its inputs
    md = cli("export", run_id, "--format", "md")
    assert md.code == 0, md.err
    assert md.out.startswith(f"# {GOOD_SCENARIO['title']}")
    assert all(f"**{o['id']}**: {o['label']}" in md.out for o in GOOD_SCENARIO["options"])
    exported = cli("export", run_id, "--format", "json")
    assert exported.code == 0 and json.loads(exported.out) == record

    again = cli("rerun", run_id, "--json")
    assert again.code == 0, again.err
    said = [line for line in again.err.splitlines() if line.startswith("council rerun:")]
    assert len(said) == 1 and "can no longer be read" in said[0] and str(path) in said[0]
    rerun = json.loads(again.out)
    assert rerun["run_id"] != run_id and rerun["config"] == record["config"]
    assert rerun["rounds"] == record["rounds"] and rerun["outcome"] == record["outcome"]
    assert cli("show", rerun["run_id"]).code == 0  # the rerun keeps the stored copy too


def test_rerun_says_the_file_changed_and_runs_from_the_copy_stored(
    cli: Any, db: Path, tmp_path: Path
) -> None:
    path = write_yaml(tmp_path / "incident.yaml", GOOD_SCENARIO)
    record = _run_from_file(cli, path)
    same = cli("rerun", record["run_id"], "--json")
    assert same.code == 0 and "council rerun:" not in same.err  # unchanged: nothing to say

    changed = copy.deepcopy(GOOD_SCENARIO)
    changed["harms"] = {k: round(1 - v, 2) for k, v in changed["harms"].items()}
    changed["title"] = "Edited since"
    write_yaml(path, changed)
    again = cli("rerun", record["run_id"], "--json")
    assert again.code == 0, again.err
    (line,) = [x for x in again.err.splitlines() if x.startswith("council rerun:")]
    assert f"the scenario {path} changed" in line
    rerun = json.loads(again.out)
    assert rerun["rounds"] == record["rounds"]  # run from the stored copy, not the edit
    assert GOOD_SCENARIO["title"] in cli("show", rerun["run_id"]).out
    fresh = _run_from_file(cli, path)  # the edited file, run anew, is another scenario
    assert fresh["rounds"] != record["rounds"]
    assert "Edited since" in cli("show", fresh["run_id"]).out


def test_the_store_keeps_each_input_with_the_hash_of_its_content(
    cli: Any, db: Path, tmp_path: Path
) -> None:
    from council.contracts.inputs import content_hash

    path = write_yaml(tmp_path / "incident.yaml", GOOD_SCENARIO)
    record = _run_from_file(cli, path)
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT kind, ref, sha256 FROM run_inputs WHERE run_id = ?", (record["run_id"],)
        ).fetchall()
    kept = Store(db).get_run(record["run_id"]).inputs
    assert kept is not None
    seated = {s["persona"] for s in record["council"]["seats"]}
    assert {r[1] for r in rows if r[0] == "persona"} == seated == set(kept.personas)
    ((_, ref, digest),) = [r for r in rows if r[0] == "scenario"]
    assert ref == str(path) and digest == content_hash(kept.scenario)
    assert kept.scenario.title == GOOD_SCENARIO["title"]


def test_history_in_the_app_reopens_a_run_whose_scenario_file_is_gone(
    cli: Any, db: Path, tmp_path: Path
) -> None:
    path = write_yaml(tmp_path / "incident.yaml", GOOD_SCENARIO)
    record = _run_from_file(cli, path)
    path.unlink()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("council/ui/pages/history.py").run()
    at.toggle(key="h_all").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="h_run.en").set_value(record["run_id"]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert "Decision" in [s.value for s in at.subheader]
    assert len(at.chat_message) == 7
    labels = [b.label for b in at.get("download_button")]
    assert "Download the handout (Markdown)" in labels
