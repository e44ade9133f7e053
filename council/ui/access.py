"""The optional access code: with ``COUNCIL_ACCESS_CODE`` set, every session gives it first.

The app binds to 127.0.0.1 by default (``.streamlit/config.toml``); a facilitator who serves the
room's network (``--server.address 0.0.0.0``) can set the variable, and then every page, the
room's seats and projector included, asks for the code once per browser session before it
shows anything else. The code is compared in constant time and kept in no session or log.
"""

from __future__ import annotations

import hmac
import os

import streamlit as st

from council.ui.state import tr

ACCESS_ENV = "COUNCIL_ACCESS_CODE"
"""The environment variable that holds the access code (unset or empty: no code asked)."""
GRANTED = "access_granted"
"""The session-state key set once the session has given the code."""


def granted() -> bool:
    """Whether this session may see the app; if not, the access form is drawn (and only it)."""
    code = os.environ.get(ACCESS_ENV, "")
    if not code or st.session_state.get(GRANTED):
        return True
    st.title(tr("app_title"))
    with st.form("access"):
        typed = st.text_input(tr("access_code"), type="password", help=tr("access_help"))
        entered = st.form_submit_button(tr("access_enter"), type="primary")
    if entered:
        if hmac.compare_digest(typed.encode(), code.encode()):
            st.session_state[GRANTED] = True
            st.rerun()
        st.error(tr("access_wrong"))
    return False
