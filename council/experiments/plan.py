"""A sweep's cells: its config checked against the library and cut into seated councils.

Each cell is one combination of the config's lists, with the council it seats (seated once and
shared by every seed of it) and the group of cells that share a baseline. A plan makes its
cells when they are asked for, from their index: a sweep of millions of cells holds a few.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
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


COUNCILS_KEPT = 64
"""Seated councils a plan keeps for reuse (cells come in order, so few are live at once)."""
GROUPED = ("byzantine", "fault", "faulty_groups")
"""The factors cells of one baseline group differ in (the faults, not the fault-free run)."""


class Plan:
    """A sweep's cells, made one at a time when asked for: never the whole product at once.

    A cell's index is its place in the product (the last factor fastest), so a cell, its
    values and its group are computed from the index alone; councils are seated when a cell
    is made and a few are kept for the cells that follow.
    """

    def __init__(
        self, config: SweepConfig, name: str, library: Library, scenarios: dict[str, Scenario]
    ) -> None:
        self.config, self.name, self.library, self.scenarios = config, name, library, scenarios
        self.lists = config.lists()
        self.names = config.factors()
        self.extras = config.extras()
        self.count = config.cells
        self._grouped = [i for i, f in enumerate(self.names) if f in GROUPED]
        self._councils: OrderedDict[tuple[Any, ...], Council] = OrderedDict()

    def __len__(self) -> int:
        return self.count

    def digits(self, index: int) -> list[int]:
        """Each list's position for the cell at ``index`` (mixed radix, the last fastest)."""
        if not 0 <= index < self.count:
            raise IndexError(f"cell {index} of {self.count}")
        out = [0] * len(self.lists)
        for i in range(len(self.lists) - 1, -1, -1):
            index, out[i] = divmod(index, len(self.lists[i]))
        return out

    def _index(self, digits: list[int]) -> int:
        index = 0
        for values, digit in zip(self.lists, digits, strict=True):
            index = index * len(values) + digit
        return index

    def values(self, index: int) -> dict[str, Any]:
        """The cell's value of every factor, by name, as its sweep config lists it."""
        digits = self.digits(index)
        pairs = enumerate(zip(self.names, digits, strict=True))
        return {f: self.lists[i][d] for i, (f, d) in pairs}

    def group(self, index: int) -> int:
        """The cell's baseline group: the index of the group's first cell."""
        digits = self.digits(index)
        for i in self._grouped:
            digits[i] = 0
        return self._index(digits)

    def members(self, group: int) -> Iterator[int]:
        """The cells of a group, in table order."""
        digits = self.digits(group)
        for picks in itertools.product(*(range(len(self.lists[i])) for i in self._grouped)):
            for i, pick in zip(self._grouped, picks, strict=True):
                digits[i] = pick
            yield self._index(digits)

    def cell(self, index: int) -> Cell:
        """The cell at ``index``, with its seated council."""
        fields = self.values(index)
        run = RunConfig(**{f: _run_value(f, v) for f, v in fields.items()})
        seated = (run.scenario, run.size, run.fault, run.quorum,
                  fields.get("weights"), fields.get("partition"))  # fmt: skip
        council = self._councils.get(seated)
        if council is None:
            try:
                council = seat_council(run, self.library, self.scenarios[run.scenario])
            except SpecError as err:  # a quorum or a partition this council cannot take
                raise LoadError([Problem(file=self.name, message=str(err))]) from None
            self._councils[seated] = council
            if len(self._councils) > COUNCILS_KEPT:
                self._councils.popitem(last=False)
        else:
            self._councils.move_to_end(seated)
        return Cell(index=index, config=run, council=council, group=self.group(index),
                    extras=tuple(fields[f] for f in self.extras))  # fmt: skip

    def cells(self, start: int = 0) -> Iterator[Cell]:
        """The cells from ``start`` on, in table order."""
        for index in range(start, self.count):
            yield self.cell(index)


def plan(config: SweepConfig, name: str, library: Library | None = None) -> Plan:
    """A sweep's cells, checked against the library, made lazily (see ``Plan``).

    Every combination is checked against the library first (scenarios exist, fault options
    are options of every scenario, faulty seats fit the council, quorums and partitions fit
    every council size): LoadError naming ``name``. Checking never lists the product.
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
    too_many = next(((k, n) for k in config.byzantine for n in config.size if k > n), None)
    if too_many:
        k, n = too_many
        problems.append(
            Problem(
                file=name, field="byzantine", message=f"{k} faulty seats exceed a council of {n}"
            )
        )
    problems += _council_problems(config, library, name)
    if problems:
        raise LoadError(problems)
    return Plan(config, name, library, scenarios)


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


def _run_value(factor: str, value: Any) -> Any:
    """A table value of a factor as a run config takes it."""
    if factor == "weights":
        return None if value == NO_WEIGHTS else parse_weights(value)
    if factor == "faulty_groups":
        return None if value == ALL_GROUPS else parse_groups(value)
    if factor == "partition":
        return None if value == NO_PARTITION else value
    return value
