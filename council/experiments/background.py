"""A sweep run on a thread of its own, so a page (or any caller) only reads its progress.

A ``BackgroundSweep`` runs ``run_sweep`` with one worker (an app's server is no place for a
process pool), in blocks of at most ``APP_BLOCK`` seeds, and stops after the block in progress
when cancelled; a cancelled or failed sweep deletes what it wrote.
"""

from __future__ import annotations

import threading
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
