"""The trainee's screens: Join, then Your seat, then Spot the faulty seats.

Join takes the code and a name; Your seat shows the persona, the brief and the round's form;
once the council has decided, Spot the faulty seats and the leaderboard.
"""

from __future__ import annotations

import streamlit as st

from council.contracts.record import RunRecord
from council.contracts.room import Member, RoomStatus, Score, Told
from council.library.catalog import load_library
from council.present.i18n import (
    group_name,
    scenario_facts,
    scenario_summary,
    scenario_title,
    text,
)
from council.present.room import brief, groups_to_tell, round_name, waiting_line
from council.reasoners.human import HumanPrompt
from council.room_store import RoomStore
from council.session import room as rooms
from council.session import room_scores
from council.store import Store
from council.ui.plain import md
from council.ui.room.common import (
    POLL_S,
    db,
    error_text,
    follow,
    letter,
    option_text,
    seen_key,
    shown,
    tick,
    version,
)
from council.ui.state import lang, tr
from council.ui.view import decision_card

SAME = ""
"""A group told the same as the person's own option."""


def join_form(code: str = "") -> None:
    """Join a room: its code and a display name; the seat's link then holds the token."""
    with st.form("room_join"):
        typed = st.text_input(tr("room_code"), value=code, max_chars=6, key="join_code")
        name = st.text_input(tr("room_your_name"), max_chars=40, key="join_name")
        joined = st.form_submit_button(tr("room_join"), type="primary")
    if not joined:
        return
    try:
        member = rooms.join(db(), typed, name)
    except rooms.RoomError as err:
        st.error(error_text(err))
        return
    st.query_params["room"] = member.room
    st.query_params["seat"] = member.token
    st.rerun()


def seat_page(code: str, token: str) -> None:
    """Your seat: who you play, your secret brief, this round's form, then the exercise."""
    member = rooms.rejoin(db(), code, token)
    if member is None:
        st.error(tr("room_bad_link"))
        st.query_params.pop("seat", None)
        join_form(code)
        return
    status = rooms.status(db(), code)
    found = status.room
    st.session_state[seen_key(found.code)] = version(status)
    board = shown(status)
    role = rooms.role_of(found, member.seat)
    st.title(tr("room_title", code=found.code))
    persona = board.names.get(member.seat, tr("seat", seat=member.seat))
    group = group_name(board.groups.get(member.seat, ""), lang())
    st.markdown(
        tr(
            "room_you_play",
            name=md(member.name),
            persona=md(persona),
            group=group,
            seat=member.seat,
        )
    )
    if role == "honest":
        st.markdown(brief(role, board.options, lang()))
    else:
        st.warning(brief(role, board.options, lang()), icon=":material/visibility_off:")
    scenario = load_library().scenarios.get(found.settings.config.scenario)
    if scenario is not None:
        with st.expander(tr("room_the_scenario", title=md(scenario_title(scenario, lang())))):
            st.markdown(md(scenario_summary(scenario, lang())))
            st.markdown("\n".join(f"- {md(f)}" for f in scenario_facts(scenario, lang())))
    _live(found.code)
    if rooms.finished(found):
        _finished(status, member)
    elif found.state == "waiting" and member.seat in found.waiting:
        prompt = rooms.prompt_of(found, member.seat)
        assert prompt is not None
        if member.seat in status.answered:
            st.success(tr("room_statement_in"))
        _statement_form(member, prompt, role, status)
    elif found.state == "closed":
        st.info(tr("room_closed"))
    elif found.error:
        st.error(tr("room_stopped", error=md(found.error)))
    else:
        st.info(tr("room_others_speak"))


@st.fragment(run_every=POLL_S)
def _live(code: str) -> None:
    """Polls the room: the waiting line now, and the whole page again once the room moves."""
    status = tick(rooms.status(db(), code))
    follow(status)
    found = status.room
    if found.state == "waiting":
        st.info(
            tr(
                "room_round_line",
                round=round_name(found.round, lang()),
                waiting=waiting_line(status, lang()),
            )
        )


