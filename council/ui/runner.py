"""Starting and advancing a run from a page, with live progress as its phases finish."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

import streamlit as st

from council.contracts.config import RunConfig
from council.contracts.events import LlmUsage, ProgressEvent, SeatSpoke
from council.library.loader import LoadError
from council.present.progress import progress_text
from council.rules.registry import SpecError
from council.session.run_session import RunSession, new_run_id
from council.store import StoreError
from council.ui.plain import md
from council.ui.state import db, lang, remember_run, tr

if TYPE_CHECKING:
    from council.reasoners.human import HumanAnswer
    from council.reasoners.llm.endpoints import Transport
    from council.session.interactive import Pause


def _session(config: RunConfig, run_id: str) -> RunSession:
    """Run ``run_id``'s session in this browser session: the store, the transport and key."""
    return RunSession(
        config,
        run_id=run_id,
        store=db(),
        transport=st.session_state.get("run_transport"),  # for every step of this run
        api_key=st.session_state.get("api_key") or None,  # held in this session only
    )


def _advance(session: RunSession, go: Callable[[RunSession], Pause]) -> None:
    from council.reasoners.llm.errors import EndpointError

    expected = session.config.rounds + 2  # the opening, the rounds, one ballot: more if it fails
    with st.status(tr("deliberating"), expanded=True) as status:
        bar = st.progress(0.0)
        seen: list[ProgressEvent] = []

        def progress(event: ProgressEvent) -> None:
            # Each LLM seat's statement shows as its reply arrives, not at the phase's end.
            if not isinstance(event, SeatSpoke | LlmUsage):
                seen.append(event)
                bar.progress(min(len(seen) / expected, 1.0))
            st.write(md(progress_text(event, lang())))  # a seat's error is an endpoint's text

        try:
            pause = go(session.reporting(progress))
        except EndpointError as err:  # the preflight: nothing ran
            status.update(label=tr("progress_error"), state="error")
            st.error(tr("endpoint_error", error=md(err)))
            return
        except (SpecError, LoadError, ValueError) as err:
            status.update(label=tr("progress_error"), state="error")
            st.error(md(err))
            return
        except (StoreError, sqlite3.Error) as err:  # one red line, never a traceback
            status.update(label=tr("progress_error"), state="error")
            st.error(tr("store_busy", error=str(err).splitlines()[0]))
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
    st.query_params["run"] = pause.run_id  # a reload picks the run up (see ``restore``)
    if pause.record is not None:
        remember_run(pause.record.run_id)


def restore() -> None:
    """Pick up the run named in the page's address when this session holds none (a reload).

    A finished run comes back from the store, a paused one from its checkpoint (a trainee's
    turn included); an address naming no stored run is cleared, with a line saying so.
    """
    wanted = st.query_params.get("run")
    current = st.session_state.get("pause")
    if current is not None or not wanted:
        return
    from council.session.interactive import reopen

    try:
        reopened = reopen(str(wanted), db())
    except (StoreError, sqlite3.Error) as err:
        st.error(tr("store_busy", error=str(err).splitlines()[0]))
        return
    if reopened is None:
        del st.query_params["run"]
        st.caption(tr("run_gone"))
        return
    config, paused = reopened
    st.session_state["run_config"] = config
    st.session_state["pause"] = paused
    if paused.record is not None:
        remember_run(paused.record.run_id)
    elif config.backend != "offline" and not st.session_state.get("api_key"):
        st.info(tr("key_again"))


def begin(config: RunConfig, *, step: bool, transport: Transport | None = None) -> None:
    """Start a run; it goes on to its end, a person's turn or (``step``) the end of a round."""
    from council.session.interactive import (
        start,  # the graph loads on the first run, not the first page
    )

    st.session_state["run_config"] = config
    st.session_state["run_transport"] = transport  # for every later step of this run
    _advance(_session(config, new_run_id()), lambda session: start(session, step=step))


def resume(
    pause: Pause,
    config: RunConfig,
    *,
    step: bool,
    answers: dict[int, HumanAnswer] | None = None,
) -> None:
    """Go on with a paused run (giving the people's answers where they were asked)."""
    from council.session.interactive import proceed

    _advance(
        _session(config, pause.run_id),
        lambda session: proceed(session, answers=answers, step=step),
    )
