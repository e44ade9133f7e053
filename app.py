"""The workshop app: ``streamlit run app.py``. A router; the pages live in council/ui/pages/."""

import streamlit as st

from council.ui.frame import pages, setup

setup()
st.navigation(pages()).run()
