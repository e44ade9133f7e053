"""The app binds to 127.0.0.1 by default; with COUNCIL_ACCESS_CODE every session gives a code."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
CODE = "kampot-2026"
PAGES = [
    "council/ui/pages/deliberate.py",
    "council/ui/pages/history.py",
    "council/ui/pages/library.py",
    "council/ui/pages/experiments.py",
    "council/ui/pages/room.py",
]


def test_the_app_binds_to_this_machine_only_by_default() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "streamlit run app.py --server.address 0.0.0.0" in readme
    assert "COUNCIL_ACCESS_CODE" in readme


@pytest.fixture
def locked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("COUNCIL_DB", str(tmp_path / "ui.db"))
    monkeypatch.setenv("COUNCIL_ACCESS_CODE", CODE)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def only_the_access_form(at: AppTest) -> None:
    assert [b.label for b in at.button] == ["Enter"]  # the form's button, nothing else
    assert [t.label for t in at.text_input] == ["Access code"]
    assert not at.sidebar.radio and not at.sidebar.toggle  # no language or facilitator switch
    assert not at.selectbox and not at.number_input and not at.dataframe


@pytest.mark.parametrize("page", PAGES)
def test_every_page_asks_for_the_code_before_anything_else(locked: AppTest, page: str) -> None:
    only_the_access_form(locked)
    locked.switch_page(page).run()
    only_the_access_form(locked)


def test_a_room_seat_link_asks_for_the_code_too(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COUNCIL_DB", str(tmp_path / "ui.db"))
    monkeypatch.setenv("COUNCIL_ACCESS_CODE", CODE)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["view"] = "projector"
    at.query_params["room"] = "ABCDEF"
    at.run()
    only_the_access_form(at)


def test_a_wrong_code_is_refused_and_the_right_one_opens_every_page_once(locked: AppTest) -> None:
    locked.text_input[0].input("kampot-2025")
    locked.button[0].click().run()
    assert [e.value for e in locked.error] == ["That code is not right."]
    only_the_access_form(locked)
    locked.text_input[0].input(CODE)
    locked.button[0].click().run()
    assert not locked.exception
    assert "Run deliberation" in [b.label for b in locked.button]
    for page in PAGES[1:]:  # asked once a session: the other pages open without it
        locked.switch_page(page).run()
        assert not locked.exception, [e.value for e in locked.exception]
        assert "Access code" not in [t.label for t in locked.text_input]


def test_without_the_variable_no_code_is_asked(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COUNCIL_DB", str(tmp_path / "ui.db"))
    monkeypatch.delenv("COUNCIL_ACCESS_CODE", raising=False)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert "Run deliberation" in [b.label for b in at.button]
    assert "Access code" not in [t.label for t in at.text_input]
