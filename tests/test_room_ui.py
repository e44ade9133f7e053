"""The room's screens through Streamlit's AppTest: open, console, join, seat, reload, projector."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from council.contracts.config import RunConfig
from council.contracts.room import RoomSettings
from council.room_store import RoomStore
from council.session import room as rooms
from council.store import Store
from council.ui.room.projector import board_html

ROOT = Path(__file__).resolve().parents[1]
PAGE = str(ROOT / "council/ui/pages/room.py")
APP = str(ROOT / "app.py")
SCENARIO = "kh-credit-scoring-isolated-data"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "ui.db"
    monkeypatch.setenv("COUNCIL_DB", str(path))
    monkeypatch.delenv("COUNCIL_FACILITATOR_KEY", raising=False)
    return path


def page(**query: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    parts: list[str] = []
    for kind in ("title", "markdown", "caption", "info", "warning", "success", "error"):
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)


def click(at: AppTest, label: str) -> AppTest:
    (button,) = [b for b in at.button if b.label == label]
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_small(db: Path, **roles: str) -> tuple[rooms.Room, str]:
    config = RunConfig(
        scenario=SCENARIO,
        size=6,
        rounds=1,
        ballots=1,
        human_seats=(0, 1),
        person_faults={int(k[1:]): v for k, v in roles.items()},
    )
    return rooms.open_room(db, RoomSettings(config=config))


def test_the_facilitator_opens_a_room_and_holds_its_console(db: Path) -> None:
    at = page()
    at.selectbox(key="room_scenario").set_value(SCENARIO)
    at.number_input(key="room_size").set_value(6)
    at.number_input(key="room_people").set_value(2)
    at.run()
    at.selectbox(key="room_role_1").set_value("equivocate")
    click(at, "Open the room")
    code = at.query_params["room"]
    code = code[0] if isinstance(code, list) else code
    found = rooms.room(db, code)
    assert found.settings.config.person_faults == {1: "equivocate"}
    assert found.settings.config.human_seats == (0, 1)
    shown = texts(at)
    assert f"Room {code}" in shown and "Facilitator key" in shown
    key = shown.split("Facilitator key: `")[1].split("`")[0]
    assert rooms.is_facilitator(db, code, key)
    assert any(t.label == "Reveal who plays what" for t in at.toggle)
    click(at, "I have noted the key")
    assert "Facilitator key:" not in texts(at)  # shown once
    # Another browser with only the code gets the join form, not the console.
    other = page(room=code)
    assert not any(t.label == "Reveal who plays what" for t in other.toggle)
    assert "Room code" in [t.label for t in other.text_input]


def test_a_trainee_joins_keeps_the_seat_on_reload_and_never_sees_reveal(db: Path) -> None:
    opened, _ = open_small(db, s1="equivocate")
    at = page(room=opened.code)
    at.text_input(key="join_name").input("Eve")
    at.button[0].click().run()
    members = RoomStore(db).members(opened.code)
    assert [m.name for m in members] == ["Eve"] and members[0].seat == 0
    token = members[0].token
    assert at.query_params["seat"] in (token, [token])
    eve = page(room=opened.code, seat=token)
    assert "Eve**, you play" in texts(eve)
    assert "What each group hears" not in texts(eve)  # an honest seat: one statement
    # A reload (a fresh session with the same address) is the same seat.
    again = page(room=opened.code, seat=token)
    assert "Eve**, you play" in texts(again) and "seat 0" in texts(again)
    # The whole app at a seat's address: no facilitator controls, no navigation.
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["room"] = opened.code
    app.query_params["seat"] = token
    app.run()
    assert not app.exception
    assert not [t for t in app.toggle if "Reveal" in str(t.label)]
    bad = page(room=opened.code, seat="not-a-token")
    assert "not valid" in texts(bad)


def test_an_equivocator_tells_each_group_its_own_option_from_the_seat_form(db: Path) -> None:
    opened, _ = open_small(db, s1="equivocate")
    ana = rooms.join(db, opened.code, "Ana")
    eve = rooms.join(db, opened.code, "Eve")
    at = page(room=opened.code, seat=eve.token)
    shown = texts(at)
    assert "Secret role: equivocator" in shown and "What each group hears" in shown
    prompt = rooms.prompt_of(opened, 1)
    assert prompt is not None
    a, b = list(prompt.options)[:2]
    key = f"room_{opened.code}_0"
    at.radio(key=f"{key}_option").set_value(a)
    at.text_area(key=f"{key}_arg").input("I say a")
    at.selectbox(key=f"{key}_industry_option").set_value(b)
    at.text_input(key=f"{key}_industry_arg").input("industry: b is safer")
    click(at, "Send my statement")
    (said,) = RoomStore(db).statements(opened.code, 0)
    assert said.seat == 1 and said.option == a and said.argument == "I say a"
    assert said.told is not None and said.told["industry"].option == b
    assert said.told["government"].option == a
    # Ana's seat shows nothing of Eve's role.
    assert "equivocator" not in texts(page(room=opened.code, seat=ana.token))


def test_the_room_plays_to_the_leaderboard_and_the_handout_names_who_played_what(
    db: Path,
) -> None:
    opened, key = open_small(db, s1="equivocate")
    ana = rooms.join(db, opened.code, "Ana")
    rooms.join(db, opened.code, "Eve")
    host = page()
    host.session_state["room_keys"] = {opened.code: key}
    host.query_params["room"] = opened.code
    host.run()
    assert "Waiting for 2 people: Ana, Eve" in texts(host)
    at = page(room=opened.code, seat=ana.token)
    k = f"room_{opened.code}_0"
    at.text_area(key=f"{k}_arg").input("Ana's reason")
    click(at, "Send my statement")
    assert "Your statement is in" in texts(at)
    host.run()
    assert "Waiting for 1 person: Eve" in texts(host)
    click(host, "Move on now")  # Eve speaks as her persona's view
    found = rooms.room(db, opened.code)
    assert found.turn == 1
    while found.state == "waiting":
        click(host, "Move on now")
        found = rooms.room(db, opened.code)
    assert found.state == "done"
    record = Store(db).get_run(found.run_id)
    assert record.rounds[0].statements[0].rationale == "Ana's reason"
    at = page(room=opened.code, seat=ana.token)
    assert any(s.value == "Decision" or "Decision" in str(s.value) for s in at.subheader)
    at.multiselect(key=f"room_{opened.code}_suspects").set_value([1])
    click(at, "Send my guess")
    assert "Your score: 1 (found 1, wrongly accused 0, missed 0)" in texts(at)
    host.run()
    (scores,) = [d.value for d in host.table if "score" in d.value.columns]
    assert scores["name"].tolist() == ["Ana"] and scores["score"].tolist() == [1]
    host.toggle(key=f"room_{opened.code}_reveal").set_value(True).run()
    (revealed,) = [d.value for d in host.table if "role" in d.value.columns]
    assert revealed[revealed["name"] == "Eve"]["role"].tolist() == ["equivocate"]
    html = board_html(rooms.status(db, opened.code))
    assert f"Room {opened.code}" in html and "Quorum:" in html
    assert f"<b>{record.council.quorum}</b> needed" in html


def test_the_projector_shows_the_gauge_tallies_and_who_has_answered(db: Path) -> None:
    opened, _ = open_small(db)
    ana = rooms.join(db, opened.code, "Ana")
    prompt = rooms.prompt_of(opened, 0)
    assert prompt is not None
    rooms.submit(db, ana.token, option=next(iter(prompt.options)), confidence=0.6, argument="x")
    html = board_html(rooms.status(db, opened.code))
    assert "✔ Ana" in html and "… seat 1" in html
    assert "Waiting for 1 person" in html
    rooms.advance(db, opened.code, force=True)
    status = rooms.status(db, opened.code)
    html = board_html(status)
    for option, n in status.room.board.tally.items():
        assert f"{status.room.board.options[option]}</span>" in html
        assert f"</span><b>{n}</b></div>" in html
    assert sum(status.room.board.tally.values()) == 6
    for group in ("Government", "Industry", "Academia", "Civil society"):
        assert f"<b>{group}</b>" in html
    at = page(room=opened.code, view="projector")
    assert any(f"Room {opened.code}" in str(h.proto.body) for h in at.get("html"))
