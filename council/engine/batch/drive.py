"""A block of seeds through the kernel: opening, rounds, ballots until done, the metrics.

``simulate`` of ``council.engine.phases`` for many runs: after each ballot the runs whose
honest seats have all committed (or that used their last ballot) leave the active set; the
rest deliberate one more round and ballot again. The outcome and metrics are those of
``council.engine.outcome`` and ``council.engine.metrics``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from council.contracts.config import RunConfig
from council.engine.batch import heap
from council.engine.batch.ballots import Protocol, run_ballot
from council.engine.batch.draws import SeedDraws, draw_block
from council.engine.batch.rounds import deliberate
from council.engine.seating import Council
from council.rules.faults import NONE
from council.rules.opinion import distribution, opening
from council.rules.topology import adjacency
from council.rules.voting import METHODS


def takes(config: RunConfig, council: Council) -> bool:
    """Whether the kernel computes this config's runs (else they run seed by seed).

    It computes offline runs of every person-free council under a plain threshold, without
    network faults, with any update rule on any graph and any method (Copeland and IRV decided
    view by view), for
    fault-free runs or faulty seats whose fault model has a run form (``Fault.runs``:
    equivocate, random, crash, stubborn, collude, persuader).
    """
    return (
        config.backend == "offline"
        and not config.human_seats
        and not config.person_faults
        and council.system.threshold is not None
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


def run_seeds(config: RunConfig, council: Council, seeds: np.ndarray) -> Outcomes:
    """Run the seeds of a cell the kernel ``takes``, as arrays over runs."""
    heap.keep()
    draws = draw_block(config, council, seeds)
    n, k = draws.noise.shape[1:]
    system = council.system
    assert system.threshold is not None
    form = council.fault.runs(council.scenario.option_ids) if config.byzantine else None
    p = Protocol(n, k, system.threshold, council.quorum, config.protocol == "bft",
                 config.method, METHODS.create(config.method).approval, form)  # fmt: skip
    heard = graphs(config, n, seeds)
    b = len(seeds)
    first = opening(council.base[None], draws.noise)
    final = first.copy()
    rounds = np.full(b, config.rounds, dtype=np.int64)
    messages = np.zeros(b, dtype=np.int64)
    committed = np.full((b, n), NONE, dtype=np.int64)
    locked = np.full((b, n), NONE, dtype=np.int64)
    first_cast = np.empty((b, n), dtype=np.int64)
    active = np.arange(b)
    each = np.broadcast_to(heard, (b, n, n))
    per_round = each.sum(axis=(1, 2))
    if form is not None and form.silent:  # nobody hears a silent seat
        per_round -= (each & draws.faulty[:, None, :]).sum(axis=(1, 2))
    now = first

    def more(runs: np.ndarray, views: np.ndarray, round_no: int) -> np.ndarray:
        messages[runs] += per_round[runs]
        return deliberate(form, first[runs], views, draws.faulty[runs], draws.faulty_index[runs],
                          SeedDraws(seeds[runs]), heard if heard.ndim == 2 else heard[runs],
                          council.openness, round_no, config.update,
                          council.max_faulty)  # fmt: skip

    for r in range(1, config.rounds + 1):
        now = more(active, now, r)
    for ballot in range(1, config.ballots + 1):
        out = run_ballot(p, now, draws.faulty[active], draws.faulty_index[active],
                         SeedDraws(seeds[active]), committed[active], locked[active],
                         ballot)  # fmt: skip
        if ballot == 1:
            first_cast[:] = out.cast
        messages[active] += out.messages
        committed[active], locked[active] = out.committed, out.locked
        final[active] = now
        if ballot == config.ballots:
            break
        pending = ((out.committed != NONE) | draws.faulty[active]).all(axis=1)
        keep = ~pending
        active, now = active[keep], now[keep]
        if not len(active):
            break
        rounds[active] += 1
        now = more(active, now, config.rounds + ballot)
    return _measure(draws.faulty, committed, first, final, rounds, messages, first_cast)


def graphs(config: RunConfig, n: int, seeds: np.ndarray) -> np.ndarray:
    """Who hears whom: one (n, n) graph for all (complete, or under 4 seats), else (B, n, n).

    Each seed's graph is the one the per-run path draws for it (``engine.context.draw``).
    """
    if config.topology == "complete" or n < 4:
        return adjacency(config.topology, n, 0)
    return np.stack([adjacency(config.topology, n, int(seed)) for seed in seeds])


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
    counts = np.zeros((b, k), dtype=np.int64)
    np.add.at(counts, (np.nonzero(made)[0], mine[made]), 1)
    option = np.where(made.any(axis=1), counts.argmax(axis=1), NONE)
    violation = (counts > 0).sum(axis=1) > 1
    if h:
        opened = first[honest].reshape(b, h, k)
        last = final[honest].reshape(b, h, k)
        both = distribution(np.concatenate([opened, last], axis=1))
        tv = 0.5 * np.abs(both[:, :h] - both[:, h:]).sum(axis=2)
        drift = tv.sum(axis=1) / h
        flips = (opened.argmax(axis=2) != last.argmax(axis=2)).sum(axis=1)
    else:
        drift, flips = np.zeros(b), np.zeros(b, dtype=np.int64)
    return Outcomes(option, violation, rounds, messages, drift, flips, first_cast, honest)
