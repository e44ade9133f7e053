"""A round's transcript: every seat's statement as a chat message, and what an LLM seat was told.

Rationales, names and model ids are shown as text (``council.ui.plain``): a model's reply can
hold no image, link or HTML that the page would render.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import streamlit as st

from council.contracts.record import Round, Statement
from council.library.catalog import load_library
from council.present.figures import option_swatches, seat_labels
from council.ui.look import FAULTY, PERSON, group_icon, mark
from council.ui.plain import md
from council.ui.state import db, lang, tr

if TYPE_CHECKING:
    from council.store import Store
    from council.ui.view import RunView


def transcript(
    view: RunView, rnd: Round, *, reveal: bool, faulty: set[int], humans: set[int]
) -> None:
    """Every seat's statement in a round, as a chat message from its persona."""
    labels = seat_labels(view.seats, load_library(), lang())
    swatches = option_swatches(view.scenario.option_ids)
    behaviours = {s.seat: s.behaviour for s in view.seats}
    st.caption(tr("transcript"))
    store: Store | None = None  # opened once, for the LLM statements' exchanges
    with st.container(height=560, autoscroll=False):
        for statement in rnd.statements:
            label = labels[statement.seat]
            head = f"**{tr('seat', seat=statement.seat)} · {md(label.name)}**"
            if statement.option is None and statement.prompt_hash:
                said = f"_{tr('seat_silent')}_"  # an LLM that failed: silent, backing nothing
            elif statement.option is None:
                said = f"_{tr('said_nothing')}_"
            else:
                said = (
                    f"{mark(swatches[statement.option])} `{statement.option}` · "
                    f"{tr('confidence_short', value=statement.confidence)}"
                )
            marks = ""
            if reveal and statement.seat in faulty:
                marks += f" · {FAULTY} {tr('faulty_mark', behaviour=behaviours[statement.seat])}"
                if statement.sent and len(statement.sent) > 1:  # what it told whom, revealed
                    told = ", ".join(f"{n}× {md(o)}" for o, n in statement.sent.items())
                    marks += f" · {tr('told_mark', told=told)}"
            if statement.seat in humans:
                marks += f" · {PERSON} {tr('human_mark')}"
            if statement.model not in ("offline", "human"):
                marks += f" · {md(statement.model)}"
            rationale = md(statement.rationale)
            with st.chat_message(label.name, avatar=group_icon(label.group)):
                st.markdown(f"{head} — {said}{marks}")
                st.caption(rationale)
                if statement.prompt_hash:
                    if store is None:
                        from council.store import Store

                        store = Store(db())
                    told_and_said(statement, store)


def told_and_said(statement: Statement, store: Store) -> None:
    """The exact messages an LLM seat was sent and the raw reply it gave, from the store."""
    with st.expander(tr("told_and_said")):
        prompt = store.get_text(statement.prompt_hash or "")
        if prompt is None:
            st.caption(tr("exchange_missing"))
            return
        for message in json.loads(prompt):
            st.caption(message["role"])
            st.code(message["content"], language=None, wrap_lines=True)  # code: text as is
        reply = store.get_text(statement.reply_hash) if statement.reply_hash else None
        st.caption(tr("reply"))
        st.code(reply if reply is not None else tr("reply_none"), language=None, wrap_lines=True)
