"""Presets: sweeps that reproduce known results, each with a plot and a paragraph.

A preset is files in this folder: ``NAME.yaml``, a plain sweep config (``council sweep`` runs
it like any other), and ``NAME.md``, a front matter naming the plot (its metrics, the factors
that colour and facet it), the ``figures`` its text quotes and a one-line ``summary`` for the
README's table, then one paragraph saying what the result shows and why. The paragraph and the
summary name figures as ``{name}``; their values come from a run of the preset, written to
``NAME.figures.json`` by ``python -m council.experiments.presets.regenerate``, never typed.

Lives here: the ``Preset`` model and loader (this module), ``figure`` (figure definitions and
rendering), ``arithmetic`` (figures computed exactly rather than run), ``claims`` (checking a
paragraph against a run), ``regenerate`` (the script that writes the figures and the README's
table).

May import: ``council.experiments`` and everything below it.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from council.experiments.cells import CELL_METRICS
from council.experiments.presets.figure import (
    PLACEHOLDER,
    Figure,
    FigureValues,
    render,
    source_digest,
)
from council.experiments.sweep import SweepConfig, load_sweep
from council.experiments.table import EXTRAS, FACTORS
from council.library.loader import LoadError, Problem, explain, parse_yaml

FOLDER = Path(__file__).resolve().parent


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
            if metric not in CELL_METRICS:
                known = ", ".join(CELL_METRICS)
                raise ValueError(f"unknown metric {metric!r} (known: {known})")
        for factor in (*self.color, *self.facet, *([self.x] if self.x else [])):
            if factor not in (*FACTORS, *EXTRAS):
                known = ", ".join((*FACTORS, *EXTRAS))
                raise ValueError(f"unknown factor {factor!r} (known: {known})")
        return self


class Notes(BaseModel):
    """A preset's ``NAME.md`` front matter, apart from the plot."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    summary: str | None = Field(
        default=None, description="One line for the README's preset table (figures as {name})."
    )
    figures: dict[str, Figure] = Field(
        default_factory=dict, description="Figures the text quotes, computed from a run."
    )

    @model_validator(mode="after")
    def _references(self) -> Notes:
        for name, figure in self.figures.items():
            for other in sorted(figure.references()):
                if other not in self.figures:
                    raise ValueError(f"figure {name}: where names no figure {other!r}")
                if self.figures[other].kind not in ("first", "last"):
                    raise ValueError(
                        f"figure {name}: where names {other!r}, which is no first or last (a "
                        "factor's value)"
                    )
        return self


class Preset(BaseModel):
    """A named sweep, its plot and the paragraph that explains the result."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    config: SweepConfig
    plot: PlotSpec
    template: str = Field(description="The paragraph, figures named as {name}.")
    summary_template: str = Field(description="The README table's line, figures as {name}.")
    figures: dict[str, Figure] = Field(default_factory=dict)
    values: dict[str, str] = Field(
        default_factory=dict, description="Each figure's text, from NAME.figures.json."
    )

    @property
    def path(self) -> Path:
        """The preset's sweep config file."""
        return FOLDER / f"{self.name}.yaml"

    @property
    def figures_path(self) -> Path:
        """The preset's generated figures."""
        return FOLDER / f"{self.name}.figures.json"

    @property
    def explanation(self) -> str:
        """The paragraph with its figures filled in."""
        return render(self.template, self.values, f"{self.name}.md")

    @property
    def summary(self) -> str:
        """The README table's line with its figures filled in."""
        return render(self.summary_template, self.values, f"{self.name}.md")


def names() -> list[str]:
    """Every preset, by name."""
    return sorted(p.stem for p in FOLDER.glob("*.yaml"))


