"""Quorum arithmetic a preset quotes: computed from its councils and quorum systems, not run.

The figure kinds here read no per-cell metric: they build, for every council size, quorum
spec and weighting of the cells a figure pins, the quorum system a run of that cell uses
(``council.rules.quorum_system.build_system`` on the seated council's groups) and say what it is
(``council.rules.tolerance``):

- ``safety_bound``: the most faulty seats safety survives (``tolerates.safety``: 2t − n − 1
  for a threshold, the smallest intersection of two quorums minus one for any system);
- ``liveness_bound``: the most faulty seats liveness survives (``tolerates.liveness``);
- ``smallest_quorum``: seats in the smallest quorum (t for a threshold);
- ``overlap``: the fewest seats two quorums share (0 when two can be disjoint);
- ``blocking``: the fewest faulty seats that can block a decision (liveness + 1);
- ``blocking_split``: how such a smallest blocking set falls over the groups, as its
  per-group counts, largest first ("3 and 3");
- ``seats``: the council's seats by group ("9 government, 8 industry, …"), or one group's.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from council.contracts.principles import GROUPS
from council.engine.seating import compose
from council.experiments.sweep import SweepConfig
from council.experiments.table import NO_WEIGHTS
from council.library.catalog import load_library
from council.rules.quorum import parse_quorum, parse_weights
from council.rules.quorum_system import QuorumSystem, build_system
from council.rules.tolerance import smallest, smallest_blocking, tolerance

KINDS = (
    "safety_bound",
    "liveness_bound",
    "smallest_quorum",
    "overlap",
    "blocking",
    "blocking_split",
    "seats",
)
"""Figure kinds computed from the quorum arithmetic alone."""


def systems(config: SweepConfig) -> Iterator[tuple[list[str], QuorumSystem]]:
    """Each council's groups (seat by seat) and quorum system, for every size, quorum, weights."""
    library = load_library()
    for size in config.size:
        groups: list[str] = [p.group for p in compose(library, size)]
        for spec, weights in itertools.product(config.quorum, config.weights or (NO_WEIGHTS,)):
            weighting = None if weights == NO_WEIGHTS else parse_weights(weights)
            yield groups, build_system(parse_quorum(spec), groups, weighting)


def arithmetic(kind: str, config: SweepConfig, group: str | None = None) -> set[str]:
    """The figure's text for every system of ``config`` (one text if they all agree).

    >>> config = SweepConfig(scenarios=("x",), size=(33,), quorum=("groups:3/0.75",), seeds=1)
    >>> [arithmetic(k, config).pop() for k in ("smallest_quorum", "overlap", "blocking_split")]
    ['18', '8', '3 and 3']
    >>> arithmetic("seats", config).pop()
    '9 government, 8 industry, 8 academia, 8 civil society'
    """
    return {_text(kind, groups, system, group) for groups, system in systems(config)}


def _text(kind: str, groups: list[str], system: QuorumSystem, group: str | None) -> str:
    if kind == "seats":
        if group is not None:
            return str(groups.count(group))
        return ", ".join(f"{groups.count(g)} {g.replace('_', ' ')}" for g in GROUPS if g in groups)
    if kind == "smallest_quorum":
        return str(smallest(system))
    if kind == "blocking_split":
        counts = sorted(smallest_blocking(system).values(), reverse=True)
        return " and ".join(map(str, counts))
    tol = tolerance(system)
    value = {
        "safety_bound": tol.safety,
        "liveness_bound": tol.liveness,
        "overlap": max(0, tol.safety + 1),
        "blocking": tol.liveness + 1,
    }[kind]
    return str(value)
