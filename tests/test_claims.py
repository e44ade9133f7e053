"""What the README and the presets claim is what the presets give: figures are generated."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

import council.experiments.presets as presets_module
from council.engine.seating import compose
from council.experiments.cells import CellMetrics
from council.experiments.presets import Preset, load_preset, names, read_preset
from council.experiments.presets.arithmetic import KINDS as ARITHMETIC
from council.experiments.presets.arithmetic import systems
from council.experiments.presets.claims import (
    cells_config,
    compute,
    compute_all,
    quorum_arithmetic,
)
from council.experiments.presets.figure import PLACEHOLDER, Figure, FigureValues, source_digest
from council.experiments.presets.regenerate import README, main, readme_text
from council.experiments.sweep import SweepConfig
from council.library.catalog import load_library
from council.library.loader import LoadError
from council.rules.quorum import bft_quorum, supermajority

TYPED_RATE = re.compile(r"\d\.\d")
"""A decimal number: a measured figure, which a template must name, never type."""

BUDGET = 7_000
"""Seat-runs (seats × seeds, summed over cells) a figure may cost to be recomputed here.

About a third of the figures;
``python -m council.experiments.presets.regenerate --check`` recomputes all.
"""


def test_the_bft_quorum_is_two_thirds_at_every_size() -> None:
    # The README says so: ceil((n + f + 1) / 2) = ceil(2n / 3) with f = floor((n - 1) / 3).
    assert [n for n in range(1, 1001) if bft_quorum(n) != supermajority(n)] == []


def _settings(preset: Preset) -> list[str]:
    """The preset's own text settings with a decimal in them (``groups:3/0.75``), longest first.

    A text may name a setting its preset runs; one the config no longer lists stays in the
    text and counts as a typed figure.
    """
    c = preset.config
    texts = [*c.quorum, *c.fault, *c.method, *(c.weights or ()), *(c.partition or ())]
    return sorted((t for t in texts if TYPED_RATE.search(t)), key=len, reverse=True)


@pytest.mark.parametrize("name", names())
def test_a_presets_text_names_its_figures_and_types_none(name: str) -> None:
    preset = load_preset(name)
    for template in (preset.template, preset.summary_template):
        bare = PLACEHOLDER.sub("", template)
        for setting in _settings(preset):
            bare = bare.replace(setting, "")
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
    assert readme_text(text, loaded) == text, "run python -m council.experiments.presets.regenerate"
    assert "<!-- presets:begin" in text
    for preset in loaded:
        assert f"| `{preset.name}` | {preset.summary} |" in text


WHOLE = ("group-quorum", "lossy-network")
"""Presets whose every figure is recomputed here: their whole sweeps take seconds."""


def _cheap(name: str) -> dict[str, Figure]:
    preset = read_preset(name)
    if name in WHOLE:
        return dict(preset.figures)
    chosen = {}
    for key, figure in preset.figures.items():
        needed = cells_config(preset.config, figure)  # a '{name}' in where: all its values
        cost = needed.cells // len(needed.size) * needed.seeds * sum(needed.size)
        if figure.kind in ARITHMETIC or cost <= BUDGET:
            chosen[key] = figure  # the quorum arithmetic runs nothing
    # A figure that names another in `where` needs that one too.
    return {k: f for k, f in chosen.items() if f.references() <= set(chosen)}


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
        # count: runs with the event (0 + 1 + 3 + 5 of 10 each); runs: the cells' runs.
        ({"kind": "count", "metric": "safety_violation_rate", "where": {"protocol": "tally"}},
         "9"),
        ({"kind": "count", "metric": "decision_rate", "where": {"byzantine": 3}}, "20"),
        ({"kind": "runs", "where": {"protocol": "bft"}}, "40"),
        # combine: the cells sharing a value of `over` (bft and tally here) fold to one number.
        ({"kind": "values", "metric": "safety_violation_rate", "over": "byzantine",
          "combine": "max"}, "0.00, 0.10, 0.30, 0.50"),
        ({"kind": "values", "metric": "safety_violation_rate", "over": "byzantine",
          "combine": "min"}, "0.00, 0.00, 0.25, 0.50"),
        ({"kind": "first", "metric": "safety_violation_rate", "over": "byzantine", "when": "> 0",
          "combine": "max"}, "1"),
        ({"kind": "first", "metric": "safety_violation_rate", "over": "byzantine", "when": "> 0",
          "combine": "min"}, "2"),
        ({"kind": "last", "metric": "safety_violation_rate", "over": "byzantine", "when": "< 0.3",
          "combine": "max"}, "1"),
    ],
)  # fmt: skip
def test_figure_kinds(spec: dict[str, object], text: str) -> None:
    assert compute(Figure.model_validate(spec), CELLS) == text
    # The cells' order does not matter: a line runs along the values of `over`, ascending.
    shuffled = CELLS[::-1]
    random.Random(1).shuffle(shuffled)
    assert compute(Figure.model_validate(spec), shuffled) == text


def _lossy(byzantine: int, drop: float, decided: float, rounds: float | None) -> CellMetrics:
    cell = _cell(byzantine, "bft", 0.0)
    return cell.model_copy(update={
        "factors": {**cell.factors, "faulty_groups": "government,industry", "drop": drop},
        "decision_rate": decided, "rounds_to_decide": rounds,
    })  # fmt: skip


LOSSY = [
    _lossy(k, drop, decided, rounds)
    for k, rows in [(0, [(0.0, 1.0, 2.0), (0.1, 1.0, 2.5), (0.2, 0.9, 3.0), (0.3, 0.0, None)]),
                    (2, [(0.0, 1.0, 2.0), (0.1, 0.5, 3.0), (0.2, 0.2, 4.0), (0.3, 0.1, 4.0)])]
    for drop, decided, rounds in rows
]  # fmt: skip


def test_figures_along_an_optional_factor_and_at_another_figures_value() -> None:
    def figure(**spec: object) -> Figure:
        return Figure.model_validate(spec)

    clean = {"byzantine": 0, "faulty_groups": "government,industry"}
    falls = figure(kind="first", metric="decision_rate", over="drop", when="< 1", where=clean)
    assert compute(falls, LOSSY) == "0.2"
    # Numbers compare by value: `drop: 0` is the table's 0.0.
    at_zero = figure(metric="rounds_to_decide", format=".3g", where={**clean, "drop": 0})
    assert compute(at_zero, LOSSY) == "2"
    # `where` naming another figure reads the cell at that figure's value, wherever it falls.
    attacked = figure(metric="decision_rate", where={"byzantine": 2, "drop": "{falls}"})
    assert attacked.references() == {"falls"}
    with pytest.raises(ValueError, match="resolve"):
        compute(attacked, LOSSY)
    values = {"falls": compute(falls, LOSSY)}
    assert compute(attacked.resolved(values, "attacked"), LOSSY) == "0.20"
    with pytest.raises(ValueError, match="no figure 'falls' yet"):
        attacked.resolved({}, "attacked")
    # None reached: the first loss at which no cell decides, whatever the faulty seats.
    stops = figure(kind="first", metric="decision_rate", over="drop", when="== 0", combine="max")
    assert compute(stops, LOSSY) == "never"
    stops_clean = stops.model_copy(update={"where": clean})
    assert compute(stops_clean, LOSSY) == "0.3"
    # A mean over no decided run is undefined, not zero.
    assert compute(at_zero.model_copy(update={"where": {**clean, "drop": 0.3}}), LOSSY) == (
        "undefined"
    )


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
        {"kind": "count", "metric": "messages"},  # not a rate
        {"kind": "runs", "metric": "validity"},
        {"kind": "overlap", "metric": "validity"},  # the arithmetic reads no metric
        {"kind": "seats", "group": "army"},
        {"metric": "validity", "group": "government"},  # group is for seats
        {"kind": "values", "metric": "validity", "over": "byzantine", "combine": "mean"},
        {"metric": "validity", "where": {"jitter": 1}},
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
    with pytest.raises(
        LoadError, match="regenerate: python -m council.experiments.presets.regenerate"
    ):
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


# --- the quorum arithmetic, against brute force over the seats ---------------------------------
def _brute(system, n: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Smallest quorum, fewest shared seats, fewest blocking seats: every subset of n seats."""
    masks = np.arange(1 << n)
    seats = (masks[:, None] >> np.arange(n)) & 1
    quorate = np.asarray(system.seats_quorum(seats.astype(bool)))
    count = seats.sum(axis=1)
    quorums = masks[quorate]
    shared = count[quorums[:, None] & quorums[None, :]]
    blocking = [int(count[f]) for f in masks if not quorate[((1 << n) - 1) ^ f]]
    return {
        "smallest_quorum": int(count[quorate].min()),
        "overlap": int(shared.min()),
        "blocking": min(blocking),
    }


