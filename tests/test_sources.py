"""One source for defaults and names: the run config's fields, read by the CLI, sweeps and app."""

from __future__ import annotations

import argparse

import pytest
from pydantic import ValidationError

from council.cli.main import build_parser
from council.contracts.choices import Backend, CacheMode, Language, names
from council.contracts.config import RunConfig, bounds_of, choices_of, default_of, description_of
from council.contracts.record import Metrics
from council.engine.metrics import METRICS
from council.experiments.sweep import SweepConfig
from council.experiments.table import COLUMNS, FACTORS, RESULTS

SCENARIO = "kh-credit-scoring-isolated-data"
NOT_FLAGS = {"scenario", "human_seats", "person_faults"}
"""Config fields no ``council run`` flag sets: the positional scenario, and seats a person plays
and their secret roles (the app's)."""


def run_actions() -> dict[str, argparse.Action]:
    """``council run``'s options by destination."""
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return {a.dest: a for a in sub.choices["run"]._actions if a.option_strings}


def test_every_run_flag_takes_its_default_choices_and_help_from_the_config() -> None:
    actions = run_actions()
    fields = set(RunConfig.model_fields) - NOT_FLAGS
    assert fields <= set(actions), f"config fields with no flag: {fields - set(actions)}"
    for field in fields:
        action = actions[field]
        assert action.option_strings == ["--" + field.replace("_", "-")]
        assert action.default == default_of(field), field
        assert description_of(field).rstrip(".").lower() in (action.help or "").lower(), field
        if field in ("protocol", "update", "topology", "backend", "language", "cache"):
            assert tuple(action.choices or ()) == choices_of(field), field


def test_the_transport_flags_default_to_the_llm_client_s_settings() -> None:
    from council.reasoners.llm.endpoints import Transport

    actions = run_actions()
    assert actions["timeout"].default == Transport.model_fields["timeout"].default
    assert actions["retry_backoff"].default == Transport.model_fields["backoff"].default


def test_building_the_parser_imports_no_llm_client() -> None:
    import subprocess
    import sys

    code = "import sys; from council.cli.main import build_parser; build_parser(); "
    code += "print(sorted(m for m in sys.modules if m.split('.')[0] == 'openai')[:1])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_flags_parse_to_the_config_s_defaults() -> None:
    args = build_parser().parse_args(["run", SCENARIO])
    given = {f: getattr(args, f) for f in RunConfig.model_fields if f not in NOT_FLAGS}
    assert RunConfig(scenario=SCENARIO, **given) == RunConfig(scenario=SCENARIO)


def test_the_closed_sets_are_the_config_s_types() -> None:
    assert choices_of("backend") == names(Backend) == ("offline", "openai")
    assert choices_of("language") == names(Language) == ("en", "km")
    assert choices_of("cache") == names(CacheMode)
    with pytest.raises(ValueError, match="not a closed set"):
        choices_of("size")
    assert bounds_of("size") == (1, 1000) and bounds_of("max_cost") == (0, None)


@pytest.mark.parametrize(
    ("field", "value"), [("backend", "open-ai"), ("language", "fr"), ("cache", "sometimes")]
)
def test_a_misspelt_name_is_a_validation_error_not_a_silent_default(field: str, value: str) -> None:
    with pytest.raises(ValidationError) as err:
        RunConfig(scenario=SCENARIO, **{field: value})
    assert err.value.errors()[0]["loc"] == (field,)


def test_a_misspelt_backend_on_the_command_line_is_one_line_exit_2(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("run", SCENARIO, "--backend", "open-ai")
    assert result.code == 2
    assert result.out == ""
    (line,) = result.err.strip().splitlines()
    assert "--backend" in line and "open-ai" in line and "offline" in line


def test_a_sweep_leaves_a_list_out_as_the_run_config_s_default() -> None:
    config = SweepConfig(scenarios=(SCENARIO,), seeds=1)
    for factor in FACTORS[1:]:
        assert getattr(config, factor) == (default_of(factor),), factor


def test_the_table_s_columns_are_the_contract_s_and_its_results_the_record_s_metrics() -> None:
    # DESIGN "Sweep config and table", in order.
    assert ",".join(COLUMNS) == (
        "scenario,size,byzantine,fault,protocol,quorum,method,topology,rounds,update,seed,"
        "status,option,safety_violation,agrees_with_baseline,rounds_used,messages,"
        "honest_drift,honest_flips"
    )
    assert ("status", "option", *METRICS) == RESULTS
    assert [m for m in Metrics.model_fields if m in METRICS] == list(METRICS)
