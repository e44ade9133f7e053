"""The fixed principle vocabulary every persona and scenario speaks.

The seven principles of the ASEAN Guide on AI Governance and Ethics (2024), plus one economic
value, ``innovation``, so a council can weigh what a restriction costs.
"""

from typing import Literal, cast, get_args

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


def parse_groups(spec: str) -> tuple[Group, ...]:
    """``government,industry`` as groups, each once, in the order given.

    >>> parse_groups("industry, government,industry")
    ('industry', 'government')
    >>> parse_groups("press")
    Traceback (most recent call last):
    ValueError: 'press' is not a group (known: government, industry, academia, civil_society)
    """
    names = [g.strip() for g in spec.split(",") if g.strip()]
    bad = [g for g in names if g not in GROUPS]
    if bad or not names:
        raise ValueError(f"{bad[0] if bad else spec!r} is not a group (known: {', '.join(GROUPS)})")
    return tuple(dict.fromkeys(cast(Group, g) for g in names))
