"""What the README and the presets claim is what the presets give: figures are generated."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import council.presets as presets_module
from council.loader import LoadError
from council.presets import load_preset, names, read_preset
from council.presets.claims import (
    PLACEHOLDER,
    Figure,
    FigureValues,
    cells_config,
    compute,
    compute_all,
)
from council.presets.regenerate import README, main, readme_text
from council.quorum import bft_quorum, supermajority
from council.runner import CellMetrics

TYPED_RATE = re.compile(r"\d\.\d")
"""A decimal number: a measured figure, which a template must name, never type."""

BUDGET = 7_000
"""Seat-runs (seats × seeds, summed over cells) a figure may cost to be recomputed here.

About a third of the figures; ``python -m council.presets.regenerate --check`` recomputes all.
"""


def test_the_bft_quorum_is_two_thirds_at_every_size() -> None:
    # The README says so: ceil((n + f + 1) / 2) = ceil(2n / 3) with f = floor((n - 1) / 3).
    assert [n for n in range(1, 1001) if bft_quorum(n) != supermajority(n)] == []


@pytest.mark.parametrize("name", names())
def test_a_presets_text_names_its_figures_and_types_none(name: str) -> None:
    preset = load_preset(name)
    for template in (preset.template, preset.summary_template):
        bare = PLACEHOLDER.sub("", template)
        assert not TYPED_RATE.search(bare), f"{name}: a typed figure in {bare!r}"
    used = set(PLACEHOLDER.findall(preset.template + preset.summary_template))
    assert used <= set(preset.figures)
    if preset.figures:
        values = FigureValues.model_validate_json(preset.figures_path.read_text("utf-8"))
        assert values.seeds == preset.config.seeds  # stated at the preset's own seed count
        assert "{" not in preset.explanation and "{" not in preset.summary


def test_the_readme_shows_the_committed_figures() -> None:
    text = README.read_text(encoding="utf-8")
    loaded = [load_preset(n) for n in names()]
    assert readme_text(text, loaded) == text, "run python -m council.presets.regenerate"
    assert "<!-- presets:begin" in text
    for preset in loaded:
        assert f"| `{preset.name}` | {preset.summary} |" in text


def _cheap(name: str) -> dict[str, Figure]:
    preset = read_preset(name)
    chosen = {}
    for key, figure in preset.figures.items():
        needed = cells_config(preset.config, figure)
        cost = needed.cells // len(needed.size) * needed.seeds * sum(needed.size)
        if figure.kind in ("safety_bound", "liveness_bound") or cost <= BUDGET:
            chosen[key] = figure  # a bound is arithmetic: it runs nothing
    return chosen


@pytest.mark.parametrize("name", names())
def test_committed_figures_are_what_the_preset_gives_at_its_seed_count(name: str) -> None:
    """The figures that are cheap to recompute, at the full seed count: exactly equal."""
    preset = load_preset(name)
    chosen = _cheap(name)
    if not preset.figures:
        pytest.skip("no figures")
    assert chosen, f"{name}: no figure cheap enough to check"
    fresh = compute_all(preset.config, chosen, workers=1)
    assert fresh == {key: preset.values[key] for key in chosen}


def _cell(byzantine: int, protocol: str, violations: float, validity: float = 1.0) -> CellMetrics:
    return CellMetrics(
        factors={"scenario": "s", "size": 7, "byzantine": byzantine, "fault": "random",
                 "protocol": protocol, "quorum": "bft", "method": "plurality",
                 "topology": "complete", "rounds": 2, "update": "fj"},
        runs=10, safety_violation_rate=violations, decision_rate=1.0, validity=validity,
        rounds_used=2.0, messages=1.0, honest_drift=0.1, honest_flips=0.0,
        honest_seats=7 - byzantine, effective_votes=None,
    )  # fmt: skip


CELLS = [
    _cell(k, p, v, 1 - v / 2)
    for k, p, v in [(0, "bft", 0), (1, "bft", 0), (2, "bft", 0.25), (3, "bft", 0.5),
                    (0, "tally", 0), (1, "tally", 0.1), (2, "tally", 0.3), (3, "tally", 0.5)]
]  # fmt: skip


@pytest.mark.parametrize(
    ("spec", "text"),
    [
        ({"metric": "safety_violation_rate", "where": {"protocol": "bft", "byzantine": 3}}, "0.50"),
        ({"kind": "values", "metric": "safety_violation_rate", "over": "byzantine",
          "where": {"protocol": "tally"}}, "0.00, 0.10, 0.30, 0.50"),
        ({"kind": "first", "metric": "safety_violation_rate", "over": "byzantine", "when": "> 0",
          "where": {"protocol": "bft"}}, "2"),
        ({"kind": "last", "metric": "safety_violation_rate", "over": "byzantine", "when": "== 0",
          "where": {"protocol": "bft"}}, "1"),
        ({"kind": "first", "metric": "safety_violation_rate", "over": "byzantine", "when": "> 0.9",
          "where": {"protocol": "bft"}}, "never"),
        ({"kind": "max", "metric": "validity", "where": {"byzantine": [2, 3]}}, "0.88"),
        ({"kind": "min", "metric": "validity", "format": ".1f"}, "0.8"),
        ({"kind": "spread", "metric": "safety_violation_rate", "between": "protocol"}, "0.10"),
        ({"metric": "effective_votes", "where": {"protocol": "bft", "byzantine": 0}}, "undefined"),
    ],
)  # fmt: skip
def test_figure_kinds(spec: dict[str, object], text: str) -> None:
    assert compute(Figure.model_validate(spec), CELLS) == text


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ({"metric": "validity", "where": {"byzantine": 1}}, "matches 2 cells"),
        ({"kind": "values", "metric": "validity", "over": "byzantine"}, "several cells"),
        ({"metric": "validity", "where": {"byzantine": 9}}, "no cell"),
    ],
)
def test_a_figure_that_does_not_pin_its_cells_is_an_error(
    spec: dict[str, object], words: str
) -> None:
    with pytest.raises(ValueError, match=words):
        compute(Figure.model_validate(spec), CELLS)


@pytest.mark.parametrize(
    "spec",
    [
        {"metric": "nonsense"},
        {"kind": "first", "metric": "validity", "over": "byzantine"},  # no test
        {"kind": "first", "metric": "validity", "over": "byzantine", "when": "about 3"},
        {"metric": "validity", "where": {"colour": "red"}},
        {"kind": "spread", "metric": "validity"},
    ],
)
def test_bad_figure_specs_are_refused(spec: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Figure.model_validate(spec)


@pytest.fixture
def preset_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The presets folder copied to tmp_path, and the loader pointed at it."""
    folder = tmp_path / "presets"
    shutil.copytree(presets_module.FOLDER, folder, ignore=shutil.ignore_patterns("*.py", "__py*"))
    monkeypatch.setattr(presets_module, "FOLDER", folder)
    return folder


