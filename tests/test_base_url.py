"""A --base-url that is not a usable http(s) URL is bad input: one line naming the flag, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from council.store import Store

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = "kh-credit-scoring-isolated-data"
BAD = [
    ("not a url", "is not an http(s) URL"),
    ("localhost:8080", "is not an http(s) URL"),
    ("ftp://example.org/v1", "is not an http(s) URL"),
    ("http://[::1/v1", "is not an http(s) URL"),
    ("http://example.org:99999/v1", "has a port that is not a number from 1 to 65535"),
    ("http://exa mple.org/v1", "has spaces or control characters in it"),
]


@pytest.mark.parametrize("backend", ["offline", "openai"])
@pytest.mark.parametrize(("url", "words"), BAD)
def test_a_bad_base_url_is_one_line_exit_2_and_stores_nothing(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str, url: str, words: str
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-base-url-0123456789")
    db = tmp_path / "s.db"
    result = cli(
        *("run", SCENARIO, "--size", "3", "--backend", backend, "--base-url", url),
        *("--db", str(db)),
    )
    assert result.code == 2, result.err
    (line,) = result.err.strip().splitlines()
    assert line.startswith("council run: --base-url: ") and line.endswith(words), line
    assert result.out == ""
    assert not db.exists() or Store(db).history() == []


def test_a_bad_openai_base_url_in_the_environment_names_the_variable(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OPENAI_BASE_URL", "http://example.org:0/v1")
    result = cli("run", SCENARIO, "--backend", "openai", "--db", str(tmp_path / "s.db"))
    assert result.code == 2
    assert result.err.startswith("council run: OPENAI_BASE_URL: ")


def test_the_app_says_what_is_wrong_with_a_base_url_and_runs_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COUNCIL_DB", str(tmp_path / "ui.db"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.radio(key="f_backend.en").set_value("openai").run()
    at.text_input(key="f_base_url").input("http://example.org:99999/v1").run()
    assert not at.exception, [e.value for e in at.exception]
    warnings = [str(w.value) for w in at.warning]
    assert any("has a port that is not a number from 1 to 65535" in w for w in warnings), warnings
    at.button(key="run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("has a port" in str(e.value) for e in at.error)  # cannot run, and says why
    assert at.session_state["pause"] is None
    assert not (tmp_path / "ui.db").exists() or Store(tmp_path / "ui.db").history() == []
