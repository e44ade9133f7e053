"""Library: browse the personas and scenarios; validate a YAML file as `council validate` does."""

from __future__ import annotations

import streamlit as st

from council.contracts.formats import Persona
from council.library.catalog import Library, load_library
from council.library.loader import LoadError, load_data, parse_yaml
from council.present.i18n import group_name, persona_name, persona_role, scenario_title
from council.ui.look import group_icon
from council.ui.scenario import show_scenario
from council.ui.state import choose, lang, tr


def personas(library: Library) -> None:
    """Every persona, by stakeholder group."""
    for group, members in library.personas_by_group().items():
        st.markdown(f"#### {group_icon(group)} {group_name(group, lang())}")
        st.dataframe(
            [
                {
                    "id": p.id,
                    "name": persona_name(p, lang()),
                    tr("openness"): p.openness,
                    tr("values"): ", ".join(f"{k} {v:.1f}" for k, v in p.values.items()),
                    tr("languages"): ", ".join(p.languages),
                    tr("role"): persona_role(p, lang()),
                }
                for p in members
            ],
            hide_index=True,
        )


def scenarios(library: Library) -> None:
    """One scenario at a time, in full."""
    chosen = choose(
        st.selectbox,
        tr("scenario"),
        sorted(library.scenarios),
        format_func={
            i: scenario_title(s, lang()) for i, s in library.scenarios.items()
        }.__getitem__,
        key="l_scenario",
    )
    show_scenario(library.scenarios[str(chosen)], options=True, sources=True)


def validate() -> None:
    """Upload a file; it is checked with the CLI's loader and its one-line problems."""
    uploaded = st.file_uploader(tr("upload"), type=["yaml", "yml"], key="l_upload")
    if uploaded is None:
        return
    try:
        item = load_data(parse_yaml(uploaded.getvalue(), uploaded.name), uploaded.name, None)
    except LoadError as err:
        st.error(tr("invalid", count=len(err.problems)))
        st.code("\n".join(err.lines()), language=None, wrap_lines=True)
        return
    kind = tr("kind_persona" if isinstance(item, Persona) else "kind_scenario")
    st.success(tr("valid", file=uploaded.name, kind=kind, id=item.id))


def main() -> None:
    """The Library page."""
    st.title(tr("page_library"))
    library = load_library()
    people, incidents, check = st.tabs([tr("personas"), tr("scenarios"), tr("validate")])
    with people:
        personas(library)
    with incidents:
        scenarios(library)
    with check:
        validate()


if __name__ == "__main__":
    main()
