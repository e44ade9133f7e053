"""Experiments: pick a preset or configure a sweep, run it with a progress bar, see the plots.

A sweep runs on a thread of its own (``council.ui.sweeper``), bounded by the app's limit,
with a Cancel button; it stops, and its folder goes, when the browser session ends.
"""

from __future__ import annotations

import textwrap
import uuid
from typing import Any, TypedDict

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from council.contracts.choices import Protocol, Topology, Update, names
from council.contracts.config import bounds_of
from council.experiments.background import BackgroundSweep, why
from council.experiments.bounds import (
    APP_MAX_RUNS,
    Estimate,
    data_size,
    duration,
    estimate,
    limit_from_env,
)
from council.experiments.cells import CELL_METRICS
from council.experiments.plan import plan
from council.experiments.presets import PlotSpec, load_preset, translation
from council.experiments.presets import names as preset_names
from council.experiments.report import plot_spec, sweep_cells, sweep_charts, varying
from council.experiments.schedule import SweepResult
from council.experiments.sweep import MAX_SEEDS, SweepConfig, parse_sweep
from council.library.catalog import Library, load_library
from council.library.loader import LoadError
from council.present.i18n import scenario_title
from council.rules.faults import FAULTS
from council.rules.quorum import RULES
from council.rules.registry import SpecError
from council.rules.voting import METHODS
from council.ui.scenario import DEFAULT_SCENARIO
from council.ui.state import choose, lang, lang_key, tr
from council.ui.sweeper import SESSIONS

# Module-level strings would be drawn on the page (Streamlit's magic): comments here.
DEFAULT_SEEDS = 10  # every preset then runs in about a second (the presets' own: 30 to 100)
SIZES = (4, 7, 10, 13, 16, 22, 33, 49, 67, 100)
FAULTY = tuple(range(17))
ROUNDS = tuple(range(6))
# A custom sweep starts by comparing the protocols across faulty seats; every other list starts
# as a sweep config's default (the run config's).
FAULTY_START = (0, 5, 10, 11)


class Finished(TypedDict):
    """A finished sweep, as this session keeps it: a rerun shows it without running it again."""

    result: SweepResult
    name: str
    cells: pd.DataFrame
    spec: PlotSpec


def _many(label: str, options: Any, default: list[Any], key: str, **kwargs: Any) -> list[Any]:
    value = st.multiselect(label, options, default, key=key, persist_state="session", **kwargs)
    return list(value)


def _numbers(label: str, options: tuple[int, ...], default: list[int], key: str) -> list[Any]:
    # A typed number arrives as text; the sweep config's validation turns it into an int or
    # says why it cannot.
    return _many(label, options, default, key, accept_new_options=True, help=tr("numbers_help"))


def _default(factor: str) -> list[Any]:
    """A sweep factor's default list (the run config's default alone)."""
    return list(SweepConfig.model_fields[factor].default)


def _title(name: str) -> str:
    """A preset's plot title in this session's language (English where it has none)."""
    preset = load_preset(name)
    found = translation(preset, lang()) if lang() != "en" else None
    return found.title if found else preset.plot.title


def _preset() -> tuple[dict[str, Any], str]:
    titles = {n: f"{n} · {_title(n)}" for n in preset_names()}
    name = str(
        st.selectbox(
            tr("preset"),
            list(titles),
            format_func=titles.__getitem__,
            key="x_preset",
            persist_state="session",
        )
    )
    preset = load_preset(name)
    found = translation(preset, lang()) if lang() != "en" else None
    if found is not None and found.explanation:
        st.markdown(found.explanation)
    else:
        st.markdown(preset.explanation)
        if lang() != "en":
            st.caption(tr("in_english"))
    with st.expander(tr("preset_file")):
        st.code(preset.path.read_text(encoding="utf-8"), language="yaml")
    return preset.config.model_dump(), name


def _scenarios(library: Library) -> list[str]:
    # Titles change with the language, so the widget does too (see ``lang_key``): the choice is
    # kept under the plain key.
    titles = {i: scenario_title(s, lang()) for i, s in sorted(library.scenarios.items())}
    kept = st.session_state.get("x_scenarios", [DEFAULT_SCENARIO])
    chosen = st.multiselect(
        tr("scenarios"),
        list(titles),
        [i for i in kept if i in titles],
        format_func=titles.__getitem__,
        key=lang_key("x_scenarios"),
    )
    st.session_state["x_scenarios"] = chosen
    return list(chosen)


