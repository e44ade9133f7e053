"""The shipped library: every file valid, breadth per group and jurisdiction, list contract."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from council.contracts.principles import GROUPS, PRINCIPLES
from council.library.catalog import library_root, load_library
from council.library.schema import SCHEMA_DIR, schema_text

ASEAN = {"BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"}
ROOT = library_root()


def test_every_library_file_validates(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("validate", str(ROOT / "personas"), str(ROOT / "scenarios"))
    assert result.code == 0, result.err


def test_persona_breadth() -> None:
    lib = load_library()
    assert len(lib.personas) >= 33
    per_group = Counter(p.group for p in lib.personas.values())
    assert set(per_group) == set(GROUPS)
    assert min(per_group.values()) >= 6, per_group
    vectors = {tuple(p.values.get(k, 0.0) for k in PRINCIPLES) for p in lib.personas.values()}
    assert len(vectors) == len(lib.personas), "two personas share a value profile"
    assert all(p.voice for p in lib.personas.values()), "every persona needs a voice"
    assert sum("km" in p.languages for p in lib.personas.values()) >= 25


def test_scenario_breadth() -> None:
    lib = load_library()
    scenarios = list(lib.scenarios.values())
    assert len(scenarios) >= 16
    per_place = Counter(s.jurisdiction for s in scenarios)
    assert per_place["KH"] >= 6, per_place
    assert sum(n for c, n in per_place.items() if c in ASEAN and c != "KH") >= 4, per_place
    outside = [s for s in scenarios if s.jurisdiction not in ASEAN]
    assert len(outside) >= 3 and all(s.sources for s in outside), "real incidents need sources"
    for s in scenarios:
        assert 3 <= len(s.options) <= 5, s.id
        if s.jurisdiction == "KH":
            km = s.translations.get("km")
            assert km and km.title and km.summary, f"{s.id} lacks a Khmer title and summary"
            assert any("\u1780" <= ch <= "\u17ff" for ch in km.title), f"{s.id}: not Khmer"


def test_file_names_match_ids() -> None:
    lib = load_library()
    for folder, items in (("personas", lib.personas), ("scenarios", lib.scenarios)):
        stems = {p.stem for p in (ROOT / folder).glob("*.yaml")}
        assert stems == set(items), folder


def test_library_files_point_editors_at_schemas() -> None:
    for folder, kind in (("personas", "persona"), ("scenarios", "scenario")):
        for path in (ROOT / folder).glob("*.yaml"):
            first = path.read_text(encoding="utf-8").splitlines()[0]
            assert first == f"# yaml-language-server: $schema=../council/schemas/{kind}.schema.json"


@pytest.mark.parametrize("kind", ["persona", "scenario"])
def test_committed_schemas_are_current(kind: str, cli) -> None:  # type: ignore[no-untyped-def]
    committed = (SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(kind), "run `council schema --write council/schemas`"
    result = cli("schema", kind)
    assert result.code == 0
    schema = json.loads(result.out)
    assert schema["additionalProperties"] is False
    required = {"id", "options"} if kind == "scenario" else {"id", "values"}
    assert set(schema["required"]) >= required


def test_list_json_matches_contract(cli) -> None:  # type: ignore[no-untyped-def]
    lib = load_library()
    personas = json.loads(cli("list", "personas", "--json").out)
    assert isinstance(personas, list) and len(personas) == len(lib.personas)
    assert all({"id", "group"} <= set(p) and p["group"] in GROUPS for p in personas)
    scenarios = json.loads(cli("list", "scenarios", "--json").out)
    assert {s["id"] for s in scenarios} == set(lib.scenarios)
    assert all({"id", "title", "jurisdiction"} <= set(s) for s in scenarios)
    faults = json.loads(cli("list", "faults", "--json").out)
    assert [f["name"] for f in faults] == [
        "crash",
        "random",
        "stubborn",
        "equivocate",
        "collude",
        "persuader",
        "silent-after",
    ]
    rules = json.loads(cli("list", "rules", "--json").out)
    names = {(r["kind"], r["name"]) for r in rules}
    assert {
        ("quorum", "bft"),
        ("quorum", "majority"),
        ("quorum", "supermajority"),
        ("quorum", "unanimity"),
        ("method", "plurality"),
        ("method", "irv"),
    } <= names


def test_list_text_output(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("list", "scenarios")
    assert result.code == 0
    assert "kh-" in result.out


def test_library_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COUNCIL_LIBRARY", str(tmp_path))
    result = cli("list", "personas", "--json")
    assert result.code == 2
    assert "library folder is missing" in result.err
