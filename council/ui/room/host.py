"""The facilitator's screens: Open a room, and the room console.

The console shows the code, the QR code, who has answered, and lets the facilitator move on,
reveal, close; then the leaderboard and the handout with who played what.

Only a session holding the room's facilitator key sees the console; the key is shown once when
the room opens (or is ``COUNCIL_FACILITATOR_KEY``) and kept in this browser session only.
"""

from __future__ import annotations

import io
import json
import time

import segno
import streamlit as st

from council.contracts.config import RunConfig, default_of
from council.contracts.room import Room, RoomSettings
from council.library.catalog import load_library
from council.present.i18n import option_labels, scenario_title
from council.present.room import handout, role_name, round_name, waiting_line
from council.reasoners.llm.errors import EndpointError
from council.session import room as rooms
from council.session import room_keys
from council.session import room_scores as scores
from council.store import Store
from council.ui.plain import md
from council.ui.room.common import (
    POLL_S,
    db,
    error_text,
    follow,
    seen_key,
    tick,
    version,
)
from council.ui.room.trainee import leaderboard
from council.ui.state import lang, tr
from council.ui.view import decision_card

KEYS = "room_keys"
"""Session key: room code -> the facilitator key this session holds."""
FRESH = "room_fresh_key"
"""Session key: room code -> a key just made, shown until the facilitator dismisses it."""


TOKENS = "room_host_tokens"
"""Session key: room code -> this browser's facilitator token (see ``room_keys``)."""


def browser_token(code: str) -> str | None:
    """The facilitator token this browser sent in its session cookie for the room, if any."""
    cookies = st.context.cookies
    value = cookies.get(room_keys.COOKIE_PREFIX + code.upper()) if cookies else None
    return str(value) if value else None


def holds_key(code: str) -> bool:
    """Whether this session is the room's facilitator (this session, or this browser's cookie).

    A reload is a new session: the browser's session cookie carries the facilitator token that
    this server process holds, so the facilitator does not type the key again.
    """
    code = code.upper()
    if code in st.session_state.get(KEYS, {}):
        return True
    token = browser_token(code)
    if room_keys.is_host(code, token):
        st.session_state.setdefault(KEYS, {})[code] = None  # the key itself stays unknown
        st.session_state.setdefault(TOKENS, {})[code] = token
        return True
    return False


def _keep_key(code: str, key: str) -> None:
    st.session_state.setdefault(KEYS, {})[code] = key
    st.session_state.setdefault(TOKENS, {})[code] = room_keys.keep_host(code)


def _set_cookie(code: str) -> None:
    """Keep this browser's facilitator token in a session cookie (gone when the browser closes).

    Streamlit cannot set a cookie from the server, so the page sets it; the token is not the
    key and opens the console only while this server process runs.
    """
    token = st.session_state.get(TOKENS, {}).get(code)
    if not token:
        return
    cookie = f"{room_keys.COOKIE_PREFIX}{code}={token}; path=/; SameSite=Strict"
    st.html(
        f"<script>document.cookie = {json.dumps(cookie)};</script>",
        unsafe_allow_javascript=True,
        width="content",
    )


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
    language = lang()
    scenario = st.selectbox(
        tr("scenario"),
        scenarios,
        format_func=lambda s: f"{scenario_title(library.scenarios[s], language)} ({s})",
        key="room_scenario",
    )
    labels = option_labels(library.scenarios[scenario], language)
    options = list(labels)

    def named(role: str) -> str:
        return role_name(role, language, labels)

    left, middle, right = st.columns(3)
    size = int(left.number_input(tr("room_size"), 4, 60, 12, key="room_size"))
    people = int(middle.number_input(tr("room_people"), 1, size, min(4, size), key="room_people"))
    rounds = int(
        right.number_input(tr("room_rounds"), 0, 10, int(default_of("rounds")), key="room_rounds")
    )
    st.markdown(tr("room_roles"))
    roles: dict[int, str] = {}
    specs = role_specs(options)
    columns = st.columns(min(people, 4))
    for seat in range(people):
        role = columns[seat % len(columns)].selectbox(
            tr("room_seat", seat=seat), specs, format_func=named, key=f"room_role_{seat}"
        )
        if role != "honest":
            roles[seat] = role
    left, middle, right = st.columns(3)
    auto = int(left.number_input(tr("room_auto"), 0, size - people, 0, key="room_auto"))
    fault = middle.selectbox(tr("room_auto_fault"), specs[1:], format_func=named, key="room_fault")
    timer = int(right.number_input(tr("room_timer"), 0, 3600, 0, key="room_timer"))
    llm = st.toggle(tr("room_llm"), key="room_llm")
    llm_settings: dict[str, object] = {}
    api_key = ""
    if llm:
        left, right = st.columns(2)
        base_url = left.text_input(tr("room_base_url"), key="room_base_url")
        model = right.text_input(tr("room_model"), value="gpt-4o-mini", key="room_model")
        api_key = st.text_input(tr("room_api_key"), type="password", key="room_api_key")
        llm_settings = {"backend": "openai", "model": model or None, "base_url": base_url or None}
        st.caption(tr("room_key_note"))
    if not st.button(tr("room_open"), type="primary", key="room_open"):
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
                language=language,  # the offline seats' rationales and the plan
                **llm_settings,
            ),
            timer_s=timer or None,
        )
        opened, key = rooms.open_room(db(), settings, api_key=api_key or None)
    except rooms.RoomError as err:
        st.error(error_text(err))
        return
    except (ValueError, EndpointError) as err:
        st.error(md(str(err).splitlines()[0]))
        return
    _keep_key(opened.code, key)
    st.session_state.setdefault(FRESH, {})[opened.code] = key
    st.query_params["room"] = opened.code
    st.rerun()


