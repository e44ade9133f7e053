"""Readable views of a run record: the CLI transcript (rich) and the Markdown handout.

Both read the record (and the library for names and labels), never the engine's internals; their
sentences are ``words``'. Text from files, models and people is shown as text: in the transcript
without control characters or rich markup, in the handout with its Markdown escaped (no image,
link or HTML comes of it); keys are redacted from both.
"""

from __future__ import annotations

from collections import Counter

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from council.contracts.record import RunRecord
from council.contracts.safe_text import known_keys, markdown_literal, printable, redact
from council.library.catalog import Library, load_library
from council.present.words import (
    baseline_words,
    decision_words,
    degraded_words,
    llm_words,
    persona_names,
    quorum_words,
    scenario_of,
    setting_words,
    unlocks,
)


def _plain(text: str, style: str = "") -> Text:
    """Literal text for the terminal: no markup, no control characters, no key."""
    return Text(printable(redact(text, known_keys())), style=style)


def literal_md(text: str) -> str:
    r"""Text from files, models or people, as literal text inside a Markdown handout.

    >>> literal_md("![x](http://127.0.0.1:9/b)")
    '\\!\\[x\\](http\\://127.0.0.1:9/b)'
    """
    return markdown_literal(redact(text, known_keys()))


_md = literal_md


def transcript(record: RunRecord, library: Library | None = None) -> Group:
    """A rich renderable: seats, rounds, tallies, decision and dissent."""
    library = library or load_library()
    scenario = scenario_of(record, library)
    names = persona_names(record, library)
    cfg = record.config
    parts: list[object] = [
        _plain(f"{scenario.title}", style="bold"),
        _plain(
            f"run {record.run_id} | {record.council.size} seats, {cfg.byzantine} faulty "
            f"({cfg.fault}) | protocol {cfg.protocol}, quorum {cfg.quorum}, method {cfg.method}, "
            f"update {cfg.update}, topology {cfg.topology}, seed {cfg.seed}"
            + "".join(f" | {part}" for part in setting_words(cfg)),
            style="dim",
        ),
    ]
    behaviours = {s.seat: s.behaviour for s in record.council.seats}
    mixed = record.config.backend != "offline" and len({s.model for s in record.council.seats}) > 1
    for rnd in record.rounds:
        table = Table(
            title=f"Round {rnd.round}" + (" (blind opening)" if rnd.round == 0 else ""),
            show_lines=False,
            expand=True,
        )
        table.add_column("seat", justify="right")
        table.add_column("persona")
        table.add_column("option")
        table.add_column("conf", justify="right")
        if mixed:
            table.add_column("model")
        table.add_column("rationale", ratio=3)
        for st in rnd.statements:
            mark = "" if behaviours[st.seat] == "honest" else " ⚠"
            row = [
                str(st.seat),
                names[st.seat] + mark,
                st.option or "— (silent)",
                "" if st.option is None else f"{st.confidence:.2f}",
            ]
            if mixed:
                row.append(st.model)
            cells = [_plain(cell) for cell in (*row, st.rationale)]
            table.add_row(*cells, style="dim" if st.option is None else None)
        parts.append(table)
    for ballot in record.ballots:
        counts = ", ".join(f"{o} {c}" for o, c in ballot.tally.items() if c)
        parts.append(
            _plain(
                f"Ballot {ballot.ballot} (after round {ballot.after_round}): {counts}; "
                f"{len(ballot.committed)} honest seats committed{unlocks(ballot)}",
                style="cyan",
            )
        )
    dissent = (
        Counter(record.ballots[-1].cast[str(i)] for i in record.outcome.dissent)
        if record.ballots
        else Counter()
    )
    lines = [decision_words(record), quorum_words(record)]
    if dissent:
        lines.append("Dissent: " + ", ".join(f"{c} for {o}" for o, c in dissent.items()))
    m = record.metrics
    if m.agrees_with_baseline is not None:
        lines.append(baseline_words(record))
    if m.safety_violation:
        lines.append("SAFETY VIOLATION: honest seats committed different options")
    if llm := llm_words(record):
        lines.append(llm)
    if degraded := degraded_words(record):
        lines.append(degraded)
    lines.append(
        f"honest drift {m.honest_drift:.3f}, flips {m.honest_flips}, "
        f"{m.messages} messages, {m.rounds_used} rounds"
    )
    error = record.outcome.status == "error"
    parts.append(
        Panel(
            _plain("\n".join(lines)),
            title="Error" if error else "Decision",
            border_style="red" if error else ("yellow" if record.outcome.degraded else "none"),
        )
    )
    return Group(*parts)  # type: ignore[arg-type]


