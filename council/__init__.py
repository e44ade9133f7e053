"""Byzantine oversight council simulator: stakeholder councils deliberating on AI incidents."""

from council.contracts.formats import Option, Persona, Scenario, Translation
from council.contracts.principles import GROUPS, PRINCIPLES, Principle

__all__ = ["GROUPS", "PRINCIPLES", "Option", "Persona", "Principle", "Scenario", "Translation"]
__version__ = "0.1.0"
