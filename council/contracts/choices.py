"""The closed sets of names a run chooses from, each written once.

The run config types its fields with them, the CLI offers them as ``choices``, the app as its
selects, and the record and the LLM modules read them from here: a new language or protocol is
one edit, and a misspelt one (``backend="open-ai"``) is a validation error wherever it comes in.

>>> names(Backend), names(Language)
(('offline', 'openai'), ('en', 'km'))
"""

from __future__ import annotations

from typing import Any, Literal, get_args

Backend = Literal["offline", "openai"]
"""Who reasons for the seats: the embedded arithmetic, or an OpenAI-compatible endpoint."""
Language = Literal["en", "km"]
"""Languages of the rationales, prompts and interface: English and Khmer."""
Protocol = Literal["bft", "tally"]
"""How ballots become a decision: two phases with locks, or one count."""
Update = Literal["fj", "wmsr", "majority"]
"""How a seat revises its view in deliberation."""
Topology = Literal["complete", "small-world", "scale-free", "ring"]
"""Who hears whom in deliberation."""
CacheMode = Literal["on", "read", "off"]
"""The LLM response cache: use and fill, only read (replay), or bypass."""
Status = Literal["decided", "no_quorum", "escalated", "error"]
"""How a run ended (DESIGN "How a run goes", 8)."""
Reasoner = Literal["offline", "openai", "human"]
"""Who spoke for one seat: a backend, or a person at the app."""
PERSON_ROLES = ("equivocate", "persuader", "collude", "stubborn")
"""The secret faulty roles a person can be given (``persuader:OPTION`` and so on)."""


def names(choice: Any) -> tuple[str, ...]:
    """The names of one of these sets, in the order written (the first is not the default)."""
    return tuple(get_args(choice))
