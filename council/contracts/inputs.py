"""What a run was made from: its scenario and the personas it seated, as they were then.

The store keeps them beside the run record (not in it: the record's JSON is a contract), so a
run can be shown, exported and run again after its files move or change. Each item is kept as
its validated JSON; its hash is sha256 of that JSON, so a comment or a key's order changing in
the file is no change, and a changed value is one.
"""

from __future__ import annotations

import hashlib

from pydantic import BaseModel, ConfigDict

from council.contracts.formats import Persona, Scenario


def content_hash(item: Scenario | Persona) -> str:
    """sha256 (hex) of an item's JSON, the hash ``RunInputs`` keeps it under."""
    return hashlib.sha256(item.model_dump_json().encode("utf-8")).hexdigest()


class RunInputs(BaseModel):
    """The scenario and the personas (by id) of one run, as they were when it ran."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scenario: Scenario
    personas: dict[str, Persona]

    def scenario_hash(self) -> str:
        """The stored scenario's hash (compare with ``content_hash`` of the file's today)."""
        return content_hash(self.scenario)
