"""Fault models: how a faulty seat misbehaves, each model one registered object.

Lives here: ``base`` (the ``Fault`` interface, the ``FAULTS`` registry and ``@fault``, spec
parsing, ``FaultyBallots``), ``split`` (the split pair an equivocator works on), ``pushing``
(what the models that push an option share), ``models`` (the registered models, in listing
order), ``person`` (seats a person plays in a faulty role, and ``Mixed``: them and the
config's model in one run).

May import: ``council.contracts`` and the rest of ``council.rules``.
"""

from council.rules.faults import models as _models  # noqa: F401  (registers the models)
from council.rules.faults.base import (
    FAULTS,
    NONE,
    Fault,
    FaultContext,
    FaultyBallots,
    example_spec,
    fault,
    parse_fault,
)

__all__ = [
    "FAULTS",
    "NONE",
    "Fault",
    "FaultContext",
    "FaultyBallots",
    "example_spec",
    "fault",
    "parse_fault",
]
