"""Text from files, models and people, on the page as text: never Markdown, HTML, images or links.

A model's rationale, a statement, a persona's name, a scenario's facts, an endpoint's error: any
of them may hold ``![x](http://host/beacon)``, which Markdown would make every trainee's browser
fetch. Pages put such text through :func:`md` where it sits inside Markdown (captions, chat
messages, lists) and through :func:`safe` where the element shows text as it is (``st.code``,
tables). Both redact keys: the server's (the environment) and this session's.
"""

from __future__ import annotations

import streamlit as st

from council.contracts.safe_text import known_keys, markdown_literal, printable, redact


def safe(text: object) -> str:
    """Text without keys or control characters, for elements that show text as it is."""
    keys = (*known_keys(), st.session_state.get("api_key"))
    return printable(redact(str(text), keys))


def md(text: object) -> str:
    """Text to put inside Markdown: its characters shown, nothing made of them."""
    return markdown_literal(safe(text))
