"""The run session: everything a run needs besides the library, in one object.

The CLI, the app and the interactive layer each build one ``RunSession`` and hand it to the
drivers (``council.session.drive``, ``council.session.finish``, ``council.session.interactive``,
``council.session.batch``): the config, the run's id, the store's file, how LLM calls go, the
key, the prices and where progress goes. Nothing of it is persisted but what the config and
the run id already are: the key lives in this object and the LLM clients only (never in a
checkpoint, a record, a log or its own ``repr``).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from council.contracts.config import RunConfig
from council.contracts.events import Progress, ProgressEvent
from council.store import BASELINE_SUFFIX

if TYPE_CHECKING:
    from council.reasoners.llm.endpoints import Transport
    from council.reasoners.llm.prices import Price


def new_run_id() -> str:
    """A fresh run id: 16 hex digits."""
    return uuid.uuid4().hex[:16]


@dataclass(frozen=True)
class RunSession:
    """One run's config and everything its drive needs: store, transport, key, prices, progress.

    >>> session = RunSession(RunConfig(scenario="s"), run_id="r1", api_key="sk-secret")
    >>> "sk-secret" in repr(session)
    False
    >>> session.twin().run_id, session.twin().config.byzantine
    ('r1-baseline', 0)
    """

    config: RunConfig
    """What to run; a run continued from its checkpoint must give the config it started with."""
    run_id: str = field(default_factory=new_run_id)
    """The run's id: its record's ``run_id`` and its checkpoint thread."""
    store: Path | None = None
    """The store's SQLite file: checkpoints, the LLM cache and texts (None: in memory)."""
    transport: Transport | None = None
    """How LLM calls go (timeouts, retries, rate limits); None: the defaults."""
    api_key: str | None = field(default=None, repr=False)
    """The key of LLM endpoints a models file gives none for (never stored)."""
    prices: Mapping[str, Price] | None = field(default=None, repr=False)
    """US dollars per million tokens, by model, for costs and ``--max-cost``; None: built in."""
    progress: Progress | None = field(default=None, repr=False, compare=False)
    """Where progress events go as the run goes (None: nowhere)."""

    def report(self, event: ProgressEvent) -> None:
        """Send one progress event to the session's sink, if it has one."""
        if self.progress is not None:
            self.progress(event)

    def price_table(self) -> Mapping[str, Price]:
        """The session's prices, or the built-in table."""
        if self.prices is not None:
            return self.prices
        from council.reasoners.llm.prices import DEFAULT_PRICES  # loads the LLM client

        return DEFAULT_PRICES

    def twin(self) -> RunSession:
        """The fault-free baseline's session: the honest council, its own id, no progress."""
        return dataclasses.replace(
            self,
            config=self.config.honest(),
            run_id=self.run_id + BASELINE_SUFFIX,
            progress=None,
        )

    def reporting(self, progress: Progress | None) -> RunSession:
        """The same session with progress going to ``progress``."""
        return dataclasses.replace(self, progress=progress)
