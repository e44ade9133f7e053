"""Rationales generated from the numbers behind each statement.

Nothing here is canned: each sentence names the principles that drove a view (their terms in
the seat's score), the peers whose views moved it and how far, or what a faulty seat pressed.
"""

from __future__ import annotations

import numpy as np

from council.contracts.principles import PRINCIPLES
from council.engine import khmer
from council.engine.context import RunContext
from council.rules.opinion import contributions


def _km(ctx: RunContext) -> bool:
    """Whether the run's rationales are in Khmer (``language: km``)."""
    return ctx.config.language == "km"


def _p(index: int, km: bool = False) -> str:
    return khmer.PRINCIPLES_KM[PRINCIPLES[index]] if km else PRINCIPLES[index].replace("_", "-")


def _label(ctx: RunContext, option: int) -> str:
    """An option as a rationale names it: its id, or in Khmer its Khmer label where it has one."""
    if _km(ctx):
        return f"«{khmer.option_label_km(ctx.scenario, option)}»"
    return ctx.option_ids[option]


def _drivers(ctx: RunContext, seat: int, option: int) -> str:
    terms = contributions(ctx.values[seat], ctx.impacts, ctx.emphasis)[option]
    order = np.argsort(-terms)
    km = _km(ctx)
    pros = [f"{_p(i, km)} ({terms[i]:+.2f})" for i in order[:2] if terms[i] > 0.005]
    cons = [f"{_p(i, km)} ({terms[i]:+.2f})" for i in order[::-1][:1] if terms[i] < -0.005]
    if km:
        said = khmer.DRIVEN_BY.format(pros=khmer.AND.join(pros)) if pros else khmer.NO_DRIVER
        return said + (khmer.COSTS.format(cost=cons[0]) if cons else "")
    text = f"driven by {' and '.join(pros)}" if pros else "with no principle strongly for it"
    if cons:
        text += f"; it costs {cons[0]}"
    return text


def opening_rationale(ctx: RunContext, seat: int, view: np.ndarray) -> str:
    """Why an honest seat opened where it did."""
    order = np.argsort(-view, kind="stable")
    best = int(order[0])
    if _km(ctx):
        drivers = _drivers(ctx, seat, best)
        said = khmer.OPENING.format(option=_label(ctx, best), score=view[best], drivers=drivers)
        if len(order) > 1:
            said += khmer.NEXT.format(option=_label(ctx, int(order[1])), score=view[order[1]])
        return said
    text = f"Favours {_label(ctx, best)} ({view[best]:+.2f}), {_drivers(ctx, seat, best)}."
    if len(order) > 1:
        runner = int(order[1])
        text += f" Next: {_label(ctx, runner)} ({view[runner]:+.2f})."
    return text


def revision_rationale(
    ctx: RunContext,
    seat: int,
    before: np.ndarray,
    after: np.ndarray,
    inbox: np.ndarray,
    heard: np.ndarray,
) -> str:
    """Why an honest seat's view moved (or held) in a round, naming who moved it."""
    best_before, best_after = int(before.argmax()), int(after.argmax())
    delta = after - before
    distance = float(np.abs(delta).sum()) / 2
    senders = np.flatnonzero(heard)
    if _km(ctx):
        return _revision_km(ctx, seat, before, after, inbox, senders)
    if best_after != best_before:
        head = (
            f"Switched from {_label(ctx, best_before)} to {_label(ctx, best_after)} "
            f"({after[best_after]:+.2f})"
        )
    else:
        head = f"Still favours {_label(ctx, best_after)} ({after[best_after]:+.2f})"
    if not len(senders) or distance < 0.005:
        return f"{head}; heard {len(senders)} peers and held its view (moved {distance:.2f})."
    pull = (inbox[senders] - before) @ delta
    movers = [int(senders[i]) for i in np.argsort(-pull)[:2] if pull[i] > 0]
    names = " and ".join(f"seat {j} ({ctx.personas[j].name})" for j in movers) or "no single peer"
    gained = int(delta.argmax())
    anchor = 1 - ctx.openness[seat]
    return (
        f"{head}; moved {distance:.2f} toward {_label(ctx, gained)} after hearing "
        f"{len(senders)} peers, most of all {names}; openness {ctx.openness[seat]:.2f} keeps "
        f"{anchor:.0%} of its weight on its opening view."
    )


def _revision_km(
    ctx: RunContext,
    seat: int,
    before: np.ndarray,
    after: np.ndarray,
    inbox: np.ndarray,
    senders: np.ndarray,
) -> str:
    """``revision_rationale`` in Khmer: the same numbers, the same peers named."""
    best_before, best_after = int(before.argmax()), int(after.argmax())
    delta = after - before
    distance = float(np.abs(delta).sum()) / 2
    if best_after != best_before:
        head = khmer.SWITCHED.format(
            before=_label(ctx, best_before), after=_label(ctx, best_after), score=after[best_after]
        )
    else:
        head = khmer.STILL.format(after=_label(ctx, best_after), score=after[best_after])
    if not len(senders) or distance < 0.005:
        return khmer.HELD.format(head=head, heard=len(senders), moved=distance)
    pull = (inbox[senders] - before) @ delta
    movers = [int(senders[i]) for i in np.argsort(-pull)[:2] if pull[i] > 0]
    names = khmer.AND.join(
        khmer.SEAT.format(seat=j, name=khmer.persona_name_km(ctx.personas[j])) for j in movers
    )
    return khmer.MOVED.format(
        head=head,
        toward=_label(ctx, int(delta.argmax())),
        moved=distance,
        heard=len(senders),
        names=names or khmer.NO_SINGLE_PEER,
        openness=ctx.openness[seat],
        anchor=1 - ctx.openness[seat],
    )
