"""Spot the faulty seats: the trainee marks suspects; the library scores and explains."""

from __future__ import annotations

import streamlit as st

from council.contracts.record import RunRecord
from council.library.catalog import load_library
from council.present.exercise import GuessScore, Tell, score_guess
from council.present.figures import SeatLabel, seat_labels
from council.ui.look import FAULTY
from council.ui.plain import md
from council.ui.state import lang, lang_key, tr


def exercise(record: RunRecord, key: str, *, reveal: bool) -> None:
    """The exercise for a finished run (played while the faulty seats are hidden)."""
    st.subheader(tr("exercise"))
    if reveal:
        st.caption(tr("exercise_revealed"))
        return
    st.caption(tr("exercise_help"))
    labels = seat_labels(record.council.seats, load_library(), lang())
    kept = f"{key}_{record.run_id}_suspects"
    suspects = st.multiselect(
        tr("suspects"),
        list(labels),
        default=st.session_state.get(kept, []),
        placeholder=tr("choose_seats"),
        format_func={
            s: f"{tr('seat', seat=s)} · {label.name}" for s, label in labels.items()
        }.__getitem__,
        key=lang_key(kept),
    )
    st.session_state[kept] = suspects
    guesses: dict[str, GuessScore] = st.session_state["guesses"]
    if st.button(tr("check_guess"), key=f"{key}_{record.run_id}_check"):
        guesses[record.run_id] = score_guess(record, suspects, lang())
    if record.run_id in guesses:  # explained again in the language now shown
        show_score(score_guess(record, guesses[record.run_id].suspects, lang()), labels)


def reveal_toggle() -> None:
    """The facilitator's switch that reveals the faulty seats, drawn under the exercise.

    It lives with a finished run, never in the sidebar: a trainee at a seat never sees it.
    """
    st.toggle(tr("reveal_here"), key="reveal")


def _seats(seats: list[int], labels: dict[int, SeatLabel]) -> str:
    return ", ".join(f"{s} ({md(labels[s].name)})" for s in seats) or "—"


def _tell(tell: Tell, labels: dict[int, SeatLabel]) -> None:
    mark = ""
    if tell.behaviour != "honest":
        mark = f" — {FAULTY} {tr('faulty_mark', behaviour=tell.behaviour)}"
    st.markdown(f"**{tr('seat', seat=tell.seat)} · {md(labels[tell.seat].name)}**{mark}")
    st.markdown("\n".join(f"- {md(line)}" for line in tell.lines))


def show_score(guess: GuessScore, labels: dict[int, SeatLabel]) -> None:
    """The score, what was found and missed, and each faulty seat's tell-tale behaviour."""
    score, found, missed, wrong = st.columns(4)
    score.metric(tr("score"), f"{guess.score:.0%}")
    found.metric(tr("found"), len(guess.hits))
    missed.metric(tr("missed"), len(guess.missed))
    wrong.metric(tr("false_alarms"), len(guess.false_alarms))
    st.markdown(
        tr(
            "guess_summary",
            hits=len(guess.hits),
            faulty=len(guess.faulty),
            false=len(guess.false_alarms),
        )
    )
    st.caption(f"{tr('missed')}: {_seats(guess.missed, labels)}")
    if guess.tells:
        st.markdown(f"##### {tr('tells')}")
        for tell in guess.tells:
            _tell(tell, labels)
    if guess.cleared:
        st.markdown(f"##### {tr('was_honest')}")
        for tell in guess.cleared:
            _tell(tell, labels)
