"""The store: one SQLite file (WAL) holding runs, their events, the LLM cache and LLM texts.

``COUNCIL_DB`` or ``--db`` chooses the file; the default lives in the user's data directory.

Lives here: ``database`` (the ``Store``: one writer path, quick_check on open, read-only
opening), ``schema`` (the tables, migrations, content hashes, the checkpointer's tables),
``locking`` (the busy timeout and the one retry schedule of every writer, sync and async),
``summary`` (a run's line of history, the inputs kept beside its record). The names below are
the package's interface.

May import: ``council.contracts``, ``council.library`` (a run's inputs are read through it).
"""

from council.store.database import Store, StoreError, default_path
from council.store.locking import BUSY_TIMEOUT_S, WRITE_ATTEMPTS, is_locked, retried, retried_async
from council.store.schema import (
    BASELINE_SUFFIX,
    CHECKPOINT_TABLES,
    MAX_LIMIT,
    drop_checkpoints,
    text_hash,
)
from council.store.summary import RunSummary, inputs_of

__all__ = [
    "BASELINE_SUFFIX",
    "BUSY_TIMEOUT_S",
    "CHECKPOINT_TABLES",
    "MAX_LIMIT",
    "WRITE_ATTEMPTS",
    "RunSummary",
    "Store",
    "StoreError",
    "default_path",
    "drop_checkpoints",
    "inputs_of",
    "is_locked",
    "retried",
    "retried_async",
    "text_hash",
]
