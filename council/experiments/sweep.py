"""Sweeps: every combination of a config's lists, times seeds, on the batch path.

A sweep config (DESIGN "Sweep config and table") names lists of settings; the sweep runs the full
product of the lists, in column order, times seeds 0..S-1, one row per run. This module holds the
config, its checks against the library, the cells of the product and the worker that runs a block of
seeds of one cell; ``council.experiments.schedule`` schedules blocks and writes the table.
"""

from __future__ import annotations

import csv
import io
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from council.contracts.config import MAX_SIZE, Protocol, RunConfig, Topology, Update
from council.contracts.formats import Scenario
from council.contracts.principles import GROUPS
from council.engine.adversary import NONE
from council.engine.context import Council, compose, draw, seat_council
from council.engine.outcome import summarize
from council.engine.phases import simulate
from council.experiments.effective import BallotStats, BallotTally
from council.library.catalog import Library, load_library, resolve_scenario
from council.library.loader import LoadError, Problem, explain, read_yaml
from council.rules.faults import FAULTS, parse_fault
from council.rules.network import parse_partition
from council.rules.quorum import parse_quorum, parse_weights
from council.rules.quorum_system import build_system
from council.rules.registry import SpecError
from council.rules.voting import METHODS

FACTORS = (
    "scenario",
    "size",
    "byzantine",
    "fault",
    "protocol",
    "quorum",
    "method",
    "topology",
    "rounds",
    "update",
)
"""The config columns of the table, in the order the product runs them (the last fastest)."""
RESULTS = (
    "status",
    "option",
    "safety_violation",
    "agrees_with_baseline",
    "rounds_used",
    "messages",
    "honest_drift",
    "honest_flips",
)
COLUMNS = (*FACTORS, "seed", *RESULTS)
"""The table's columns, exactly (DESIGN "Sweep config and table"), for a config that sets none
of the optional factors below."""
EXTRAS = ("weights", "faulty_groups", "drop", "partition", "delay")
"""Optional factors: a config that lists one gets its column after every fixed column, in
this order, and its values in the product after ``update`` (so tables without them stay as
they were, byte for byte)."""
NO_WEIGHTS, ALL_GROUPS, NO_PARTITION = "none", "all", "none"
"""The values of the optional text factors that leave a run as it would be without them."""

UNKNOWN = -2
"""A baseline option not yet computed (NONE, -1, is a baseline that decides nothing)."""


def _listed(value: Any) -> Any:
    """Let a single value stand for a list of one (``size: 33`` is ``size: [33]``)."""
    return value if isinstance(value, list | tuple) else [value]


def _no_duplicates(values: tuple[Any, ...]) -> tuple[Any, ...]:
    if not values:
        raise ValueError("list at least one value")
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{value!r} is listed twice (the table would repeat rows)")
        seen.add(value)
    return values


