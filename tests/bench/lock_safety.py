"""Safety across ballots: bft against tally within the bound, random faults, approval ballots.

Not a unit test (it runs thousands of councils): run it by hand,

    .venv/bin/python tests/bench/lock_safety.py [--seeds 200] [--sizes 4-10]
        [--method approval] [--fault random] [--json]

For every council size n and every number of faulty seats k from 1 to the threshold's safety
bound (``council.tolerates.safety``, 2t - n - 1), it runs seeds 0..S-1 with the default rounds
and ballots on the batch path (the sweep's: ``engine.seeded.play``) under both
protocols, and counts the runs in which two honest seats committed different options. bft must
count none (its locks hold across ballots); tally, which has no locks, may count some.
"""

from __future__ import annotations

import argparse
import json
import sys

from council.contracts.config import RunConfig
from council.engine.metrics import safety_violation
from council.engine.seating import seat_council
from council.engine.seeded import play
from council.library.catalog import load_library
from council.rules.quorum import threshold, tolerates

SCENARIO = "kh-credit-scoring-isolated-data"  # the scenario of the reproduction


def sizes(text: str) -> list[int]:
    """``4-10`` or ``4,7,10`` as a list of sizes."""
    if "-" in text:
        low, high = text.split("-")
        return list(range(int(low), int(high) + 1))
    return [int(s) for s in text.split(",")]


def violations(config: RunConfig, seeds: int) -> int:
    """Runs among seeds 0..seeds-1 of ``config`` with a safety violation."""
    library = load_library()
    council = seat_council(config, library, library.scenarios[config.scenario])
    count = 0
    for seed in range(seeds):
        run = play(config.model_copy(update={"seed": seed}), council)
        count += safety_violation(run.ctx, run.summary.commits)
    return count


def measure(
    ns: list[int], seeds: int, method: str, fault: str, quorum: str = "bft"
) -> list[dict[str, object]]:
    """One row per (n, k): violations of bft and of tally out of ``seeds`` runs each."""
    rows: list[dict[str, object]] = []
    for n in ns:
        bound = tolerates(n, threshold(quorum, n)).safety
        for k in range(1, bound + 1):
            row: dict[str, object] = {"size": n, "byzantine": k, "bound": bound, "runs": seeds}
            for protocol in ("bft", "tally"):
                config = RunConfig(
                    scenario=SCENARIO, size=n, byzantine=k, fault=fault, method=method,
                    protocol=protocol, quorum=quorum,
                )  # fmt: skip
                row[protocol] = violations(config, seeds)
            rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    """Print the table (or JSON); exit 1 if bft broke safety anywhere."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--sizes", default="4-10")
    parser.add_argument("--method", default="approval")
    parser.add_argument("--fault", default="random")
    parser.add_argument("--quorum", default="bft")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    rows = measure(sizes(args.sizes), args.seeds, args.method, args.fault, args.quorum)
    if args.json:
        print(json.dumps(rows, indent=1))
    else:
        print(f"{args.method}, {args.fault} faults, quorum {args.quorum}, {args.seeds} seeds each")
        print("   n   k  bound  bft violations  tally violations")
        for r in rows:
            print(f"{r['size']:4} {r['byzantine']:3} {r['bound']:6} {r['bft']:15} {r['tally']:17}")
        total = sum(int(r["runs"]) for r in rows)  # type: ignore[call-overload]
        print(f"total: bft {sum(r['bft'] for r in rows)} of {total}, "  # type: ignore[misc]
              f"tally {sum(r['tally'] for r in rows)} of {total}")  # type: ignore[misc]  # fmt: skip
    return 1 if any(r["bft"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
