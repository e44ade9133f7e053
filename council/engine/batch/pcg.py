"""Each seed's PCG64 draws for a whole block of seeds in one compiled call (numba).

The per-run path draws a random fault's messages from a fresh ``default_rng([seed, 3, step])``
per step; setting a generator to each seed's state costs microseconds of Python per seed and
step, more than the draws. Here the seeding (SeedSequence hashing and ``pcg64_set_seed``, as
``streams.seed_words`` and ``streams._seeded`` compute them over arrays) and the draws are
compiled: PCG64's step (128-bit state times numpy's multiplier plus the
increment, on pairs of 64-bit words) and XSL-RR output, for every seed at once, the seed axis
innermost so the compiler runs several seeds side by side. On top of the raw outputs, numpy's
own samplers: ``Generator.random`` (the top 53 bits over 2**53), ``Generator.integers(0, k)``
(Lemire's method on 32-bit halves, low half first, drawing again while the leftover is below
(2**32 - k) % k) and ``Generator.standard_normal`` (numpy's ziggurat, seed by seed).
``tests/test_batch_pcg.py`` holds them to numpy's for thousands of seeds, including draws
numpy rejects.

numba is imported (through ``jit``) here, in ``recipient_sums`` and in ``first_ballots`` only:
``draws`` imports this module when a random fault draws, so other sweeps and commands never
load it.
``cache=True`` keeps the machine code between processes.
"""

from __future__ import annotations

import numpy as np

from council.engine.batch.jit import njit
from council.engine.batch.jit import ziggurat as _ziggurat
from council.engine.batch.streams import (
    _INIT_A,
    _INIT_B,
    _MIX_L,
    _MIX_R,
    _MULT_A,
    _MULT_B,
    _POOL,
    Streams,
)

_MASK32 = 0xFFFFFFFF


@njit(inline="always", cache=True)
def _mul_hi(a, b):  # type: ignore[no-untyped-def]
    """The high 64 bits of a * b (uint64), from 32-bit halves."""
    low = np.uint64(0xFFFFFFFF)
    a0, a1, b0, b1 = a & low, a >> np.uint64(32), b & low, b >> np.uint64(32)
    p00, p01, p10 = a0 * b0, a0 * b1, a1 * b0
    mid = (p00 >> np.uint64(32)) + (p01 & low) + (p10 & low)
    return a1 * b1 + (p01 >> np.uint64(32)) + (p10 >> np.uint64(32)) + (mid >> np.uint64(32))


@njit(inline="always", cache=True)
def _step(high, low, inc_high, inc_low):  # type: ignore[no-untyped-def]
    """One PCG64 step: state * MULT + inc (mod 2**128), as (high, low) words."""
    mult_high, mult_low = np.uint64(0x2360ED051FC65DA4), np.uint64(0x4385DF649FCCF645)
    product_low = low * mult_low
    product_high = _mul_hi(low, mult_low) + low * mult_high + high * mult_low
    new_low = product_low + inc_low
    carry = np.uint64(1) if new_low < product_low else np.uint64(0)
    return product_high + inc_high + carry, new_low


@njit(inline="always", cache=True)
def _output(high, low):  # type: ignore[no-untyped-def]
    """XSL-RR: the two halves xored, rotated right by the top six bits of the state."""
    mixed = high ^ low
    turn = high >> np.uint64(58)
    return (mixed >> turn) | (mixed << ((np.uint64(64) - turn) & np.uint64(63)))


@njit(cache=True)
def _doubles(high, low, inc_high, inc_low, start, span, out):  # type: ignore[no-untyped-def]
    """Fill out (count, B): each seed's first ``count`` doubles, seeds innermost (side by side).

    Each is ``start + span * random()``, as ``Generator.uniform`` computes it (one rounding
    each; with start 0 and span 1 exactly ``random()``).
    """
    high, low = high.copy(), low.copy()
    scale = 1.0 / 9007199254740992.0
    for i in range(out.shape[0]):
        row = out[i]
        for b in range(out.shape[1]):
            h, lo = _step(high[b], low[b], inc_high[b], inc_low[b])
            high[b], low[b] = h, lo
            row[b] = start + span * ((_output(h, lo) >> np.uint64(11)) * scale)