class SweepConfig(BaseModel):
    """A sweep: lists of settings whose full product, times ``seeds`` seeds, is run."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scenarios: tuple[str, ...] = Field(description="Scenario ids or YAML paths.")
    size: tuple[int, ...] = Field(default=(33,), description="Council sizes.")
    byzantine: tuple[int, ...] = Field(default=(0,), description="Faulty seats.")
    fault: tuple[str, ...] = Field(
        default=("equivocate",), description="Fault models, NAME[:OPTION]."
    )
    protocol: tuple[Protocol, ...] = Field(default=("bft",), description="Protocols.")
    quorum: tuple[str, ...] = Field(
        default=("bft",), description="Quorum rules: names or fractions."
    )
    method: tuple[str, ...] = Field(default=("plurality",), description="Aggregation methods.")
    topology: tuple[Topology, ...] = Field(
        default=("complete",), description="Communication topologies."
    )
    rounds: tuple[int, ...] = Field(
        default=(2,), description="Deliberation rounds before the vote."
    )
    update: tuple[Update, ...] = Field(default=("fj",), description="Update rules.")
    seeds: int = Field(ge=1, le=10_000_000, description="Seeds per cell: 0..seeds-1.")
    weights: tuple[str, ...] | None = Field(
        default=None, description="Group weights, GROUP=W,... ('none': unweighted)."
    )
    faulty_groups: tuple[str, ...] | None = Field(
        default=None, description="Groups the faulty seats come from, GROUP,... ('all': any)."
    )
    drop: tuple[float, ...] | None = Field(default=None, description="Message loss chances.")
    partition: tuple[str, ...] | None = Field(
        default=None, description="Partitions, SIDE|SIDE@R1-R2 ('none': no cut)."
    )
    delay: tuple[float, ...] | None = Field(default=None, description="Late-message chances.")

    @field_validator(*FACTORS[1:], *EXTRAS, "scenarios", mode="before")
    @classmethod
    def _as_list(cls, value: Any) -> Any:
        return value if value is None else _listed(value)

    @field_validator(*EXTRAS)
    @classmethod
    def _unique_extra(cls, value: tuple[Any, ...] | None) -> tuple[Any, ...] | None:
        return value if value is None else _no_duplicates(value)

    @field_validator("drop", "delay")
    @classmethod
    def _chances(cls, value: tuple[float, ...] | None) -> tuple[float, ...] | None:
        if value is not None and any(not 0 <= p <= 1 for p in value):
            raise ValueError("chances must be in [0, 1]")
        return value

    @field_validator("weights")
    @classmethod
    def _weight_specs(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        for spec in value or ():
            if spec != NO_WEIGHTS:
                parse_weights(spec)
        return value

    @field_validator("faulty_groups")
    @classmethod
    def _group_lists(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        for spec in value or ():
            if spec != ALL_GROUPS:
                _groups(spec)
        return value

    @field_validator("quorum", mode="before")
    @classmethod
    def _quorum_text(cls, value: Any) -> Any:
        # YAML reads `0.6` as a number; the rule is its text.
        return [
            str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v
            for v in _listed(value)
        ]

    @field_validator(*FACTORS[1:], "scenarios")
    @classmethod
    def _unique(cls, value: tuple[Any, ...]) -> tuple[Any, ...]:
        return _no_duplicates(value)

    @field_validator("size")
    @classmethod
    def _sizes(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        for size in value:
            if not 1 <= size <= MAX_SIZE:
                raise ValueError(f"a council has 1 to {MAX_SIZE} seats, not {size}")
        return value

    @field_validator("byzantine")
    @classmethod
    def _faulty_counts(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(k < 0 for k in value):
            raise ValueError("faulty seats cannot be negative")
        return value

    @field_validator("rounds")
    @classmethod
    def _round_counts(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(not 0 <= r <= 50 for r in value):
            raise ValueError("rounds must be 0 to 50")
        return value

    @field_validator("fault")
    @classmethod
    def _faults(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for spec in value:
            FAULTS.split(spec)
        return value

    @field_validator("quorum")
    @classmethod
    def _rules(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for spec in value:
            parse_quorum(spec)
        return value

    @field_validator("method")
    @classmethod
    def _methods(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for spec in value:
            METHODS.split(spec)
        return value

    def lists(self) -> tuple[tuple[Any, ...], ...]:
        """The lists, in the order of ``factors()``."""
        return (self.scenarios, self.size, self.byzantine, self.fault, self.protocol,
                self.quorum, self.method, self.topology, self.rounds, self.update,
                *(getattr(self, f) for f in self.extras()))  # fmt: skip

    def extras(self) -> tuple[str, ...]:
        """The optional factors this config lists (EXTRAS order)."""
        return tuple(f for f in EXTRAS if getattr(self, f) is not None)

    def factors(self) -> tuple[str, ...]:
        """Every factor of the product, fixed then optional."""
        return (*FACTORS, *self.extras())

    def columns(self) -> tuple[str, ...]:
        """The table's columns: the fixed ones, then the optional factors listed."""
        return (*COLUMNS, *self.extras())

    @property
    def cells(self) -> int:
        """Combinations of the lists."""
        return int(np.prod([len(values) for values in self.lists()]))

    @property
    def runs(self) -> int:
        """Rows of the table: cells times seeds."""
        return self.cells * self.seeds


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


def load_sweep(path: Path) -> SweepConfig:
    """Read and validate a sweep config file; LoadError with one problem per line."""
    data = read_yaml(path)
    return parse_sweep(data, str(path))


def parse_sweep(data: Any, name: str) -> SweepConfig:
    """Validate plain data as a sweep config; LoadError naming ``name`` if it is wrong."""
    if not isinstance(data, dict):
        got = "nothing" if data is None else type(data).__name__
        raise LoadError([Problem(file=name, message=f"the root must be a mapping, got {got}")])
    try:
        return SweepConfig.model_validate(data)
    except ValidationError as err:
        raise LoadError([Problem(file=name, field=f, message=m) for f, m in explain(err)]) from None


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


def _cells(config: SweepConfig, library: Library, scenarios: dict[str, Scenario]) -> Any:
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
        return None if value == ALL_GROUPS else _groups(value)
    if factor == "partition":
        return None if value == NO_PARTITION else value
    return value


