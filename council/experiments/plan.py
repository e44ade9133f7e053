"""A sweep's cells: its config checked against the library and cut into seated councils.

Each cell is one combination of the config's lists, with the council it seats (seated once and
shared by every seed of it) and the group of cells that share a baseline.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from council.contracts.config import RunConfig
from council.contracts.formats import Scenario
from council.engine.seating import Council, compose, seat_council
from council.experiments.sweep import SweepConfig, parse_groups
from council.experiments.table import ALL_GROUPS, NO_PARTITION, NO_WEIGHTS, cell_factors
from council.library.catalog import Library, load_library, resolve_scenario
from council.library.loader import LoadError, Problem
from council.rules.faults import parse_fault
from council.rules.network import parse_partition
from council.rules.quorum import parse_quorum, parse_weights
from council.rules.quorum_system import build_system
from council.rules.registry import SpecError


@dataclass(frozen=True)
class Cell:
    """One combination of the lists: a run config without its seed, and the council it seats."""

    index: int
    config: RunConfig
    council: Council
    group: int
    """Cells sharing a group differ only in faulty seats and fault: they share a baseline."""

    extras: tuple[Any, ...] = ()
    """The cell's values of the optional factors its sweep lists, as the table writes them."""

    @property
    def factors(self) -> tuple[Any, ...]:
        """The cell's config columns, as the table writes them (fixed, then optional)."""
        return (*cell_factors(self.config), *self.extras)


def plan(config: SweepConfig, name: str, library: Library | None = None) -> list[Cell]:
    """The cells of a sweep, in table order, each with its seated council.

    Every combination is checked against the library first (scenarios exist, fault options
    are options of every scenario, faulty seats fit the council): LoadError naming ``name``.
    """
    library = library or load_library()
    problems: list[Problem] = []
    scenarios: dict[str, Scenario] = {}
    for ref in config.scenarios:
        try:
            scenarios[ref] = resolve_scenario(ref, library)
        except LoadError as err:
            reason = "; ".join(p.message for p in err.problems)
            problems.append(Problem(file=name, field="scenarios", message=f"{ref}: {reason}"))
    for spec in config.fault:
        for ref, scenario in scenarios.items():
            try:
                parse_fault(spec, scenario.option_ids)
            except SpecError as err:
                problems.append(Problem(file=name, field="fault", message=f"{err} in {ref}"))
    too_many = [(k, n) for k in config.byzantine for n in config.size if k > n]
    if too_many:
        k, n = too_many[0]
        problems.append(
            Problem(
                file=name, field="byzantine", message=f"{k} faulty seats exceed a council of {n}"
            )
        )
    problems += _council_problems(config, library, name)
    if problems:
        raise LoadError(problems)
    try:
        return list(_cells(config, library, scenarios))
    except (SpecError, LoadError) as err:  # a quorum or a partition this council cannot take
        if isinstance(err, LoadError):
            raise
        raise LoadError([Problem(file=name, message=str(err))]) from None


def _council_problems(config: SweepConfig, library: Library, name: str) -> list[Problem]:
    """Quorums, weights and partitions that some council size of the sweep cannot take."""
    problems: list[Problem] = []
    for size in config.size:
        groups = [p.group for p in compose(library, size)]
        for spec, weights in itertools.product(config.quorum, config.weights or (NO_WEIGHTS,)):
            try:
                build_system(parse_quorum(spec), groups, _run_value("weights", weights))
            except SpecError as err:
                problems.append(Problem(file=name, field="quorum", message=f"{err} ({size} seats)"))
        for spec in config.partition or ():
            try:
                if spec != NO_PARTITION:
                    parse_partition(spec, groups)
            except SpecError as err:
                problems.append(Problem(file=name, field="partition", message=str(err)))
    return problems


def _cells(config: SweepConfig, library: Library, scenarios: dict[str, Scenario]) -> Iterator[Cell]:
    groups: dict[tuple[Any, ...], int] = {}
    councils: dict[tuple[Any, ...], Council] = {}
    extras = config.extras()
    for index, values in enumerate(itertools.product(*config.lists())):
        fields = dict(zip(config.factors(), values, strict=True))
        run = RunConfig(**{f: _run_value(f, v) for f, v in fields.items()})
        seated = (run.scenario, run.size, run.fault, run.quorum,
                  fields.get("weights"), fields.get("partition"))  # fmt: skip
        if seated not in councils:
            councils[seated] = seat_council(run, library, scenarios[run.scenario])
        key = tuple(
            v for f, v in fields.items() if f not in ("byzantine", "fault", "faulty_groups")
        )
        group = groups.setdefault(key, len(groups))
        yield Cell(index=index, config=run, council=councils[seated], group=group,
                   extras=tuple(fields[f] for f in extras))  # fmt: skip


def _run_value(factor: str, value: Any) -> Any:
    """A table value of a factor as a run config takes it."""
    if factor == "weights":
        return None if value == NO_WEIGHTS else parse_weights(value)
    if factor == "faulty_groups":
        return None if value == ALL_GROUPS else parse_groups(value)
    if factor == "partition":
        return None if value == NO_PARTITION else value
    return value