def key_form(code: str) -> None:
    """Come back to a room's console after a reload: its code and the facilitator key."""
    with st.form("room_host_key"):
        typed = st.text_input(tr("room_code"), value=code, max_chars=6, key="host_code")
        key = st.text_input(tr("room_host_key"), type="password", key="host_key")
        if not st.form_submit_button(tr("room_open_console")):
            return
    if rooms.is_facilitator(db(), typed, key):
        _keep_key(typed.strip().upper(), key)
        st.query_params["room"] = typed.strip().upper()
        st.rerun()
    st.error(tr("room_bad_key"))


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
    _set_cookie(found.code)
    st.title(tr("room_title", code=found.code))
    fresh = st.session_state.get(FRESH, {})
    if found.code in fresh:
        st.warning(tr("room_fresh_key", key=fresh[found.code]))
        if st.button(tr("room_key_noted"), key="room_key_noted"):
            fresh.pop(found.code)
            st.rerun()
    url = join_url(found.code)
    code_col, qr_col = st.columns([2, 1])
    with code_col:
        st.markdown(tr("room_code_line", code=found.code))
        st.markdown(tr("room_join_line", url=url))
        st.markdown(tr("room_projector_line", code=found.code))
    qr_col.image(qr_png(url), caption=tr("room_scan"), width=200)
    _llm_key_form(found)
    _live(found.code)
    move, close_col = st.columns(2)
    if found.state == "waiting" and move.button(tr("room_move"), key="room_move"):
        try:
            rooms.advance(db(), found.code, force=True)
        except rooms.RoomError as err:
            st.error(tr("room_could_not", error=error_text(err)))
        except Exception as err:  # noqa: BLE001 - shown, and the room stays usable
            st.error(tr("room_could_not", error=md(str(err).splitlines()[0])))
        else:
            st.rerun()
    if found.state != "closed" and close_col.button(tr("room_close"), key="room_close"):
        rooms.close(db(), found.code)
        st.rerun()
    reveal = st.toggle(tr("room_reveal"), key=f"room_{found.code}_reveal")
    if reveal:
        _reveal(found.code)
    if rooms.finished(found):
        record = Store(db()).get_run(found.run_id)
        decision_card(record)
        played = [(m.name, m.seat, role) for m, role in scores.who_played_what(db(), found.code)]
        st.download_button(
            tr("room_download"),
            handout(record, played, lang=lang()),
            file_name=f"room-{found.code}.md",
            mime="text/markdown",
            key="room_handout",
            on_click="ignore",
        )


def _llm_key_form(found: Room) -> None:
    """Ask for the room's LLM key again when this process holds none (the server restarted)."""
    config = found.settings.config
    if config.backend != "openai" or found.state in ("done", "closed"):
        return
    if rooms.server_key(config, room_keys.llm_key(found.code)) is not None:
        return
    with st.form("room_llm_key"):
        st.warning(tr("room_llm_key_lost"))
        typed = st.text_input(tr("room_api_key"), type="password", key="room_llm_key_again")
        kept = st.form_submit_button(tr("room_keep_llm_key"))
    if kept and typed:
        room_keys.keep_llm_key(found.code, typed)
        st.rerun()


def _reveal(code: str) -> None:
    """Who plays what (people and automated faulty seats): for the facilitator only."""
    found = rooms.room(db(), code)
    library = load_library()
    scenario = library.scenarios.get(found.settings.config.scenario)
    labels = option_labels(scenario, lang()) if scenario is not None else {}
    seat, name, role_ = (tr(f"room_col_{c}") for c in ("seat", "name", "role"))
    rows: list[dict[str, object]] = [
        {seat: m.seat, name: m.name, role_: role_name(role, lang(), labels)}
        for m, role in scores.who_played_what(db(), code)
    ]
    if rooms.finished(found):
        for faulty in sorted(scores.faulty_seats(db(), found)):
            if faulty not in found.settings.config.human_seats:
                rows.append({seat: faulty, name: tr("room_automated"), role_: tr("room_faulty")})
    st.table(rows)


@st.fragment(run_every=POLL_S)
def _live(code: str) -> None:
    """Who has answered, the timer, and the run moved on when the timer runs out."""
    status = tick(rooms.status(db(), code))
    found = status.room
    follow(status)
    language = lang()
    line = tr("room_state_line", state=tr(f"room_state_{found.state}"))
    if found.state == "waiting":
        line += f" · {round_name(found.round, language)} · {waiting_line(status, language)}"
        if found.settings.timer_s:
            left = max(0, int(found.settings.timer_s - (time.time() - found.turn_started)))
            line += " · " + tr("room_left", left=left)
    st.markdown(line)
    seats = found.settings.config.human_seats
    st.markdown(
        " · ".join(
            f"{'✅' if s in status.answered else '⏳'} "
            + md(status.people.get(s, tr("room_free", seat=s)))
            for s in seats
        )
    )
    if found.error:
        st.error(tr("room_stopped", error=md(found.error)))
    if rooms.finished(found):
        leaderboard(scores.leaderboard(db(), code))  # live: guesses come in as trainees send
