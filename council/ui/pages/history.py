"""History: this session's runs (or every stored run), reopened, replayed, exported."""

from __future__ import annotations

import sqlite3

import streamlit as st

from council.library.catalog import load_library
from council.present.i18n import scenario_title
from council.store import Store, StoreError
from council.ui.spot import exercise, reveal_toggle
from council.ui.state import choose, db, lang, my_runs, tr
from council.ui.view import decision_card, downloads, show_rounds, view_of_record


def main() -> None:
    """The History page."""
    st.title(tr("page_history"))
    everything = st.toggle(tr("all_runs"), key="h_all")
    mine = set(my_runs())
    try:
        store = Store(db())
        listed = [r for r in store.history(limit=500) if everything or r.run_id in mine]
    except (StoreError, sqlite3.Error) as err:  # one red line, never a traceback
        st.error(tr("store_busy", error=str(err).splitlines()[0]))
        return
    runs = [r for r in listed if not r.garbled]
    for bad in listed:
        if bad.garbled:  # a record that fails its checksum is reported, never listed as fine
            st.error(tr("run_garbled", run=bad.run_id, error=""))
    if not runs:
        st.info(tr("no_runs"))
        return
    st.dataframe([r.model_dump() for r in runs], hide_index=True, height=220)
    scenarios = load_library().scenarios
    names = {
        r.run_id: " · ".join(
            [
                r.created_at,
                scenario_title(scenarios[r.scenario], lang()) if r.scenario in scenarios else "",
                r.status,
                r.option or "—",
                r.run_id,
            ]
        )
        for r in runs
    }
    chosen = choose(
        st.selectbox, tr("reopen"), list(names), format_func=names.__getitem__, key="h_run"
    )
    try:
        record = store.get_run(str(chosen))  # with the scenario it was run from, as stored
    except (StoreError, sqlite3.Error) as err:
        st.error(tr("run_garbled", run=chosen, error=str(err).splitlines()[0]))
        return
    reveal = bool(st.session_state["reveal"])
    decision_card(record)
    downloads(record, "history")
    show_rounds(view_of_record(record), "history", reveal=reveal)
    exercise(record, "history", reveal=reveal)
    reveal_toggle()


if __name__ == "__main__":
    main()
