"""Deliberate: pick a scenario and a council; run, step or sit in it live; read the decision."""

from __future__ import annotations

import streamlit as st

from council.contracts.config import RunConfig
from council.library.catalog import load_library
from council.ui import runner
from council.ui.form import run_form
from council.ui.seat import ask
from council.ui.spot import exercise
from council.ui.state import pause, tr
from council.ui.view import decision_card, downloads, show_rounds, view_of_pause, view_of_record


def main() -> None:
    """The Deliberate page."""
    st.title(tr("page_deliberate"))
    settings = run_form(load_library())
    if settings.error:
        st.warning(settings.error)
    step, reveal = bool(st.session_state["step"]), bool(st.session_state["reveal"])
    if st.button(tr("run"), type="primary", disabled=settings.config is None, key="run"):
        assert settings.config is not None
        runner.begin(settings.config, step=step, transport=settings.transport)
    current, config = pause(), st.session_state.get("run_config")
    if current is None or not isinstance(config, RunConfig):
        return
    if current.record is not None:
        decision_card(current.record)
        downloads(current.record, "deliberate")
        show_rounds(view_of_record(current.record), "deliberate", reveal=reveal)
        exercise(current.record, "deliberate", reveal=reveal)
        return
    if current.kind == "human":
        answers = ask(current.prompts, current.run_id)
        if answers:
            runner.resume(current, config, step=step, answers=answers)
            st.rerun()
    else:
        st.info(tr("paused", rounds=len(current.rounds), ballots=len(current.ballots)))
        forward, finish = st.columns(2)
        if forward.button(tr("next_step"), key="next_step"):
            runner.resume(current, config, step=True)
            st.rerun()
        if finish.button(tr("run_to_end"), key="run_to_end"):
            runner.resume(current, config, step=False)
            st.rerun()
    show_rounds(view_of_pause(current, config), "deliberate", reveal=reveal)


if __name__ == "__main__":
    main()
