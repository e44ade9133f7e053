"""The room's screens in Khmer, through Streamlit's AppTest and the whole app (``app.py``).

A trainee switches the language on their seat; the facilitator's console, the join form, the
seat with its secret brief and per-group form, spot the faulty seats, the leaderboard and the
projector are then Khmer. A screen in Khmer fails the test if any English phrase the interface
knows (every template of the interface's tables, cut at its fields) or an English option label
or persona name of the scenario shows on it.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from council.contracts.config import RunConfig
from council.contracts.room import RoomSettings
from council.library.catalog import load_library
from council.present import i18n
from council.present.i18n import keys as interface_keys
from council.present.room import handout
from council.room_store import RoomStore
from council.session import room as rooms
from council.session import room_scores as scores
from council.store import Store
from council.ui.room.projector import board_html

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
SCENARIO = "kh-credit-scoring-isolated-data"
KHMER = re.compile("[\u1780-\u17ff]")
ALLOWED = {"LLM", "OpenAI", "OPENAI_API_KEY", "URL", "API", "Markdown", "CSV", "JSON"}
"""English words a Khmer screen may show: names of things, not interface phrases."""


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "km.db"
    monkeypatch.setenv("COUNCIL_DB", str(path))
    monkeypatch.delenv("COUNCIL_FACILITATOR_KEY", raising=False)
    return path


def english_phrases() -> list[str]:
    """Every English fragment of the interface (templates cut at their fields), 2 words or more.

    Plus the scenario's English option labels and every persona's English name (the library
    has Khmer for them).
    """
    phrases: set[str] = set()
    for key in interface_keys():
        english, khmer = i18n.text(key, "en"), i18n.text(key, "km")
        if english == khmer:
            continue
        for part in re.split(r"\{[^}]*\}|`[^`]*`|[*()<>/]|\bb\b", english):
            part = part.strip(" .,:;·—-\n")
            if len(re.findall(r"[A-Za-z]{2,}", part)) >= 2:
                phrases.add(part)
    library = load_library()
    scenario = library.scenarios[SCENARIO]
    phrases |= {o.label for o in scenario.options}
    phrases |= {p.name for p in library.personas.values() if "km" in p.translations}
    return sorted(phrases, key=len, reverse=True)


PHRASES = english_phrases()


def english_on(shown: str) -> list[str]:
    """The known English phrases a screen shows."""
    return [p for p in PHRASES if p in shown]


def texts(at: AppTest) -> str:
    """Everything a screen shows: text elements, labels, choices, tables, tabs, html."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [str(e.value) for e in (*at.success, *at.error)]
    widgets: Iterable[object] = (
        *at.button,
        *at.text_input,
        *at.text_area,
        *at.selectbox,
        *at.multiselect,
        *at.radio,
        *at.slider,
        *at.toggle,
        *at.number_input,
    )
    for w in widgets:
        parts.append(str(getattr(w, "label", "")))
        options = getattr(w, "options", None)
        if options:
            parts += [str(o) for o in options]
    parts += [str(t.label) for t in at.tabs]
    parts += [str(e.label) for e in at.expander]
    for table in at.table:
        parts += [str(c) for c in table.value.columns]
        parts += [str(v) for v in table.value.to_numpy().ravel()]
    parts += [str(h.proto.body) for h in at.get("html") if "<script" not in h.proto.body]
    return "\n".join(parts)


ROOM_PAGE = str(ROOT / "council/ui/pages/room.py")