def _faults(library: Library, scenarios: list[str]) -> list[str]:
    faults = _many(tr("faults"), FAULTS.names(), _default("fault"), "x_fault")
    args = {e.name: e.arg for e in FAULTS.entries() if e.arg}
    chosen = {f: args[f] for f in faults if f in args}
    given: dict[str, str] = {}
    if "option" in chosen.values():
        # One option for every fault that pushes one; the sweep's check says if a scenario lacks it.
        options = dict.fromkeys(o for i in scenarios for o in library.scenarios[i].option_ids)
        given["option"] = str(
            st.selectbox(
                tr("fault_option"), list(options), key="x_fault_option", persist_state="session"
            )
        )
    if "round" in chosen.values():
        given["round"] = str(
            st.number_input(tr("fault_round"), 0, bounds_of("rounds")[1], 1, key="x_fault_round")
        )
    return [f"{f}:{given[chosen[f]]}" if f in chosen else f for f in faults]


def _custom() -> dict[str, Any]:
    library = load_library()
    left, middle, right = st.columns(3)
    data: dict[str, Any] = {}
    with left:
        data["scenarios"] = _scenarios(library)
        data["size"] = _numbers(tr("sizes"), SIZES, _default("size"), "x_size")
        data["byzantine"] = _numbers(tr("byzantine"), FAULTY, list(FAULTY_START), "x_byzantine")
    with middle:
        data["fault"] = _faults(library, data["scenarios"])
        data["protocol"] = _many(
            tr("protocols"), names(Protocol), list(names(Protocol)), "x_protocol"
        )
        data["quorum"] = _many(
            tr("quorums"),
            RULES.names(),
            _default("quorum"),
            "x_quorum",
            accept_new_options=True,
            help=tr("quorums_help"),
        )
    with right:
        data["method"] = _many(tr("methods"), METHODS.names(), _default("method"), "x_method")
        data["topology"] = _many(
            tr("topologies"), names(Topology), _default("topology"), "x_topology"
        )
        data["rounds"] = _numbers(tr("rounds"), ROUNDS, _default("rounds"), "x_rounds")
        data["update"] = _many(tr("updates"), names(Update), _default("update"), "x_update")
    return data


def _limit() -> int:
    """Runs one sweep of the app may have (``COUNCIL_APP_MAX_RUNS``, default 100,000)."""
    try:
        return limit_from_env("COUNCIL_APP_MAX_RUNS", APP_MAX_RUNS)
    except SpecError:
        return APP_MAX_RUNS


def _checked(data: dict[str, Any], name: str) -> SweepConfig | None:
    """The sweep config, checked against its limit and the library; None (and why) if it cannot run.

    The size is counted from the lists' lengths before anything else, and the library check
    makes no cell: a redraw of a huge sweep costs what a small one does. The estimate (a few
    seeds of a few cells) is made once per config and kept in the session.
    """
    try:
        config = parse_sweep(data, name)
    except LoadError as err:
        st.error(tr("bad_sweep", error=why(err)))
        return None
    limit = _limit()
    if config.runs > limit:
        st.error(tr("sweep_too_big", runs=f"{config.runs:,}", limit=f"{limit:,}"))
        return None
    try:
        cells = plan(config, name)
    except LoadError as err:
        st.error(tr("bad_sweep", error=why(err)))
        return None
    key = config.model_dump_json()
    kept = st.session_state.get("x_estimate")
    if not kept or kept[0] != key:
        kept = (key, estimate(cells, workers=1))
        st.session_state["x_estimate"] = kept
    guess: Estimate = kept[1]
    size = tr("sweep_size", cells=f"{config.cells:,}", seeds=config.seeds, runs=f"{config.runs:,}")
    about = tr("sweep_estimate", time=duration(guess.seconds), size=data_size(guess.table_bytes))
    st.info(f"{size} · {about}")
    return config


def _session() -> tuple[str, str]:
    """The browser session as the sweeps' watcher knows it: Streamlit's id, and a token."""
    ctx = get_script_run_ctx()
    if "x_token" not in st.session_state:
        st.session_state["x_token"] = uuid.uuid4().hex
    return (ctx.session_id if ctx is not None else "bare", st.session_state["x_token"])


def _start(config: SweepConfig, name: str, preset: str | None) -> None:
    """Start the sweep on its own thread, into this session's own folder.

    One worker, on a thread of the server: a pool started from the app's server would start
    its workers from the page script, and a page's sweep (about 2,000 runs a second) needs none.
    """
    st.session_state["x_result"] = None
    session = _session()
    out = SESSIONS.folder(session) / "sweep.csv"
    sweep = BackgroundSweep(config, out, name, preset, max_runs=_limit())
    SESSIONS.start(session, sweep)
    st.session_state["x_sweep"] = sweep


@st.fragment(run_every=0.5)
def _watch() -> None:
    """The running sweep's progress and its Cancel button, redrawn twice a second on their own."""
    sweep: BackgroundSweep | None = st.session_state.get("x_sweep")
    if sweep is None:
        return
    if not sweep.running:
        st.rerun()  # the whole page: it shows what the sweep made
    done, total = sweep.done, max(sweep.total, 1)
    st.progress(done / total, text=tr("sweep_progress", done=f"{done:,}", total=f"{total:,}"))
    if st.button(tr("cancel_sweep"), key="x_cancel"):
        sweep.cancel()
        sweep.wait(30)
        st.rerun()


