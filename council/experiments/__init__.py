"""Experiments: sweeps over many seeded runs, where they run, their per-cell metrics, reports.

Lives here: ``sweep`` (the sweep config, its cells and blocks), ``schedule`` (running a sweep,
streamed and resumable), ``pool`` (local processes or Dask), ``effective`` (effective votes),
``report`` (tables and plots), ``presets/`` (sweeps that reproduce known results).

May import: ``council.session``, ``council.engine`` and below.
"""
