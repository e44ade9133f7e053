"""The projector view (``?view=projector&room=CODE``): big type for the back of the room.

The quorum gauge (the most support an option has against the threshold), the tally bars with
numbers, who has answered, and the council map: seats grouped by stakeholder group, each seat
showing its option's letter in its colour (Okabe-Ito), so no one needs to tell colours apart.
"""

from __future__ import annotations

from html import escape

import streamlit as st

from council.contracts.choices import Language
from council.contracts.principles import GROUPS
from council.contracts.room import RoomStatus
from council.present.i18n import group_name, text
from council.present.room import board_in, round_name, waiting_line
from council.session import room as rooms
from council.ui.room.common import (
    POLL_S,
    colour,
    db,
    error_text,
    letter,
    tick,
)
from council.ui.state import lang

STYLE = """
<style>
.pj {font-size: 1.6rem; line-height: 1.5}
.pj h1 {font-size: 3rem; margin: 0}
.pj .row {display: flex; align-items: center; gap: .6rem; margin: .3rem 0}
.pj .lab {width: 16rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap}
.pj .bar {height: 2.2rem; border-radius: .3rem; min-width: .3rem}
.pj .gauge {position: relative; height: 2.6rem; background: #E6E7E8; border-radius: .3rem}
.pj .fill {position: absolute; left: 0; top: 0; bottom: 0; background: #0072B2;
           border-radius: .3rem}
.pj .mark {position: absolute; top: -.4rem; bottom: -.4rem; width: .35rem; background: #000}
.pj .groups {display: flex; gap: 1rem; flex-wrap: wrap}
.pj .group {flex: 1; min-width: 14rem; border: 2px solid #686255; border-radius: .5rem;
            padding: .5rem}
.pj .seat {display: inline-block; margin: .2rem; padding: .1rem .6rem; border-radius: .4rem;
           color: #fff; font-weight: 700; text-shadow: 0 0 2px #000}
</style>
"""


def board_html(status: RoomStatus, language: Language = "en") -> str:
    """The projector's content for a room as it stands, as HTML, in ``language``."""
    found = status.room
    board = board_in(found.board, found.settings.config.scenario, language)
    title = text("room_title", language, code=found.code)
    out = [STYLE, '<div class="pj">', f"<h1>{escape(title)}</h1>"]
    if found.state == "waiting":
        label = round_name(found.round, language)
        waiting = waiting_line(status, language)
        out.append(f"<p><b>{escape(label[:1].upper() + label[1:])}</b> · {escape(waiting)}</p>")
    elif rooms.finished(found):
        decided = found.decided
        words = (
            text(
                "room_decided",
                language,
                option=f"{letter(board, decided)} · {escape(board.options.get(decided, decided))}",
            )
            if decided
            else text("room_no_quorum", language)
        )
        out.append(f"<p><b>{words}</b></p>")
    else:
        out.append(f"<p>{escape(text(f'room_state_{found.state}', language))}</p>")
    # Quorum gauge: the most support any option has in the last ballot, against t.
    best = max(board.support.values(), default=0)
    t = max(board.quorum, 1)
    span = max(board.size, 1)
    gauge = text("room_quorum_gauge", language, best=best, quorum=board.quorum, size=board.size)
    aria = escape(text("room_gauge_label", language, best=best, quorum=t))
    out.append(
        f"<p>{gauge}{'' if board.ballots else text('room_no_ballot', language)}</p>"
        f'<div class="gauge" role="img" aria-label="{aria}">'
        f'<div class="fill" style="width:{100 * best / span:.1f}%"></div>'
        f'<div class="mark" style="left:{100 * t / span:.1f}%"></div></div>'
    )
    # Tally bars with numbers: first choices in the last round.
    top = max(board.tally.values(), default=0) or 1
    out.append(f"<p>{escape(text('room_last_round', language, rounds=board.rounds))}</p>")
    for option, name in board.options.items():
        n = board.tally.get(option, 0)
        out.append(
            f'<div class="row"><span class="lab">{letter(board, option)} · {escape(name)}</span>'
            f'<span class="bar" style="width:{40 * n / top:.1f}%;'
            f'background:{colour(board, option)}">'
            f"</span><b>{n}</b></div>"
        )
    # Who has answered (while the council waits for people).
    if found.state == "waiting":
        marks = " · ".join(
            f"{'✔' if s in status.answered else '…'} "
            + escape(status.people.get(s, text("room_nobody_joined", language, seat=s)))
            for s in found.waiting
        )
        out.append(f"<p>{text('room_answered', language, marks=marks)}</p>")
    out.append(_map(status, language))
    out.append("</div>")
    return "\n".join(out)


def _map(status: RoomStatus, language: Language) -> str:
    """Seats grouped by stakeholder group, each with the letter of its last option."""
    board = board_in(status.room.board, status.room.settings.config.scenario, language)
    last = board.latest
    parts = ['<div class="groups">']
    for group in GROUPS:
        seats = [s for s, g in sorted(board.groups.items()) if g == group]
        if not seats:
            continue
        parts.append(f'<div class="group"><b>{escape(group_name(group, language))}</b><br>')
        for s in seats:
            option = last.get(s)
            tag = letter(board, option) if option else "·"
            fill = colour(board, option) if option else "#686255"
            name = escape(board.names.get(s, ""))
            parts.append(
                f'<span class="seat" style="background:{fill}" title="{name}">{s}: {tag}</span>'
            )
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


def projector(code: str) -> None:
    """The projector view, polling the room."""
    try:
        rooms.room(db(), code)
    except rooms.RoomError as err:
        st.error(error_text(err))
        return
    _live(code)


@st.fragment(run_every=POLL_S)
def _live(code: str) -> None:
    st.html(board_html(tick(rooms.status(db(), code)), lang()))
