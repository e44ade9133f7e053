"""Starting and advancing a run from a page, with live progress as its phases finish."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import streamlit as st

from council.config import RunConfig
from council.i18n import llm_progress
from council.loader import LoadError
from council.registry import SpecError
from council.ui.state import db, remember_run, tr

if TYPE_CHECKING:
    from council.human import HumanAnswer
    from council.interactive import Pause

Progress = Callable[[dict[str, Any]], None]


def _line(event: dict[str, Any]) -> str:
    if event.get("kind") == "round":
        return tr("progress_round", round=event.get("round"))
    if event.get("kind") == "ballot":
        return tr("progress_ballot", ballot=event.get("ballot"), committed=event.get("committed"))
    if event.get("kind") == "llm":
        return tr("progress_llm", **llm_progress(event, st.session_state.get("run_config")))
    return " · ".join(f"{k} {v}" for k, v in event.items() if k != "kind")


def _advance(config: RunConfig, go: Callable[[Progress], Pause]) -> None:
    expected = config.rounds + 2  # the opening, the rounds, one ballot: more only if it fails
    with st.status(tr("deliberating"), expanded=True) as status:
        bar = st.progress(0.0)
        seen: list[dict[str, Any]] = []

        def progress(event: dict[str, Any]) -> None:
            seen.append(event)
            bar.progress(min(len(seen) / expected, 1.0))
            st.write(_line(event))

        try:
            pause = go(progress)
        except (SpecError, LoadError, ValueError) as err:
            status.update(state="error")
            st.error(str(err))
            return
        done = pause.kind == "done"
        bar.progress(1.0 if done else min(len(seen) / expected, 1.0))
        label = tr("progress_done" if done else "progress_paused")
        status.update(label=label, state="complete", expanded=False)
    st.session_state["pause"] = pause
    if pause.record is not None:
        remember_run(pause.record.run_id)


def begin(config: RunConfig, *, step: bool) -> None:
    """Start a run; it goes on to its end, a person's turn or (``step``) the end of a round."""
    from council.interactive import start  # the graph loads on the first run, not the first page

    st.session_state["run_config"] = config
    key = st.session_state.get("api_key") or None  # held in this session only, never stored
    _advance(
        config,
        lambda progress: start(config, db=db(), step=step, progress=progress, api_key=key),
    )


def resume(
    pause: Pause,
    config: RunConfig,
    *,
    step: bool,
    answers: dict[int, HumanAnswer] | None = None,
) -> None:
    """Go on with a paused run (giving the people's answers where they were asked)."""
    from council.interactive import proceed

    key = st.session_state.get("api_key") or None
    _advance(
        config,
        lambda progress: proceed(
            pause.run_id, db=db(), answers=answers, step=step, progress=progress, api_key=key
        ),
    )
