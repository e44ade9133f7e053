"""The run settings' reasoner part: offline, or an OpenAI-compatible endpoint and its limits.

The LLM modules (openai, about a second to import) load only once the endpoint is chosen.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import streamlit as st

from council.contracts.config import bounds_of, choices_of, default_of
from council.contracts.seat_models import DEFAULT_MODEL, SeatModels
from council.library.catalog import Library
from council.library.files import check_personas, models_from_text
from council.library.loader import LoadError
from council.ui.plain import md
from council.ui.state import choose, lang, tr

if TYPE_CHECKING:
    from council.reasoners.llm.endpoints import Transport


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


def reasoner_fields(library: Library) -> tuple[dict[str, Any], str | None, Transport | None]:
    """Who speaks for the seats: offline, or an endpoint (its URL, model, key, limits, models file).

    Returns the config fields it sets, why the run cannot go (a bad models file), and the transport.
    """
    backends = choices_of("backend")
    backend = choose(
        st.radio,
        tr("reasoner"),
        backends,
        index=backends.index(default_of("backend")),
        format_func={b: tr(b) for b in backends}.__getitem__,
        key="f_backend",
        horizontal=True,
        help=tr("help_reasoner"),
    )
    if backend == "offline":
        return {}, None, None
    from council.reasoners.llm.endpoints import Transport
    from council.reasoners.llm.request import public_base_url, url_problem

    cols = st.columns(3)
    base_url = cols[0].text_input(
        tr("base_url"), "https://api.openai.com/v1", key="f_base_url", help=tr("help_base_url")
    )
    model = cols[1].text_input(tr("model"), DEFAULT_MODEL, key="f_model", help=tr("help_model"))
    cols[2].text_input(tr("api_key"), type="password", key="api_key", help=tr("help_api_key"))
    limits = st.columns(4)
    rpm = int(limits[0].number_input(tr("rpm"), 0, 1_000_000, 0, key="f_rpm", help=tr("help_rpm")))
    tpm = int(
        limits[1].number_input(tr("tpm"), 0, 100_000_000, 0, key="f_tpm", help=tr("help_tpm"))
    )
    cap = float(
        limits[2].number_input(
            tr("max_cost"), 0.0, 10_000.0, 0.0, 0.5, key="f_max_cost", help=tr("help_max_cost")
        )
    )
    low, high = bounds_of("max_seat_failures")
    failures = limits[3].slider(
        tr("max_seat_failures"),
        float(low),
        float(high),
        default_of("max_seat_failures"),
        0.05,
        key="f_max_fail",
        help=tr("help_max_seat_failures"),
    )
    models, error = _models_file(library)
    problem = url_problem(base_url) if base_url else None
    if problem is not None:
        error = tr("base_url_bad", url=md(repr(public_base_url(base_url))), error=problem)
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