def _groups(spec: str) -> tuple[str, ...]:
    """``government,industry`` as groups; SpecError naming a bad one."""
    groups = tuple(g.strip() for g in spec.split(",") if g.strip())
    bad = [g for g in groups if g not in GROUPS]
    if bad or not groups:
        raise SpecError(
            f"{bad[0] if bad else spec!r} is not a group (known: {', '.join(GROUPS)}, or all)"
        )
    return groups


@dataclass(frozen=True)
class Block:
    """A worker's task: seeds [start, stop) of one cell, with the baselines already known."""

    cell: int
    config: RunConfig
    council: Council
    start: int
    stop: int
    baselines: np.ndarray
    """(stop - start,) int8 baseline option per seed; UNKNOWN where still to compute."""
    extras: tuple[Any, ...] = ()
    """The cell's values of the optional factors, as the table writes them."""


class RowSums(BaseModel):
    """Sums over a cell's rows, for its rates and means (they add up, block by block)."""

    model_config = ConfigDict(extra="forbid")

    runs: int = 0
    violations: int = 0
    decided: int = 0
    agrees: int = 0
    rounds_used: int = 0
    messages: int = 0
    drift_micro: int = Field(default=0, description="Honest drift in millionths (exact sums).")
    flips: int = 0
    decided_rounds: int = Field(default=0, description="Rounds used by the runs that decided.")

    def add(self, other: RowSums) -> None:
        """Add another block's sums to these."""
        for name in RowSums.model_fields:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class BlockResult:
    """What a block produced: its rows as CSV text, their sums, baselines and ballot statistics."""

    cell: int
    start: int
    stop: int
    text: str
    """The block's table rows, CSV lines in seed order."""
    sums: RowSums
    baselines: np.ndarray
    ballots: BallotStats


def format_row(
    factors: list[str], seed: int, result: tuple[Any, ...], extras: list[str] | None = None
) -> list[str]:
    """A table row as text: booleans ``true``/``false``, drift with six decimals."""
    status, option, violation, agrees, rounds_used, messages, drift, flips = result
    return [
        *factors,
        str(seed),
        status,
        option,
        "true" if violation else "false",
        "true" if agrees else "false",
        str(rounds_used),
        str(messages),
        f"{drift:.6f}",
        str(flips),
        *(extras or ()),
    ]


def run_block(block: Block) -> BlockResult:
    """Run a block on the batch path: seat once, then draw, simulate and summarize per seed."""
    config, council = block.config, block.council
    option_ids = council.scenario.option_ids
    factors = [str(v) for v in cell_factors(config)]
    extras = [str(v) for v in block.extras]
    baselines = block.baselines.copy()
    tally = BallotTally(len(council.personas), len(option_ids))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    casts: list[np.ndarray] = []
    honest: list[np.ndarray] = []
    totals = [0] * 9  # RowSums' fields, in order (plain ints: a model's setattr is slow)
    for i, seed in enumerate(range(block.start, block.stop)):
        seeded = config.model_copy(update={"seed": seed})
        ctx = draw(seeded, council)
        trace = simulate(ctx)
        summary = summarize(ctx, trace)
        if baselines[i] == UNKNOWN:
            baselines[i] = summary.option if not config.byzantine else _baseline(seeded, council)
        if trace.ballots:
            casts.append(trace.ballots[0].cast)
            honest.append(ctx.honest)
        agrees = bool(summary.option == baselines[i])
        option = "" if summary.option == NONE else option_ids[summary.option]
        writer.writerow(
            format_row(factors, seed, (summary.status, option, summary.safety_violation, agrees,
                                       summary.rounds_used, summary.messages,
                                       summary.honest_drift, summary.honest_flips), extras)
        )  # fmt: skip
        decided = summary.status == "decided"
        for field, value in enumerate(
            (1, summary.safety_violation, decided, agrees,
             summary.rounds_used, summary.messages, round(summary.honest_drift * 1_000_000),
             summary.honest_flips, summary.rounds_used if decided else 0)
        ):  # fmt: skip
            totals[field] += int(value)
    tally = BallotTally(len(council.personas), len(option_ids))
    if casts:
        tally.add_many(np.stack(casts), np.stack(honest))
    sums = RowSums(**dict(zip(RowSums.model_fields, totals, strict=True)))
    return BlockResult(
        block.cell, block.start, block.stop, text.getvalue(), sums, baselines, tally.stats()
    )


def cell_factors(config: RunConfig) -> tuple[Any, ...]:
    """A run config's values of the table's config columns."""
    return tuple(getattr(config, f) for f in FACTORS)


def _baseline(config: RunConfig, council: Council) -> int:
    """The option the same seed decides with every seat honest (engine.baseline_option)."""
    ctx = draw(config.honest(), council)
    return summarize(ctx, simulate(ctx)).option