def markdown(record: RunRecord, library: Library | None = None) -> str:
    """A printable handout: the incident, the council, the deliberation and the decision."""
    library = library or load_library()
    scenario = scenario_of(record, library)
    names = persona_names(record, library)
    personas = dict(library.personas) | (record.inputs.personas if record.inputs else {})
    groups = {
        s.seat: personas[s.persona].group if s.persona in personas else ""
        for s in record.council.seats
    }
    cfg = record.config
    names = {seat: _md(name) for seat, name in names.items()}
    out = [
        f"# {_md(scenario.title)}",
        "",
        f"*{scenario.jurisdiction} · {_md(scenario.sector)} · run `{record.run_id}` · "
        f"{record.created_at}*",
        "",
        _md(scenario.summary),
        "",
        "## Facts",
        *[f"- {_md(f)}" for f in scenario.facts],
        "",
        "## Options",
        *[f"- **{o.id}**: {_md(o.label)}" for o in scenario.options],
        "",
        "## Decision",
        "",
        f"**{_md(decision_words(record))}.**",
        "",
        f"- Quorum: {quorum_words(record)}.",
        f"- Council: {record.council.size} seats, {cfg.byzantine} faulty ({cfg.fault}); protocol "
        f"`{cfg.protocol}`, quorum rule `{cfg.quorum}`, method `{cfg.method}`, update "
        f"`{cfg.update}`, topology `{cfg.topology}`, seed {cfg.seed}.",
        *(f"- {part[0].upper()}{part[1:]}." for part in setting_words(cfg)),
    ]
    m = record.metrics
    if m.agrees_with_baseline is not None:
        out.append(f"- {baseline_words(record)}.")
    if m.safety_violation:
        out.append("- **Safety violation**: honest seats committed different options.")
    if llm := llm_words(record):
        out.append(f"- {_md(llm)}.")
    if degraded := degraded_words(record):
        out.append(f"- **{_md(degraded)}.**")
    if record.outcome.dissent and record.ballots:
        last = record.ballots[-1].cast
        out.append(
            "- Dissent: "
            + "; ".join(f"seat {i} ({names[i]}) for {last[str(i)]}" for i in record.outcome.dissent)
        )
    if record.pdca:
        p = record.pdca
        out += ["", "## Plan · Do · Check · Act", ""]
        for title, step in (("Plan", p.plan), ("Do", p.do), ("Check", p.check), ("Act", p.act)):
            items = [f"- {_md(i)}" for i in step.items]
            out += [f"### {title}", "", _md(step.summary), "", *items, ""]
    out += ["## Deliberation", ""]
    final = record.rounds[-1]
    out += ["| seat | persona | group | final view | rationale |", "|---|---|---|---|---|"]
    for st in final.statements:
        rationale = _md(" ".join(st.rationale.split()))  # one table row, its | escaped
        out.append(
            f"| {st.seat} | {names[st.seat]} | {groups[st.seat].replace('_', ' ')} | "
            f"{st.option or '— (silent)'} | {rationale} |"
        )
    out += ["", "## Ballots", ""]
    for b in record.ballots:
        counts = ", ".join(f"{o}: {c}" for o, c in b.tally.items() if c)
        out.append(
            f"- Ballot {b.ballot} after round {b.after_round}: {counts} "
            f"({len(b.committed)} honest seats committed){unlocks(b)}"
        )
    if scenario.sources:
        out += ["", "## Sources", "", *[f"- {_md(s)}" for s in scenario.sources]]
    return "\n".join(out) + "\n"
