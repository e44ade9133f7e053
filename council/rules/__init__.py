"""The rules of a run, as pure functions and registries: no I/O, randomness only from a seed.

Lives here: ``registry`` (registries that remember), ``quorum`` and ``quorum_system``
(thresholds and quorum systems), ``tolerance`` (what a quorum system tolerates), ``voting``
(aggregation methods, each with its scalar and vectorised form), ``faults`` (fault models, each
a registered object carrying its behaviour), ``topology`` (who hears whom), ``network`` (message
loss, delay, partitions), ``opinion`` (the offline reasoner's arithmetic: scores, FJ, W-MSR).

May import: ``council.contracts``, ``council.library`` (a quorum file is read through it).
"""
