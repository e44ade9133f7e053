"""A preset's figure specs: which cells a figure reads and how it reduces them to text.

A preset's front matter may declare ``figures`` (``Figure``); its paragraph and summary name them
as ``{name}`` (``render``); their values, computed by ``claims`` from a run, are kept in
``NAME.figures.json`` (``FigureValues``) with a digest of what they depend on.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from council.contracts.principles import GROUPS
from council.experiments.cells import RATES, CellMetrics
from council.experiments.presets.arithmetic import KINDS as ARITHMETIC
from council.experiments.sweep import SweepConfig
from council.experiments.table import EXTRAS, FACTORS

Scalar = str | int | float
CONDITION = re.compile(r"^\s*(>=|<=|==|>|<)\s*(-?[0-9.]+)\s*$")
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
"""How a paragraph names a figure: ``{name}``."""


Kind = Literal[
    "value", "values", "first", "last", "max", "min", "spread", "count", "runs",
    "safety_bound", "liveness_bound", "smallest_quorum", "overlap", "blocking",
    "blocking_split", "seats",
]  # fmt: skip
REFERENCE = re.compile(r"^\{([a-z][a-z0-9_]*)\}$")
"""A ``where`` value naming another figure, ``"{name}"``: the factor value that figure gave."""


class Figure(BaseModel):
    """One generated number: which cells it reads and how it reduces them to text."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Kind = Field(
        default="value",
        description="value: one cell's metric; values: the metric along `over`, joined; first / "
        "last: the first value of `over` whose metric meets `when` / the last of the leading run "
        "that meets it; max, min: over the cells; spread: the largest difference between cells "
        "that differ only in `between`; count: runs in which a rate's event happened (its rate "
        "times its runs, summed); runs: the cells' runs, summed; the quorum arithmetic of the "
        "cells' councils (no run): safety_bound, liveness_bound, smallest_quorum, overlap, "
        "blocking, blocking_split, seats (see council.experiments.presets.arithmetic).",
    )
    metric: str | None = Field(default=None, description="A per-cell metric (CellMetrics).")
    where: dict[str, Scalar | list[Scalar]] = Field(
        default_factory=dict,
        description="Factor -> the value(s) of the cells it reads; '{name}': the value another "
        "figure (a first or last) gave.",
    )
    over: str | None = Field(default=None, description="values, first, last: the factor.")
    when: str | None = Field(default=None, description="first, last: a test like '> 0'.")
    combine: Literal["max", "min"] | None = Field(
        default=None,
        description="values, first, last: how the cells sharing a value of `over` reduce to one "
        "number (default: there must be one such cell).",
    )
    between: str | None = Field(default=None, description="spread: the factor compared.")
    group: str | None = Field(default=None, description="seats: one group's seats.")
    otherwise: str = Field(default="never", description="first, last: text when none meets it.")
    format: str = Field(default=".2f", description="Format spec of a metric's value.")

    @model_validator(mode="after")
    def _consistent(self) -> Figure:
        for factor in (*self.where, self.over, self.between):
            if factor is not None and factor not in (*FACTORS, *EXTRAS):
                known = ", ".join((*FACTORS, *EXTRAS))
                raise ValueError(f"unknown factor {factor!r} (known: {known})")
        if self.kind in ARITHMETIC or self.kind == "runs":
            if self.metric is not None:
                raise ValueError(f"{self.kind} reads no metric, not {self.metric!r}")
        elif self.metric not in CellMetrics.model_fields:
            raise ValueError(f"{self.kind} needs a per-cell metric, not {self.metric!r}")
        if self.kind == "count" and self.metric not in RATES:
            raise ValueError(f"count needs a rate ({', '.join(RATES)}), not {self.metric!r}")
        if self.kind in ("values", "first", "last") and self.over is None:
            raise ValueError(f"{self.kind} needs `over`: the factor it runs along")
        if self.kind in ("first", "last") and (self.when is None or not CONDITION.match(self.when)):
            raise ValueError(f"{self.kind} needs `when`, a test such as '> 0' or '== 0'")
        if self.kind == "spread" and self.between is None:
            raise ValueError("spread needs `between`: the factor whose cells it compares")
        if self.group is not None and (self.kind != "seats" or self.group not in GROUPS):
            raise ValueError(f"`group` is for seats, one of {', '.join(GROUPS)}")
        return self

    def references(self) -> set[str]:
        """The figures whose values this one's ``where`` names."""
        return {m.group(1) for v in self.where.values() for m in [REFERENCE.match(str(v))] if m}

    def resolved(self, values: dict[str, str], name: str = "figure") -> Figure:
        """The figure with every ``"{name}"`` in ``where`` replaced by that figure's text."""
        where: dict[str, Scalar | list[Scalar]] = {}
        for factor, wanted in self.where.items():
            match = REFERENCE.match(str(wanted))
            if match and match.group(1) not in values:
                raise ValueError(f"{name}: where {factor}: no figure {match.group(1)!r} yet")
            where[factor] = values[match.group(1)] if match else wanted
        return self.model_copy(update={"where": where})


class FigureValues(BaseModel):
    """``NAME.figures.json``: a preset's figures as text, and what they were computed from."""

    model_config = ConfigDict(extra="forbid")

    preset: str
    seeds: int = Field(description="Seeds per cell of the run they come from.")
    source: str = Field(description="Digest of the sweep config and figure specs used.")
    figures: dict[str, str]


def source_digest(config: SweepConfig, figures: dict[str, Figure]) -> str:
    """A digest of what the figures depend on besides the code: the config and the specs.

    Both as written: a field left unset (None) is left out, so a new optional factor of the
    sweep config, or a new optional field of a figure, changes no existing digest.

    >>> config = SweepConfig(scenarios=("x",), seeds=3)
    >>> source_digest(config, {}) == source_digest(config.model_copy(update={"drop": (0.1,)}), {})
    False
    """
    data = {
        "config": config.model_dump(mode="json", exclude_none=True),
        "figures": {
            k: f.model_dump(mode="json", exclude_none=True) for k, f in sorted(figures.items())
        },
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def render(template: str, values: dict[str, str], where: str) -> str:
    """``template`` with every ``{name}`` replaced; ValueError naming ``where`` if one is unknown.

    >>> render("violations from {first} on", {"first": "11"}, "n3-bound")
    'violations from 11 on'
    """

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise ValueError(
                f"{where}: no figure {name!r} "
                "(run python -m council.experiments.presets.regenerate)"
            )
        return values[name]

    return PLACEHOLDER.sub(fill, template)
