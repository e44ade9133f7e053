"""The facilitator's screens: Open a room, and the room console.

The console shows the code, the QR code, who has answered, and lets the facilitator move on,
reveal, close; then the leaderboard and the handout with who played what.

Only a session holding the room's facilitator key sees the console; the key is shown once when
the room opens (or is ``COUNCIL_FACILITATOR_KEY``) and kept in this browser session only.
"""

from __future__ import annotations

import io
import time

import segno
import streamlit as st

from council.contracts.config import RunConfig, default_of
from council.contracts.room import RoomSettings
from council.library.catalog import load_library
from council.present.room import handout, role_name
from council.reasoners.llm.errors import EndpointError
from council.session import room as rooms
from council.session import room_scores as scores
from council.store import Store
from council.ui.plain import md
from council.ui.room.common import POLL_S, db, follow, seen_key, tick, version, waiting_line
from council.ui.room.trainee import leaderboard
from council.ui.view import decision_card

KEYS = "room_keys"
"""Session key: room code -> the facilitator key this session holds."""
FRESH = "room_fresh_key"
"""Session key: room code -> a key just made, shown until the facilitator dismisses it."""


def holds_key(code: str) -> bool:
    """Whether this session is the room's facilitator."""
    return code.upper() in st.session_state.get(KEYS, {})


def _keep_key(code: str, key: str) -> None:
    st.session_state.setdefault(KEYS, {})[code] = key


def role_specs(option_ids: list[str]) -> list[str]:
    """Every role a person can be given in a scenario with these options."""
    return [
        "honest",
        "equivocate",
        *(f"{r}:{o}" for r in ("persuader", "collude", "stubborn") for o in option_ids),
    ]


def open_form() -> None:
    """Open a room: scenario, council, the people's seats and their secret roles, timer."""
    library = load_library()
    scenarios = sorted(library.scenarios)
    scenario = st.selectbox(
        "Scenario",
        scenarios,
        format_func=lambda s: f"{library.scenarios[s].title} ({s})",
        key="room_scenario",
    )
    options = list(library.scenarios[scenario].option_ids)
    left, middle, right = st.columns(3)
    size = int(left.number_input("Council size", 4, 60, 12, key="room_size"))
    people = int(middle.number_input("People (trainees)", 1, size, min(4, size), key="room_people"))
    rounds = int(right.number_input("Rounds", 0, 10, int(default_of("rounds")), key="room_rounds"))
    st.markdown("**Secret roles** (each trainee sees only their own)")
    roles: dict[int, str] = {}
    specs = role_specs(options)
    columns = st.columns(min(people, 4))
    for seat in range(people):
        role = columns[seat % len(columns)].selectbox(
            f"Seat {seat}", specs, format_func=role_name, key=f"room_role_{seat}"
        )
        if role != "honest":
            roles[seat] = role
    left, middle, right = st.columns(3)
    auto = int(left.number_input("Automated faulty seats", 0, size - people, 0, key="room_auto"))
    fault = middle.selectbox("Their fault", specs[1:], format_func=role_name, key="room_fault")
    timer = int(right.number_input("Round timer, seconds (0: none)", 0, 3600, 0, key="room_timer"))
    llm = st.toggle(
        "The other seats speak through an LLM (OpenAI-compatible endpoint)", key="room_llm"
    )
    llm_settings: dict[str, object] = {}
    if llm:
        left, right = st.columns(2)
        base_url = left.text_input("Base URL (empty: OpenAI)", key="room_base_url")
        model = right.text_input("Model", value="gpt-4o-mini", key="room_model")
        llm_settings = {"backend": "openai", "model": model or None, "base_url": base_url or None}
        st.caption(
            "The key is the server's OPENAI_API_KEY (any trainee's answer may move the run on, "
            "so no browser's key is used); it is never stored."
        )
    if not st.button("Open the room", type="primary", key="room_open"):
        return
    try:
        settings = RoomSettings(
            config=RunConfig(
                scenario=scenario,
                size=size,
                rounds=rounds,
                byzantine=auto,
                fault=fault,
                human_seats=tuple(range(people)),
                person_faults=roles,
                **llm_settings,
            ),
            timer_s=timer or None,
        )
        opened, key = rooms.open_room(db(), settings)
    except (ValueError, rooms.RoomError, EndpointError) as err:
        st.error(md(str(err).splitlines()[0]))
        return
    _keep_key(opened.code, key)
    st.session_state.setdefault(FRESH, {})[opened.code] = key
    st.query_params["room"] = opened.code
    st.rerun()


