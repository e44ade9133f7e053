"""Fuzzing the flags of ``council run/validate/sweep/show/history/export``.

Each command's flags are read from its own parser (so a new flag is fuzzed without a change
here) and given a random value: a good one (so runs really run), a number past a boundary, or
odd text. Whatever the values, the command exits 0 or 2, on 2 with one line, and a failure
leaves the store as it was.
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import GOOD_SCENARIO
from fake_openai import FakeOpenAI, closed_port_url
from fuzz_contract import FUZZ, call, check, rows, run_process, scaled
from fuzz_strategies import EDGE_NUMBERS, dump, odd_text
from hypothesis import given
from hypothesis import strategies as st

from council.cli.main import build_parser

SCENARIO = "au-robodebt-income-averaging"

GOOD: dict[str, list[str]] = {
    "--size": ["1", "2", "4", "7"],
    "--byzantine": ["0", "1", "2", "5"],
    "--rounds": ["0", "1", "2"],
    "--ballots": ["1", "2"],
    "--seed": ["0", "7", str(2**63 - 1)],
    "--personas": ["data-law-scholar,digital-rights-ngo", "data-law-scholar"],
    "--fault": ["crash", "random", "equivocate", "stubborn:suspend", "collude:x", "persuader"],
    "--quorum": ["bft", "majority", "0.6", "groups:2/0.5", "unanimity", "1.5", "groups:9/9"],
    "--weights": ["government=2", "industry=0.5,academia=3", "nobody=1", "government=-1"],
    "--faulty-groups": ["government", "industry,academia", "martians"],
    "--partition": ["government|industry", "government,industry|academia@1-2", "a|b@9-1"],
    "--drop": ["0", "0.1", "1"],
    "--delay": ["0", "0.2"],
    "--backend": ["offline"],  # openai is fuzzed against a real fake server elsewhere
    "--limit": ["1", "10", "0"],
    "--workers": ["1"],
    "--format": ["md", "json"],
    "--round": ["0", "1"],
    "--seat": ["0", "1"],
}
"""Values that let a command really do its work (some deliberately wrong but plausible)."""

GOOD_ONLY = {"--backend"}
"""Flags whose every choice is not fuzzed here (openai would dial the default endpoint)."""

SKIP = {"--help", "--db", "--scheduler", "--models", "--estimate"}
"""Flags not fuzzed here: --db is the store under test; --scheduler would dial an address."""


def _subparser(command: str) -> argparse.ArgumentParser:
    parser = build_parser(command)
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[command]  # type: ignore[no-any-return]


def _options(command: str) -> list[argparse.Action]:
    return [
        a
        for a in _subparser(command)._actions
        if a.option_strings and a.option_strings[-1] not in SKIP
    ]


@st.composite
def _value(draw: st.DrawFn, action: argparse.Action, paths: list[str]) -> str:
    flag = action.option_strings[-1]
    choices = [str(c) for c in action.choices] if action.choices else []
    kind = getattr(action.type, "__name__", "")
    pools: list[st.SearchStrategy[str]] = [odd_text]
    if flag in GOOD:
        pools += [st.sampled_from(GOOD[flag])] * 4
    if choices and flag not in GOOD_ONLY:
        pools += [st.sampled_from(choices)] * 3
    if kind in ("int", "float", "_fraction", "_non_negative", "_finite"):
        pools += [st.sampled_from(EDGE_NUMBERS)] * 2
    if flag in ("--out", "--prices", "--cache-file"):
        pools += [st.sampled_from(paths)] * 3
    return draw(st.one_of(pools))


@st.composite
def flags(draw: st.DrawFn, command: str, paths: list[str]) -> list[str]:
    """Some of ``command``'s flags, each with a value (store_true flags alone)."""
    chosen = draw(st.lists(st.sampled_from(_options(command)), max_size=5, unique_by=id))
    argv: list[str] = []
    for action in chosen:
        flag = action.option_strings[-1]
        if action.nargs == 0:
            argv.append(flag)
        else:
            argv += [flag, draw(_value(action, paths))]
    return argv


