"""Presets: sweeps that reproduce known results, each with a plot and a paragraph.

A preset is two files in this folder: ``NAME.yaml``, a plain sweep config (``council sweep``
runs it like any other), and ``NAME.md``, a front matter naming the plot (its metrics, the
factors that colour and facet it) and one paragraph saying what the result shows and why.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from council.loader import LoadError, Problem, explain, parse_yaml
from council.sweep import EXTRAS, FACTORS, SweepConfig, load_sweep

FOLDER = Path(__file__).resolve().parent

METRICS = (
    "safety_violation_rate",
    "decision_rate",
    "validity",
    "rounds_used",
    "rounds_to_decide",
    "messages",
    "honest_drift",
    "honest_flips",
    "effective_votes",
)
"""Per-cell metrics a report can plot (see ``council.runner.CellMetrics``)."""


class PlotSpec(BaseModel):
    """What a preset's plot shows: metrics against faulty seats, coloured and faceted."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(description="The plot's title.")
    metrics: tuple[str, ...] = Field(min_length=1, description="Per-cell metrics to plot.")
    color: tuple[str, ...] = Field(default=(), description="Factors that colour the lines.")
    facet: tuple[str, ...] = Field(default=(), description="Factors that split the panels.")
    x: str | None = Field(
        default=None, description="The factor along the x axis (default: the faulty seats)."
    )

    @model_validator(mode="after")
    def _known_names(self) -> PlotSpec:
        for metric in self.metrics:
            if metric not in METRICS:
                raise ValueError(f"unknown metric {metric!r} (known: {', '.join(METRICS)})")
        for factor in (*self.color, *self.facet, *([self.x] if self.x else [])):
            if factor not in (*FACTORS, *EXTRAS):
                known = ", ".join((*FACTORS, *EXTRAS))
                raise ValueError(f"unknown factor {factor!r} (known: {known})")
        return self


class Preset(BaseModel):
    """A named sweep, its plot and the paragraph that explains the result."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    config: SweepConfig
    plot: PlotSpec
    explanation: str = Field(description="One paragraph: what the result shows and why.")

    @property
    def path(self) -> Path:
        """The preset's sweep config file."""
        return FOLDER / f"{self.name}.yaml"


def names() -> list[str]:
    """Every preset, by name."""
    return sorted(p.stem for p in FOLDER.glob("*.yaml"))


def load_preset(name: str) -> Preset:
    """A preset by name; LoadError if there is none or its files are wrong."""
    config_path = FOLDER / f"{name}.yaml"
    if name not in names():
        raise LoadError(
            [Problem(file=name, message=f"no such preset (known: {', '.join(names())})")]
        )
    config = load_sweep(config_path)
    plot, explanation = _read_notes(FOLDER / f"{name}.md")
    return Preset(name=name, config=config, plot=plot, explanation=explanation)


def _read_notes(path: Path) -> tuple[PlotSpec, str]:
    """A preset's front matter (the plot) and its paragraph."""
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---", 2) if text.startswith("---") else ("", "", text)
    data = parse_yaml(front.encode("utf-8"), str(path)) if front.strip() else {}
    try:
        plot = PlotSpec.model_validate(data)
    except ValidationError as err:
        problems = [Problem(file=str(path), field=f, message=m) for f, m in explain(err)]
        raise LoadError(problems) from None
    return plot, " ".join(body.split())