@njit(cache=True)
def _first_counts(high, low, inc_high, inc_low, k, inner, out, outer_counts, inner_counts):  # type: ignore[no-untyped-def]
    """Fill out (groups, B): in each group of ``k`` doubles of each seed, the smallest's place.

    The first of equal doubles, as ``argmin`` and ``argsort``'s small sorts take it; the
    places are counted as they are drawn. The groups of out (groups, B) are (outer, inner)
    pairs in C order: outer_counts (outer, k, B) counts each outer index's firsts over its
    inner groups, inner_counts (inner, k, B) each inner index's over the outer ones.
    """
    high, low = high.copy(), low.copy()
    best = np.empty(len(high), dtype=np.uint64)
    outer_counts[:] = 0
    inner_counts[:] = 0
    for g in range(out.shape[0]):
        row = out[g]
        for j in range(k):
            for b in range(out.shape[1]):
                h, lo = _step(high[b], low[b], inc_high[b], inc_low[b])
                high[b], low[b] = h, lo
                value = _output(h, lo) >> np.uint64(11)  # orders as the double does
                if j == 0 or value < best[b]:
                    best[b] = value
                    row[b] = j
        by_outer = outer_counts[g // inner]
        by_inner = inner_counts[g % inner]
        for option in range(k):  # compared, not scattered: the compiler runs seeds side by side
            at_outer, at_inner = by_outer[option], by_inner[option]
            for b in range(out.shape[1]):
                first = row[b] == option
                at_outer[b] += first
                at_inner[b] += first


@njit(cache=True)
def _bounded(high, low, inc_high, inc_low, k, count, per, out, counts):  # type: ignore[no-untyped-def]
    """Each seed's ``integers(0, k, count)``: numpy's buffered Lemire draws, seeds side by side.

    A draw takes the next 32-bit half of the seed's outputs (low half first) and is drawn
    again while its leftover is below (2**32 - k) % k. Fills out (count, B) with the values
    if it has any rows, and counts each group of ``per`` draws into counts (groups, k, B) if
    it has any.

    For a few options numpy draws again about once in 2**32 halves (never for a power of
    two): every seed is first drawn as if none did, draw i from half i, in one pass the
    compiler runs side by side; a seed that met a leftover below the bound is then drawn
    again on its own, half by half (``_bounded_seed``).
    """
    bound = np.uint64(k)
    threshold = np.uint64((2**32 - k) % k)
    mask = np.uint64(0xFFFFFFFF)
    seeds = len(high)
    values, counting = out.shape[0] > 0, counts.shape[0] > 0
    state_high, state_low = high.copy(), low.copy()
    kept = np.zeros(seeds, dtype=np.uint64)
    redraw = np.zeros(seeds, dtype=np.bool_)
    drawn = np.empty(seeds, dtype=np.int64)
    counts[:] = 0
    for i in range(count):
        if i % 2 == 0:  # a new output: its low half now, its high half next
            for b in range(seeds):
                h, lo = _step(state_high[b], state_low[b], inc_high[b], inc_low[b])
                state_high[b], state_low[b] = h, lo
                raw = _output(h, lo)
                kept[b] = raw >> np.uint64(32)
                product = (raw & mask) * bound
                redraw[b] |= (product & mask) < threshold
                drawn[b] = np.int64(product >> np.uint64(32))
        else:
            for b in range(seeds):
                product = kept[b] * bound
                redraw[b] |= (product & mask) < threshold
                drawn[b] = np.int64(product >> np.uint64(32))
        if values:
            out[i] = drawn
        if counting:
            group = counts[i // per]
            for option in range(k):
                row = group[option]
                for b in range(seeds):
                    row[b] += drawn[b] == option
    for b in range(seeds):
        if redraw[b]:
            _bounded_seed(b, high, low, inc_high, inc_low, k, count, per, out, counts)


@njit(cache=True)
def _bounded_seed(b, high, low, inc_high, inc_low, k, count, per, out, counts):  # type: ignore[no-untyped-def]
    """Seed b's column of ``_bounded`` again, drawn half by half with numpy's redraws."""
    bound = np.uint64(k)
    threshold = np.uint64((2**32 - k) % k)
    mask = np.uint64(0xFFFFFFFF)
    h, lo = high[b], low[b]
    buffered, kept = False, np.uint64(0)
    values, counting = out.shape[0] > 0, counts.shape[0] > 0
    if counting:
        counts[:, :, b] = 0
    for i in range(count):
        while True:
            if buffered:
                half = kept
                buffered = False
            else:
                h, lo = _step(h, lo, inc_high[b], inc_low[b])
                raw = _output(h, lo)
                half = raw & mask
                kept = raw >> np.uint64(32)
                buffered = True
            product = half * bound
            if (product & mask) >= threshold:
                break
        value = np.int64(product >> np.uint64(32))
        if values:
            out[i, b] = value
        if counting:
            counts[i // per, value, b] += 1


_KI, _WI, _FI, _NOR_R, _NOR_INV_R = _ziggurat()


@njit(cache=True)
def _normals(high, low, inc_high, inc_low, out):  # type: ignore[no-untyped-def]
    """Fill out (B, count): each seed's first ``count`` of ``Generator.standard_normal``.

    numpy's ziggurat (``random_standard_normal``, with its tables): an output's low byte picks
    the layer, the next bit the sign and 52 bits the abscissa; about one draw in 67 falls
    outside its layer's box and takes more outputs (a ``random()`` each). Seed by seed, each
    seed's draws in order: a seed's rejections are its own.
    """
    scale = 1.0 / 9007199254740992.0
    low52 = np.uint64(0x000FFFFFFFFFFFFF)
    for b in range(out.shape[0]):
        h, lo = high[b], low[b]
        inc_h, inc_lo = inc_high[b], inc_low[b]
        row = out[b]
        for i in range(out.shape[1]):
            while True:
                h, lo = _step(h, lo, inc_h, inc_lo)
                r = _output(h, lo)
                idx = np.intp(r & np.uint64(0xFF))
                r >>= np.uint64(8)
                rabs = (r >> np.uint64(1)) & low52
                x = rabs * _WI[idx]
                if r & np.uint64(1):
                    x = -x
                if rabs < _KI[idx]:
                    break
                if idx == 0:  # the tail past the last layer
                    while True:
                        h, lo = _step(h, lo, inc_h, inc_lo)
                        u = (_output(h, lo) >> np.uint64(11)) * scale
                        xx = -_NOR_INV_R * np.log1p(-u)
                        h, lo = _step(h, lo, inc_h, inc_lo)
                        u = (_output(h, lo) >> np.uint64(11)) * scale
                        yy = -np.log1p(-u)
                        if yy + yy > xx * xx:
                            break
                    x = -(_NOR_R + xx) if (rabs >> np.uint64(8)) & np.uint64(1) else _NOR_R + xx
                    break
                h, lo = _step(h, lo, inc_h, inc_lo)
                u = (_output(h, lo) >> np.uint64(11)) * scale
                if (_FI[idx - 1] - _FI[idx]) * u + _FI[idx] < np.exp(-0.5 * x * x):
                    break
            row[i] = x


@njit(inline="always", cache=True)
def _hashmix(value, const, mult):  # type: ignore[no-untyped-def]
    """SeedSequence's hashmix on 32-bit words held in uint64: (hashed value, next constant).

    ``mult``: the constant's multiplier (``_MULT_A`` mixing the entropy in, ``_MULT_B``
    generating the state).
    """
    mask = np.uint64(_MASK32)
    value ^= const
    const = (const * np.uint64(mult)) & mask
    value = (value * const) & mask
    return value ^ (value >> np.uint64(16)), const


@njit(cache=True)
def _seed_states(seeds, tail, high, low, inc_high, inc_low):  # type: ignore[no-untyped-def]
    """Fill each seed's PCG64 state and increment: ``default_rng([seed, *tail])``'s seeding.

    ``SeedSequence.mix_entropy`` of one seed word and the tail's (four in all at most) into
    its pool of four, ``generate_state(4, uint64)``, then ``pcg64_set_seed``; the steps and
    constants are numpy's (``streams.seed_words`` and ``streams._seeded`` do the same as
    array arithmetic), 32-bit words held in uint64 and masked after each product.
    """
    mask = np.uint64(_MASK32)
    pool = np.empty(_POOL, dtype=np.uint64)
    words = np.empty(2 * _POOL, dtype=np.uint64)
    for b in range(len(seeds)):
        const = np.uint64(_INIT_A)
        for i in range(_POOL):
            entropy = np.uint64(0)  # the pool's places past the entropy hash zeros
            if i == 0:
                entropy = seeds[b]
            elif i - 1 < len(tail):
                entropy = tail[i - 1]
            pool[i], const = _hashmix(entropy, const, _MULT_A)
        for src in range(_POOL):
            for dst in range(_POOL):
                if src != dst:
                    hashed, const = _hashmix(pool[src], const, _MULT_A)
                    mixed = (np.uint64(_MIX_L) * pool[dst] - np.uint64(_MIX_R) * hashed) & mask
                    pool[dst] = mixed ^ (mixed >> np.uint64(16))
        const = np.uint64(_INIT_B)
        for i in range(2 * _POOL):
            words[i], const = _hashmix(pool[i % _POOL], const, _MULT_B)
        # the uint64 words, little-endian pairs of 32-bit ones
        w0 = words[0] | (words[1] << np.uint64(32))
        w1 = words[2] | (words[3] << np.uint64(32))
        w2 = words[4] | (words[5] << np.uint64(32))
        w3 = words[6] | (words[7] << np.uint64(32))
        one = np.uint64(1)
        ih, il = (w2 << one) | (w3 >> np.uint64(63)), (w3 << one) | one
        sl = il + w1  # (inc + words[0:2]) * MULT + inc
        sh = ih + w0 + (one if sl < il else np.uint64(0))
        high[b], low[b] = _step(sh, sl, ih, il)
        inc_high[b], inc_low[b] = ih, il


def seed_states(seeds: np.ndarray, tail: tuple[int, ...]) -> tuple[np.ndarray, ...] | None:
    """Each seed's seeded PCG64 (state high, low, inc high, low), or None past one word."""
    if len(seeds) and int(seeds.max()) > _MASK32:
        return None
    if len(tail) >= _POOL or any(not 0 <= t <= _MASK32 for t in tail):
        raise ValueError(f"a stream's tail of up to {_POOL - 1} 32-bit words, not {tail}")
    out = tuple(np.empty(len(seeds), dtype=np.uint64) for _ in range(4))
    _seed_states(seeds.astype(np.uint64), np.array(tail, dtype=np.uint64), *out)
    return out


def uniform(
    seeds: np.ndarray,
    tail: tuple[int, ...],
    shape: tuple[int, ...],
    low: float = 0.0,
    high: float = 1.0,
) -> np.ndarray:
    """(B, *shape): each seed's ``default_rng([seed, *tail]).uniform(low, high, shape)``.

    The defaults give ``random(shape)``'s numbers. A view of a (*shape, B) array: the seed
    axis is innermost in memory.
    """
    out = np.empty((*shape, len(seeds)))
    states = seed_states(seeds, tail)
    flat = out.reshape(-1, len(seeds))
    if states is None:
        for i, rng in enumerate(Streams().each(seeds, *tail)):
            flat[:, i] = rng.uniform(low, high, flat.shape[0])
    elif flat.size:
        _doubles(*states, float(low), float(high) - float(low), flat)
    return np.moveaxis(out, -1, 0)


def normals(seeds: np.ndarray, tail: tuple[int, ...], shape: tuple[int, ...]) -> np.ndarray | None:
    """(B, *shape): each seed's ``default_rng([seed, *tail]).standard_normal(shape)``.

    None for seeds past one 32-bit word (numpy's own generators draw those).
    """
    states = seed_states(seeds, tail)
    if states is None:
        return None
    out = np.empty((len(seeds), *shape))
    if out.size:
        _normals(*states, out.reshape(len(seeds), -1))
    return out


def first_counts(
    seeds: np.ndarray, tail: tuple[int, ...], shape: tuple[int, int, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``random(shape).argmin(axis=-1)`` per seed for shape (outer, inner, k), counted as drawn.

    The first of equal draws, as ``argmin`` and ``argsort``'s small sorts take it. (first
    (B, outer, inner); for each outer index, how many of its inner groups' firsts are
    each option (B, outer, k); for each inner index, over the outer groups (B, inner, k)).
    Views, the seed axis innermost.
    """
    outer, inner, k = shape
    states = seed_states(seeds, tail)
    if states is None or not k:  # numpy's own draws
        drawn = uniform(seeds, tail, shape)
        first = drawn.argmin(axis=-1) if k else np.zeros(drawn.shape[:-1], dtype=np.intp)
        onehot = first[..., None] == np.arange(k)
        return first, onehot.sum(axis=2), onehot.sum(axis=1)
    out = np.empty((outer, inner, len(seeds)), dtype=np.intp)
    by_outer = np.empty((outer, k, len(seeds)), dtype=np.int64)
    by_inner = np.empty((inner, k, len(seeds)), dtype=np.int64)
    if out.size:
        _first_counts(*states, k, inner, out.reshape(-1, len(seeds)), by_outer, by_inner)
    else:
        by_outer[:] = 0
        by_inner[:] = 0
    return np.moveaxis(out, -1, 0), np.moveaxis(by_outer, -1, 0), np.moveaxis(by_inner, -1, 0)


def integers(
    seeds: np.ndarray, tail: tuple[int, ...], shape: tuple[int, ...], k: int
) -> np.ndarray:
    """(B, *shape) int64: each seed's ``default_rng([seed, *tail]).integers(0, k, shape)``.

    A view with the seed axis innermost in memory.
    """
    out = np.zeros((*shape, len(seeds)), dtype=np.int64)
    states = seed_states(seeds, tail)
    flat = out.reshape(-1, len(seeds))
    if states is None:
        for i, rng in enumerate(Streams().each(seeds, *tail)):
            flat[:, i] = rng.integers(0, k, size=flat.shape[0])
    elif k > 1 and out.size:  # integers(0, 1) draws nothing
        _bounded(*states, k, flat.shape[0], 1, flat, np.zeros((0, k, 0), dtype=np.int64))
    return np.moveaxis(out, -1, 0)


def counts(seeds: np.ndarray, tail: tuple[int, ...], shape: tuple[int, ...], k: int) -> np.ndarray:
    """(B, *shape[:-1], k) int64: each last-axis group of ``integers(0, k, shape)``, counted.

    Counted as they are drawn (the draws themselves are not kept); the seed axis innermost.
    """
    *groups, per = shape
    total = np.zeros((*groups, k, len(seeds)), dtype=np.int64)  # zeros: no draws, no counts
    states = seed_states(seeds, tail)
    if states is None or k < 2:
        drawn = integers(seeds, tail, shape, k)
        return (drawn[..., None] == np.arange(k)).sum(axis=-2)
    if total.size and per:
        flat = total.reshape(-1, k, len(seeds))
        count = flat.shape[0] * per
        _bounded(*states, k, count, per, np.zeros((0, 0), dtype=np.int64), flat)
    return np.moveaxis(total, -1, 0)
