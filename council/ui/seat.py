"""A trainee at a seat: the persona, what the seat heard, and the trainee's answer."""

from __future__ import annotations

import streamlit as st
from pydantic import ValidationError

from council.library.catalog import load_library
from council.present.figures import option_swatches
from council.reasoners.human import HumanAnswer, HumanPrompt
from council.ui.look import mark
from council.ui.state import tr


def _prompt(prompt: HumanPrompt, key: str) -> tuple[str, float, str]:
    swatches = option_swatches(list(prompt.options))
    names = load_library().personas
    st.subheader(tr("your_turn", seat=prompt.seat, round=prompt.round))
    st.markdown(tr("you_play", name=prompt.name))
    st.caption(prompt.role)
    own, heard = st.columns(2)
    with own:
        st.markdown(f"**{tr('own_view')}**")
        ranked = sorted(prompt.own_view.items(), key=lambda kv: -kv[1])
        st.markdown("\n".join(f"- {mark(swatches[o])} `{o}` {v:+.2f}" for o, v in ranked))
    with heard:
        st.markdown(f"**{tr('heard')}**")
        if not prompt.heard:
            st.caption(tr("heard_none"))
        else:
            st.dataframe(
                [
                    {
                        "seat": h.seat,
                        "option": h.option,
                        "persona": names[h.persona].name if h.persona in names else h.persona,
                        **{o: round(v, 2) for o, v in h.scores.items()},
                    }
                    for h in prompt.heard
                ],
                hide_index=True,
                height=240,
            )
    best = max(prompt.own_view, key=lambda o: prompt.own_view[o])
    option = st.radio(
        tr("option"),
        list(prompt.options),
        index=list(prompt.options).index(best),
        format_func=lambda o: f"{mark(swatches[o])} {prompt.options[o]}",
        key=f"{key}_option",
    )
    confidence = st.slider(tr("confidence"), 0.0, 1.0, 0.7, 0.05, key=f"{key}_confidence")
    argument = st.text_area(tr("argument"), key=f"{key}_argument", max_chars=2000)
    return str(option), float(confidence), argument


def ask(prompts: list[HumanPrompt], run_id: str) -> dict[int, HumanAnswer] | None:
    """The form for every seat waiting for a person; their answers once all are valid."""
    r = prompts[0].round if prompts else 0
    with st.form(key=f"human_{run_id}_{r}"):
        given = {p.seat: _prompt(p, f"human_{run_id}_{r}_{p.seat}") for p in prompts}
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
