"""The Experiments page's sweeps ended with their browser session.

Each sweep is a ``council.experiments.background.BackgroundSweep`` (its own thread, cancelled
after the block in progress); the page only reads its progress. ``SESSIONS`` keeps each
browser session's temporary folder and sweep; its watcher thread asks Streamlit's runtime,
every second, whether the session is still connected, and once it has been gone for
``GRACE_S`` (a reload reconnects well within that), stops its sweep and deletes its folder.
Streamlit has no hook for a session's end, so this is the hook. No Streamlit call is made off
the page's thread.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from council.experiments.background import BackgroundSweep

GRACE_S = 5.0
"""How long a session may be disconnected before its sweep is stopped and its folder deleted."""
POLL_S = 1.0
"""How often the watcher looks at the sessions."""


def _connected(session_id: str) -> bool:
    """Whether Streamlit's runtime still holds the session (True where there is no runtime)."""
    from streamlit.runtime import Runtime

    if not Runtime.exists():  # AppTest, or a bare script: no sessions to end
        return True
    return Runtime.instance().is_active_session(session_id)


Key = tuple[str, str]
"""A session's entry: (Streamlit's session id, the page's own token for the session)."""


@dataclass
class _Entry:
    folder: Path
    sweep: BackgroundSweep | None = None
    seen: float = field(default_factory=time.monotonic)


class Sessions:
    """Each session's temporary folder and sweep, ended with the session by a watcher thread."""

    def __init__(
        self,
        connected: Callable[[str], bool] = _connected,
        grace_s: float = GRACE_S,
        poll_s: float = POLL_S,
    ) -> None:
        self.connected, self.grace_s, self.poll_s = connected, grace_s, poll_s
        self._entries: dict[Key, _Entry] = {}
        self._lock = threading.Lock()
        self._watcher: threading.Thread | None = None

    def folder(self, key: Key) -> Path:
        """The session's own temporary folder (made on first use, deleted when it ends)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or not entry.folder.is_dir():
                entry = _Entry(Path(tempfile.mkdtemp(prefix="council-sweep-")))
                self._entries[key] = entry
            self._watch()
            return entry.folder

    def start(self, key: Key, sweep: BackgroundSweep) -> None:
        """Start a sweep as the session's (in the session's folder)."""
        with self._lock:
            self._entries[key].sweep = sweep
        sweep.start()

    def sweep(self, key: Key) -> BackgroundSweep | None:
        """The session's last sweep, if any."""
        entry = self._entries.get(key)
        return entry.sweep if entry else None

    def held(self) -> list[Key]:
        """Sessions with a folder (for tests and diagnostics)."""
        with self._lock:
            return list(self._entries)

    def end(self, key: Key) -> None:
        """Stop the session's sweep and delete its folder."""
        with self._lock:
            entry = self._entries.pop(key, None)
        if entry is None:
            return
        if entry.sweep is not None:
            entry.sweep.cancel(ending=True)
            entry.sweep.wait(60)
        shutil.rmtree(entry.folder, ignore_errors=True)

    def check(self) -> None:
        """End the sessions gone for longer than the grace period (the watcher's round)."""
        now = time.monotonic()
        for key in self.held():
            entry = self._entries.get(key)
            if entry is None:
                continue
            if self.connected(key[0]):
                entry.seen = now
            elif now - entry.seen >= self.grace_s:
                self.end(key)

    def _watch(self) -> None:
        if self._watcher is None or not self._watcher.is_alive():
            self._watcher = threading.Thread(
                target=self._loop, name="council-sessions", daemon=True
            )
            self._watcher.start()

    def _loop(self) -> None:
        while True:
            time.sleep(self.poll_s)
            try:
                self.check()
            except Exception:  # noqa: BLE001, S112 - the watcher must outlive one bad round
                continue


SESSIONS = Sessions()
"""The app's sessions (one per server process)."""
