"""Deliberate: pick a scenario and a council; run, step or sit in it live; read the decision.

What the app does and the Run button come first (above the fold on a phone), drawn before the
engine is even imported, so a cold server shows them sooner; the settings are folded under
their one-line summary. The run's id and the language live in the page's address, so a reload
(or a phone that slept) picks the run up where it was, a trainee's turn included.
"""

from __future__ import annotations

import streamlit as st

from council.contracts.config import RunConfig
from council.library.catalog import load_library
from council.ui.scenario import pick_scenario, show_scenario
from council.ui.state import pause, tr


def _stale(now: RunConfig | None, shown: object) -> bool:
    """Whether the settings on screen differ from those of the run shown (language aside)."""
    if now is None or not isinstance(shown, RunConfig):
        return False
    return now.model_copy(update={"language": shown.language}) != shown


def main() -> None:
    """The Deliberate page."""
    st.title(tr("page_deliberate"))
    st.markdown(tr("tagline"))
    library = load_library()
    scenario_id = pick_scenario(library)
    notes = st.container()  # why the settings cannot run, what to know before running
    pressed = st.button(tr("run"), type="primary", key="run", width="stretch")
    action = st.container()  # the run's progress, right under the button
    # The engine (numpy, networkx) and the views load once the first screen is on its way.
    from council.ui import runner
    from council.ui.form import run_form
    from council.ui.seat import ask
    from council.ui.spot import exercise, reveal_toggle
    from council.ui.view import decision_card, downloads, show_rounds, view_of_pause, view_of_record

    with notes:
        runner.restore()
    settings = run_form(library, scenario_id)
    step = bool(st.session_state["step"])
    current, config = pause(), st.session_state.get("run_config")
    with notes:
        if settings.error:
            st.warning(settings.error)
        for warning in settings.warnings:
            st.warning(warning, icon=":material/warning:")
    with action:
        if pressed and settings.config is None:
            st.error(tr("cannot_run", error=settings.error or ""))
        elif pressed:
            assert settings.config is not None
            runner.begin(settings.config, step=step, transport=settings.transport)
            current, config = pause(), st.session_state.get("run_config")
        elif current is not None and _stale(settings.config, config):
            st.warning(tr("stale"), icon=":material/history:")
    if current is None or not isinstance(config, RunConfig):
        show_scenario(library.scenarios[scenario_id])
        return
    with st.expander(tr("scenario")):
        show_scenario(library.scenarios[config.scenario])
    if current.record is not None:
        reveal = bool(st.session_state["reveal"])
        decision_card(current.record)
        downloads(current.record, "deliberate")
        show_rounds(view_of_record(current.record), "deliberate", reveal=reveal)
        exercise(current.record, "deliberate", reveal=reveal)
        reveal_toggle()
        return
    if current.kind == "human":
        answers = ask(current.prompts, current.run_id, current.rounds)
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
    show_rounds(view_of_pause(current, config), "deliberate", reveal=False)


if __name__ == "__main__":
    main()
