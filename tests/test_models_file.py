"""A model per seat: the --models file, its checks, and a mixed council against fake servers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import write_yaml
from fake_openai import FakeOpenAI

from council.contracts.config import RunConfig
from council.contracts.seat_models import SeatModels
from council.engine.context import prepare
from council.library.schema import SCHEMA_DIR, schema_text

SCENARIO = "kh-credit-scoring-isolated-data"
KEY = "sk-default-key-0123456789"
OTHER = "sk-other-endpoint-key-987654321"


def run_with(cli, db: Path, models: Path, *extra: str):  # type: ignore[no-untyped-def]
    return cli(
        "run",
        SCENARIO,
        "--size",
        "8",
        "--rounds",
        "1",
        "--ballots",
        "1",
        "--backend",
        "openai",
        "--models",
        str(models),
        "--db",
        str(db),
        "--json",
        "--timeout",
        "5",
        *extra,
    )


@pytest.mark.parametrize(
    ("doc", "field", "message"),
    [
        ({"default": {"model": "m"}, "colour": "red"}, "colour", "unknown key"),
        ({"groups": {}}, "default", "required field is missing"),
        ({"default": {"model": "m"}, "groups": {"press": {"model": "x"}}}, "groups.press", ""),
        (
            {"default": {"model": "m", "base_url": "https://u:sk-123@example.org/v1"}},
            "default.base_url",
            "key_env",
        ),
        ({"default": {"model": "m", "key_env": "sk-123 secret"}}, "default.key_env", ""),
        (
            {"default": {"model": "m"}, "personas": {"nobody-here": {"model": "x"}}},
            "personas.nobody-here",
            "unknown persona",
        ),
    ],
)
def test_a_bad_models_file_is_one_line_naming_file_and_field_exit_2(
    doc: dict, field: str, message: str, tmp_path: Path, cli
) -> None:  # type: ignore[no-untyped-def, type-arg]
    path = write_yaml(tmp_path / "models.yaml", doc)
    result = run_with(cli, tmp_path / "s.db", path)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert lines and all(line.startswith(f"{path}: ") for line in lines), lines
    assert any(f": {field}: " in line and message in line for line in lines), lines
    assert "sk-123" not in result.err  # a key written where it must not be is never echoed
    assert (
        not (tmp_path / "s.db").exists()
        or json.loads(cli("history", "--db", str(tmp_path / "s.db"), "--json").out) == []
    )


def test_yaml_tags_and_aliases_are_refused_as_in_the_library(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "models.yaml"
    path.write_text("default: &d {model: m}\ngroups: {industry: *d}\n", encoding="utf-8")
    result = run_with(cli, tmp_path / "s.db", path)
    assert result.code == 2 and "aliases" in result.err
    path.write_text("default: !!python/object:os.system {model: m}\n", encoding="utf-8")
    assert run_with(cli, tmp_path / "s.db", path).code == 2


def test_the_models_schema_is_committed_and_closed(cli) -> None:  # type: ignore[no-untyped-def]
    committed = (SCHEMA_DIR / "models.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text("models"), "run `council schema --write council/schemas`"
    schema = json.loads(cli("schema", "models").out)
    assert schema["additionalProperties"] is False and schema["required"] == ["default"]


def test_a_council_of_mixed_models_on_two_endpoints(tmp_path: Path, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OTHER_ENDPOINT_KEY", OTHER)
    with FakeOpenAI(key=KEY) as main, FakeOpenAI(key=OTHER, models=("local-model",)) as other:
        path = write_yaml(
            tmp_path / "models.yaml",
            {
                "default": {"model": "gpt-4o-mini", "base_url": main.url},
                "groups": {"academia": {"model": "gpt-4.1-mini"}},
                "personas": {
                    "consumer-protection-advocate": {
                        "model": "local-model",
                        "base_url": other.url,
                        "key_env": "OTHER_ENDPOINT_KEY",
                    }
                },
            },
        )
        result = run_with(cli, tmp_path / "s.db", path)
    assert result.code == 0, result.err
    record = json.loads(result.out)
    config = RunConfig.model_validate(record["config"])
    ctx = prepare(config)
    expected = {}
    for seat in record["council"]["seats"]:
        persona = ctx.personas[seat["seat"]]
        want = (
            "local-model"
            if persona.id == "consumer-protection-advocate"
            else "gpt-4.1-mini"
            if persona.group == "academia"
            else "gpt-4o-mini"
        )
        assert seat["model"] == want
        expected[seat["seat"]] = want
    assert set(expected.values()) == {"gpt-4o-mini", "gpt-4.1-mini", "local-model"}
    for rnd in record["rounds"]:
        for st in rnd["statements"]:
            assert st["model"] == expected[st["seat"]]
    # Each endpoint got only its own seats' calls, each with its own key.
    seat_calls = [b for b in main.requests if b.get("response_format")]
    assert {b["model"] for b in seat_calls} == {"gpt-4o-mini", "gpt-4.1-mini"}
    assert {b["model"] for b in other.requests} == {"local-model"}
    assert all(h["authorization"] == f"Bearer {KEY}" for h in main.headers)
    assert all(h["authorization"] == f"Bearer {OTHER}" for h in other.headers)
    local_seats = sum(1 for m in expected.values() if m == "local-model")
    assert len(other.requests) == 2 * local_seats
    # One client per distinct endpoint and model: one preflight each.
    assert len(main.gets) == 2 and len(other.gets) == 1
    m = record["metrics"]
    assert set(m["cost_by_model"]) == {"gpt-4o-mini", "gpt-4.1-mini", "local-model"}
    assert m["cost_by_model"]["local-model"] is None and m["cost_usd"] is None  # no price for it
    assert m["cost_by_model"]["gpt-4o-mini"] > 0
    assert m["seat_failures"] == 0
    # The file is in the record's config, keys by name only.
    assert record["config"]["models"]["personas"]["consumer-protection-advocate"]["key_env"] == (
        "OTHER_ENDPOINT_KEY"
    )
    assert OTHER not in result.out and KEY not in result.out


def test_a_key_env_that_is_not_set_is_bad_input(tmp_path: Path, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    path = write_yaml(
        tmp_path / "models.yaml",
        {"default": {"model": "gpt-4o-mini", "key_env": "NOT_SET_ANYWHERE"}},
    )
    result = run_with(cli, tmp_path / "s.db", path)
    assert result.code == 2 and "NOT_SET_ANYWHERE is not set" in result.err


def test_the_file_and_model_flag_do_not_mix(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    path = write_yaml(tmp_path / "models.yaml", {"default": {"model": "gpt-4o-mini"}})
    result = run_with(cli, tmp_path / "s.db", path, "--model", "gpt-4o")
    assert result.code == 2 and "--model and --models" in result.err


def test_a_persona_override_wins_over_its_group() -> None:
    spec = SeatModels.model_validate(
        {
            "default": {"model": "d"},
            "groups": {"government": {"model": "g"}},
            "personas": {"telecom-regulator": {"model": "p"}},
        }
    )
    ctx = prepare(RunConfig(scenario=SCENARIO, size=36, backend="openai", model="d", models=spec))
    for seat, persona in zip(ctx.seats, ctx.personas, strict=True):
        if persona.id == "telecom-regulator":
            assert seat.model == "p"
        elif persona.group == "government":
            assert seat.model == "g"
        else:
            assert seat.model == "d"
