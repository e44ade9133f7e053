"""The Experiments page's sweeps: run off the page's thread, cancelled, and ended with the session.

A ``BackgroundSweep`` runs ``run_sweep`` on a thread of its own (one worker: the app's server
is no place for a process pool), and the page only reads its progress. It stops after the
block in progress when cancelled. ``SESSIONS`` keeps each browser session's temporary folder
and sweep; its watcher thread asks Streamlit's runtime, every second, whether the session is
still connected, and once it has been gone for ``GRACE_S`` (a reload reconnects well within
that), stops its sweep and deletes its folder. Streamlit has no hook for a session's end, so
this is the hook. No Streamlit call is made off the page's thread.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from council.contracts.events import ProgressEvent, SweepAdvanced
from council.experiments.schedule import SweepResult, SweepStopped, run_sweep
from council.experiments.sidecar import part_path
from council.experiments.sweep import SweepConfig
from council.experiments.table import paths
from council.library.loader import LoadError
from council.rules.registry import SpecError

GRACE_S = 5.0
"""How long a session may be disconnected before its sweep is stopped and its folder deleted."""
POLL_S = 1.0
"""How often the watcher looks at the sessions."""
APP_BLOCK = 100
"""Seeds per block at most in the app: a Cancel takes effect within one block."""

State = Literal["running", "done", "cancelled", "ended", "failed"]


def why(err: Exception) -> str:
    """An error as one line (a config's problems joined, without the file name)."""
    if not isinstance(err, LoadError):
        return str(err).splitlines()[0] if str(err) else type(err).__name__
    return "; ".join(f"{p.field}: {p.message}" if p.field else p.message for p in err.problems)


@dataclass(eq=False)
class BackgroundSweep:
    """One sweep of a session, on its own thread; the page reads ``done``, ``total``, ``state``."""

    config: SweepConfig
    out: Path
    name: str
    preset: str | None = None
    max_runs: int | None = None
    done: int = 0
    total: int = 0
    state: State = "running"
    result: SweepResult | None = None
    error: str | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _ending: bool = False
    _thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the sweep's thread."""
        self.total = self.config.runs
        self._thread = threading.Thread(target=self._run, name="council-sweep", daemon=True)
        self._thread.start()

    @property
    def running(self) -> bool:
        """Whether the sweep is still going."""
        return self.state == "running"

    @property
    def alive(self) -> bool:
        """Whether its thread still runs (it may be finishing a block after a stop)."""
        return self._thread is not None and self._thread.is_alive()

    def cancel(self, *, ending: bool = False) -> None:
        """Ask the sweep to stop after its block in progress (``ending``: its session ended)."""
        self._ending = self._ending or ending
        self._stop.set()

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the thread to end; whether it has."""
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.alive

    def _progress(self, event: ProgressEvent) -> None:
        if isinstance(event, SweepAdvanced):
            self.done, self.total = event.done, event.total

    def _run(self) -> None:
        try:
            self.result = run_sweep(
                self.config,
                self.out,
                workers=1,
                progress=self._progress,
                name=self.name,
                preset=self.preset,
                block_size=min(self.config.seeds, APP_BLOCK),
                max_runs=self.max_runs,
                stop=self._stop.is_set,
            )
        except SweepStopped as stopped:
            self.done = stopped.done
            self._discard()
            self.state = "ended" if self._ending else "cancelled"
        except (LoadError, SpecError, ValueError, OSError) as err:
            self.error = why(err)
            self._discard()
            self.state = "failed"
        except Exception as err:  # noqa: BLE001 - the page shows one line, never a traceback
            self.error = f"{type(err).__name__}: {why(err)}"
            self._discard()
            self.state = "failed"
        else:
            self.done = self.total
            self.state = "done"

    def _discard(self) -> None:
        """Delete what a stopped or failed sweep wrote (its rows, journal and part file)."""
        for path in (*paths(self.out), part_path(self.out)):
            path.unlink(missing_ok=True)


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
