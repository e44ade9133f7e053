"""Experiments: sweeps over many seeded runs, where they run, their per-cell metrics, reports.

Lives here: ``sweep`` (the sweep config), ``table`` (the sweep table's columns and their text),
``plan`` (its cells, each with its seated council), ``blocks`` (a worker's block of seeds),
``cells`` (per-cell sums, rates and means), ``schedule`` (running a sweep, streamed) and
``journal`` (resuming one), ``pool`` (local processes or Dask), ``effective`` (effective votes),
``report`` (tables and plots), ``presets/`` (sweeps that reproduce known results).

May import: ``council.session``, ``council.engine`` and below.
"""