def _statement_form(member: Member, prompt: HumanPrompt, role: str, status: RoomStatus) -> None:
    """The round's statement; a person with a faulty role also says what each group hears."""
    board = shown(status)
    options = list(prompt.options)
    if prompt.heard:
        counts: dict[str, int] = {}
        for h in prompt.heard:
            counts[h.option] = counts.get(h.option, 0) + 1
        heard = " · ".join(f"{letter(board, o)}: **{counts.get(o, 0)}**" for o in options)
        st.markdown(tr("room_heard", counts=heard))
    key = f"room_{status.room.code}_{status.room.turn}"
    with st.form(key):
        best = max(prompt.own_view, key=lambda o: prompt.own_view[o])
        option = st.radio(
            tr("room_your_option"),
            options,
            index=options.index(best),
            format_func=lambda o: option_text(board, o),
            key=f"{key}_option",
        )
        confidence = st.slider(tr("room_how_sure"), 0.0, 1.0, 0.7, 0.05, key=f"{key}_conf")
        argument = st.text_area(tr("room_why"), max_chars=2000, key=f"{key}_arg")
        told: dict[str, Told] = {}
        groups = groups_to_tell(role)
        if groups:
            st.markdown(tr("room_each_group"))
            same = tr("room_same")
            for g in groups:
                left, right = st.columns([1, 2])
                said = left.selectbox(
                    group_name(g, lang()),
                    [SAME, *options],
                    format_func=lambda o: same if o == SAME else option_text(board, o),
                    key=f"{key}_{g}_option",
                )
                words = right.text_input(
                    tr("room_tell", group=group_name(g, lang())),
                    max_chars=2000,
                    key=f"{key}_{g}_arg",
                )
                told[g] = Told(option=str(option if said == SAME else said), argument=words)
        sent = st.form_submit_button(tr("room_send"), type="primary")
    if not sent:
        return
    if not argument.strip():
        st.error(tr("room_say_why"))
        return
    try:
        rooms.submit(
            db(),
            member.token,
            option=str(option),
            confidence=float(confidence),
            argument=argument,
            told=told or None,
        )
    except rooms.RoomError as err:
        st.error(error_text(err))
        return
    st.rerun()


def _finished(status: RoomStatus, member: Member) -> None:
    """The decision for everyone, then Spot the faulty seats and the leaderboard."""
    found = status.room
    record: RunRecord = Store(db()).get_run(found.run_id)
    decision_card(record)
    st.subheader(tr("room_spot"))
    board, language = shown(status), lang()
    others = [s for s in range(board.size) if s != member.seat]
    mine = next((g for g in RoomStore(db()).guesses(found.code) if g.token == member.token), None)
    with st.form(f"room_{found.code}_guess"):
        picked = st.multiselect(
            tr("room_which"),
            others,
            default=list(mine.seats) if mine else [],
            format_func=lambda s: text(
                "room_seat_pick", language, seat=s, name=board.names.get(s, "")
            ),
            key=f"room_{found.code}_suspects",
        )
        sent = st.form_submit_button(tr("room_send_guess"), type="primary")
    if sent:
        try:
            room_scores.guess(db(), member.token, list(picked))
        except rooms.RoomError as err:
            st.error(error_text(err))
        else:
            st.rerun()
    scores = room_scores.leaderboard(db(), found.code)
    you = next((s for s in scores if s.seat == member.seat), None)
    if you is not None:
        st.success(
            tr(
                "room_your_score",
                score=you.score,
                found=you.found,
                wrong=you.wrong,
                missed=you.missed,
            )
        )
    leaderboard(scores)


def leaderboard(scores: list[Score]) -> None:
    """The room's leaderboard, best first."""
    st.subheader(tr("room_leaderboard"))
    if not scores:
        st.caption(tr("room_no_guesses"))
        return
    columns = [tr(f"room_col_{c}") for c in ("rank", "name", "score", "found", "wrong", "missed")]
    st.table(
        [
            dict(zip(columns, (i + 1, s.name, s.score, s.found, s.wrong, s.missed), strict=True))
            for i, s in enumerate(scores)
        ],
    )
