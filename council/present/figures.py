"""What the app's figures show, read from run records: colours, tallies, the communication graph.

Pure functions of a record's parts (its config, rounds and seats), so the pages only draw.

>>> swatches = option_swatches(["suspend", "continue"])
>>> swatches["continue"]
Swatch(name='red', hex='#9E303B')
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from typing import NamedTuple

import networkx as nx

from council.contracts.choices import Language, Topology
from council.contracts.config import RunConfig
from council.contracts.record import Ballot, Round, Seat, Statement
from council.library.catalog import Library
from council.rules.topology import build_graph


class Swatch(NamedTuple):
    """An option's colour: a colour name text can use, and its hex value for figures."""

    name: str
    hex: str


# The colours Markdown text takes in the app (light theme), so text and figures agree.
PALETTE: tuple[Swatch, ...] = (
    Swatch("blue", "#244FB4"),
    Swatch("red", "#9E303B"),
    Swatch("green", "#0C5A44"),
    Swatch("orange", "#9B4519"),
    Swatch("violet", "#6F33B8"),
    Swatch("yellow", "#956B0F"),
    Swatch("gray", "#686255"),
    Swatch("primary", "#C53948"),
)
SILENT = Swatch("gray", "#E6E7E8")
"""A seat that said nothing."""

MAX_DRAWN = 150
"""Councils larger than this are not drawn (the layout would be unreadable and slow)."""
MAX_DRAWN_COMPLETE = 60
"""Complete graphs larger than this are drawn without their edges."""


class SeatLabel(NamedTuple):
    """How a seat is named in the transcript."""

    name: str
    group: str


def option_swatches(option_ids: Sequence[str]) -> dict[str, Swatch]:
    """Each option's colour, in the scenario's option order (at most 8 options)."""
    return {o: PALETTE[i % len(PALETTE)] for i, o in enumerate(option_ids)}


def seat_labels(
    seats: Sequence[Seat], library: Library, lang: Language = "en"
) -> dict[int, SeatLabel]:
    """Seat -> display name (in ``lang`` where the persona has it) and group.

    A persona missing from the library keeps its id.
    """
    out: dict[int, SeatLabel] = {}
    for seat in seats:
        persona = library.personas.get(seat.persona)
        translated = persona.translations.get(lang) if persona else None
        name = persona.name if persona else seat.persona
        if translated and translated.name:
            name = translated.name
        out[seat.seat] = SeatLabel(name=name, group=persona.group if persona else "")
    return out


def round_tally(statements: Sequence[Statement], option_ids: Sequence[str]) -> dict[str, int]:
    """Seats whose statement in a round favoured each option (silent seats not counted).

    >>> s = [Statement(seat=i, option=o, scores={}, confidence=0.5, rationale="")
    ...      for i, o in enumerate(["a", "b", "a", None])]
    >>> round_tally(s, ["a", "b", "c"])
    {'a': 2, 'b': 1, 'c': 0}
    """
    counts = dict.fromkeys(option_ids, 0)
    for statement in statements:
        if statement.option in counts:
            counts[statement.option] += 1
    return counts


def ballots_after(ballots: Sequence[Ballot], round_no: int) -> list[Ballot]:
    """The ballots held right after a round."""
    return [b for b in ballots if b.after_round == round_no]


def positions(graph: nx.Graph, kind: Topology, *, seed: int) -> dict[int, tuple[float, float]]:
    """Where each seat is drawn, in inches: a circle, or a seeded spring layout for sparse graphs.

    Fixed positions spare the browser a graph layout (seconds for a 33-seat complete graph).

    >>> p = positions(nx.cycle_graph(4), "ring", seed=0)
    >>> [(round(x), round(y)) for x, y in p.values()]
    [(0, 2), (2, 0), (0, -2), (-2, 0)]
    """
    n = graph.number_of_nodes()
    radius = max(2.0, 0.75 * n / (2 * math.pi))
    if kind in ("complete", "ring") or n < 4:
        return {
            i: (
                radius * math.sin(2 * math.pi * i / n),
                radius * math.cos(2 * math.pi * i / n),
            )
            for i in range(n)
        }
    layout = nx.spring_layout(graph, seed=seed)
    return {int(i): (radius * float(x), radius * float(y)) for i, (x, y) in layout.items()}


def communication_dot(
    config: RunConfig,
    rnd: Round,
    swatches: dict[str, Swatch],
    *,
    marked: Collection[int] = (),
    humans: Collection[int] = (),
) -> str | None:
    """The communication graph in DOT, each seat filled with its option's colour in ``rnd``.

    ``marked`` seats (the faulty ones, when revealed) get a red double ring; ``humans`` a box.
    None when the council is too large to draw.
    """
    n = len(rnd.statements)
    if n > MAX_DRAWN:
        return None
    graph = build_graph(config.topology, n, seed=config.seed)
    draw_edges = not (config.topology == "complete" and n > MAX_DRAWN_COMPLETE)
    where = positions(graph, config.topology, seed=config.seed)
    lines = [
        "graph council {",
        '  layout=neato; bgcolor="transparent"; splines=false;',
        "  node [shape=circle, style=filled, fixedsize=true, width=0.5, fontsize=13, "
        'fontname="Helvetica", fontcolor="white", color="#444444", penwidth=1];',
        '  edge [color="#88888855", penwidth=0.6];',
    ]
    for statement in rnd.statements:
        swatch = swatches.get(statement.option or "", SILENT)
        attrs = [
            f'fillcolor="{swatch.hex}"',
            f'tooltip="seat {statement.seat}: {statement.option or "silent"}"',
        ]
        if statement.option is None:
            attrs.append('fontcolor="black"')
        if statement.seat in marked:
            attrs += ["shape=doublecircle", 'color="#B00020"', "penwidth=2"]
        if statement.seat in humans:
            attrs += ["shape=box"]
        x, y = where[statement.seat]
        attrs.append(f'pos="{x:.2f},{y:.2f}!"')
        lines.append(f"  {statement.seat} [{', '.join(attrs)}];")
    if draw_edges:
        lines += [f"  {a} -- {b};" for a, b in sorted(graph.edges())]
    lines.append("}")
    return "\n".join(lines)
