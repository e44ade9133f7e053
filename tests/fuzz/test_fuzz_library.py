"""Fuzzing library files: valid and damaged persona and scenario YAML through the CLI.

Whatever the file holds, ``council validate`` exits 0 or 2, and on 2 every line names the file;
``council run FILE`` on a scenario file exits 0 or 2 and stores nothing when it fails.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from conftest import GOOD_PERSONA, GOOD_SCENARIO
from fuzz_contract import FUZZ, call, check, scaled
from fuzz_strategies import dump, mutated_docs, mutated_texts, schema_docs
from hypothesis import given
from hypothesis import strategies as st

KINDS = {"persona": GOOD_PERSONA, "scenario": GOOD_SCENARIO}


def _doc(kind: str) -> st.SearchStrategy[dict[str, object]]:
    return st.one_of(st.just(KINDS[kind]), st.just(KINDS[kind]), schema_docs(kind))


@scaled(12)
@given(kind=st.sampled_from(sorted(KINDS)), data=st.data())
def test_schema_valid_documents_validate(kind: str, data: st.DataObject) -> None:
    """A document the published schema admits is accepted (or refused in one line a file)."""
    doc = data.draw(schema_docs(kind))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{kind}s" / "x.yaml"
        path.parent.mkdir()
        path.write_text(dump(doc), encoding="utf-8")
        check(call(["validate", str(path)]), files=[str(path)], test="library: schema-valid")


@FUZZ
@given(
    kind=st.sampled_from(sorted(KINDS)),
    folder=st.sampled_from(["personas", "scenarios", "elsewhere"]),
    data=st.data(),
)
def test_damaged_documents_are_refused_in_one_line_each(
    kind: str, folder: str, data: st.DataObject
) -> None:
    """Structural damage (dropped keys, wrong types, nesting) gives FILE: field: problem."""
    doc = data.draw(mutated_docs(_doc(kind)))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / folder / "x.yaml"
        path.parent.mkdir()
        path.write_text(dump(doc), encoding="utf-8")
        check(call(["validate", str(path)]), files=[str(path)], test="library: damaged doc")


@FUZZ
@given(kind=st.sampled_from(sorted(KINDS)), data=st.data())
def test_damaged_yaml_text_is_refused_in_one_line_each(kind: str, data: st.DataObject) -> None:
    """Tags, aliases, bombs, huge numbers, binary and non-UTF-8 bytes: refused, never run."""
    raw = data.draw(mutated_texts(mutated_docs(_doc(kind))))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{kind}s" / "x.yaml"
        path.parent.mkdir()
        path.write_bytes(raw)
        marker = Path(tmp) / "pwned"
        outcome = check(call(["validate", str(path)]), files=[str(path)], test="library: bad text")
        assert not marker.exists()
        assert "pwned" not in outcome.out


@scaled(12)
@given(raw=mutated_texts(mutated_docs(_doc("scenario"))))
def test_running_a_damaged_scenario_file_stores_nothing(raw: bytes) -> None:
    """``council run FILE``: a scenario that loads runs (exit 0); one that does not, exit 2,
    its lines naming the file, and the store is as it was."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.yaml"
        path.write_bytes(raw)
        db = Path(tmp) / "s.db"
        outcome = call(["run", str(path), "--size", "4", "--rounds", "1", "--db", str(db)], db)
        check(outcome, files=[str(path)], test="library: run file")
        if outcome.code == 0:
            assert outcome.rows_after.get("runs") == 1
