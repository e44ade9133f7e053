"""The app's pages: scripts ``st.navigation`` runs (as ``__main__``), one per page."""
