"""Byzantine oversight council simulator: stakeholder councils deliberating on AI incidents.

The names below are imported when first used: ``import council.cli.main`` (every command
starts there) must not build the pydantic file formats before a command needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from council.contracts.formats import Option, Persona, Scenario, Translation
    from council.contracts.principles import GROUPS, PRINCIPLES, Principle

_WHERE = {
    "Option": "council.contracts.formats",
    "Persona": "council.contracts.formats",
    "Scenario": "council.contracts.formats",
    "Translation": "council.contracts.formats",
    "GROUPS": "council.contracts.principles",
    "PRINCIPLES": "council.contracts.principles",
    "Principle": "council.contracts.principles",
}

__all__ = ["GROUPS", "PRINCIPLES", "Option", "Persona", "Principle", "Scenario", "Translation"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """Import a public name on first use (``council.Persona``)."""
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'council' has no attribute {name!r}")
