"""The Experiments page, driven by AppTest: presets, custom sweeps, bad configs, Khmer."""

from __future__ import annotations

import csv
import json
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from council.experiments.presets import load_preset, translation
from council.experiments.report import DEFAULT, plot_spec, sweep_cells, sweep_charts
from council.experiments.schedule import run_sweep
from council.experiments.sweep import parse_sweep
from council.experiments.table import COLUMNS

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
EXPERIMENTS = "council/ui/pages/experiments.py"
KHMER = re.compile(r"[\u1780-\u17FF]")


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("COUNCIL_DB", str(tmp_path / "ui.db"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the sessions' folders go here
    at = AppTest.from_file(APP, default_timeout=60)
    ok(at.run())
    return ok(at.switch_page(EXPERIMENTS).run())


@pytest.fixture
def page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    return open_page(tmp_path, monkeypatch)


def settle(at: AppTest) -> AppTest:
    """Wait for the session's sweep thread, then redraw: the page takes its result in."""
    sweep = at.session_state["x_sweep"] if "x_sweep" in at.session_state else None  # noqa: SIM401
    if sweep is not None:
        assert sweep.wait(120), "the sweep did not finish"
        ok(at.run())
    return at


def run(at: AppTest) -> AppTest:
    ok(at.button(key="x_run").click().run())
    return settle(at)


def infos(at: AppTest) -> list[str]:
    """The info lines without their estimate (about so long, a table of about so much)."""
    lines = [i.value for i in at.info]
    for line in lines:
        assert re.search(r" · about \d+(\.\d)? (s|min|h|days), a table of about [\d.]+ [kMGT]B$",
                         line) or re.search(r" · ប្រហែល .+ តារាងប្រហែល ", line), line  # fmt: skip
    return [line.split(" · ")[0] for line in lines]


def custom(at: AppTest, **lists: Any) -> AppTest:
    at.radio(key="x_source.en").set_value("custom").run()
    for factor, values in lists.items():
        key = "x_scenarios.en" if factor == "scenarios" else f"x_{factor}"  # see ``lang_key``
        at.multiselect(key=key).set_value(values)
    return ok(at.run())


def table_of(at: AppTest) -> Path:
    out: Path = at.session_state["x_result"]["result"].out
    return out


def same_table_from_the_library(at: AppTest, data: dict[str, Any], tmp_path: Path) -> None:
    """The page's table is the one ``run_sweep`` writes for the same config."""
    expected = run_sweep(parse_sweep(data, "test"), tmp_path / "direct.csv", workers=1)
    assert table_of(at).read_bytes() == expected.out.read_bytes()


def charts(at: AppTest) -> int:
    return len(at.get("vega_lite_chart"))


def downloads(at: AppTest) -> list[str]:
    return [b.label for b in at.get("download_button")]


def test_a_preset_with_fewer_seeds_runs_with_progress_and_shows_plots_and_table(
    page: AppTest, tmp_path: Path
) -> None:
    assert page.title[0].value == "Experiments"
    assert page.button(key="x_run").label == "Run the sweep"
    page.selectbox(key="x_preset").set_value("n3-bound")
    ok(page.number_input(key="x_seeds").set_value(2).run())
    preset = load_preset("n3-bound")
    assert preset.explanation in [m.value for m in page.markdown]  # the paragraph
    assert "byzantine: [0, 1, 2," in page.code[0].value  # the preset's file
    assert "100" in page.number_input(key="x_seeds").help  # the preset's own seed count
    assert infos(page) == ["68 combinations × 2 seeds = 136 runs"]
    run(page)
    (status,) = page.status
    assert status.state == "complete" and re.fullmatch(r"136 runs in \d+\.\d s", status.label)
    assert [p.value for p in page.progress] == [100]
    assert page.progress[0].proto.text == "136 of 136 runs"
    assert charts(page) == len(preset.plot.metrics) == 2  # the report's two charts
    for chart in page.get("vega_lite_chart"):  # titles in lines that fit, never cut off
        title = json.loads(chart.proto.spec)["title"]
        assert isinstance(title["text"], list) and title["text"], title
    cells = page.dataframe[0].value
    assert len(cells) == 68 and {"safety_violation_rate", "effective_votes"} <= set(cells)
    assert downloads(page) == ["Download the table (CSV)"]
    out = table_of(page)
    assert out.parent.parent == Path(tempfile.gettempdir())  # this session's own folder
    same_table_from_the_library(page, {**preset.config.model_dump(), "seeds": 2}, tmp_path)

    # A rerun, or a visit to another page and back, shows the result without running again.
    written = out.stat().st_mtime_ns
    ok(page.switch_page("council/ui/pages/library.py").run())
    ok(page.switch_page(EXPERIMENTS).run())
    assert not page.status and charts(page) == 2 and len(page.dataframe[0].value) == 68
    assert page.number_input(key="x_seeds").value == 2  # the settings are kept too
    assert out.stat().st_mtime_ns == written


def test_a_custom_sweep_with_a_typed_value_runs_the_product_times_seeds(
    page: AppTest, tmp_path: Path
) -> None:
    custom(page, size=[7], byzantine=[0, 2], rounds=[2, "12"])  # 12 is typed, not listed
    ok(page.number_input(key="x_seeds").set_value(3).run())
    assert infos(page) == ["8 combinations × 3 seeds = 24 runs"]
    run(page)
    assert page.status[0].label.startswith("24 runs in ")
    cells = page.dataframe[0].value
    assert len(cells) == 8 and list(cells["rounds"].unique()) == [2, 12]
    assert charts(page) >= 4  # the report's default plot: its metrics that have numbers
    with table_of(page).open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(COLUMNS) and len(rows) == 1 + 24
    data = {"scenarios": ["kh-credit-scoring-isolated-data"], "size": [7], "byzantine": [0, 2],
            "protocol": ["bft", "tally"], "rounds": [2, 12], "seeds": 3}  # fmt: skip
    same_table_from_the_library(page, data, tmp_path)
    assert downloads(page) == ["Download the table (CSV)"]


@pytest.mark.parametrize(
    ("lists", "message"),
    [
        ({"size": [7], "byzantine": [10]}, "byzantine: 10 faulty seats exceed a council of 7"),
        ({"protocol": []}, "protocol: list at least one value"),
        ({"size": ["many"]}, "size.0: input should be a valid integer"),
        ({"quorum": ["bft", "1.5"]}, "quorum"),
    ],
)
def test_a_bad_sweep_says_why_in_one_message_and_cannot_run(
    page: AppTest, lists: dict[str, Any], message: str
) -> None:
    custom(page, **lists)
    (error,) = page.error
    assert error.value.startswith("This sweep cannot run: ") and message in error.value
    assert page.button(key="x_run").disabled and not page.info


def test_the_fault_models_that_push_an_option_ask_which(page: AppTest) -> None:
    custom(page, size=[7], byzantine=[2], fault=["crash", "persuader"])
    page.selectbox(key="x_fault_option").set_value("suspend-scoring")
    ok(page.number_input(key="x_seeds").set_value(2).run())
    run(page)
    faults = set(page.dataframe[0].value["fault"])
    assert faults == {"crash", "persuader:suspend-scoring"}


def test_silent_after_asks_from_which_round(page: AppTest) -> None:
    custom(page, size=[7], byzantine=[2], fault=["silent-after", "persuader"])
    page.selectbox(key="x_fault_option").set_value("suspend-scoring")
    page.number_input(key="x_fault_round").set_value(2)
    ok(page.number_input(key="x_seeds").set_value(2).run())
    run(page)
    faults = set(page.dataframe[0].value["fault"])
    assert faults == {"silent-after:2", "persuader:suspend-scoring"}


def test_the_page_in_khmer_and_each_session_in_its_own_folder(
    page: AppTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    custom(page, scenarios=["kh-ai-tutor-public-schools"])
    ok(page.radio(key="lang").set_value("km").run())
    assert page.title[0].value == "ការពិសោធន៍"
    labels = [w.label for w in (*page.multiselect, *page.number_input, *page.radio)]
    assert all(KHMER.search(label) for label in labels), labels
    assert page.session_state["x_scenarios"] == ["kh-ai-tutor-public-schools"]  # kept
    ok(page.radio(key="x_source.km").set_value("preset").run())
    page.selectbox(key="x_preset").set_value("persuasion")
    ok(page.number_input(key="x_seeds").set_value(2).run())
    khmer = translation(load_preset("persuasion"), "km")  # its paragraph in Khmer
    assert khmer is not None and khmer.explanation in [m.value for m in page.markdown]
    assert "ការពន្យល់នេះមានតែជាភាសាអង់គ្លេសប៉ុណ្ណោះ។" not in [c.value for c in page.caption]
    assert infos(page) == ["បន្សំ 18 × គ្រាប់ពូជ 2 = ការដំណើរការ 36 ដង"]
    assert page.button(key="x_run").label == "ដំណើរការស៊េរីពិសោធន៍"
    run(page)
    assert page.status[0].label.startswith("ដំណើរការ 36 ដង ក្នុងរយៈពេល ")
    plotted = len(load_preset("persuasion").plot.metrics)
    assert downloads(page) == ["ទាញយកតារាង (CSV)"] and charts(page) == plotted
    ok(page.radio(key="lang").set_value("en").run())
    assert downloads(page) == ["Download the table (CSV)"] and charts(page) == plotted

    other = open_page(tmp_path, monkeypatch)  # the same temporary folder, its own subfolder
    ok(other.number_input(key="x_seeds").set_value(1).run())
    run(other)
    assert table_of(other).parent != table_of(page).parent
    assert table_of(page).is_file()


def test_the_report_wrappers_the_page_uses(tmp_path: Path) -> None:
    preset = load_preset("n3-bound")
    assert plot_spec("n3-bound") == preset.plot and plot_spec(None) == DEFAULT
    config = preset.config.model_copy(update={"byzantine": (0, 11), "seeds": 2})
    result = run_sweep(config, tmp_path / "t.csv", workers=1, preset="n3-bound")
    cells = sweep_cells(result.out)
    assert len(cells) == config.cells and cells["effective_votes"].notna().all()
    assert [metric for metric, _ in sweep_charts(cells, preset.plot)] == list(preset.plot.metrics)
    assert {metric for metric, _ in sweep_charts(cells)} <= set(DEFAULT.metrics)


def test_a_long_chart_title_is_wrapped_into_lines_that_fit() -> None:
    import altair as alt

    from council.ui.pages.experiments import TITLE_CHARS, wrapped_title

    long = "Safety violations as faulty seats grow past what the quorum tolerates: rate"
    chart = alt.Chart(alt.InlineData(values=[{"x": 1}])).mark_point().properties(title=long)
    title = wrapped_title(chart).to_dict()["title"]
    assert " ".join(title["text"]) == long
    assert len(title["text"]) > 1 and all(len(line) <= TITLE_CHARS for line in title["text"])
