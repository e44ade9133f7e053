"""The seed-free part of a run: who sits, their numbers, the scenario's, the quorum system.

``seat_council`` resolves a config's council once; ``council.engine.context.draw`` then draws a
seed's faulty seats, noise and topology for it (a sweep seats each cell once for all its seeds).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from council.contracts.config import RunConfig
from council.contracts.formats import Persona, Scenario
from council.contracts.principles import PRINCIPLES
from council.contracts.record import Tolerance
from council.library.catalog import Library
from council.rules.faults import Fault, parse_fault
from council.rules.network import Partition, parse_partition
from council.rules.opinion import base_scores
from council.rules.quorum import max_faulty, parse_quorum
from council.rules.quorum_system import QuorumSystem, build_system
from council.rules.registry import SpecError
from council.rules.tolerance import smallest
from council.rules.tolerance import tolerance as system_tolerance
from council.rules.voting import METHODS


@dataclass(frozen=True, eq=False)
class Council:
    """The seed-free part of a run: who sits, their numbers, the scenario's, the rules.

    Built once per configuration cell and shared by every seed of it (sweeps lean on this).
    """

    scenario: Scenario
    personas: tuple[Persona, ...]
    fault: Fault
    values: np.ndarray
    """(n, P) value weights."""
    openness: np.ndarray
    """(n,) openness of each seat."""
    impacts: np.ndarray
    """(options, P) effect of each option on each principle."""
    emphasis: np.ndarray
    """(P,) 0.5 + harm: how much each principle counts in this scenario."""
    quorum: int
    """The threshold t; for a quorum system beyond one threshold, its smallest quorum's seats."""
    max_faulty: int
    system: QuorumSystem
    """The quorum predicate over per-group support (a plain threshold t: count >= t)."""
    tolerates: Tolerance
    partition: Partition | None = None

    @functools.cached_property
    def base(self) -> np.ndarray:
        """(n, options) each seat's noise-free scores: the same for every seed of a cell."""
        return base_scores(self.values, self.impacts, self.emphasis)


def compose(library: Library, size: int) -> list[Persona]:
    """Seats drawn round-robin across the groups in fixed order; personas repeat past the library.

    Seat i takes the next persona of group i mod 4 (cycling within the group).
    """
    groups = [g for g in library.personas_by_group().values() if g]
    if not groups:
        raise SpecError("the library has no personas")
    taken = [0] * len(groups)
    seated: list[Persona] = []
    for i in range(size):
        g = i % len(groups)
        seated.append(groups[g][taken[g] % len(groups[g])])
        taken[g] += 1
    return seated


def seat_council(config: RunConfig, library: Library, scenario: Scenario) -> Council:
    """Resolve the seed-free part of a config; SpecError naming the option if it is invalid."""
    if config.personas:
        unknown = [p for p in config.personas if p not in library.personas]
        if unknown:
            raise SpecError(
                f"--personas: unknown persona {unknown[0]!r} (see `council list personas`)"
            )
        personas = [library.personas[p] for p in config.personas]
    else:
        personas = compose(library, config.size)
    n = len(personas)
    if config.byzantine > n:
        raise SpecError(f"--byzantine {config.byzantine} exceeds the council of {n} seats")
    METHODS.split(config.method)
    bad_humans = [s for s in config.human_seats if not 0 <= s < n]
    if bad_humans:
        raise SpecError(f"human seat {bad_humans[0]} is not a seat of the council of {n}")
    groups = [p.group for p in personas]
    system = build_system(parse_quorum(config.quorum), groups, config.weights)
    return Council(
        scenario=scenario,
        personas=tuple(personas),
        fault=parse_fault(config.fault, scenario.option_ids),
        values=np.array([[p.values.get(q, 0.0) for q in PRINCIPLES] for p in personas]),
        openness=np.array([p.openness for p in personas]),
        impacts=np.array([[o.impacts.get(q, 0.0) for q in PRINCIPLES] for o in scenario.options]),
        emphasis=0.5 + np.array([scenario.harms.get(q, 0.0) for q in PRINCIPLES]),
        quorum=smallest(system),
        max_faulty=max_faulty(n),
        system=system,
        tolerates=system_tolerance(system),
        partition=parse_partition(config.partition, groups) if config.partition else None,
    )