@contextmanager
def _place() -> Iterator[tuple[Path, Path, list[str]]]:
    """A folder with a store holding one run, and output paths good and bad."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        db = root / "s.db"
        (root / "afolder").mkdir()
        scenario = root / "scenario.yaml"
        scenario.write_text(dump(GOOD_SCENARIO), encoding="utf-8")
        paths = [
            str(root / "out.csv"),
            str(root / "out.md"),
            str(root / "afolder"),
            str(root / "missing" / "x.csv"),
            "/nonexistent/dir/x.md",
            str(scenario),
            "/proc/x.csv",
            "",
        ]
        yield root, db, paths


def _stored_run(db: Path) -> str:
    """Run once into ``db``; return the run id (the store's rows are then the baseline)."""
    outcome = call(["run", SCENARIO, "--size", "4", "--rounds", "1", "--db", str(db), "--json"])
    assert outcome.code == 0, outcome.err
    import json

    return str(json.loads(outcome.out)["run_id"])


@scaled(20)
@given(data=st.data())
def test_run_flags(data: st.DataObject) -> None:
    with _place() as (root, db, paths):
        scenario = data.draw(st.sampled_from([SCENARIO, SCENARIO, str(root / "scenario.yaml")]))
        argv = ["run", scenario, *data.draw(flags("run", paths)), "--db", str(db)]
        with _environ({"OPENAI_BASE_URL": closed_port_url()}):  # never the default endpoint
            outcome = check(call(argv, db), test="cli: run")
        if outcome.code == 0:
            assert outcome.rows_after.get("runs") == 1, outcome


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A store holding one run (module-wide: show, history and export never write)."""
    db = tmp_path_factory.mktemp("store") / "s.db"
    return db, _stored_run(db)


@pytest.mark.parametrize("command", ["show", "export", "history"])
@FUZZ
@given(data=st.data())
def test_record_command_flags(stored: tuple[Path, str], command: str, data: st.DataObject) -> None:
    db, run_id = stored
    with _place() as (root, _, paths):
        ref = data.draw(st.sampled_from([run_id, run_id[:6], "nope", ""]) | odd_text)
        words = [ref] if command != "history" else []
        argv = [command, *words, *data.draw(flags(command, paths)), "--db", str(db)]
        before = rows(db)
        with contextlib.chdir(root):  # a relative --out lands in the place, not the worktree
            outcome = check(call(argv, db), test=f"cli: {command}")
        assert outcome.rows_after == before  # reading never writes


@FUZZ
@given(data=st.data())
def test_validate_flags_and_paths(data: st.DataObject) -> None:
    with _place() as (root, db, paths):
        targets = data.draw(
            st.lists(
                st.sampled_from([*paths, str(root), str(root / "afolder")]) | odd_text,
                min_size=1,
                max_size=3,
            )  # fmt: skip
        )
        argv = ["validate", *data.draw(flags("validate", paths)), "--", *targets]
        with contextlib.chdir(root):  # "" and "." name the place, not the worktree's .venv
            check(call(argv), files=targets, test="cli: validate")


@scaled(12)
@given(data=st.data())
def test_sweep_flags(data: st.DataObject) -> None:
    with _place() as (root, db, paths):
        config = root / "sweep.yaml"
        config.write_text(f"scenarios: [{SCENARIO}]\nsize: [4]\nrounds: [1]\nseeds: 2\n")
        target = data.draw(st.sampled_from([str(config), str(config), str(root / "none.yaml")]))
        extra = data.draw(flags("sweep", paths))
        argv = ["sweep", target, "--workers", "1", *extra]
        if "--out" not in extra:
            argv += ["--out", str(root / "table.csv")]
        with contextlib.chdir(root):  # a relative --out lands in the place, not the worktree
            outcome = check(call(argv), files=[target], test="cli: sweep")
        if outcome.code != 0:
            assert not (root / "table.csv").exists()


LLM_FLAGS = {
    "--timeout": ["30", "5", "1e300"],
    "--retry-backoff": ["0", "0.01"],
    "--rpm": ["600", "100000"],
    "--tpm": ["10000000"],
    "--max-cost": ["100", "1e9"],
    "--max-seat-failures": ["0", "0.5", "1"],
    "--temperature": ["0", "1", "2"],
    "--max-concurrency": ["1", "8"],
    "--cache": ["on", "off"],
    "--model": ["gpt-4o-mini", "gpt-4.1"],
    "--language": ["en", "km"],
    "--seed": ["0", "3", str(2**63 - 1)],
    "--baseline": [],
}
"""The LLM run's flags, with values an endpoint that answers well can serve."""


@st.composite
def llm_flags(draw: st.DrawFn) -> list[str]:
    chosen = draw(st.lists(st.sampled_from(sorted(LLM_FLAGS)), max_size=4, unique=True))
    argv: list[str] = []
    for flag in chosen:
        if not LLM_FLAGS[flag]:
            argv.append(flag)
            continue
        good = st.sampled_from(LLM_FLAGS[flag])
        argv += [flag, draw(st.one_of(good, good, good, st.sampled_from(EDGE_NUMBERS), odd_text))]
    return argv


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """A fake OpenAI-compatible server on 127.0.0.1 that answers every request well."""
    with FakeOpenAI(pool=10) as server:
        yield server.url


@scaled(6)
@given(data=st.data())
def test_llm_run_flags(endpoint: str, data: st.DataObject) -> None:
    """LLM runs against an endpoint that answers well: exit 0, or 2 for a bad flag (1 only when
    --max-cost stops a run the estimate says it cannot afford, as DESIGN says)."""
    with _place() as (root, db, paths):
        argv = ["run", SCENARIO, "--backend", "openai", "--base-url", endpoint, "--size", "2"]
        argv += ["--rounds", "0", "--ballots", "1", *data.draw(llm_flags()), "--db", str(db)]
        env = {"OPENAI_API_KEY": "sk-fuzz"}
        with _environ(env):
            outcome = call(argv, db)
        capped = outcome.code == 1 and "--max-cost" in outcome.err
        check(outcome, allowed=frozenset({0, 1, 2}) if capped else frozenset({0, 2}),
              test="cli: llm run")  # fmt: skip
        if outcome.code == 0:
            assert outcome.rows_after.get("runs") == 1
        else:
            assert not outcome.rows_after.get("runs")


@contextmanager
def _environ(values: dict[str, str]) -> Iterator[None]:
    import os

    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@scaled(3)
@given(data=st.data())
def test_run_flags_in_a_real_process(data: st.DataObject) -> None:
    """The same contract through ``python -m council``: what a user's terminal shows."""
    with _place() as (root, db, paths):
        words = [w.replace("\x00", "") for w in data.draw(flags("run", paths))]  # argv has no NUL
        argv = ["run", SCENARIO, "--size", "3", *words, "--db", str(db)]
        outcome = run_process(argv, db, OPENAI_BASE_URL=closed_port_url())
        check(outcome, test="cli: run (process)")
