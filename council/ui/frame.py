"""What every page shares: page settings, session defaults, the sidebar's switches, the pages."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from council.present.i18n import LANGUAGES
from council.ui.state import init, lang, tr

PAGES = Path(__file__).resolve().parent / "pages"


def setup() -> None:
    """Page settings, this session's defaults and the sidebar (language, facilitator controls)."""
    st.set_page_config(
        page_title="Byzantine council", page_icon=":material/balance:", layout="wide"
    )
    init()
    with st.sidebar:
        st.radio(
            tr("language"),
            options=list(LANGUAGES),
            format_func=LANGUAGES.__getitem__,
            key="lang",
            horizontal=True,
        )
        st.subheader(tr("facilitator"))
        st.toggle(tr("step"), key="step")
    st.query_params["lang"] = lang()  # a reload keeps the language


def pages() -> list[st.Page]:
    """The app's pages, titled in this session's language."""
    return [
        st.Page(
            PAGES / "deliberate.py",
            title=tr("page_deliberate"),
            icon=":material/forum:",
            default=True,
        ),
        st.Page(PAGES / "history.py", title=tr("page_history"), icon=":material/history:"),
        st.Page(PAGES / "library.py", title=tr("page_library"), icon=":material/menu_book:"),
        st.Page(PAGES / "experiments.py", title=tr("page_experiments"), icon=":material/science:"),
    ]
