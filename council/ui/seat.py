"""A trainee at a seat: the persona, what the seat heard, and the trainee's answer.

The answer's defaults are the trainee's own last statement (option and confidence as given),
so "I keep my position" is one click, never a switch to the persona's favourite.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import streamlit as st
from pydantic import ValidationError

from council.contracts.record import Round, Statement
from council.library.catalog import load_library
from council.present.figures import option_swatches
from council.present.i18n import persona_name, persona_role
from council.reasoners.human import HumanAnswer, HumanPrompt
from council.ui.look import mark
from council.ui.plain import md
from council.ui.state import lang, tr

DEFAULT_CONFIDENCE = 0.7
"""The confidence offered at a seat's first turn."""


def last_said(rounds: Sequence[Round], seat: int) -> Statement | None:
    """The seat's statement in the last round that has one (None before its first turn)."""
    for rnd in reversed(rounds):
        for statement in rnd.statements:
            if statement.seat == seat and statement.option is not None:
                return statement
    return None


def heard_counts(prompt: HumanPrompt) -> dict[str, int]:
    """What the seat heard this round, as seats per option (every option, in file order)."""
    counts = Counter(h.option for h in prompt.heard)
    return {o: counts.get(o, 0) for o in prompt.options}


def _heard(prompt: HumanPrompt, rounds: Sequence[Round]) -> None:
    """Counts per option first, then each peer's statement and why (the quotes)."""
    swatches = option_swatches(list(prompt.options))
    st.markdown(f"**{tr('heard')}**")
    if not prompt.heard:
        st.caption(tr("heard_none"))
        return
    counts = heard_counts(prompt)
    st.markdown(
        "  \n".join(
            f"{mark(swatches[o])} **{n}** · {md(prompt.options[o])} `{o}`"
            for o, n in sorted(counts.items(), key=lambda kv: -kv[1])
        ),
        help=tr("heard_counts_help"),
    )
    said = {s.seat: s.rationale for s in rounds[-1].statements} if rounds else {}
    personas = load_library().personas
    st.dataframe(
        [
            {
                tr("seat_column"): h.seat,
                tr("option"): h.option,
                tr("persona_column"): persona_name(personas[h.persona], lang())
                if h.persona in personas
                else h.persona,
                tr("said_column"): said.get(h.seat, ""),
            }
            for h in prompt.heard
        ],
        hide_index=True,
        height=240,
    )


def _prompt(prompt: HumanPrompt, rounds: Sequence[Round], key: str) -> tuple[str, float, str]:
    swatches = option_swatches(list(prompt.options))
    personas = load_library().personas
    persona = personas.get(prompt.persona)
    st.subheader(tr("your_turn", seat=prompt.seat, round=prompt.round))
    st.markdown(tr("you_play", name=md(persona_name(persona, lang()) if persona else prompt.name)))
    st.caption(md(persona_role(persona, lang()) if persona else prompt.role))
    own, heard = st.columns([1, 2])
    with own:
        st.markdown(f"**{tr('own_view')}**")
        ranked = sorted(prompt.own_view.items(), key=lambda kv: -kv[1])
        st.markdown("\n".join(f"- {mark(swatches[o])} `{o}` {v:+.2f}" for o, v in ranked))
    with heard:
        _heard(prompt, rounds)
    before = last_said(rounds, prompt.seat)
    options = list(prompt.options)
    if before is not None and before.option in prompt.options:
        chosen, sure = before.option, before.confidence
    else:
        chosen, sure = max(prompt.own_view, key=lambda o: prompt.own_view[o]), DEFAULT_CONFIDENCE
    option = st.radio(
        tr("option"),
        options,
        index=options.index(chosen),
        format_func=lambda o: f"{mark(swatches[o])} {md(prompt.options[o])} · {o}",
        key=f"{key}_option",
        help=tr("option_kept") if before is not None else None,
    )
    confidence = st.slider(
        tr("confidence"),
        0.0,
        1.0,
        round(float(sure), 2),
        0.01,
        key=f"{key}_confidence",
        help=tr("confidence_help"),
    )
    argument = st.text_area(tr("argument"), key=f"{key}_argument", max_chars=2000)
    return str(option), float(confidence), argument


def ask(
    prompts: list[HumanPrompt], run_id: str, rounds: Sequence[Round] = ()
) -> dict[int, HumanAnswer] | None:
    """The form for every seat waiting for a person; their answers once all are valid.

    ``rounds`` are the rounds so far: each seat's last statement gives its defaults, and the
    last round says what the peers it heard argued.
    """
    r = prompts[0].round if prompts else 0
    with st.form(key=f"human_{run_id}_{r}"):
        given = {p.seat: _prompt(p, rounds, f"human_{run_id}_{r}_{p.seat}") for p in prompts}
        submitted = st.form_submit_button(tr("submit"), type="primary")
    if not submitted:
        return None
    try:
        return {
            seat: HumanAnswer(option=option, confidence=confidence, argument=argument)
            for seat, (option, confidence, argument) in given.items()
        }
    except ValidationError:
        st.error(tr("argument_needed"))
        return None
