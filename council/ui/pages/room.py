"""Room: a workshop's shared council, joined by code from every trainee's own browser.

Join with a code, open a room, run its console, or show it on the projector
(``?view=projector&room=CODE``).
"""

from __future__ import annotations

import streamlit as st

from council.ui.room.host import console, holds_key, key_form, open_form
from council.ui.room.projector import projector
from council.ui.room.trainee import join_form, seat_page
from council.ui.state import tr


def main() -> None:
    """The Room page: routes by the address's query (room, seat token, view)."""
    params = st.query_params
    code = str(params.get("room", "")).strip().upper()
    if params.get("view") == "projector" and code:
        projector(code)
        return
    token = params.get("seat")
    if code and token:
        seat_page(code, str(token))
        return
    if code and holds_key(code):
        console(code)
        return
    st.title(tr("room_page_title"))
    st.caption(tr("room_page_caption"))
    join_tab, open_tab = st.tabs([tr("room_tab_join"), tr("room_tab_open")])
    with join_tab:
        join_form(code)
    with open_tab:
        open_form()
        with st.expander(tr("room_back")):
            key_form(code)


if __name__ == "__main__":
    main()
