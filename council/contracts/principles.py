"""The fixed principle vocabulary every persona and scenario speaks.

The seven principles of the ASEAN Guide on AI Governance and Ethics (2024), plus one economic
value, ``innovation``, so a council can weigh what a restriction costs.
"""

from typing import Literal, get_args

Principle = Literal[
    "transparency",
    "fairness",
    "safety",
    "human_centricity",
    "privacy",
    "accountability",
    "robustness",
    "innovation",
]

PRINCIPLES: tuple[Principle, ...] = get_args(Principle)
"""Every principle, in a fixed order (the order of vectors in the engine)."""

GROUPS = ("government", "industry", "academia", "civil_society")
"""Stakeholder groups, in the fixed order councils are composed in."""

Group = Literal["government", "industry", "academia", "civil_society"]
