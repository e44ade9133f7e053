"""The app's upload cap is the validator's: the smallest whole MB that holds its 1,000,000 bytes."""

from __future__ import annotations

import tomllib
from pathlib import Path

from council.library.loader import MAX_BYTES

ROOT = Path(__file__).resolve().parents[1]


def test_the_upload_cap_is_the_loader_s_limit_in_streamlit_s_megabytes() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    cap = config["server"]["maxUploadSize"] * 1024 * 1024  # Streamlit's MB
    assert cap >= MAX_BYTES > cap - 1024 * 1024, cap
