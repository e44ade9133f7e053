"""A run as the room sees it: the decision card, exports, and the rounds replayed one by one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import streamlit as st

from council.contracts.config import RunConfig
from council.contracts.formats import Scenario
from council.contracts.record import Ballot, Round, RunRecord, Seat
from council.library.catalog import load_library, resolve_scenario
from council.present.figures import (
    Swatch,
    ballots_after,
    communication_dot,
    option_swatches,
    round_tally,
    seat_labels,
)
from council.present.handout import handout
from council.present.i18n import (
    dissent_words,
    group_name,
    option_label,
    option_labels,
    quorum_sentence,
)
from council.present.words import scenario_of
from council.session.batch import seats_of
from council.ui.look import mark
from council.ui.plain import md, safe
from council.ui.state import lang, lang_key, tr
from council.ui.transcript import transcript

if TYPE_CHECKING:
    import altair as alt

    from council.session.interactive import Pause


@dataclass(frozen=True)
class RunView:
    """What the round view needs, from a finished record or a run still under way."""

    run_id: str
    config: RunConfig
    scenario: Scenario
    seats: Sequence[Seat]
    rounds: Sequence[Round]
    ballots: Sequence[Ballot]


def view_of_record(record: RunRecord) -> RunView:
    """The round view of a finished run."""
    return RunView(
        record.run_id,
        record.config,
        scenario_of(record),
        record.council.seats,
        record.rounds,
        record.ballots,
    )


def view_of_pause(pause: Pause, config: RunConfig) -> RunView:
    """The round view of a run paused for a step or a person."""
    scenario = resolve_scenario(config.scenario, load_library())
    return RunView(pause.run_id, config, scenario, seats_of(config), pause.rounds, pause.ballots)


def decision_card(record: RunRecord) -> None:
    """The decision: option, status, quorum arithmetic, dissent, baseline, PDCA."""
    o, m = record.outcome, record.metrics
    scenario = scenario_of(record)
    swatch = option_swatches(scenario.option_ids).get(o.option or "")
    with st.container(border=True, key="decision-card"):
        st.subheader(tr("decision"), anchor="decision")
        label = md(option_label(scenario, o.option, lang())) if o.option else tr("no_option")
        st.markdown(f"### {mark(swatch)} {label}")
        committed = sum(1 for v in record.commits.values() if v is not None and v == o.option)
        status = f"**{tr('status')}:** {tr('status_' + o.status)}"
        if o.status == "decided":
            status += f" · {tr('committed_of', n=committed, total=len(record.commits))}"
        st.markdown(status)
        if o.status == "error":  # never a green "finished": the run could not work
            st.error(tr("run_error", reason=md(o.reason)), icon=":material/error:")
        if o.degraded:
            st.warning(tr("degraded", n=m.seat_failures))
        st.markdown(f"**{tr('quorum')}:** {quorum_sentence(record, lang())}")
        st.markdown(f"**{tr('dissent')}:** {md(dissent_words(record, lang()))}")
        if m.agrees_with_baseline is None:
            baseline = tr("not_computed")
        else:
            verdict = tr("agrees" if m.agrees_with_baseline else "differs")
            baseline = f"{md(m.baseline_option or tr('no_decision'))} ({verdict})"
        st.markdown(f"**{tr('baseline')}:** {baseline}")
        if m.safety_violation:
            st.error(tr("safety_violation"))
        st.caption(
            tr(
                "metrics",
                drift=m.honest_drift,
                flips=m.honest_flips,
                messages=m.messages,
                rounds=m.rounds_used,
            )
        )
        if record.config.backend != "offline":
            st.caption(
                tr(
                    "llm_metrics",
                    calls=m.llm_calls,
                    errors=m.llm_errors,
                    cached=m.llm_cached,
                    failures=m.seat_failures,
                    tokens=f"{m.tokens.prompt + m.tokens.completion:,}",
                    cost="—" if m.cost_usd is None else f"${m.cost_usd:.4f}",
                )
            )
        if record.errors:
            with st.expander(f"{tr('errors')} ({len(record.errors)})"):
                st.code(safe("\n".join(record.errors)), language=None)
        if record.pdca:
            p = record.pdca
            owners = ", ".join(group_name(g, lang()) for g in p.owners)
            st.markdown(f"**{tr('pdca')}** · {tr('owners')}: {owners}")
            for column, name, step in zip(
                st.columns(4),
                ("plan", "do", "check", "act"),
                (p.plan, p.do, p.check, p.act),
                strict=True,
            ):
                with column:
                    st.markdown(f"**{tr(name)}** — {md(step.summary)}")
                    st.markdown("\n".join(f"- {md(item)}" for item in step.items))


def downloads(record: RunRecord, key: str) -> None:
    """The handout (Markdown) and the record (JSON), for the room to keep."""
    left, right = st.columns(2)
    left.download_button(
        tr("download_md"),
        handout(record, lang()),
        file_name=f"council-{record.run_id}{'' if lang() == 'en' else '.' + lang()}.md",
        mime="text/markdown",
        key=f"{key}_md",
        on_click="ignore",
    )
    right.download_button(
        tr("download_json"),
        record.model_dump_json(indent=2),
        file_name=f"council-{record.run_id}.json",
        mime="application/json",
        key=f"{key}_json",
        on_click="ignore",
    )


def _shift(key: str, by: int, count: int) -> None:
    st.session_state[key] = min(max(int(st.session_state[key]) + by, 0), count - 1)
    st.session_state[lang_key(key)] = st.session_state[key]


def _round_name(r: int) -> str:
    title = tr("round_title", round=r)
    return f"{title} ({tr('opening')})" if r == 0 else title


def _pick_round(view: RunView, key: str) -> int:
    count = len(view.rounds)
    picked = f"{key}_{view.run_id}_{count}_round"
    if picked not in st.session_state:
        st.session_state[picked] = count - 1
    if lang_key(picked) not in st.session_state:
        st.session_state[lang_key(picked)] = st.session_state[picked]
    if count > 1:
        back, slider, forward = st.columns([2, 6, 2], vertical_alignment="bottom")
        back.button(
            tr("prev_round"), key=f"{picked}_back", on_click=_shift, args=(picked, -1, count)
        )
        with slider:
            st.session_state[picked] = st.select_slider(
                tr("round"),
                list(range(count)),
                format_func={r: _round_name(r) for r in range(count)}.__getitem__,
                key=lang_key(picked),
            )
        forward.button(
            tr("next_round"), key=f"{picked}_next", on_click=_shift, args=(picked, 1, count)
        )
    return int(st.session_state[picked])


def tally_chart(tally: dict[str, int], swatches: dict[str, Swatch]) -> alt.Chart:
    """Seats per option in a round, one bar per option in the option's colour."""
    import altair as alt  # loaded with the first result, not the first page

    options = [f"{swatches[o].letter} · {o}" for o in tally]
    rows = [{"option": f"{swatches[o].letter} · {o}", "seats": c} for o, c in tally.items()]
    return (
        alt.Chart(alt.InlineData(values=rows))
        .mark_bar()
        .encode(
            x=alt.X("seats:Q", title=tr("seats_axis"), axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("option:N", sort=options, title=None, axis=alt.Axis(labelLimit=240)),
            color=alt.Color(
                "option:N",
                scale=alt.Scale(domain=options, range=[swatches[o].hex for o in tally]),
                legend=None,
            ),
            tooltip=["option:N", "seats:Q"],
        )
        .properties(height=34 * len(options) + 40)
    )


def show_rounds(view: RunView, key: str, *, reveal: bool) -> None:
    """One round at a time: its tally, the graph coloured by option, ballots, the transcript."""
    if not view.rounds:
        return
    st.subheader(tr("deliberation"))
    r = _pick_round(view, key)
    rnd = view.rounds[r]
    swatches = option_swatches(view.scenario.option_ids)
    faulty = {s.seat for s in view.seats if s.behaviour != "honest"}
    humans = {s.seat for s in view.seats if s.reasoner == "human"}
    st.markdown(f"**{_round_name(r)}**")
    chart, legend = st.columns(2)
    with chart:
        tally = round_tally(rnd.statements, view.scenario.option_ids)
        st.caption(tr("tally"))
        st.altair_chart(tally_chart(tally, swatches), width="stretch")
    with legend:
        options = option_labels(view.scenario, lang())
        st.markdown(
            "  \n".join(f"{mark(swatches[o])} `{o}`: {md(label)}" for o, label in options.items())
        )
    with st.container():  # the whole width: a 33-seat circle keeps its labels readable
        st.caption(tr("graph"))
        labels = seat_labels(view.seats, load_library(), lang())
        groups = [labels[s.seat].group for s in sorted(view.seats, key=lambda s: s.seat)]
        dot = communication_dot(
            view.config,
            rnd,
            swatches,
            marked=faulty if reveal else (),
            humans=humans,
            groups=groups,
            group_names={g: group_name(g, lang()) for g in set(groups)},
        )
        if dot is None:
            st.caption(tr("graph_too_big", n=len(rnd.statements)))
        else:
            st.graphviz_chart(dot, width="stretch")
    for ballot in ballots_after(view.ballots, r):
        counts = ", ".join(f"{mark(swatches[o])} {o} {c}" for o, c in ballot.tally.items() if c)
        st.info(
            tr(
                "ballot_line",
                ballot=ballot.ballot,
                round=ballot.after_round,
                counts=counts,
                committed=len(ballot.committed),
            )
        )
    transcript(view, rnd, reveal=reveal, faulty=faulty, humans=humans)
