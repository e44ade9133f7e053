"""A block of seeds through the kernel: opening, rounds, ballots until done, the metrics.

``simulate`` of ``council.engine.phases`` for many runs: after each ballot the runs whose
honest seats have all committed (or that used their last ballot) leave the active set; the
rest deliberate one more round and ballot again. The outcome and metrics are those of
``council.engine.outcome`` and ``council.engine.metrics``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from council.contracts.config import RunConfig
from council.engine.batch import heap
from council.engine.batch.ballots import Protocol, run_ballot
from council.engine.batch.draws import SeedDraws, draw_block
from council.engine.batch.rounds import deliberate
from council.engine.seating import Council
from council.rules.faults import NONE
from council.rules.opinion import TEMPERATURE, distribution, opening
from council.rules.topology import adjacency
from council.rules.voting import METHODS


def takes(config: RunConfig, council: Council) -> bool:
    """Whether the kernel computes this config's runs (else they run seed by seed).

    It computes offline runs of every person-free council under any quorum system, without
    network faults, with any update rule on any graph and any method (Copeland and IRV decided
    view by view), for fault-free runs or faulty seats whose fault model has a run form
    (``Fault.runs``: equivocate, random, crash, stubborn, collude, persuader).
    """
    return (
        config.backend == "offline"
        and not config.human_seats
        and not config.person_faults
        and not config.network_faults
        and (config.byzantine == 0 or council.fault.runs(council.scenario.option_ids) is not None)
        and len(council.scenario.options) >= 2
    )


@dataclass(frozen=True)
class Outcomes:
    """What a block of runs produced, one entry per seed (the table's result columns)."""

    option: np.ndarray
    """(B,) option decided, NONE for none (status decided iff not NONE)."""
    safety_violation: np.ndarray
    rounds_used: np.ndarray
    messages: np.ndarray
    honest_drift: np.ndarray
    """(B,) float, unrounded: the per-run mean TV distance."""
    honest_flips: np.ndarray
    first_cast: np.ndarray
    """(B, n) first choices cast in the first ballot."""
    honest: np.ndarray
    """(B, n) the honest seats."""


def compiles(config: RunConfig, council: Council) -> bool:
    """Whether the kernel draws this config's runs through numba.

    It does for faulty seats whose fault's run form draws each run's own streams
    (``RunForm.random``).
    """
    if not config.byzantine or not takes(config, council):
        return False
    form = council.fault.runs(council.scenario.option_ids)
    return form is not None and form.random


def run_seeds(
    config: RunConfig, council: Council, seeds: np.ndarray, *, compiled: bool = False
) -> Outcomes:
    """Run the seeds of a cell the kernel ``takes``, as arrays over runs.

    ``compiled``: draw the noise through numba even where the cell's fault does not (a sweep
    whose other cells load it anyway); the same numbers either way.
    """
    heap.keep()
    form = council.fault.runs(council.scenario.option_ids) if config.byzantine else None
    draws = draw_block(config, council, seeds, compiled=compiled or compiles(config, council))
    n, k = draws.noise.shape[1:]
    system = council.system
    p = Protocol(n, k, system.threshold or 0, council.quorum, config.protocol == "bft",
                 config.method, METHODS.create(config.method).approval, form,
                 None if system.threshold is not None else system)  # fmt: skip
    heard = graphs(config, n, seeds)
    b = len(seeds)
    # in the noise's own array: the block's draws need it no more
    first = opening(council.base[None], draws.noise, out=draws.noise)
    final = first.copy()
    rounds = np.full(b, config.rounds, dtype=np.int64)
    messages = np.zeros(b, dtype=np.int64)
    committed = np.full((b, n), NONE, dtype=np.int64)
    locked = np.full((b, n), NONE, dtype=np.int64)
    first_cast = np.empty((b, n), dtype=np.int64)
    listeners = heard.sum(axis=-2)  # (n,) or (B, n): how many hear each seat
    per_round = np.broadcast_to(listeners.sum(axis=-1), (b,))
    per_silent_round = per_round - (listeners * draws.faulty).sum(axis=-1)  # faulty unheard
    # The active runs' rows, gathered again only when some runs stop (at first: every run).
    active = np.arange(b)
    mine = _Active(first, draws.faulty, draws.faulty_index, seeds, committed, locked)
    now = first

    def more(views: np.ndarray, round_no: int, tops: np.ndarray | None = None) -> np.ndarray:
        said = None if form is None else form.at(round_no - 1)
        silent = said is not None and said.silent  # nobody hears a silent seat
        messages[active] += (per_silent_round if silent else per_round)[active]
        return deliberate(form, mine.first, views, mine.faulty, mine.index,
                          SeedDraws(mine.seeds), heard if heard.ndim == 2 else heard[active],
                          council.openness, round_no, config.update,
                          council.max_faulty, mine.first_said, tops)  # fmt: skip

    for r in range(1, config.rounds + 1):
        now = more(now, r)
    for ballot in range(1, config.ballots + 1):
        out = run_ballot(p, now, mine.faulty, mine.index, SeedDraws(mine.seeds), mine.committed,
                         mine.locked, ballot, config.rounds + ballot - 1)  # fmt: skip
        if ballot == 1:
            first_cast[:] = out.cast
        messages[active] += out.messages
        mine.committed, mine.locked = out.committed, out.locked
        if ballot == config.ballots:
            break
        tops = out.tops  # the ballot's argmax of ``now``, which the next round reads again
        pending = ((out.committed != NONE) | mine.faulty).all(axis=1)
        if pending.any():  # these runs are done: their state goes back into the block's
            done = active[pending]
            committed[done], locked[done] = mine.committed[pending], mine.locked[pending]
            final[done] = now[pending]
            keep = ~pending
            active, now, mine = active[keep], now[keep], mine.rows(keep)
            tops = None if tops is None else tops[keep]
            if not len(active):
                break
        rounds[active] += 1
        now = more(now, config.rounds + ballot, tops)
    if len(active):
        committed[active], locked[active] = mine.committed, mine.locked
        final[active] = now
    return _measure(draws.faulty, committed, first, final, rounds, messages, first_cast)


def graphs(config: RunConfig, n: int, seeds: np.ndarray) -> np.ndarray:
    """Who hears whom: one (n, n) graph for all (complete, or under 4 seats), else (B, n, n).

    Each seed's graph is the one the per-run path draws for it (``engine.context.draw``).
    """
    if config.topology == "complete" or n < 4:
        return adjacency(config.topology, n, 0)
    return np.stack([adjacency(config.topology, n, int(seed)) for seed in seeds])


@dataclass
class _Active:
    """The rows of the runs still deliberating: openings, faulty seats, seeds, ballot state."""

    first: np.ndarray
    faulty: np.ndarray
    index: np.ndarray
    seeds: np.ndarray
    committed: np.ndarray
    locked: np.ndarray

    @cached_property
    def first_said(self) -> np.ndarray:
        """The openings (n, K, A), as the rounds lay out views: made once per active set."""
        return np.ascontiguousarray(self.first.transpose(1, 2, 0))

    def rows(self, keep: np.ndarray) -> _Active:
        """The rows ``keep`` (a boolean mask) selects."""
        return _Active(self.first[keep], self.faulty[keep], self.index[keep], self.seeds[keep],
                       self.committed[keep], self.locked[keep])  # fmt: skip


def _measure(
    faulty: np.ndarray,
    committed: np.ndarray,
    first: np.ndarray,
    final: np.ndarray,
    rounds: np.ndarray,
    messages: np.ndarray,
    first_cast: np.ndarray,
) -> Outcomes:
    """The outcome and metrics of each run (``summarize`` and ``measure``)."""
    b, n, k = first.shape
    honest = ~faulty
    h = int(honest[0].sum())
    mine = np.where(honest, committed, NONE)
    made = mine != NONE
    cells = (np.arange(b)[:, None] * k + mine)[made]  # (run, option) of each commit
    counts = np.bincount(cells, minlength=b * k).reshape(b, k)
    option = np.where(made.any(axis=1), counts.argmax(axis=1), NONE)
    violation = (counts > 0).sum(axis=1) > 1
    if h and k < SHORT:  # in parts of MEASURED runs: the columns stay small
        drift, flips = np.empty(b), np.empty(b, dtype=np.int64)
        for start in range(0, b, MEASURED):
            part = slice(start, start + MEASURED)
            drift[part], flips[part] = _drift_by_columns(first[part], final[part], honest[part], h)
    elif h:
        opened = first[honest].reshape(b, h, k)
        last = final[honest].reshape(b, h, k)
        both = distribution(np.concatenate([opened, last], axis=1))
        tv = 0.5 * np.abs(both[:, :h] - both[:, h:]).sum(axis=2)
        drift = tv.sum(axis=1) / h
        flips = (opened.argmax(axis=2) != last.argmax(axis=2)).sum(axis=1)
    else:
        drift, flips = np.zeros(b), np.zeros(b, dtype=np.int64)
    return Outcomes(option, violation, rounds, messages, drift, flips, first_cast, honest)


SHORT = 8
"""numpy sums a last axis shorter than this element by element, in order (pairwise beyond)."""

MEASURED = 500
"""Runs whose drift is measured at once: their (K, 2, runs, n) columns are a few MB at most,
not a whole block's (each run's numbers are its own, so the parts change none of them)."""


def _drift_by_columns(
    first: np.ndarray, final: np.ndarray, honest: np.ndarray, h: int
) -> tuple[np.ndarray, np.ndarray]:
    """Honest drift and flips, as the lines after it compute them, bit for bit, for K < SHORT.

    Every seat's views are laid out option by option, opening and final apart, (K, 2, B, n):
    softmax, its maximum and sum, the distances and the argmax are then a few whole-array
    operations per option instead of reductions over a short axis of every row. A sum over
    K < SHORT options is numpy's own order then, ((x0 + x1) + x2) + ..., and a maximum is
    exact in any order. Each seat's numbers are its own, so the faulty seats' are computed
    along and left out at the end: of the distances before the honest ones are summed (in
    their order), of the flips by the honest mask. The argmax is kept as int8 and moved by
    arithmetic (top - (top - j) * above): a masked write costs several times more.
    """
    b, n, k = first.shape
    columns = np.empty((k, 2, b, n))
    columns[:, 0] = first.transpose(2, 0, 1)
    columns[:, 1] = final.transpose(2, 0, 1)
    best = columns[0].copy()
    top = np.zeros(best.shape, dtype=np.int8)
    for j in range(1, k):
        above = columns[j] > best  # the first of equal views stays
        top -= (top - np.int8(j)) * above
        np.maximum(best, columns[j], out=best)
    moved = top[0] != top[1]
    flips = (moved if h == n else moved & honest).sum(axis=1)
    z = np.divide(columns, TEMPERATURE, out=columns)  # in place: a block's largest arrays
    z -= best / TEMPERATURE  # the max of z: dividing by a positive number keeps the order
    e = np.exp(z, out=z)
    total = _in_order(e)
    e /= total
    apart = np.subtract(e[:, 0], e[:, 1])
    tv = 0.5 * _in_order(np.abs(apart, out=apart))
    if h < n:
        tv = tv[honest].reshape(b, h)
    return tv.sum(axis=1) / h, flips


def _in_order(columns: np.ndarray) -> np.ndarray:
    """The sum over the first axis, element by element in order."""
    total = columns[0] + columns[1] if len(columns) > 1 else columns[0].copy()
    for column in columns[2:]:
        total += column
    return total
