"""What the real-Chromium tests share: a ``streamlit run app.py`` that can be restarted, Chromium.

Not a test module: ``tests/test_ui_browser.py`` and ``tests/test_room_browser.py`` import it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt-get install chromium fonts-khmeros)"
)


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class AppServer:
    """``streamlit run app.py`` on a fixed port and store, which can be stopped and restarted.

    ``script``: another Streamlit script to serve the same way (a benchmark's floor).
    """

    def __init__(self, tmp: Path, script: Path = ROOT / "app.py") -> None:
        self.tmp, self.port, self.db = tmp, free_port(), tmp / "council.db"
        self.script = script
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        """Start the server and wait (60 s at most) until it answers its health check."""
        self.starts += 1
        log_path = self.tmp / f"streamlit-{self.starts}.log"
        log = log_path.open("wb")
        command = [sys.executable, "-m", "streamlit", "run", str(self.script)]
        command += ["--server.port", str(self.port), "--server.address", "127.0.0.1"]
        command += ["--server.headless", "true", "--browser.gatherUsageStats", "false"]
        command += ["--server.fileWatcherType", "none"]
        env = {**os.environ, "COUNCIL_DB": str(self.db)}
        env.pop("COUNCIL_FACILITATOR_KEY", None)
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()  # the child holds its own handle
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as answer:
                    if answer.read() == b"ok":
                        return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(log_path.read_text(errors="replace"))
            time.sleep(0.2)

    def stop(self) -> None:
        """Stop the server (killed if it does not stop within 10 s)."""
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None


@contextmanager
def running_server(tmp: Path) -> Iterator[AppServer]:
    """A started server, stopped at the end."""
    server = AppServer(tmp)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()
