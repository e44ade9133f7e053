"""A scenario as trainees read it: title, summary, facts, affected people, harms, options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

import streamlit as st

from council.contracts.formats import Scenario
from council.library.catalog import Library
from council.present.i18n import (
    has_translation,
    option_labels,
    scenario_affected,
    scenario_facts,
    scenario_summary,
    scenario_title,
)
from council.ui.plain import md
from council.ui.state import choose, lang, tr

DEFAULT_SCENARIO = "kh-credit-scoring-isolated-data"
"""The scenario a session starts with."""


def pick_scenario(library: Library) -> str:
    """The scenario select (its id); drawn first, above the Run button."""
    ids = sorted(library.scenarios)
    return str(
        choose(
            st.selectbox,
            tr("scenario"),
            ids,
            index=ids.index(DEFAULT_SCENARIO) if DEFAULT_SCENARIO in ids else 0,
            format_func={i: scenario_title(library.scenarios[i], lang()) for i in ids}.__getitem__,
            key="f_scenario",
            help=tr("help_scenario"),
        )
    )


K = TypeVar("K", bound=str)


def harm_lines(harms: Mapping[K, float], names: Mapping[K, str]) -> str:
    """The harms, worst first, as Markdown list lines, each with a bar of ten blocks.

    >>> print(harm_lines({"privacy": 0.3, "safety": 0.8}, {"privacy": "privacy"}))
    - ████████░░ 0.8 safety
    - ███░░░░░░░ 0.3 privacy
    """
    lines = []
    for principle, severity in sorted(harms.items(), key=lambda kv: -kv[1]):
        tenths = max(0.0, min(1.0, severity)) * 10
        bar = "█" * int(tenths) + ("▌" if tenths - int(tenths) >= 0.5 else "")
        name = names.get(principle, principle)
        lines.append(f"- {bar.ljust(10, '░')} {severity:.1f} {name}")
    return "\n".join(lines)


def show_scenario(scenario: Scenario, *, options: bool = False, sources: bool = False) -> None:
    """The incident (in Khmer where the scenario has a translation), facts, affected, harms.

    A scenario file's text is shown as text (``md``): no image, link or HTML comes of it.
    """
    st.markdown(f"#### {md(scenario_title(scenario, lang()))}")
    st.caption(tr("where", jurisdiction=scenario.jurisdiction, sector=md(scenario.sector)))
    st.markdown(md(scenario_summary(scenario, lang())))
    if not has_translation(scenario, lang()):
        st.caption(tr("no_translation"))
    facts, affected, harms = st.columns([3, 2, 2])
    with facts:
        st.markdown(f"**{tr('facts')}**")
        st.markdown("\n".join(f"- {md(fact)}" for fact in scenario_facts(scenario, lang())))
    with affected:
        st.markdown(f"**{tr('affected')}**")
        st.markdown("\n".join(f"- {md(who)}" for who in scenario_affected(scenario, lang())))
    with harms:  # one element, not a bar each: every element costs the first paint its render
        names = {p: tr(f"principle_{p}") for p in scenario.harms}
        st.markdown(f"**{tr('harms')}**\n\n" + harm_lines(scenario.harms, names))
    if options:
        st.markdown(f"**{tr('options')}**")
        labels = option_labels(scenario, lang())
        st.markdown("\n".join(f"- `{o}`: {md(label)}" for o, label in labels.items()))
    if sources and scenario.sources:
        st.markdown(f"**{tr('sources')}**")
        st.markdown("\n".join(f"- {md(s)}" for s in scenario.sources))
