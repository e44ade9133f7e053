"""What the room's screens share: the store's file, option letters and colours, live polling."""

from __future__ import annotations

import contextlib
from pathlib import Path

import streamlit as st

from council.contracts.room import Board, RoomStatus
from council.present.room import board_in, refusal
from council.session import room as rooms
from council.store import default_path
from council.ui.plain import md
from council.ui.state import lang

POLL_S = 2.0
"""How often a room's screens read the store for news."""

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
"""Okabe-Ito: colours people with every common colour-vision deficiency tell apart. Options are
also always labelled by letter and name: never colour alone."""


def db() -> Path:
    """The store's file (``COUNCIL_DB`` or the user's data directory)."""
    return default_path()


def letter(board: Board, option: str) -> str:
    """An option's letter (A, B, ...), in scenario order."""
    ids = list(board.options)
    return chr(ord("A") + ids.index(option)) if option in ids else "?"


def colour(board: Board, option: str) -> str:
    """An option's colour."""
    ids = list(board.options)
    return PALETTE[ids.index(option) % len(PALETTE)] if option in ids else "#686255"


def option_text(board: Board, option: str) -> str:
    """An option as the room shows it: its letter and label."""
    return f"{letter(board, option)} · {board.options.get(option, option)}"


def shown(status: RoomStatus) -> Board:
    """The room's board in this session's language (option labels, persona names)."""
    return board_in(status.room.board, status.room.settings.config.scenario, lang())


def error_text(err: rooms.RoomError) -> str:
    """What a room refused, in this session's language, as text (never Markdown made of it)."""
    return md(refusal(err.key, err.fields, lang()))


def seen_key(code: str) -> str:
    """Session key of the room version a screen last rendered."""
    return f"room_{code}_seen"


def version(status: RoomStatus) -> tuple[int, str]:
    """What changes when a screen must render again in full: the turn and the state."""
    return status.room.turn, status.room.state


def tick(status: RoomStatus) -> RoomStatus:
    """Move the room on if its timer ran out (any screen's poll may; exactly one does)."""
    found = status.room
    if found.state != "waiting" or found.error or not rooms.due(found):
        return status
    # Kept on the room (its error), which every screen shows.
    with contextlib.suppress(Exception):
        rooms.advance(db(), found.code)
    return rooms.status(db(), found.code)


def follow(status: RoomStatus) -> None:
    """Rerun the whole page when the room moved on since this screen rendered it."""
    key = seen_key(status.room.code)
    if st.session_state.get(key) not in (None, version(status)):
        st.session_state[key] = version(status)
        st.rerun()
    st.session_state[key] = version(status)
