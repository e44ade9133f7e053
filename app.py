"""The workshop app: ``streamlit run app.py``. A router; the pages live in council/ui/pages/."""

import streamlit as st

from council.ui.frame import in_room_seat, pages, setup

setup()
st.navigation(pages(), position="hidden" if in_room_seat() else "sidebar").run()