@pytest.mark.parametrize("size", [7, 9, 10])
def test_quorum_arithmetic_figures_equal_brute_force(size: int) -> None:
    groups = [p.group for p in compose(load_library(), size)]
    for quorum, weights in [
        ("bft", None), ("majority", None), ("0.4", None), ("bft", "government=2,industry=0.5"),
        ("groups:3/0.75", None), ("groups:2/0.5", None), ("groups:4/0.6", None),
    ]:  # fmt: skip
        config = SweepConfig(scenarios=("x",), size=(size,), quorum=(quorum,), seeds=1,
                             weights=None if weights is None else (weights,))  # fmt: skip
        ((_, system),) = list(systems(config))
        truth = _brute(system, size)

        def figure(kind: str, config: SweepConfig = config) -> str:
            return quorum_arithmetic(Figure(kind=kind), config)  # type: ignore[arg-type]

        label = (size, quorum, weights)
        for kind in ("smallest_quorum", "overlap", "blocking"):
            assert figure(kind) == str(truth[kind]), (label, kind)
        assert int(figure("liveness_bound")) == truth["blocking"] - 1, label
        safety = int(figure("safety_bound"))
        assert safety == truth["overlap"] - 1 if truth["overlap"] else safety < 0, label
        # The split names seats whose loss leaves no quorum, as many as `blocking`.
        split = [int(k) for k in figure("blocking_split").split(" and ")]
        assert sum(split) == truth["blocking"] and split == sorted(split, reverse=True), label
    assert quorum_arithmetic(Figure(kind="seats", group="government"), config) == str(
        groups.count("government")
    )
    composition = quorum_arithmetic(Figure(kind="seats"), config)
    assert sum(int(part.split()[0]) for part in composition.split(", ")) == size


