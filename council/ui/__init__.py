"""The Streamlit workshop app: pages that render run records and call library functions.

Lives here: ``frame`` (navigation), ``pages/`` (one script per page), and the helpers the pages
share (``state``, ``form``, ``runner``, ``view``, ``seat``, ``spot``, ``scenario``, ``look``).
The only package that imports streamlit. ``app.py`` routes to the scripts in ``pages/``; every
per-user value lives in ``st.session_state`` (modules hold no mutable state: one Python process
serves every browser session).

May import: everything below it (sessions, experiments, presenting); nothing imports it.
"""
