"""What the store lists of a run (``RunSummary``) and what it keeps beside it (``inputs_of``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from council.contracts.formats import Scenario
from council.contracts.inputs import RunInputs
from council.contracts.record import RunRecord

if TYPE_CHECKING:
    from council.library.catalog import Library


class RunSummary(BaseModel):
    """One line of history."""

    model_config = ConfigDict(frozen=True)

    run_id: str
    created_at: str
    scenario: str
    status: str
    option: str | None
    size: int
    byzantine: int
    protocol: str
    backend: str
    degraded: bool = False
    """Some LLM seat-phases failed (the record's ``outcome.degraded``)."""
    garbled: bool = False
    """The stored record does not match its checksum: it cannot be trusted or shown."""


def inputs_of(
    record: RunRecord, library: Library | None = None, scenario: Scenario | None = None
) -> RunInputs | None:
    """A record's scenario (``scenario``, else read now) and its seats' personas (None if gone).

    For a save that was not handed the inputs the run was made from; they are read at once.
    """
    from council.library.catalog import load_library, resolve_scenario
    from council.library.loader import LoadError

    try:
        library = library or load_library()
        scenario = scenario or resolve_scenario(record.config.scenario, library)
    except LoadError:
        return None
    personas = {
        s.persona: library.personas[s.persona]
        for s in record.council.seats
        if s.persona in library.personas
    }
    return RunInputs(scenario=scenario, personas=personas)
