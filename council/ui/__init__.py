"""The Streamlit workshop app: pages that render run records and call library functions.

The only package that imports streamlit. ``app.py`` routes to the scripts in ``pages/``; every
per-user value lives in ``st.session_state`` (modules hold no mutable state: one Python process
serves every browser session).
"""
