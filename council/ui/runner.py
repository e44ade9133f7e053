"""Starting and advancing a run from a page, with live progress as its phases finish."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import streamlit as st

from council.contracts.config import RunConfig
from council.library.loader import LoadError
from council.present.i18n import llm_progress
from council.rules.registry import SpecError
from council.ui.state import db, remember_run, tr

if TYPE_CHECKING:
    from council.reasoners.human import HumanAnswer
    from council.reasoners.llm.endpoints import Transport
    from council.session.interactive import Pause

Progress = Callable[[dict[str, Any]], None]


def _line(event: dict[str, Any]) -> str:
    if event.get("kind") == "seat":
        if event.get("option") is None:
            return tr("progress_seat_failed", **event)
        return tr("progress_seat", **{**event, "confidence": event.get("confidence") or 0.0})
    if event.get("kind") == "round":
        return tr("progress_round", round=event.get("round"))
    if event.get("kind") == "ballot":
        return tr("progress_ballot", ballot=event.get("ballot"), committed=event.get("committed"))
    if event.get("kind") == "llm":
        return tr("progress_llm", **llm_progress(event))
    return " · ".join(f"{k} {v}" for k, v in event.items() if k != "kind")


def _advance(config: RunConfig, go: Callable[[Progress], Pause]) -> None:
    from council.reasoners.llm.errors import EndpointError

    expected = config.rounds + 2  # the opening, the rounds, one ballot: more only if it fails
    with st.status(tr("deliberating"), expanded=True) as status:
        bar = st.progress(0.0)
        seen: list[dict[str, Any]] = []

        def progress(event: dict[str, Any]) -> None:
            # Each LLM seat's statement shows as its reply arrives, not at the phase's end.
            if event.get("kind") not in ("seat", "llm"):
                seen.append(event)
                bar.progress(min(len(seen) / expected, 1.0))
            st.write(_line(event))

        try:
            pause = go(progress)
        except EndpointError as err:  # the preflight: nothing ran
            status.update(label=tr("progress_error"), state="error")
            st.error(tr("endpoint_error", error=str(err)))
            return
        except (SpecError, LoadError, ValueError) as err:
            status.update(state="error")
            st.error(str(err))
            return
        done = pause.kind == "done"
        failed = pause.record is not None and pause.record.outcome.status == "error"
        bar.progress(1.0 if done else min(len(seen) / expected, 1.0))
        if failed:
            status.update(label=tr("progress_error"), state="error", expanded=False)
        else:
            label = tr("progress_done" if done else "progress_paused")
            status.update(label=label, state="complete", expanded=False)
    st.session_state["pause"] = pause
    if pause.record is not None:
        remember_run(pause.record.run_id)


def begin(config: RunConfig, *, step: bool, transport: Transport | None = None) -> None:
    """Start a run; it goes on to its end, a person's turn or (``step``) the end of a round."""
    from council.session.interactive import (
        start,  # the graph loads on the first run, not the first page
    )

    st.session_state["run_config"] = config
    st.session_state["run_transport"] = transport  # for every later step of this run
    key = st.session_state.get("api_key") or None  # held in this session only, never stored
    _advance(
        config,
        lambda progress: start(
            config, db=db(), step=step, progress=progress, api_key=key, transport=transport
        ),
    )


def resume(
    pause: Pause,
    config: RunConfig,
    *,
    step: bool,
    answers: dict[int, HumanAnswer] | None = None,
) -> None:
    """Go on with a paused run (giving the people's answers where they were asked)."""
    from council.session.interactive import proceed

    key = st.session_state.get("api_key") or None  # the same key, every step of the run
    transport = st.session_state.get("run_transport")
    _advance(
        config,
        lambda progress: proceed(
            pause.run_id,
            db=db(),
            answers=answers,
            step=step,
            progress=progress,
            api_key=key,
            transport=transport,
        ),
    )
