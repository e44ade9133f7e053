"""Per-session state: initialised once per browser session, read through small helpers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import streamlit as st

from council.contracts.choices import Language
from council.contracts.config import default_of
from council.present.i18n import LANGS, text
from council.store import default_path

if TYPE_CHECKING:  # the graph (langgraph) is imported only when a run starts: a faster first page
    from council.session.interactive import Pause

# Factories, not values: each session gets its own fresh objects.
_DEFAULTS: tuple[tuple[str, Callable[[], Any]], ...] = (
    ("lang", lambda: default_of("language")),
    ("reveal", lambda: False),
    ("step", lambda: False),
    ("api_key", lambda: ""),
    ("pause", lambda: None),
    ("run_config", lambda: None),
    ("run_transport", lambda: None),
    ("my_runs", list),
    ("guesses", dict),
)


def init() -> None:
    """Give this session its defaults, once (later runs keep what the session has).

    The language comes from the page's address when it names one (a reload keeps it).
    """
    asked = st.query_params.get("lang")
    if "lang" not in st.session_state and asked in LANGS:
        st.session_state["lang"] = asked
    for key, make in _DEFAULTS:
        if key not in st.session_state:
            st.session_state[key] = make()


def lang() -> Language:
    """The interface language of this session."""
    value = st.session_state.get("lang")
    return cast(Language, value if value in LANGS else default_of("language"))


def tr(key: str, /, **fields: object) -> str:
    """Interface text in this session's language."""
    return text(key, lang(), **fields)


def db() -> Path:
    """The store's file (``COUNCIL_DB`` or the user's data directory), read on every call."""
    return default_path()


def pause() -> Pause | None:
    """The run this session is in the middle of (or has just finished), if any."""
    return cast("Pause | None", st.session_state.get("pause"))


def remember_run(run_id: str) -> None:
    """Note a finished run as this session's (the History page lists these by default)."""
    runs: list[str] = st.session_state["my_runs"]
    if run_id not in runs:
        runs.append(run_id)


def my_runs() -> list[str]:
    """Ids of the runs this session finished, oldest first."""
    return list(st.session_state.get("my_runs", []))


def lang_key(key: str) -> str:
    """The key of a widget whose options read differently in each language.

    Such a widget is a different widget per language (its options' labels change under it), so
    its value is kept under the plain ``key`` and carried across a language switch.
    """
    return f"{key}.{lang()}"


def choose(
    widget: Callable[..., Any], label: str, options: Sequence[Any], *, key: str, **kwargs: Any
) -> Any:
    """A selectbox or radio whose choice survives a language switch (see ``lang_key``).

    ``index`` in ``kwargs`` is the default position, used until the session has chosen.
    """
    default = int(kwargs.pop("index", 0))
    kept = st.session_state.get(key)
    index = options.index(kept) if kept in options else default
    value = widget(label, options, index=index, key=lang_key(key), **kwargs)
    st.session_state[key] = value
    return value
