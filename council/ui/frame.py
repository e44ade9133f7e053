"""What every page shares: page settings, session defaults, the sidebar's switches, the pages."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from council.present.i18n import LANGUAGES
from council.ui.access import granted
from council.ui.state import init, lang, tr

PAGES = Path(__file__).resolve().parent / "pages"

CAPTION = "#555862"
"""Caption text: 7.0:1 on white (Streamlit's faded default is about 3.9:1, under WCAG's 4.5)."""
STYLE = f"""<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {{
  color: {CAPTION} !important;
}}
html[lang="km"] :is(h1, h2, h3, h4, h5, h6) {{ line-height: 1.7 !important; }}
html[lang="km"] :is(.stMarkdown p, .stMarkdown li, [data-testid="stCaptionContainer"] p,
  [data-testid="stWidgetLabel"] p, button p) {{ line-height: 1.8 !important; }}
</style>"""
"""The look the theme cannot set: readable captions, and room for Khmer's marks above and below."""


def page_language() -> None:
    """The page's ``lang`` (screen readers, fonts, hyphenation) and the style that goes with it."""
    code = lang()
    st.html(
        f"{STYLE}<script>document.documentElement.lang = {code!r};</script>",
        unsafe_allow_javascript=True,
        width="content",
    )


def setup() -> None:
    """Page settings, this session's defaults and the sidebar (language, facilitator controls).

    With ``COUNCIL_ACCESS_CODE`` set, a session that has not given the code sees the access
    form and nothing else (the script stops here).
    """
    st.set_page_config(
        page_title="Byzantine council", page_icon=":material/balance:", layout="wide"
    )
    init()
    if not granted():
        st.stop()
    with st.sidebar:
        st.radio(
            tr("language"),
            options=list(LANGUAGES),
            format_func=LANGUAGES.__getitem__,
            key="lang",
            horizontal=True,
        )
        if not in_room_seat():  # a trainee's seat or the projector: no facilitator controls
            page_language()
            st.subheader(tr("facilitator"))
            st.toggle(tr("step"), key="step")
    if in_room_seat() and lang() != "en":
        page_language()  # in the page: a phone, where seats are, folds the sidebar away
    if st.query_params.get("lang") != lang():
        st.query_params["lang"] = lang()  # a reload keeps the language


def in_room_seat() -> bool:
    """Whether this is a room's trainee seat or projector (``?seat=`` or ``?view=``)."""
    return "seat" in st.query_params or "view" in st.query_params


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
        st.Page(PAGES / "room.py", title=tr("page_room"), icon=":material/groups:"),
    ]
