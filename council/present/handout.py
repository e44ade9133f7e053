"""The Markdown handout in the interface's language (Khmer beside the English of ``render``).

Everything the room reads is in Khmer where the library has it: the scenario's title, summary,
facts and option labels, the persona names, the decision, the quorum sentence and headings.
The rationales and the PDCA plan are the record's own (Khmer for a run made with
``language: km``). Text from files, models and people is escaped (``render.literal_md``): the
handout shows it, and no image, link or HTML comes of it.
"""

from __future__ import annotations

from council.contracts.choices import Language
from council.contracts.record import RunRecord
from council.library.catalog import Library, load_library
from council.present.i18n import (
    dissent_words,
    group_name,
    option_label,
    persona_name,
    quorum_sentence,
    scenario_facts,
    scenario_summary,
    scenario_title,
    text,
)
from council.present.render import literal_md as md
from council.present.render import markdown
from council.present.words import scenario_of


def handout(record: RunRecord, lang: Language, library: Library | None = None) -> str:
    """The handout in ``lang`` (English: ``render.markdown`` as the CLI exports it)."""
    library = library or load_library()
    if lang == "en":
        return markdown(record, library)
    scenario = scenario_of(record, library)
    people = {s.seat: library.personas.get(s.persona) for s in record.council.seats}
    names = {seat: md(persona_name(p, lang)) if p else "?" for seat, p in people.items()}
    o = record.outcome
    decided = md(option_label(scenario, o.option, lang)) if o.option else text("no_option", lang)
    out = [
        f"# {md(scenario_title(scenario, lang))}",
        "",
        f"*{scenario.jurisdiction} · {md(scenario.sector)} · `{record.run_id}` · "
        f"{record.created_at}*",
        "",
        md(scenario_summary(scenario, lang)),
        "",
        f"## {text('facts', lang)}",
        *[f"- {md(f)}" for f in scenario_facts(scenario, lang)],
        "",
        f"## {text('options', lang)}",
        *[f"- **{x.id}**: {md(option_label(scenario, x.id, lang))}" for x in scenario.options],
        "",
        f"## {text('decision', lang)}",
        "",
        f"**{decided}** · {text('status_' + o.status, lang)}",
        "",
        f"- {text('quorum', lang)}: {quorum_sentence(record, lang)}",
        f"- {text('dissent', lang)}: {md(dissent_words(record, lang))}",
    ]
    if o.reason:
        out.append(f"- {md(o.reason)}")
    if record.pdca:
        p = record.pdca
        owners = ", ".join(group_name(g, lang) for g in p.owners)
        out += ["", f"## {text('pdca', lang)}", "", f"{text('owners', lang)}: {owners}", ""]
        for key, step in (("plan", p.plan), ("do", p.do), ("check", p.check), ("act", p.act)):
            items = [f"- {md(i)}" for i in step.items]
            out += [f"### {text(key, lang)}", "", md(step.summary), "", *items]
            out.append("")
    out += [f"## {text('deliberation', lang)}", ""]
    final = record.rounds[-1]
    out += [
        f"| # | {text('persona_column', lang)} | {text('option', lang)} | |",
        "|---|---|---|---|",
    ]
    for st in final.statements:
        said = md(" ".join(st.rationale.split()))  # one table row, its | escaped
        out.append(f"| {st.seat} | {names[st.seat]} | {st.option or '—'} | {said} |")
    out.append("")
    for b in record.ballots:
        counts = ", ".join(f"{x}: {c}" for x, c in b.tally.items() if c)
        line = text(
            "ballot_line",
            lang,
            ballot=b.ballot,
            round=b.after_round,
            counts=counts,
            committed=len(b.committed),
        )
        out.append(f"- {line}")
    return "\n".join(out) + "\n"
