"""Secrets never leave: an endpoint that echoes the key leaves no trace of it anywhere.

A fake OpenAI endpoint repeats the key each request carried in its error messages and in every
reply's rationale. A real run against it, through the installed console script; then the store
file (and its WAL), both exports, ``--json`` output, standard error, ``show`` (the transcript and
one seat's raw exchange), ``history`` and the app's History page are searched for the key.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fake_openai import FakeOpenAI
from streamlit.testing.v1 import AppTest

from council.contracts.config import RunConfig
from council.contracts.safe_text import REDACTED, redact
from council.engine.context import prepare
from council.reasoners.llm.client import LLMClient
from council.reasoners.llm.errors import EndpointError
from council.reasoners.llm.request import LLMSettings
from council.store import Store

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = "kh-credit-scoring-isolated-data"
# Not shaped like an OpenAI key, and no "Bearer" before it in the echo: only redaction of the
# configured key by value can catch it.
KEY = "azure0123456789abcdefSECRETvalue"


def council(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).parent / "council"), *argv],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.fixture(scope="module")
def echoed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A run against the echoing endpoint, and every output made from it."""
    tmp = tmp_path_factory.mktemp("secrets")
    db = tmp / "store.db"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp),
        "OPENAI_API_KEY": KEY,
        "COUNCIL_DB": str(db),
        "COUNCIL_CACHE_DIR": os.environ["COUNCIL_CACHE_DIR"],
    }
    victim = prepare(RunConfig(scenario=SCENARIO, size=5, backend="openai", model="m")).personas[2]

    def plan(number: int, body: dict[str, Any]) -> str | None:
        return "401" if victim.name in body["messages"][0]["content"] else None

    Store(db)  # made now, so that a connection of ours can hold its WAL open through the run
    keep = sqlite3.connect(db)
    keep.execute("SELECT count(*) FROM sqlite_master").fetchall()
    with FakeOpenAI(echo=True, plan=plan) as fake:
        run = council(
            env,
            *("run", SCENARIO, "--size", "5", "--rounds", "1", "--ballots", "1"),
            *("--backend", "openai", "--base-url", fake.url, "--timeout", "5", "--json"),
        )
        assert any(KEY in r for r in fake.responses)  # it did echo the key in its replies
    assert run.returncode == 0, run.stderr
    record = json.loads(run.stdout)
    run_id = record["run_id"]
    outputs = {"run --json": run.stdout + run.stderr}
    for name, argv in {
        "show": ("show", run_id),
        "show --json": ("show", run_id, "--json"),
        "show exchange": ("show", run_id, "--round", "0", "--seat", "2"),
        "show reply": ("show", run_id, "--round", "0", "--seat", "0", "--json"),
        "history": ("history", "--json"),
        "export md": ("export", run_id, "--format", "md", "--out", str(tmp / "h.md")),
        "export json": ("export", run_id, "--format", "json", "--out", str(tmp / "r.json")),
    }.items():
        done = council(env, *argv)
        assert done.returncode == 0, (name, done.stderr)
        outputs[name] = done.stdout + done.stderr
    files = {p.name: p.read_bytes() for p in tmp.iterdir() if p.is_file()}
    keep.close()
    return {"tmp": tmp, "db": db, "record": record, "outputs": outputs, "files": files}


def test_the_echoed_key_reached_the_run_and_was_redacted(echoed: dict[str, Any]) -> None:
    record = echoed["record"]
    assert record["outcome"]["status"] in {"decided", "no_quorum"}
    assert record["outcome"]["degraded"] is True  # the victim seat's 401s, in both phases
    (error, *_) = record["errors"]
    assert "HTTP 401" in error and REDACTED in error, error
    rationales = [s["rationale"] for r in record["rounds"] for s in r["statements"] if s["option"]]
    assert rationales and all(REDACTED in r for r in rationales)  # the echo, redacted


def test_no_trace_of_the_key_in_the_store_its_wal_exports_or_any_output(
    echoed: dict[str, Any],
) -> None:
    tmp: Path = echoed["tmp"]
    files: dict[str, bytes] = echoed["files"]  # every file, read while the WAL was still there
    assert {"store.db", "store.db-wal", "h.md", "r.json"} <= set(files), sorted(files)
    assert len(files["store.db-wal"]) > 0
    for name, data in files.items():
        assert KEY.encode() not in data, name
    for name, text in echoed["outputs"].items():
        assert KEY not in text, name
    assert "\\[redacted\\]" in (tmp / "h.md").read_text(encoding="utf-8")  # the rationales


def test_the_app_s_history_shows_the_run_without_the_key(
    echoed: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COUNCIL_DB", str(echoed["db"]))
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)  # the app's session holds no key
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("council/ui/pages/history.py").run()
    at.toggle(key="h_all").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = [str(e.value) for kind in ("markdown", "caption", "code", "text") for e in at.get(kind)]
    assert any(REDACTED in s for s in shown)  # the errors and rationales are on the screen
    assert not [s for s in shown if KEY in s]


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        (f"Incorrect API key provided: {KEY}.", [KEY]),
        ("header Authorization: Bearer abc.def-ghi_123", []),
        ("sk-proj-AbC123dEf456 in a message", []),
        ("GET /v1?api-key=0123456789abcdef HTTP/1.1", []),
    ],
)
def test_redact_removes_configured_and_key_looking_tokens(text: str, keys: list[str]) -> None:
    cleaned = redact(text, keys)
    assert REDACTED in cleaned
    assert not any(k in cleaned for k in (KEY, "abc.def-ghi_123", "AbC123dEf456", "0123456789"))


def test_a_preflight_refusal_that_echoes_the_key_says_why_without_it() -> None:
    async def preflight(url: str) -> str:
        client = LLMClient(LLMSettings(model="gpt-4o-mini", base_url=url, timeout=5), api_key=KEY)
        try:
            await client.preflight()
        except EndpointError as err:
            return str(err)
        finally:
            await client.close()
        return "passed"

    with FakeOpenAI(echo=True, models_endpoint=False, plan=lambda n, body: "400") as fake:
        line = asyncio.run(preflight(fake.url))
    assert "HTTP 400" in line and REDACTED in line and KEY not in line, line