def app(**query: str) -> AppTest:
    """The whole app at the Room page's address with this query."""
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    at.switch_page(ROOM_PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def khmer(at: AppTest) -> AppTest:
    """Switch the screen to Khmer with the sidebar's language switch."""
    at.radio(key="lang").set_value("km").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def click(at: AppTest, label: str) -> AppTest:
    (button,) = [b for b in at.button if b.label == label]
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_small(db: Path) -> tuple[rooms.Room, str]:
    config = RunConfig(
        scenario=SCENARIO,
        size=6,
        rounds=1,
        ballots=1,
        human_seats=(0, 1),
        person_faults={1: "equivocate"},
        language="km",
    )
    return rooms.open_room(db, RoomSettings(config=config))


def test_every_interface_key_has_khmer_text_that_is_not_the_english() -> None:
    same = []
    for key in interface_keys():
        english, khmer_text = i18n.text(key, "en"), i18n.text(key, "km")
        assert khmer_text.strip(), key
        words = set(re.findall(r"[A-Za-z]{3,}", re.sub(r"\{[^}]*\}|`[^`]*`", "", khmer_text)))
        if english == khmer_text or (not KHMER.search(khmer_text) and words - ALLOWED):
            same.append(key)
    # A few are the same in both by nature: a place and sector line, the language switch.
    assert set(same) <= {"where", "language"}, same


def test_the_room_page_and_the_facilitator_s_form_are_khmer(db: Path) -> None:
    at = khmer(app(lang="en"))
    shown = texts(at)
    assert i18n.text("room_page_title", "km") in shown
    assert i18n.text("room_tab_open", "km") in shown and "ចូលរួមបន្ទប់" in shown
    assert i18n.text("room_open", "km") in shown
    assert english_on(shown) == []
    click(at, i18n.text("room_open", "km"))
    code = at.query_params["room"]
    code = code[0] if isinstance(code, list) else code
    found = rooms.room(db, code)
    assert found.settings.config.language == "km"  # the offline seats speak Khmer
    shown = texts(at)
    assert i18n.text("room_title", "km", code=code) in shown
    assert "សោអ្នកសម្របសម្រួល" in shown and i18n.text("room_reveal", "km") in shown
    assert english_on(shown) == []


def test_a_trainee_switches_to_khmer_and_plays_the_room_in_khmer(db: Path) -> None:
    opened, key = open_small(db)
    join = khmer(app(room=opened.code))
    assert english_on(texts(join)) == []
    join.text_input(key="join_name").input("Ana")
    click(join, i18n.text("room_join", "km"))
    eve = rooms.join(db, opened.code, "Eve")
    at = khmer(app(room=opened.code, seat=eve.token))
    shown = texts(at)
    assert "តួនាទីសម្ងាត់៖ អ្នកនិយាយពីរមុខ" in shown  # the secret brief
    assert i18n.text("room_each_group", "km") in shown  # the per-group form
    km = load_library().scenarios[SCENARIO].translations["km"]
    assert any(label in shown for label in km.options.values())
    assert english_on(shown) == [], english_on(shown)
    # The choice survives in the store whatever the language.
    k = f"room_{opened.code}_0"
    at.text_area(key=f"{k}_arg").input("ហេតុផលរបស់ខ្ញុំ")
    click(at, i18n.text("room_send", "km"))
    assert i18n.text("room_statement_in", "km") in texts(at)
    ana = next(m for m in RoomStore(db).members(opened.code) if m.name == "Ana")
    host = app(room=opened.code)
    host.session_state["room_keys"] = {opened.code: key}
    host = khmer(host)
    shown = texts(host)
    assert i18n.text("room_waiting_one", "km", names="Ana") in shown
    assert english_on(shown) == [], english_on(shown)
    found = rooms.room(db, opened.code)
    while found.state == "waiting":
        found = rooms.advance(db, opened.code, force=True)
    assert found.state == "done"
    seat = khmer(app(room=opened.code, seat=ana.token))
    seat.multiselect(key=f"room_{opened.code}_suspects").set_value([1])
    click(seat, i18n.text("room_send_guess", "km"))
    shown = texts(seat)
    assert i18n.text("room_spot", "km") in shown and i18n.text("room_leaderboard", "km") in shown
    assert "ពិន្ទុរបស់អ្នក៖ 1" in shown
    assert english_on(shown) == [], english_on(shown)
    host.run()
    host.toggle(key=f"room_{opened.code}_reveal").set_value(True).run()
    shown = texts(host)
    assert i18n.text("role_equivocate", "km") in shown
    assert english_on(shown) == [], english_on(shown)
    # The projector and the handout, in Khmer.
    html = board_html(rooms.status(db, opened.code), "km")
    assert i18n.text("room_title", "km", code=opened.code) in html
    assert "រដ្ឋាភិបាល" in html and english_on(html) == [], english_on(html)
    record = Store(db).get_run(found.run_id)
    played = [(m.name, m.seat, role) for m, role in scores.who_played_what(db, opened.code)]
    out = handout(record, played, lang="km")
    assert "## អ្នកណាដើរតួអ្វី" in out and "| 1 | Eve | និយាយពីរមុខ |" in out


def _room_errors() -> list[tuple[str, str, set[str], str]]:
    """Every ``RoomError(key, english, **fields)`` raised in council/session/room*.py."""
    found = []
    for path in sorted((ROOT / "council/session").glob("room*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                call = node.exc
                if getattr(call.func, "id", None) != "RoomError":
                    continue
                key, english = (ast.literal_eval(a) for a in call.args)
                fields = {k.arg for k in call.keywords if k.arg is not None}
                found.append((key, english, fields, f"{path.name}:{node.lineno}"))
    return found


def _fields_of(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_room_error_has_its_english_and_khmer_with_the_same_fields() -> None:
    raised = _room_errors()
    assert len(raised) >= 15, raised  # every refusal of join, submit, guess, open
    for key, english, fields, where in raised:
        assert f"room_error_{key}" in interface_keys(), where
        assert i18n.text(f"room_error_{key}", "en") == english, where  # str(err) is the table's
        khmer_text = i18n.text(f"room_error_{key}", "km")
        assert _fields_of(english) == _fields_of(khmer_text) == fields, where
        assert KHMER.search(khmer_text), where


def test_what_a_room_refuses_is_said_in_the_session_s_language(db: Path) -> None:
    opened, _ = open_small(db)
    for name in ("Ana", "Bo"):  # both people's seats are taken
        rooms.join(db, opened.code, name)

    def refused(at: AppTest) -> str:
        at.text_input(key="join_name").input("Cy")
        click(at, i18n.text("room_join", at.session_state["lang"]))
        (error,) = [e.value for e in at.error]
        return str(error)

    # A full room: the Khmer session reads Khmer; the English one reads what the store raised.
    with pytest.raises(rooms.RoomError) as raised:
        rooms.join(db, opened.code, "Cy")
    assert refused(app(room=opened.code)) == str(raised.value)
    full = refused(khmer(app(room=opened.code)))
    assert full == i18n.text("room_error_full", "km", code=opened.code, people=2)
    assert english_on(full) == [] and opened.code in full
    # No such room (the projector too), and a closed room with its state in Khmer.
    unknown = refused(khmer(app(room="ZZZZZZ")))
    assert unknown == i18n.text("room_error_no_room", "km", code="ZZZZZZ")
    projector = khmer(app(room="ZZZZZZ", view="projector"))
    assert [e.value for e in projector.error] == [unknown]
    rooms.close(db, opened.code)
    closed = refused(khmer(app(room=opened.code)))
    assert closed == f"បន្ទប់ {opened.code} {i18n.text('room_state_closed', 'km')}"
    assert english_on(closed) == []
