"""What a facilitator keeps for the browser session, in the server's memory only.

The LLM key typed when opening a room speaks for every seat whichever session moves the run on,
and never reaches the store's file (nor its WAL), the page or its address. A reload (a new
session) whose browser sends the facilitator's token gets the console back without the key; any
other token gets the join form.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_openai import FakeOpenAI
from streamlit.testing.v1 import AppTest
from test_room_ui import page  # the room page opened at an address, checked for exceptions

from council.session import room as rooms
from council.session import room_keys
from council.store import Store

SCENARIO = "kh-credit-scoring-isolated-data"
SECRET = "sk-typed-by-the-facilitator-4242"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "keys.db"
    monkeypatch.setenv("COUNCIL_DB", str(path))
    monkeypatch.delenv("COUNCIL_FACILITATOR_KEY", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)  # only the typed key can work
    return path


def everything_shown(at: AppTest) -> str:
    parts = [str(e.value) for kind in ("title", "markdown", "caption", "info", "warning",
             "success", "error") for e in getattr(at, kind)]  # fmt: skip
    parts += [str(h.proto.body) for h in at.get("html")]
    parts += [str(w.value) for w in at.text_input if w.value and w.label != "API key"]
    parts += [str(v) for v in at.query_params.values()]
    return "\n".join(parts)


def stored_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


def test_the_typed_llm_key_speaks_for_the_room_and_is_never_stored_or_shown(db: Path) -> None:
    with FakeOpenAI(key=SECRET) as fake:
        host = page()
        host.selectbox(key="room_scenario").set_value(SCENARIO)
        host.number_input(key="room_size").set_value(5)
        host.number_input(key="room_people").set_value(2)
        host.number_input(key="room_rounds").set_value(1)
        host.toggle(key="room_llm").set_value(True).run()
        host.text_input(key="room_base_url").input(fake.url)
        host.text_input(key="room_api_key").input(SECRET).run()
        (button,) = [b for b in host.button if b.key == "room_open"]
        button.click().run()
        assert not host.exception and not host.error, [e.value for e in host.error]
        code = host.query_params["room"]
        code = code[0] if isinstance(code, list) else code
        assert room_keys.llm_key(code) == SECRET
        # Two trainees answer from their own sessions: the last answer moves the run on with
        # the room's key, which no trainee's session ever held.
        found = rooms.room(db, code)
        tokens = {m.seat: m.token for m in (rooms.join(db, code, n) for n in ("Ana", "Bo"))}
        while found.state == "waiting":
            for seat in found.waiting:
                prompt = rooms.prompt_of(found, seat)
                assert prompt is not None
                option = next(iter(prompt.options))
                rooms.submit(db, tokens[seat], option=option, confidence=0.7, argument="why")
            found = rooms.room(db, code)
        assert found.state == "done" and found.error is None
        record = Store(db).get_run(found.run_id)
        assert record.outcome.status != "error", record.outcome.reason
        sent = [{k.lower(): v for k, v in h.items()}.get("authorization") for h in fake.headers]
        assert fake.requests and sent and set(sent) == {f"Bearer {SECRET}"}, set(sent)
        host.run()
    assert SECRET.encode() not in stored_bytes(db)  # the file, its WAL and shared memory
    assert SECRET not in everything_shown(host)
    assert SECRET not in record.model_dump_json()


def test_a_reload_with_the_browser_s_token_keeps_the_console_without_the_key(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from council.contracts.config import RunConfig
    from council.contracts.room import RoomSettings
    from council.ui.room import host as host_ui

    opened, key = rooms.open_room(
        db, RoomSettings(config=RunConfig(scenario=SCENARIO, size=5, human_seats=(0,)))
    )
    first = page()
    first.session_state["room_keys"] = {opened.code: key}
    first.session_state["room_host_tokens"] = {opened.code: room_keys.keep_host(opened.code)}
    first.query_params["room"] = opened.code
    first.run()
    token = first.session_state["room_host_tokens"][opened.code]
    cookie = [h.proto.body for h in first.get("html") if "document.cookie" in h.proto.body]
    assert cookie and f"council_host_{opened.code}={token}" in cookie[0]
    assert key not in cookie[0]
    # A new session (a reload): the browser sends the cookie back.
    monkeypatch.setattr(host_ui, "browser_token", lambda code: token)
    again = page(room=opened.code)
    assert any(t.label == "Reveal who plays what" for t in again.toggle)
    assert key not in everything_shown(again)
    # A made-up token, or another room's, opens nothing.
    monkeypatch.setattr(host_ui, "browser_token", lambda code: "made-up")
    stranger = page(room=opened.code)
    assert not any(t.label == "Reveal who plays what" for t in stranger.toggle)
    assert "Room code" in [t.label for t in stranger.text_input]
