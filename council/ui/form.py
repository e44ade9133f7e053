"""The run settings: every option of a run, as widgets, turned into a RunConfig.

Each widget takes its default, bounds and choices from the ``RunConfig`` field it sets
(``default_of``, ``bounds_of``, ``choices_of``): the model is the one place they are written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import streamlit as st
from pydantic import ValidationError

from council.contracts.config import MAX_SIZE, RunConfig, bounds_of, choices_of, default_of
from council.engine.context import prepare
from council.library.catalog import Library
from council.library.loader import LoadError
from council.present.figures import seat_labels
from council.present.i18n import choice_label, persona_name
from council.present.words import quorum_warnings
from council.rules.faults import FAULTS
from council.rules.quorum import RULES
from council.rules.registry import SpecError
from council.rules.voting import METHODS
from council.ui.reasoner_form import reasoner_fields
from council.ui.state import choose, lang, tr

if TYPE_CHECKING:  # the LLM modules (openai, about a second) load only for an LLM run's form
    from council.reasoners.llm.endpoints import Transport

FRACTION = "fraction"
GROUP_QUORUM = "groups"


@dataclass(frozen=True)
class Settings:
    """What the form gives: a config that can run, or why not (and how LLM calls go)."""

    config: RunConfig | None
    error: str | None = None
    transport: Transport | None = None
    """LLM runs: rate limits (requests and tokens a minute)."""
    warnings: tuple[str, ...] = ()
    """What the room should know before running (no quorum possible, faults past tolerance)."""


def _council(library: Library, option_ids: tuple[str, ...]) -> dict[str, Any]:
    by = choose(
        st.radio,
        tr("seat_by"),
        ["size", "personas"],
        format_func={v: tr(f"by_{v}") for v in ("size", "personas")}.__getitem__,
        key="f_seat_by",
        horizontal=True,
        help=tr("help_seat_by"),
    )
    out: dict[str, Any] = {}
    if by == "size":
        out["size"] = _number("size")
    else:
        out["personas"] = tuple(
            st.multiselect(
                tr("personas"),
                sorted(library.personas),
                format_func=lambda p: persona_name(library.personas[p], lang()),
                key="f_personas",
                help=tr("help_personas"),
            )
        )
    out["byzantine"] = _number("byzantine", high=MAX_SIZE)
    fault = str(_select("fault", FAULTS.names()))
    takes = _takes(fault)
    if takes == "option":
        pushed = st.selectbox(
            tr("fault_option"), option_ids, key="f_fault_option", help=tr("help_fault_option")
        )
        fault = f"{fault}:{pushed}"
    elif takes == "round":
        after = st.number_input(
            tr("fault_round"),
            0,
            bounds_of("rounds")[1],
            1,
            key="f_fault_round",
            help=tr("help_fault_round"),
        )
        fault = f"{fault}:{int(after)}"
    out["fault"] = fault
    return out


def _number(field: str, *, high: int | None = None) -> Any:
    """A number input for a config field: its bounds (``high`` where it has none) and default."""
    low, top = bounds_of(field)
    top = top if high is None else high
    return st.number_input(
        tr(field), low, top, default_of(field), key=f"f_{field}", help=tr(f"help_{field}")
    )


def _select(field: str, options: Sequence[str] | None = None) -> Any:
    """A select for a config field: its names (or ``options``, a registry's), its default first.

    Each choice reads in plain words with its id after it; the field has a help line.
    """
    names = list(options if options is not None else choices_of(field))
    plain = {n: choice_label(field, n, lang()) for n in names}
    return choose(
        st.selectbox,
        tr(field),
        names,
        index=names.index(default_of(field)),
        format_func=plain.__getitem__,
        key=f"f_{field}",
        help=tr(f"help_{field}"),
    )


def _takes(fault: str) -> str | None:
    """What a fault's ``:ARG`` is (``option``, ``round``), None if it takes none."""
    return next((e.arg for e in FAULTS.entries() if e.name == fault), None)


def _rules() -> dict[str, Any]:
    out: dict[str, Any] = {}
    out["protocol"] = _select("protocol")
    rules = {q: choice_label("quorum", q, lang()) for q in RULES.names()} | {
        FRACTION: tr("custom_fraction"),
        GROUP_QUORUM: tr("group_quorum"),
    }
    quorum = choose(
        st.selectbox,
        tr("quorum"),
        list(rules),
        format_func=rules.__getitem__,
        key="f_quorum",
        help=tr("help_quorum"),
    )
    if quorum == FRACTION:
        share = st.number_input(
            tr("fraction"), 0.05, 1.0, 0.6, 0.05, key="f_fraction", help=tr("help_fraction")
        )
        quorum = f"{share:g}"
    elif quorum == GROUP_QUORUM:
        needed = st.number_input(
            tr("groups_needed"), 1, 4, 3, key="f_groups_needed", help=tr("help_groups_needed")
        )
        share = st.number_input(
            tr("group_share"),
            0.05,
            1.0,
            0.5,
            0.05,
            key="f_group_share",
            help=tr("help_group_share"),
        )
        quorum = f"groups:{int(needed)}/{share:g}"
    out["quorum"] = quorum
    out["method"] = _select("method", METHODS.names())
    out["update"] = _select("update")
    return out


def _schedule() -> dict[str, Any]:
    return {
        "topology": _select("topology"),
        "rounds": _number("rounds"),
        "ballots": _number("ballots"),
        "seed": _number("seed", high=2**31 - 1),
    }


def _human_seat(config: RunConfig, library: Library) -> tuple[int, ...]:
    labels = seat_labels(prepare(config, library).seats, library, lang())
    if not st.checkbox(tr("human_seat"), key="f_human", help=tr("help_human_seat")):
        return ()
    seat = choose(
        st.selectbox,
        tr("which_seat"),
        list(labels),
        format_func={
            s: f"{tr('seat', seat=s)} · {label.name}" for s, label in labels.items()
        }.__getitem__,
        key="f_human_seat",
        help=tr("help_which_seat"),
    )
    return (int(seat),)


def _summary(config: RunConfig) -> str:
    """The settings in one line (the expander's label), in plain words where they are short."""
    return tr(
        "settings_summary",
        size=config.size if config.personas is None else len(config.personas),
        faulty=tr("summary_faulty", n=config.byzantine, fault=config.fault)
        if config.byzantine
        else tr("summary_no_faulty"),
        protocol=config.protocol,
        quorum=config.quorum,
        rounds=config.rounds,
        backend=config.backend,
    )


def run_form(library: Library, scenario_id: str) -> Settings:
    """Draw the settings (folded, their summary on the fold); return the config they make.

    Or the reason it cannot run. The config is checked against the library as a run checks it
    (``prepare``), and the engine's tolerance arithmetic says what to warn about.
    """
    scenario = library.scenarios[scenario_id]
    with st.expander(tr("settings"), expanded=False):
        left, middle, right = st.columns(3)
        with left:
            council = _council(library, scenario.option_ids)
        with middle:
            rules = _rules()
        with right:
            schedule = _schedule()
        reasoner, unavailable, transport = reasoner_fields(library)
        if council.get("personas") == ():
            return Settings(None, tr("pick_personas"))
        try:
            config = RunConfig(scenario=scenario.id, **council, **rules, **schedule, **reasoner)
            humans = _human_seat(config, library)
            config = config.model_copy(update={"human_seats": humans, "language": lang()})
            ctx = prepare(config)  # every option checked against the library before anything runs
        except ValidationError as err:
            return Settings(None, tr("bad_config", error=err.errors()[0]["msg"]))
        except (SpecError, LoadError) as err:
            return Settings(None, tr("bad_config", error=str(err)))
        ids = ("protocol", "quorum", "method", "update", "topology", "fault")
        st.caption(" · ".join(f"`{name}={getattr(config, name)}`" for name in ids))
    st.caption(_summary(config))
    if unavailable:
        return Settings(None, unavailable)
    faulty = int(ctx.faulty.sum())
    warnings = quorum_warnings(faulty, ctx.n, ctx.quorum, ctx.council.tolerates, lang())
    if config.backend != "offline":
        from council.reasoners.llm import estimate_config

        guess = estimate_config(config)
        st.info(
            tr(
                "estimate",
                calls=f"{guess.calls_min}–{guess.calls_max}",
                tokens=f"{guess.prompt_tokens_max + guess.completion_tokens_max:,}",
                cost=guess.cost_max or 0.0,
            )
        )
        cap = config.max_cost
        if cap is not None and guess.cost_min is not None and guess.cost_min > cap:
            return Settings(None, tr("over_cost", low=guess.cost_min))
        if cap is not None and guess.cost_max is not None and guess.cost_max > cap:
            st.warning(tr("near_cost", high=guess.cost_max))
    return Settings(config, transport=transport, warnings=warnings)
