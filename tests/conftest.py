"""Shared fixtures: good persona and scenario documents, a CLI runner, a clean worktree."""

from __future__ import annotations

import atexit
import copy
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

# The library cache of every process the tests start goes to a folder of their own, never the
# user's cache directory (set before any council module reads it).
if "COUNCIL_CACHE_DIR" not in os.environ:
    os.environ["COUNCIL_CACHE_DIR"] = tempfile.mkdtemp(prefix="council-test-cache-")
    atexit.register(shutil.rmtree, os.environ["COUNCIL_CACHE_DIR"], ignore_errors=True)

from council.cli.main import main  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MADE_BY_TOOLS = {".hypothesis", ".pytest_cache", ".import_linter_cache", "artifacts"}
"""What a test run may add at the worktree's top: caches, and the browser tests' screenshots."""


@pytest.fixture(autouse=True)
def _worktree_untouched() -> Iterator[None]:
    """No test leaves a file at the worktree's top (a relative output path lands elsewhere)."""
    before = set(os.listdir(ROOT))
    yield
    added = set(os.listdir(ROOT)) - before - MADE_BY_TOOLS
    assert not added, f"a test wrote into the worktree: {sorted(added)!r}"


GOOD_PERSONA: dict[str, Any] = {
    "id": "test-regulator",
    "name": "Test regulator",
    "group": "government",
    "role": "A regulator who answers for the safety of AI systems in a test country.",
    "values": {"safety": 0.9, "innovation": 0.3, "privacy": 0.6},
    "openness": 0.4,
    "languages": ["km", "en"],
    "voice": "You speak plainly and ask for evidence before you agree to anything.",
}

GOOD_SCENARIO: dict[str, Any] = {
    "id": "kh-test-incident",
    "title": "A test incident",
    "jurisdiction": "KH",
    "sector": "finance",
    "summary": "A model used by lenders scores applicants unevenly across provinces.",
    "facts": ["The model was trained on one bank's data."],
    "affected": ["Rural borrowers"],
    "harms": {"fairness": 0.8, "privacy": 0.4},
    "options": [
        {
            "id": "continue",
            "label": "Continue as is",
            "impacts": {"innovation": 0.5, "fairness": -0.6},
        },
        {
            "id": "suspend",
            "label": "Suspend pending an audit",
            "impacts": {"fairness": 0.7, "innovation": -0.4},
        },
    ],
}


@pytest.fixture
def persona_doc() -> dict[str, Any]:
    return copy.deepcopy(GOOD_PERSONA)


@pytest.fixture
def scenario_doc() -> dict[str, Any]:
    return copy.deepcopy(GOOD_SCENARIO)


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run the CLI in-process and capture its exit code and output."""

    def run(*argv: str) -> CliResult:
        code = main(list(argv))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def write_yaml(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def make_persona(pid: str, group: str, values: dict[str, float], openness: float = 0.0) -> Any:
    from council.contracts.formats import Persona

    return Persona(
        id=pid,
        name=pid.replace("-", " ").title(),
        group=group,
        role=f"Test persona {pid}.",
        values=values,
        openness=openness,
        languages=["en"],
    )


def make_library(personas: list[Any], scenarios: list[Any]) -> Any:
    from council.library.catalog import Library

    return Library(
        root=Path("/nonexistent"),
        personas={p.id: p for p in personas},
        scenarios={s.id: s for s in scenarios},
    )


def two_option_scenario() -> Any:
    """Option 'a' serves fairness, option 'b' serves innovation: a clean split."""
    from council.contracts.formats import Scenario

    return Scenario.model_validate(
        {
            **GOOD_SCENARIO,
            "id": "split",
            "harms": {"fairness": 0.5, "innovation": 0.5},
            "options": [
                {
                    "id": "a",
                    "label": "Fairness first",
                    "impacts": {"fairness": 1.0, "innovation": -1.0},
                },
                {
                    "id": "b",
                    "label": "Innovation first",
                    "impacts": {"fairness": -1.0, "innovation": 1.0},
                },
            ],
        }
    )
