"""The run settings: every option of a run, as widgets, turned into a RunConfig.

Each widget takes its default, bounds and choices from the ``RunConfig`` field it sets
(``default_of``, ``bounds_of``, ``choices_of``): the model is the one place they are written.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st
from pydantic import ValidationError

from council.contracts.config import MAX_SIZE, RunConfig, bounds_of, choices_of, default_of
from council.contracts.seat_models import DEFAULT_MODEL, SeatModels
from council.library.catalog import Library
from council.library.files import check_personas, models_from_text
from council.library.loader import LoadError
from council.present.figures import seat_labels
from council.present.i18n import scenario_title
from council.reasoners.llm import estimate_config
from council.reasoners.llm.endpoints import Transport
from council.reasoners.llm.request import public_base_url
from council.rules.faults import FAULTS
from council.rules.quorum import RULES
from council.rules.registry import SpecError
from council.rules.voting import METHODS
from council.session.batch import seats_of
from council.ui.scenario import show_scenario
from council.ui.state import choose, lang, tr

DEFAULT_SCENARIO = "kh-credit-scoring-isolated-data"
FRACTION = "fraction"
GROUP_QUORUM = "groups"


@dataclass(frozen=True)
class Settings:
    """What the form gives: a config that can run, or why not (and how LLM calls go)."""

    config: RunConfig | None
    error: str | None = None
    transport: Transport | None = None
    """LLM runs: rate limits (requests and tokens a minute)."""


def _scenario(library: Library) -> str:
    ids = sorted(library.scenarios)
    return str(
        choose(
            st.selectbox,
            tr("scenario"),
            ids,
            index=ids.index(DEFAULT_SCENARIO) if DEFAULT_SCENARIO in ids else 0,
            format_func={i: scenario_title(library.scenarios[i], lang()) for i in ids}.__getitem__,
            key="f_scenario",
        )
    )


def _council(library: Library, option_ids: tuple[str, ...]) -> dict[str, Any]:
    by = choose(
        st.radio,
        tr("seat_by"),
        ["size", "personas"],
        format_func={v: tr(f"by_{v}") for v in ("size", "personas")}.__getitem__,
        key="f_seat_by",
        horizontal=True,
    )
    out: dict[str, Any] = {}
    if by == "size":
        out["size"] = _number("size")
    else:
        out["personas"] = tuple(
            st.multiselect(
                tr("personas"),
                sorted(library.personas),
                format_func=lambda p: library.personas[p].name,
                key="f_personas",
            )
        )
    out["byzantine"] = _number("byzantine", high=MAX_SIZE)
    fault = str(_select("fault", FAULTS.names()))
    arg = _fault_arg(fault)
    if arg == "option":
        pushed = st.selectbox(tr("fault_option"), option_ids, key="f_fault_option")
        fault = f"{fault}:{pushed}"
    elif arg == "round":
        silent_from = st.number_input(
            tr("fault_round"), 0, bounds_of("rounds")[1], 1, key="f_fault_round"
        )
        fault = f"{fault}:{silent_from}"
    out["fault"] = fault
    return out


def _number(field: str, *, high: int | None = None) -> Any:
    """A number input for a config field: its bounds (``high`` where it has none) and default."""
    low, top = bounds_of(field)
    top = top if high is None else high
    return st.number_input(tr(field), low, top, default_of(field), key=f"f_{field}")


def _select(field: str, options: Sequence[str] | None = None) -> Any:
    """A select for a config field: its names (or ``options``, a registry's), its default first."""
    names = list(options if options is not None else choices_of(field))
    return st.selectbox(tr(field), names, index=names.index(default_of(field)), key=f"f_{field}")


def _fault_arg(fault: str) -> str | None:
    """What a fault's ``:ARG`` is (``option``, ``round``), or None if it takes none."""
    return next((e.arg for e in FAULTS.entries() if e.name == fault), None)


def _rules() -> dict[str, Any]:
    out: dict[str, Any] = {}
    out["protocol"] = _select("protocol")
    rules = {q: q for q in RULES.names()} | {
        FRACTION: tr("custom_fraction"),
        GROUP_QUORUM: tr("group_quorum"),
    }
    quorum = choose(
        st.selectbox,
        tr("quorum"),
        list(rules),
        format_func=rules.__getitem__,
        key="f_quorum",
    )
    if quorum == FRACTION:
        share = st.number_input(tr("fraction"), 0.05, 1.0, 0.6, 0.05, key="f_fraction")
        quorum = f"{share:g}"
    elif quorum == GROUP_QUORUM:
        needed = st.number_input(tr("groups_needed"), 1, 4, 3, key="f_groups_needed")
        share = st.number_input(tr("group_share"), 0.05, 1.0, 0.5, 0.05, key="f_group_share")
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


def _models_file(library: Library) -> tuple[SeatModels | None, str | None]:
    """A models file pasted or uploaded, checked as the CLI checks ``--models``."""
    pasted = st.text_area(tr("models_file"), key="f_models", help=tr("models_help"), height=100)
    upload = st.file_uploader(tr("models_upload"), type=["yaml", "yml"], key="f_models_upload")
    text, name = pasted, "models file"
    if upload is not None:
        text, name = upload.getvalue().decode("utf-8", errors="replace"), upload.name
    if not text.strip():
        return None, None
    try:
        models = models_from_text(text, name)
        check_personas(models, set(library.personas), name)
    except LoadError as err:
        return None, tr("models_bad", error="; ".join(err.lines()))
    entries = [models.default, *models.groups.values(), *models.personas.values()]
    unset = sorted({e.key_env for e in entries if e.key_env and not os.environ.get(e.key_env)})
    if unset:
        return None, tr("models_bad", error=f"key_env {unset[0]} is not set on the server")
    return models, None


def _reasoner(library: Library) -> tuple[dict[str, Any], str | None, Transport | None]:
    backends = choices_of("backend")
    backend = choose(
        st.radio,
        tr("reasoner"),
        backends,
        index=backends.index(default_of("backend")),
        format_func={b: tr(b) for b in backends}.__getitem__,
        key="f_backend",
        horizontal=True,
    )
    if backend == "offline":
        return {}, None, None
    cols = st.columns(3)
    base_url = cols[0].text_input(tr("base_url"), "https://api.openai.com/v1", key="f_base_url")
    model = cols[1].text_input(tr("model"), DEFAULT_MODEL, key="f_model")
    cols[2].text_input(tr("api_key"), type="password", key="api_key")
    limits = st.columns(4)
    rpm = int(limits[0].number_input(tr("rpm"), 0, 1_000_000, 0, key="f_rpm"))
    tpm = int(limits[1].number_input(tr("tpm"), 0, 100_000_000, 0, key="f_tpm"))
    cap = float(limits[2].number_input(tr("max_cost"), 0.0, 10_000.0, 0.0, 0.5, key="f_max_cost"))
    low, high = bounds_of("max_seat_failures")
    failures = limits[3].slider(
        tr("max_seat_failures"),
        float(low),
        float(high),
        default_of("max_seat_failures"),
        0.05,
        key="f_max_fail",
    )
    models, error = _models_file(library)
    fields = {
        "backend": backend,
        "base_url": public_base_url(base_url or None),
        "model": models.default.model if models else model or DEFAULT_MODEL,
        "models": models,
        "max_cost": cap or None,
        "max_seat_failures": failures,
        "language": lang(),  # rationales in the interface's language
    }
    if models and models.default.base_url:
        fields["base_url"] = models.default.base_url
    return fields, error, Transport(rpm=rpm or None, tpm=tpm or None)


def _human_seat(config: RunConfig, library: Library) -> tuple[int, ...]:
    labels = seat_labels(seats_of(config), library)
    if not st.checkbox(tr("human_seat"), key="f_human"):
        return ()
    seat = choose(
        st.selectbox,
        tr("which_seat"),
        list(labels),
        format_func={
            s: f"{tr('seat', seat=s)} · {label.name}" for s, label in labels.items()
        }.__getitem__,
        key="f_human_seat",
    )
    return (int(seat),)


def run_form(library: Library) -> Settings:
    """Draw the settings; return the config they make, or the reason it cannot run."""
    scenario = library.scenarios[_scenario(library)]
    show_scenario(scenario)
    with st.expander(f"{tr('council')} · {tr('rules')}", expanded=True):
        left, middle, right = st.columns(3)
        with left:
            council = _council(library, scenario.option_ids)
        with middle:
            rules = _rules()
        with right:
            schedule = _schedule()
        reasoner, unavailable, transport = _reasoner(library)
        if council.get("personas") == ():
            return Settings(None, tr("pick_personas"))
        try:
            config = RunConfig(scenario=scenario.id, **council, **rules, **schedule, **reasoner)
            humans = _human_seat(config, library)
            config = config.model_copy(update={"human_seats": humans})
            seats_of(config)  # every option checked against the library before anything runs
        except ValidationError as err:
            return Settings(None, tr("bad_config", error=err.errors()[0]["msg"]))
        except (SpecError, LoadError) as err:
            return Settings(None, tr("bad_config", error=str(err)))
    if unavailable:
        return Settings(None, unavailable)
    if config.backend != "offline":
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
    return Settings(config, transport=transport)
