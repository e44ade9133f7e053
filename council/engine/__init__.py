"""One run's arithmetic: the seated council, what faulty seats send, the protocols, the outcome.

Lives here: ``context`` (the council and every seeded draw), ``adversary`` (faulty seats'
messages in deliberation, asked of the run's fault model), ``prepares`` (a ballot's prepare
phase as received, and each seat's winner from it), ``views`` (seat-by-seat views under
quorum systems and network faults), ``protocols`` (tally and bft: locks and commits),
``phases`` (the phase functions both drivers call), ``outcome`` (outcome and metrics of a
trace), ``rationale`` (the words of offline statements), ``records`` (the run record built
from a trace), ``pdca`` (the action record).

May import: ``council.rules``, ``council.library``, ``council.contracts``.
"""
