"""The batch kernel: a block of seeds of one seated council, computed as arrays over runs.

Every array carries a leading run axis: the openings, the rounds, the faulty masks, what the
faulty seats send, the ballots with each seat's view, the locks and the metrics. Runs that are
done drop out of the active set before the next re-ballot. The numbers are those of the
per-run path (``council.engine.seeded``) bit for bit: the same seeded streams, drawn in the
same order per seed, and the same arithmetic, with the run axis in front.

``takes`` says which configs the kernel computes; a sweep runs the others seed by seed.
``compiles``: which of them draw through numba.

May import: the rest of ``council.engine``, ``council.rules``, ``council.contracts``.
"""

from council.engine.batch.drive import Outcomes, compiles, run_seeds, takes

__all__ = ["Outcomes", "compiles", "run_seeds", "takes"]
