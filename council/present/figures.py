"""What the app's figures show, read from run records: colours, tallies, the communication graph.

Pure functions of a record's parts (its config, rounds and seats), so the pages only draw.

>>> swatches = option_swatches(["suspend", "continue"])
>>> swatches["continue"]
Swatch(name='orange', hex='#E69F00', letter='B', ink='black')
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
    """An option's mark: a colour name text can use, its hex value for figures, and a letter.

    The letter labels the option wherever its colour shows (graph, tally, legend), so no one
    needs to tell colours apart; ``ink`` is the text colour that reads on the fill.
    """

    name: str
    hex: str
    letter: str = ""
    ink: str = "white"


# Okabe and Ito's colour-blind-safe palette (distinct under protanopia, deuteranopia and
# tritanopia), each with the nearest colour name Markdown text takes in the app.
PALETTE: tuple[Swatch, ...] = (
    Swatch("blue", "#0072B2", ink="white"),
    Swatch("orange", "#E69F00", ink="black"),
    Swatch("green", "#009E73", ink="black"),
    Swatch("violet", "#CC79A7", ink="black"),
    Swatch("red", "#D55E00", ink="black"),
    Swatch("blue", "#56B4E9", ink="black"),
    Swatch("yellow", "#F0E442", ink="black"),
    Swatch("gray", "#000000", ink="white"),
)
SILENT = Swatch("gray", "#E6E7E8", "–", "black")
"""A seat that said nothing."""
GROUP_ORDER = ("government", "industry", "academia", "civil_society")
"""Stakeholder groups around the graph's circle, clockwise from the top."""

MAX_DRAWN = 150
"""Councils larger than this are not drawn (the layout would be unreadable and slow)."""
MAX_DRAWN_COMPLETE = 60
"""Complete graphs larger than this are drawn without their edges."""


class SeatLabel(NamedTuple):
    """How a seat is named in the transcript."""

    name: str
    group: str


def option_swatches(option_ids: Sequence[str]) -> dict[str, Swatch]:
    """Each option's colour and letter (A, B, …), in the scenario's option order (at most 8)."""
    return {
        o: PALETTE[i % len(PALETTE)]._replace(letter=chr(ord("A") + i))
        for i, o in enumerate(option_ids)
    }


def grouped_positions(
    groups: Sequence[str], *, seat_inches: float = 0.85
) -> tuple[dict[int, tuple[float, float]], dict[str, tuple[float, float]]]:
    """Seats on a circle, each stakeholder group on its own arc, and where to write its name.

    ``groups[i]`` is seat i's group; groups go clockwise from the top in ``GROUP_ORDER`` (an
    unknown group after them), one empty place between groups. Returns the seats' positions
    and each group's label position (outside its arc), in inches.

    >>> seats, labels = grouped_positions(["industry", "government", "industry"])
    >>> [round(seats[i][1], 1) > 0 for i in range(3)], sorted(labels)
    ([False, True, False], ['government', 'industry'])
    """
    order = sorted(
        range(len(groups)),
        key=lambda i: (
            GROUP_ORDER.index(groups[i]) if groups[i] in GROUP_ORDER else len(GROUP_ORDER),
            groups[i],
            i,
        ),
    )
    present = list(dict.fromkeys(groups[i] for i in order))
    slots = len(groups) + len(present)  # one gap after each group
    radius = max(1.6, seat_inches * slots / (2 * math.pi))
    seats: dict[int, tuple[float, float]] = {}
    arcs: dict[str, list[float]] = {}
    slot = 0
    for k, i in enumerate(order):
        if k and groups[i] != groups[order[k - 1]]:
            slot += 1
        angle = 2 * math.pi * slot / slots
        seats[i] = (radius * math.sin(angle), radius * math.cos(angle))
        arcs.setdefault(groups[i], []).append(angle)
        slot += 1
    labels = {}
    for group, angles in arcs.items():
        middle = sum(angles) / len(angles)
        out = radius + 1.0
        labels[group] = (out * math.sin(middle), out * math.cos(middle))
    return seats, labels


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
    groups: Sequence[str] | None = None,
    group_names: dict[str, str] | None = None,
) -> str | None:
    """The communication graph in DOT, each seat filled with its option's colour in ``rnd``.

    Each seat reads "letter seat" (``B12``: seat 12 backs option B) in 20 pt, so the option
    never rests on colour alone. With ``groups`` (seat i's stakeholder group) the seats sit on
    one arc per group, the group's name (``group_names``) beside it. ``marked`` seats (the
    faulty ones, when revealed) get a red double ring; ``humans`` a box. None when the council
    is too large to draw.
    """
    n = len(rnd.statements)
    if n > MAX_DRAWN:
        return None
    graph = build_graph(config.topology, n, seed=config.seed)
    draw_edges = not (config.topology == "complete" and n > MAX_DRAWN_COMPLETE)
    labels: dict[str, tuple[float, float]] = {}
    if groups is not None and len(groups) == n:
        where, labels = grouped_positions(groups)
    else:
        where = positions(graph, config.topology, seed=config.seed)
    lines = [
        "graph council {",
        '  layout=neato; bgcolor="transparent"; splines=false; outputorder=edgesfirst;',
        "  node [shape=circle, style=filled, fixedsize=true, width=0.72, fontsize=20, "
        'fontname="Helvetica-Bold", color="#333333", penwidth=1];',
        '  edge [color="#88888844", penwidth=0.6];',
    ]
    for statement in rnd.statements:
        swatch = swatches.get(statement.option or "", SILENT)
        attrs = [
            f'label="{swatch.letter}{statement.seat}"',
            f'fillcolor="{swatch.hex}"',
            f'fontcolor="{swatch.ink}"',
            f'tooltip="seat {statement.seat}: {statement.option or "silent"}"',
        ]
        if statement.seat in marked:
            attrs += ["shape=doublecircle", 'color="#B00020"', "penwidth=2.5"]
        if statement.seat in humans:
            attrs += ["shape=box"]
        x, y = where[statement.seat]
        attrs.append(f'pos="{x:.2f},{y:.2f}!"')
        lines.append(f"  {statement.seat} [{', '.join(attrs)}];")
    for k, (group, (x, y)) in enumerate(sorted(labels.items())):
        name = (group_names or {}).get(group, group.replace("_", " "))
        lines.append(
            f'  group{k} [shape=plaintext, style="", fixedsize=false, label="{name}", '
            f'fontsize=22, fontname="Helvetica", fontcolor="#222222", pos="{x:.2f},{y:.2f}!"];'
        )
    if draw_edges:
        lines += [f"  {a} -- {b};" for a, b in sorted(graph.edges())]
    lines.append("}")
    return "\n".join(lines)