def key_form(code: str) -> None:
    """Come back to a room's console after a reload: its code and the facilitator key."""
    with st.form("room_host_key"):
        typed = st.text_input("Room code", value=code, max_chars=6, key="host_code")
        key = st.text_input("Facilitator key", type="password", key="host_key")
        if not st.form_submit_button("Open the console"):
            return
    if rooms.is_facilitator(db(), typed, key):
        _keep_key(typed.strip().upper(), key)
        st.query_params["room"] = typed.strip().upper()
        st.rerun()
    st.error("That key does not open this room.")


def join_url(code: str) -> str:
    """The address trainees open (this server, as the facilitator's browser reached it)."""
    host = st.context.headers.get("Host") or "localhost:8501"
    return f"http://{host}/room?room={code}"


def qr_png(url: str) -> bytes:
    """A QR code of the join address, as PNG."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=8, border=2)
    return out.getvalue()


def console(code: str) -> None:
    """The room console."""
    status = rooms.status(db(), code)
    found = status.room
    st.session_state[seen_key(found.code)] = version(status)
    st.title(f"Room {found.code}")
    fresh = st.session_state.get(FRESH, {})
    if found.code in fresh:
        st.warning(
            f"Facilitator key: `{fresh[found.code]}`. Note it: it opens this console from "
            "another browser. It is not shown again."
        )
        if st.button("I have noted the key", key="room_key_noted"):
            fresh.pop(found.code)
            st.rerun()
    url = join_url(found.code)
    code_col, qr_col = st.columns([2, 1])
    with code_col:
        st.markdown(f"Room code: **{found.code}**")
        st.markdown(f"Trainees open `{url}` (or scan the code) and enter their name.")
        st.markdown(f"Projector: `?view=projector&room={found.code}` on this page's address.")
    qr_col.image(qr_png(url), caption="Scan to join", width=200)
    _live(found.code)
    move, close_col = st.columns(2)
    if found.state == "waiting" and move.button("Move on now", key="room_move"):
        try:
            rooms.advance(db(), found.code, force=True)
        except Exception as err:  # noqa: BLE001 - shown, and the room stays usable
            st.error(f"The council could not go on: {md(str(err).splitlines()[0])}")
        else:
            st.rerun()
    if found.state != "closed" and close_col.button("Close the room", key="room_close"):
        rooms.close(db(), found.code)
        st.rerun()
    reveal = st.toggle("Reveal who plays what", key=f"room_{found.code}_reveal")
    if reveal:
        _reveal(found.code)
    if rooms.finished(found):
        record = Store(db()).get_run(found.run_id)
        decision_card(record)
        played = [(m.name, m.seat, role) for m, role in scores.who_played_what(db(), found.code)]
        st.download_button(
            "Download the handout (with who played what)",
            handout(record, played),
            file_name=f"room-{found.code}.md",
            mime="text/markdown",
            key="room_handout",
            on_click="ignore",
        )


def _reveal(code: str) -> None:
    """Who plays what (people and automated faulty seats): for the facilitator only."""
    found = rooms.room(db(), code)
    rows = [
        {"seat": m.seat, "name": m.name, "role": role_name(role)}
        for m, role in scores.who_played_what(db(), code)
    ]
    if rooms.finished(found):
        for seat in sorted(scores.faulty_seats(db(), found)):
            if seat not in found.settings.config.human_seats:
                rows.append({"seat": seat, "name": "(automated)", "role": "faulty"})
    st.table(rows)


@st.fragment(run_every=POLL_S)
def _live(code: str) -> None:
    """Who has answered, the timer, and the run moved on when the timer runs out."""
    status = tick(rooms.status(db(), code))
    found = status.room
    follow(status)
    round_no = "the opening" if found.round == 0 else f"round {found.round}"
    line = f"State: **{found.state}**"
    if found.state == "waiting":
        line += f" · {round_no} · {waiting_line(status)}"
        if found.settings.timer_s:
            left = max(0, int(found.settings.timer_s - (time.time() - found.turn_started)))
            line += f" · {left} s left"
    st.markdown(line)
    seats = found.settings.config.human_seats
    st.markdown(
        " · ".join(
            f"{'✅' if s in status.answered else '⏳'} {md(status.people.get(s, f'seat {s}'))}"
            + ("" if s in status.people else " (free)")
            for s in seats
        )
    )
    if found.error:
        st.error(f"The council stopped: {md(found.error)}")
    if rooms.finished(found):
        leaderboard(scores.leaderboard(db(), code))  # live: guesses come in as trainees send