def read_preset(name: str) -> Preset:
    """A preset's config, plot, text and figure specs, without their values.

    LoadError if there is none or its files are wrong.
    """
    config_path = FOLDER / f"{name}.yaml"
    if name not in names():
        raise LoadError(
            [Problem(file=name, message=f"no such preset (known: {', '.join(names())})")]
        )
    config = load_sweep(config_path)
    plot, notes, template = _read_notes(FOLDER / f"{name}.md")
    return Preset(
        name=name,
        config=config,
        plot=plot,
        template=template,
        summary_template=notes.summary or plot.title,
        figures=notes.figures,
    )


def load_preset(name: str) -> Preset:
    """A preset by name, its figures filled in from ``NAME.figures.json``.

    LoadError if there is none, its files are wrong, or its figures are missing or were
    computed from another config or other figure specs (regenerate them, see the module doc).
    """
    preset = read_preset(name)
    used = set(PLACEHOLDER.findall(preset.template + " " + preset.summary_template))
    where = str(preset.figures_path)
    if unknown := sorted(used - set(preset.figures)):
        raise LoadError([Problem(file=f"{name}.md", message=f"no figure named {unknown[0]!r}")])
    if not preset.figures:
        return preset
    regenerate = f"regenerate: python -m council.experiments.presets.regenerate {name}"
    if not preset.figures_path.exists():
        raise LoadError([Problem(file=where, message=f"missing; {regenerate}")])
    try:
        values = FigureValues.model_validate_json(preset.figures_path.read_text(encoding="utf-8"))
    except ValidationError as err:
        problems = [Problem(file=where, field=f, message=m) for f, m in explain(err)]
        raise LoadError(problems) from None
    stale = values.source != source_digest(preset.config, preset.figures)
    if stale or set(values.figures) != set(preset.figures):
        raise LoadError(
            [Problem(file=where, message=f"computed from another config or figures; {regenerate}")]
        )
    return preset.model_copy(update={"values": values.figures})


class Translation(BaseModel):
    """A preset's title and paragraph in another language (``NAME.LANG.md``), figures filled."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    explanation: str | None = Field(
        default=None, description="The paragraph, or None where only the title is translated."
    )


def translation(preset: Preset, lang: str) -> Translation | None:
    """The preset in ``lang`` from ``NAME.LANG.md``, or None if there is no such file.

    The file's front matter is ``title``; its body is the paragraph, with the same ``{figure}``
    names as ``NAME.md``.
    LoadError if the file is wrong or names a figure the preset does not have.
    """
    path = FOLDER / f"{preset.name}.{lang}.md"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---", 2) if text.startswith("---") else ("", "", text)
    data = parse_yaml(front.encode("utf-8"), str(path)) if front.strip() else {}
    if not isinstance(data, dict) or set(data) != {"title"} or not isinstance(data["title"], str):
        raise LoadError([Problem(file=str(path), message="the front matter must be {title: ...}")])
    template = " ".join(body.split())
    if unknown := sorted(set(PLACEHOLDER.findall(template)) - set(preset.figures)):
        raise LoadError([Problem(file=str(path), message=f"no figure named {unknown[0]!r}")])
    explanation = render(template, preset.values, path.name) if template else None
    return Translation(title=data["title"], explanation=explanation)


def _read_notes(path: Path) -> tuple[PlotSpec, Notes, str]:
    """A preset's front matter (the plot, the figures, the summary) and its paragraph."""
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---", 2) if text.startswith("---") else ("", "", text)
    data = parse_yaml(front.encode("utf-8"), str(path)) if front.strip() else {}
    if not isinstance(data, dict):
        raise LoadError([Problem(file=str(path), message="the front matter must be a mapping")])
    notes = {k: data.pop(k) for k in ("summary", "figures") if k in data}
    try:
        plot = PlotSpec.model_validate(data)
        parsed = Notes.model_validate(notes)
    except ValidationError as err:
        problems = [Problem(file=str(path), field=f, message=m) for f, m in explain(err)]
        raise LoadError(problems) from None
    return plot, parsed, " ".join(body.split())
