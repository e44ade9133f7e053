"""Fuzzing library files: valid and damaged persona and scenario YAML through the CLI.

Whatever the file holds, ``council validate`` exits 0 or 2, and on 2 every line names the file;
``council run FILE`` on a scenario file exits 0 or 2 and stores nothing when it fails.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import GOOD_PERSONA, GOOD_SCENARIO
from fuzz_contract import FUZZ, call, check, scaled
from fuzz_strategies import dump, mutated_docs, mutated_texts, schema_docs
from hypothesis import given
from hypothesis import strategies as st

KINDS = {"persona": GOOD_PERSONA, "scenario": GOOD_SCENARIO}
SCENARIO = "au-robodebt-income-averaging"


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


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project's library, to damage one file at a time."""
    from council.library.catalog import library_root

    root = tmp_path_factory.mktemp("library")
    for folder in ("personas", "scenarios"):
        shutil.copytree(library_root() / folder, root / folder)
    return root


@scaled(8)
@given(kind=st.sampled_from(sorted(KINDS)), data=st.data())
def test_a_damaged_library_file_is_named_by_every_command(
    library: Path, kind: str, data: st.DataObject
) -> None:
    """COUNCIL_LIBRARY with one damaged file: list and run exit 2 naming it (or 0 if it loads)."""
    from council.library.catalog import _load_library

    raw = data.draw(mutated_texts(mutated_docs(_doc(kind))))
    path = library / f"{kind}s" / "zz-fuzzed.yaml"
    path.write_bytes(raw)
    old = os.environ.get("COUNCIL_LIBRARY")
    os.environ["COUNCIL_LIBRARY"] = str(library)
    _load_library.cache_clear()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "s.db"
            for argv in (["list", f"{kind}s", "--json"], ["run", SCENARIO, "--size", "3"]):
                words = [*argv, "--db", str(db)] if argv[0] == "run" else argv
                outcome = check(call(words, db), files=[str(path)], test="library: folder")
                if outcome.code == 2:
                    assert all(line.startswith(str(path)) for line in outcome.lines), outcome
    finally:
        path.unlink()
        _load_library.cache_clear()
        if old is None:
            os.environ.pop("COUNCIL_LIBRARY", None)
        else:
            os.environ["COUNCIL_LIBRARY"] = old
