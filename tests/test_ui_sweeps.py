"""The Experiments page's bounds, driven by AppTest: the limit, Cancel, redraws, session ends."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_ui_experiments import APP, EXPERIMENTS, ok, open_page

from council.experiments.background import BackgroundSweep
from council.experiments.plan import Plan
from council.experiments.sweep import SweepConfig
from council.ui.sweeper import Sessions

SCENARIO = "kh-credit-scoring-isolated-data"


@pytest.fixture
def page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    return open_page(tmp_path, monkeypatch)


def preset(at: AppTest, name: str, seeds: int) -> AppTest:
    at.selectbox(key="x_preset").set_value(name)
    return ok(at.number_input(key="x_seeds").set_value(seeds).run())


def test_the_ten_million_seed_preset_is_refused_in_one_line_and_cannot_run(page: AppTest) -> None:
    began = time.perf_counter()
    preset(page, "n3-bound", 10_000_000)
    redraw = time.perf_counter() - began
    (error,) = page.error
    assert error.value == (
        "This sweep is too big for the app: 680,000,000 runs, over its limit of 100,000 "
        "(run it with council sweep)."
    )
    assert page.button(key="x_run").disabled and not page.info
    assert redraw < 5, redraw  # generous: AppTest's own redraw; the check itself is counting
    assert "x_sweep" not in page.session_state


def test_the_app_limit_is_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COUNCIL_APP_MAX_RUNS", "100")
    monkeypatch.setenv("COUNCIL_DB", str(tmp_path / "ui.db"))
    at = ok(AppTest.from_file(APP, default_timeout=60).run())
    ok(at.switch_page(EXPERIMENTS).run())
    preset(at, "n3-bound", 2)  # 136 runs
    assert "136 runs, over its limit of 100 " in at.error[0].value
    assert at.button(key="x_run").disabled
    ok(at.number_input(key="x_seeds").set_value(1).run())  # 68 runs
    assert not at.error and not at.button(key="x_run").disabled


def test_a_redraw_makes_no_cell_of_the_product(
    page: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[int] = []
    cell = Plan.cell

    def counted(self: Plan, index: int):  # type: ignore[no-untyped-def]
        made.append(index)
        return cell(self, index)

    monkeypatch.setattr(Plan, "cell", counted)
    preset(page, "n3-bound", 1000)  # 68,000 runs: the estimate probes three cells, once
    assert "68 combinations × 1000 seeds = 68,000 runs · about " in page.info[0].value
    assert len(made) == 3
    ok(page.run())
    ok(page.radio(key="lang").set_value("km").run())
    assert len(made) == 3  # redraws reuse the estimate and make no cell


def test_cancel_stops_a_running_sweep_and_removes_its_rows(page: AppTest) -> None:
    preset(page, "n3-bound", 1000)
    ok(page.button(key="x_run").click().run())
    sweep: BackgroundSweep = page.session_state["x_sweep"]
    assert page.button(key="x_run").disabled  # one sweep at a time
    deadline = time.monotonic() + 60
    while sweep.done == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sweep.running and 0 < sweep.done < 68_000
    assert page.button(key="x_cancel").label == "Cancel the sweep"
    ok(page.button(key="x_cancel").click().run())
    assert not sweep.alive and sweep.state == "cancelled"
    (warning,) = page.warning  # the Cancel's redraw of the page says so
    assert warning.value == f"Sweep cancelled after {sweep.done:,} of 68,000 runs."
    assert 0 < sweep.done < 68_000
    assert not list(sweep.out.parent.iterdir())  # its partial table, journal and cells: gone
    assert page.session_state["x_result"] is None and not page.button(key="x_run").disabled
    ok(page.run())
    assert not page.warning  # said once


def test_a_session_that_ends_stops_its_sweep_and_loses_its_folder() -> None:
    connected = {"a": True, "b": True}
    sessions = Sessions(connected=connected.__getitem__, grace_s=0.3, poll_s=0.05)
    config = SweepConfig.model_validate({"scenarios": [SCENARIO], "byzantine": [0, 3],
                                         "seeds": 20_000})  # fmt: skip
    sweeps = {}
    for name in connected:
        folder = sessions.folder((name, "t"))
        sweeps[name] = BackgroundSweep(config, folder / "sweep.csv", "sweep")
        sessions.start((name, "t"), sweeps[name])
    deadline = time.monotonic() + 60
    while sweeps["a"].done == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    connected["a"] = False  # the tab closed
    deadline = time.monotonic() + 30  # the watcher stops the sweep, then deletes the folder
    while (sweeps["a"].alive or sweeps["a"].out.parent.exists()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not sweeps["a"].alive and sweeps["a"].state == "ended"
    assert not sweeps["a"].out.parent.exists()
    assert sessions.held() == [("b", "t")] and sweeps["b"].running  # the other one goes on
    sweeps["b"].cancel()
    assert sweeps["b"].wait(30) and sweeps["b"].state == "cancelled"
    sessions.end(("b", "t"))
    assert not sweeps["b"].out.parent.exists() and not sessions.held()


def test_a_reload_within_the_grace_keeps_the_sweep() -> None:
    seen = iter([True, False, False, True] + [True] * 1000)
    sessions = Sessions(connected=lambda _: next(seen), grace_s=60, poll_s=10)
    folder = sessions.folder(("a", "t"))
    for _ in range(5):
        sessions.check()
    assert sessions.held() == [("a", "t")] and folder.is_dir()
    sessions.end(("a", "t"))