def _collect() -> None:
    """Take a finished sweep in: its result kept, or why it stopped said once."""
    sweep: BackgroundSweep | None = st.session_state.get("x_sweep")
    if sweep is None or sweep.running:
        return
    del st.session_state["x_sweep"]
    if sweep.state == "done" and sweep.result is not None:
        result = sweep.result
        label = tr("sweep_done", runs=f"{result.runs:,}", seconds=result.wall_s)
        with st.status(label, state="complete", expanded=False):
            runs = f"{result.runs:,}"
            st.progress(1.0, text=tr("sweep_progress", done=runs, total=runs))
        cells, spec = sweep_cells(result.out), plot_spec(sweep.preset)
        st.session_state["x_result"] = Finished(
            result=result, name=sweep.name, cells=cells, spec=spec
        )
    elif sweep.state == "failed":
        st.error(tr("bad_sweep", error=sweep.error or ""))
    else:
        done, total = f"{sweep.done:,}", f"{sweep.total:,}"
        st.warning(tr("sweep_cancelled", done=done, total=total))


TITLE_CHARS = 48
"""A chart title's line at most (a 360-pixel panel holds about this many at 13 px)."""


def wrapped_title(chart: Any) -> Any:
    """The chart with its title broken into lines that fit it (Vega cuts a long title off)."""
    title = getattr(chart, "title", None)
    title = title if isinstance(title, str) else None
    if not title:
        return chart
    lines = textwrap.wrap(title, TITLE_CHARS)
    return chart.properties(title=alt.TitleParams(text=lines, anchor="start", fontSize=13))


AXIS_FACTORS = ("byzantine", "drop", "delay")
"""Numeric factors a chart may have on its x axis (``report.AXES``), each with its words."""


def in_language(chart: Any, metric: str, title: str) -> Any:
    """The chart with its title and axis titles in this session's language (English as drawn)."""
    if lang() == "en":
        return chart
    chart = chart.copy(deep=True)
    inner = chart.spec if isinstance(chart, alt.FacetChart) else chart
    inner.encoding.y.title = tr(f"metric_{metric}")
    field = str(getattr(inner.encoding.x, "shorthand", "")).split(":")[0]
    if field in AXIS_FACTORS:
        inner.encoding.x.title = tr(f"axis_{field}")
    return chart.properties(title=f"{title}: {tr(f'metric_{metric}')}")


def _show(finished: Finished) -> None:
    result, cells, spec = finished["result"], finished["cells"], finished["spec"]
    st.subheader(tr("results"))
    st.caption(
        f"{finished['name']} · {tr('sweep_done', runs=f'{result.runs:,}', seconds=result.wall_s)}"
    )
    title = _title(finished["name"]) if finished["name"] in preset_names() else spec.title
    for metric, chart in sweep_charts(cells, spec):
        # Drawn as `council report` draws them (no Streamlit theme); Streamlit's Vega-Lite drops
        # a colour legend merged with the hidden dash and width ones unless they stand apart.
        chart = in_language(chart, metric, title)
        chart = chart.resolve_legend(strokeDash="independent", strokeWidth="independent")
        st.altair_chart(wrapped_title(chart), theme=None)
    st.markdown(f"**{tr('cells_table')}**")
    st.dataframe(cells, hide_index=True, column_order=[*varying(cells), "runs", *CELL_METRICS])
    st.download_button(
        tr("download_table"),
        result.out.read_bytes,
        file_name=f"{finished['name']}.csv",
        mime="text/csv",
        key="x_download",
        on_click="ignore",
    )


def main() -> None:
    """The Experiments page."""
    st.title(tr("page_experiments"))
    source = choose(
        st.radio,
        tr("sweep_from"),
        ["preset", "custom"],
        format_func={s: tr(f"from_{s}") for s in ("preset", "custom")}.__getitem__,
        key="x_source",
        horizontal=True,
    )
    data, preset = _preset() if source == "preset" else (_custom(), None)
    data["seeds"] = st.number_input(
        tr("seeds"),
        1,
        MAX_SEEDS,
        DEFAULT_SEEDS,
        key="x_seeds",
        persist_state="session",
        help=tr("seeds_help", seeds=data["seeds"]) if preset else None,
    )
    name = preset or "sweep"
    config = _checked(data, name)
    _collect()
    sweep: BackgroundSweep | None = st.session_state.get("x_sweep")
    busy = sweep is not None and sweep.running
    off = config is None or busy
    clicked = st.button(tr("run_sweep"), type="primary", disabled=off, key="x_run")
    if clicked and config is not None and not busy:
        _start(config, name, preset)
        st.rerun()  # drawn again with the button off while it runs
    if st.session_state.get("x_sweep") is not None:
        _watch()
    finished: Finished | None = st.session_state.get("x_result")
    if finished is not None and finished["result"].out.is_file():
        _show(finished)


if __name__ == "__main__":
    main()
