"""A sweep's config: lists of settings whose full product, times seeds, is run.

A sweep config (DESIGN "Sweep config and table") names lists of settings; the sweep runs the full
product of the lists, in column order, times seeds 0..S-1, one row per run. A list left out is
the run config's default alone (``RunConfig`` is where defaults are written). ``plan`` checks a
config against the library and cuts it into cells; ``blocks`` runs a block of seeds of a cell;
``schedule`` schedules blocks and writes the table (``table``).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from council.contracts import principles
from council.contracts.choices import Protocol, Topology, Update
from council.contracts.config import MAX_SIZE, bounds_of, default_of
from council.experiments.factors import ALL_GROUPS, EXTRAS, FACTORS, NO_WEIGHTS
from council.library.loader import LoadError, Problem, explain, read_yaml
from council.rules.faults import FAULTS
from council.rules.quorum import parse_quorum, parse_weights
from council.rules.registry import SpecError
from council.rules.voting import METHODS

MAX_SEEDS = 10_000_000
"""Seeds per cell at most (a config's ``seeds``, the CLI's ``--seeds``, the app's field)."""


def _default(factor: str) -> tuple[Any, ...]:
    """A factor's list when a config leaves it out: the run config's default alone."""
    return (default_of(factor),)


def _listed(value: Any) -> Any:
    """Let a single value stand for a list of one (``size: 33`` is ``size: [33]``)."""
    return value if isinstance(value, list | tuple) else [value]


def _whole(value: Any) -> Any:
    """Refuse ``true``/``false`` where a number is meant (pydantic would take them as 1 and 0)."""
    if isinstance(value, bool):
        raise ValueError(f"expected a whole number, not {str(value).lower()}")
    return value


Whole = Annotated[int, BeforeValidator(_whole)]
"""An int that a YAML boolean is not (``seeds: true`` is an error, not 1)."""


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
    size: tuple[Whole, ...] = Field(default=_default("size"), description="Council sizes.")
    byzantine: tuple[Whole, ...] = Field(default=_default("byzantine"), description="Faulty seats.")
    fault: tuple[str, ...] = Field(
        default=_default("fault"), description="Fault models, NAME[:OPTION]."
    )
    protocol: tuple[Protocol, ...] = Field(default=_default("protocol"), description="Protocols.")
    quorum: tuple[str, ...] = Field(
        default=_default("quorum"), description="Quorum rules: names or fractions."
    )
    method: tuple[str, ...] = Field(default=_default("method"), description="Aggregation methods.")
    topology: tuple[Topology, ...] = Field(
        default=_default("topology"), description="Communication topologies."
    )
    rounds: tuple[Whole, ...] = Field(
        default=_default("rounds"), description="Deliberation rounds before the vote."
    )
    update: tuple[Update, ...] = Field(default=_default("update"), description="Update rules.")
    seeds: Whole = Field(ge=1, le=MAX_SEEDS, description="Seeds per cell: 0..seeds-1.")
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
                parse_groups(spec)
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
        if any(count < 0 for count in value):
            raise ValueError("faulty seats cannot be negative")
        return value

    @field_validator("rounds")
    @classmethod
    def _round_counts(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        low, high = bounds_of("rounds")
        if any(not low <= r <= high for r in value):
            raise ValueError(f"rounds must be {low} to {high}")
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
        from council.experiments.table import COLUMNS  # the engine's metrics: not to read a config

        return (*COLUMNS, *self.extras())

    @property
    def cells(self) -> int:
        """Combinations of the lists (exact: Python ints, counted, never listed)."""
        return math.prod(len(values) for values in self.lists())

    @property
    def runs(self) -> int:
        """Rows of the table: cells times seeds."""
        return self.cells * self.seeds


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


def with_seeds(config: SweepConfig, seeds: int, name: str) -> SweepConfig:
    """The config with another seed count, checked as a config's own (LoadError naming ``name``).

    >>> with_seeds(SweepConfig(scenarios=("x",), seeds=5), 20, "--seeds").runs
    20
    >>> with_seeds(SweepConfig(scenarios=("x",), seeds=5), 10**9, "--seeds")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    council.library.loader.LoadError: --seeds: seeds: input should be less than or equal to ...
    """
    return parse_sweep({**config.model_dump(), "seeds": seeds}, name)


def parse_groups(spec: str) -> tuple[str, ...]:
    """``government,industry`` as groups; SpecError naming a bad one."""
    try:
        return principles.parse_groups(spec)
    except ValueError as exc:
        raise SpecError(f"{exc}, or {ALL_GROUPS}") from None
