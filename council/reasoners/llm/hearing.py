"""Which peers an LLM seat reads: a seeded, fair sample of what it heard.

A prompt quotes only a few peers (the context must stay flat in the council's size), and which
few decides what deliberation measures. Quoting the most confident would hand every prompt to
whoever shouts loudest: four persuaders at full confidence filled the peer block of nearly
every honest prompt. The sample here is drawn instead so that

- every option in play (backed by some peer the seat heard) is heard, through its strongest
  case: one of that option's most confident backers, chosen by the seed;
- the stakeholder groups are mixed: the rest of the block is filled from the groups least
  quoted so far;
- no kind of sender fills the block beyond its share of the council: faulty seats hold at most
  ``ceil(block * faulty / n)`` places, honest seats ``ceil(block * honest / n)``.

The last rule uses who is faulty, which no seat knows. It is the simulator enforcing a fair
sample, as a fair chair would give the floor, and nothing of it reaches the seat: the block
names no sender's kind, and honest and faulty statements are quoted alike. The draw is seeded
from (seed, seat, round), so a run repeats exactly and seats read different peers.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

MAX_HEARD = 6
"""Peers quoted per prompt, whatever the council's size (more if more options are in play)."""
STRONGEST = 3
"""An option's strongest case is drawn from its this-many most confident backers."""
_HEARING = 7
"""The seed's random stream for hearing samples (apart from the context's streams)."""


def shares(size: int, faulty: int, n: int) -> tuple[int, int]:
    """Places in a block of ``size`` for (honest, faulty) senders: each kind's share, rounded up.

    >>> shares(6, 4, 33)
    (6, 1)
    >>> shares(6, 11, 33)
    (4, 2)
    >>> shares(6, 0, 33)
    (6, 0)
    """
    return math.ceil(size * (n - faulty) / n), math.ceil(size * faulty / n)


def sample_peers(
    *,
    seed: int,
    seat: int,
    round_no: int,
    senders: Sequence[int],
    options: Sequence[int],
    confidence: Sequence[float],
    groups: Sequence[str],
    faulty: Sequence[bool],
    n: int,
    n_faulty: int,
    size: int = MAX_HEARD,
) -> list[int]:
    """The peers (seat numbers, in seat order) a seat's prompt quotes this round.

    ``senders`` are the seats it heard; ``options``, ``confidence``, ``groups`` and ``faulty``
    run parallel to them (each sender's top option, its confidence, its group, and whether it
    is faulty). ``n`` and ``n_faulty`` are the council's size and faulty seats.

    >>> sample_peers(seed=0, seat=0, round_no=1, senders=[1, 2, 3], options=[0, 1, 1],
    ...              confidence=[0.6, 0.9, 0.7], groups=["a", "b", "c"],
    ...              faulty=[False, False, False], n=4, n_faulty=0, size=2)
    [1, 2]
    """
    rng = np.random.default_rng([seed, _HEARING, seat, round_no])
    pool = [k for k, s in enumerate(senders) if s != seat]
    backing: dict[int, list[int]] = {}  # option -> its backers, in pool order
    for k in pool:
        backing.setdefault(options[k], []).append(k)
    in_play = sorted(backing, key=lambda o: (-len(backing[o]), o))
    size = max(size, len(in_play))
    quota = dict(zip((False, True), shares(size, n_faulty, n), strict=True))
    kind = [bool(f) for f in faulty]
    chosen: list[int] = []
    taken: set[int] = set()
    quoted: Counter[str] = Counter()  # places each group holds so far

    def take(k: int) -> None:
        chosen.append(k)
        taken.add(k)
        quota[kind[k]] -= 1
        quoted[groups[k]] += 1

    # (This runs for every seat between phases, on the critical path: plain loops over lists.)
    for option in in_play:  # every option in play, through one of its strongest cases
        backers = [k for k in backing[option] if k not in taken and quota[kind[k]] > 0]
        if not backers or len(chosen) >= size:
            continue
        ties = rng.random(len(backers)).tolist()  # among equals, the seed decides
        ranked = sorted(zip((-confidence[k] for k in backers), ties, backers, strict=True))
        top = ranked[:STRONGEST]
        take(top[int(rng.integers(len(top)))][2])
    while len(chosen) < size:  # the rest from the groups least quoted so far
        left = [k for k in pool if k not in taken and quota[kind[k]] > 0]
        if not left:
            break
        fewest = min(quoted[groups[k]] for k in left)
        candidates = [k for k in left if quoted[groups[k]] == fewest]
        take(candidates[int(rng.integers(len(candidates)))])
    return sorted(senders[k] for k in chosen)
