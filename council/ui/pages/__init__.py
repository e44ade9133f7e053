"""The app's pages: scripts ``st.navigation`` runs (as ``__main__``), one per page.

Lives here: ``deliberate`` (one council, step by step), ``library`` (personas and scenarios),
``experiments`` (sweeps and presets), ``history`` (past runs from the store).

May import: ``council.ui`` and everything below it (the pages render; the work is done below).
"""
