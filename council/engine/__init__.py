"""One run's arithmetic: the seated council, what faulty seats send, the protocols, the outcome.

Lives here: ``seating`` (the seed-free council), ``context`` (a seed's draws for it),
``adversary`` (faulty seats' messages in deliberation, asked of the run's fault model),
``prepares`` (a ballot's prepare phase as received, and each seat's winner from it), ``views``
(seat-by-seat views under quorum systems and network faults), ``protocols`` (tally and bft:
locks and commits), ``phases`` (the phase functions both drivers call), ``outcome`` (the outcome
of a trace), ``metrics`` (a run's metrics, defined once), ``seeded`` (one seed run on the batch
path, with its baseline), ``rationale`` (the words of offline statements), ``records`` (the run
record built from a trace), ``pdca`` (the action record).

May import: ``council.rules``, ``council.library``, ``council.contracts``.
"""
