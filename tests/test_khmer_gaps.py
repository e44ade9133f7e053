"""Khmer where English used to slip through: the tells, option names in rationales, dissent.

A Khmer run of a Cambodian scenario names its options by their Khmer labels (never by id) in
every offline rationale; spot the faulty seats explains each faulty seat in Khmer with the same
observations as in English; the dissent line names options in Khmer.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from council.contracts.config import RunConfig
from council.contracts.record import RunRecord
from council.experiments.presets import load_preset, translation
from council.experiments.presets import names as preset_names
from council.library.catalog import load_library
from council.present.exercise import faulty_seats, score_guess, tells
from council.present.i18n import dissent_words, option_labels, text
from council.session import RunSession
from council.session.batch import run

ROOT = Path(__file__).resolve().parents[1]
KHMER = re.compile(r"[\u1780-\u17FF]")
SCENARIO = "kh-credit-scoring-isolated-data"
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def _run(fault: str, language: str, **more: object) -> RunRecord:
    config = RunConfig(
        scenario=SCENARIO, size=12, byzantine=3, fault=fault, seed=1, language=language, **more
    )
    return run(RunSession(config))


@pytest.fixture(scope="module")
def ids() -> list[str]:
    return list(load_library().scenarios[SCENARIO].option_ids)


@pytest.mark.parametrize("fault", ["equivocate", "crash", "persuader:suspend-scoring"])
def test_the_tells_are_khmer_with_the_english_observations_and_khmer_option_names(
    fault: str, ids: list[str]
) -> None:
    record = _run(fault, "km")
    labels = option_labels(load_library().scenarios[SCENARIO], "km")
    truth = faulty_seats(record)
    honest = next(s.seat for s in record.council.seats if s.behaviour == "honest")
    guess = score_guess(record, [*truth[:1], honest], "km")
    english = score_guess(record, [*truth[:1], honest], "en")
    assert [len(t.lines) for t in guess.tells] == [len(t.lines) for t in english.tells]
    assert [len(t.lines) for t in guess.cleared] == [len(t.lines) for t in english.cleared]
    named = False
    for tell in (*guess.tells, *guess.cleared):
        for line in tell.lines:
            assert KHMER.search(line), line
            # No English word of the interface, no option id (labels only).
            assert not [w for w in LATIN_WORD.findall(line)], line
            assert not any(i in line for i in ids), line
            named = named or any(label in line for label in labels.values())
    assert named  # the options are there, by their Khmer labels
    # English (the default) keeps the ids, as the CLI's users know them.
    assert any(i in " ".join(tells(record, honest)) for i in ids)


def test_khmer_rationales_name_options_by_their_khmer_labels_never_by_id(ids: list[str]) -> None:
    record = _run("equivocate", "km")
    labels = option_labels(load_library().scenarios[SCENARIO], "km")
    opening = [s for s in record.rounds[0].statements if s.option is not None]
    assert opening
    for rnd in record.rounds:
        for statement in rnd.statements:
            assert not any(i in statement.rationale for i in ids), statement.rationale
    for statement in opening:
        if record.council.seats[statement.seat].behaviour == "honest":
            assert f"«{labels[statement.option]}»" in statement.rationale
    english = _run("equivocate", "en")
    said = " ".join(s.rationale for r in english.rounds for s in r.statements)
    assert any(i in said for i in ids)  # English rationales keep the ids


def test_the_dissent_line_names_options_in_khmer() -> None:
    for seed in range(12):
        record = run(
            RunSession(RunConfig(scenario=SCENARIO, size=12, seed=seed, quorum="majority"))
        )
        if record.outcome.dissent:
            break
    else:
        pytest.skip("no run with dissent in 12 seeds")
    labels = option_labels(load_library().scenarios[SCENARIO], "km")
    words = dissent_words(record, "km")
    assert any(label in words for label in labels.values()), words
    assert not LATIN_WORD.search(words), words


def test_every_preset_has_a_khmer_title_and_paragraph_quoting_the_same_figures() -> None:
    for name in preset_names():
        preset = load_preset(name)
        found = translation(preset, "km")
        assert found is not None and KHMER.search(found.title), name
        assert found.explanation and KHMER.search(found.explanation), name
        assert "{" not in found.explanation, name
        khmer = (preset.path.parent / f"{name}.km.md").read_text(encoding="utf-8")
        quoted = set(re.findall(r"\{(\w+)\}", preset.template))
        assert set(re.findall(r"\{(\w+)\}", khmer)) == quoted, name  # the same figures
    assert translation(load_preset("n3-bound"), "fr") is None


def test_the_experiments_page_in_khmer_titles_presets_and_charts_in_khmer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COUNCIL_DB", str(tmp_path / "ui.db"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["lang"] = "km"
    at.run()
    at.switch_page("council/ui/pages/experiments.py").run()
    assert not at.exception
    at.selectbox(key="x_preset").set_value("persuasion")
    at.number_input(key="x_seeds").set_value(1).run()
    title = translation(load_preset("persuasion"), "km")
    assert title is not None
    shown = str(at.selectbox(key="x_preset").format_func("persuasion"))
    assert shown == f"persuasion · {title.title}"
    at.button(key="x_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    sweep = at.session_state["x_sweep"]  # the sweep runs on its own thread: wait, then redraw
    assert sweep.wait(120), "the sweep did not finish"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert len(specs) == len(load_preset("persuasion").plot.metrics)
    for spec, metric in zip(specs, load_preset("persuasion").plot.metrics, strict=True):
        heading = " ".join(spec["title"]["text"])
        assert heading == f"{title.title}: {text(f'metric_{metric}', 'km')}"
        inner = spec.get("spec", spec)
        assert inner["encoding"]["y"]["title"] == text(f"metric_{metric}", "km")
        assert inner["encoding"]["x"]["title"] == text("axis_byzantine", "km")
        assert not LATIN_WORD.search(heading.replace("Friedkin–Johnsen", "").replace("W-MSR", ""))