def test_arithmetic_over_cells_that_disagree_is_an_error() -> None:
    config = SweepConfig(scenarios=("x",), size=(7, 33), quorum=("bft",), seeds=1)
    with pytest.raises(ValueError, match=r"different safety_bounds \['10', '2'\]"):
        quorum_arithmetic(Figure(kind="safety_bound"), config, "bound")
    assert quorum_arithmetic(Figure(kind="safety_bound", where={"size": 33}), config) == "10"


# --- what the figures depend on ----------------------------------------------------------------
def test_the_digest_covers_what_is_set_not_optional_fields_left_unset() -> None:
    preset = read_preset("lossy-network")

    class Wider(SweepConfig):
        """The sweep config after a release that adds one more optional factor."""

        jitter: tuple[float, ...] | None = None

    data = preset.config.model_dump(exclude_none=True)
    wider = Wider.model_validate(data)
    assert source_digest(wider, preset.figures) == source_digest(preset.config, preset.figures)
    jittered = Wider.model_validate({**data, "jitter": [0.1]})
    assert source_digest(jittered, preset.figures) != source_digest(preset.config, preset.figures)
    changed = preset.config.model_copy(update={"drop": (0.0, 0.5)})
    assert source_digest(changed, preset.figures) != source_digest(preset.config, preset.figures)


# --- the words around the figures --------------------------------------------------------------
WORDS = {
    "lossy-network": {"violations": "0"},  # "Safety holds throughout"
    "group-quorum": {
        "group_violations": "0",  # equivocators break "the group quorum in none" ... up to 9
        "flat_crash_lowest": "1.00",  # crashes "never stop the flat threshold"
        "group_government_crash_lowest": "1.00",  # government crashes "never stop it"
        "agreed_equivocate_lowest": "1.00",  # "both decide in every run"
        "group_blocking_split": "3 and 3",  # "(... in two groups)"
    },
}
"""Figures the words next to them depend on: "never", "holds", "every run" stay true."""


@pytest.mark.parametrize("name", sorted(WORDS))
def test_the_words_next_to_the_figures_hold(name: str) -> None:
    preset = load_preset(name)
    assert {k: preset.values[k] for k in WORDS[name]} == WORDS[name]


def test_a_figure_naming_a_missing_figure_does_not_load(preset_copy: Path) -> None:
    notes = preset_copy / "lossy-network.md"
    text = notes.read_text(encoding="utf-8")
    notes.write_text(text.replace('drop: "{falls}"', 'drop: "{fell}"', 1), encoding="utf-8")
    with pytest.raises(LoadError, match="where names no figure 'fell'"):
        load_preset("lossy-network")
    notes.write_text(text.replace('drop: "{falls}"', 'drop: "{quorum}"', 1), encoding="utf-8")
    with pytest.raises(LoadError, match="no first or last"):
        load_preset("lossy-network")