def test_a_preset_whose_figures_are_stale_or_missing_does_not_load(preset_copy: Path) -> None:
    config = preset_copy / "persuasion.yaml"
    config.write_text(config.read_text().replace("seeds: 50", "seeds: 40"))
    with pytest.raises(LoadError, match="regenerate: python -m council.presets.regenerate"):
        load_preset("persuasion")
    (preset_copy / "persuasion.figures.json").unlink()
    with pytest.raises(LoadError, match="missing"):
        load_preset("persuasion")
    notes = preset_copy / "n3-bound.md"
    notes.write_text(notes.read_text().replace("{at_11} at", "{at_12} at"))
    with pytest.raises(LoadError, match="no figure named 'at_12'"):
        load_preset("n3-bound")


def test_regenerate_writes_figures_and_readme_and_check_finds_stale_ones(
    preset_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = tmp_path / "README.md"
    text = README.read_text(encoding="utf-8")
    # A stale README figure and a tampered figures file, for the persuasion preset.
    span = "<!-- figure n3-bound.effective_0 -->"
    assert span in text
    readme.write_text(re.sub(re.escape(span) + r"\d+", span + "99", text), encoding="utf-8")
    figures = preset_copy / "persuasion.figures.json"
    committed = figures.read_text("utf-8")
    figures.write_text(committed.replace('"fj_drift_16": "0.62"', '"fj_drift_16": "0.55"'))

    assert main(["persuasion", "--check", "--workers", "1", "--readme", str(readme)]) == 1
    out = capsys.readouterr().out
    assert "persuasion.figures.json: differs from a fresh run" in out
    assert "README.md: differs from a fresh run" in out
    assert '"0.55"' in figures.read_text("utf-8")  # --check writes nothing

    assert main(["persuasion", "--workers", "1", "--readme", str(readme)]) == 0
    assert figures.read_text("utf-8") == committed
    assert readme.read_text("utf-8") == text


def test_regenerate_names_a_bad_preset_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["no-such-preset", "--readme", "/nonexistent"]) == 2
    err = capsys.readouterr().err.strip()
    assert "no such preset" in err and "\n" not in err
