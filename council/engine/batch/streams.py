"""The per-run path's seeded generators for a whole block of seeds, without building each one.

``np.random.default_rng([seed, *tail])`` hashes its entropy with a ``SeedSequence`` and seeds a
PCG64 from it; most of its cost is that hashing, in Python-level code, seed by seed. Here the
SeedSequence hash runs once for every seed of a block as uint32 array arithmetic (its
constants and steps are numpy's, ``numpy/random/bit_generator.pyx``), the PCG64 seeding
(``pcg64_set_seed``) as Python integers, and one reused ``Generator`` is set to each seed's
state before it draws: numpy's own sampling code draws, so the numbers are the same as from a
fresh ``default_rng``. A test checks the states against numpy's for many seeds and streams.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715
_POOL = 4
_MASK32 = 0xFFFFFFFF
_MULT_128 = (0x2360ED051FC65DA4 << 64) | 0x4385DF649FCCF645
_MASK128 = (1 << 128) - 1


def _hash_consts(start: int, mult: int) -> Iterator[np.uint32]:
    """The hash constant before each hashing step (it does not depend on the data)."""
    value = start
    while True:
        yield np.uint32(value)
        value = (value * mult) & _MASK32


def _hashmix(value: np.ndarray, consts: Iterator[np.uint32]) -> np.ndarray:
    value = value ^ next(consts)
    value = value * next(consts)  # the constant after its update, as numpy multiplies
    return value ^ (value >> np.uint32(16))


def _mix(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    result: np.ndarray = np.uint32(_MIX_L) * x - np.uint32(_MIX_R) * y
    return result ^ (result >> np.uint32(16))


def seed_words(seeds: np.ndarray, tail: tuple[int, ...]) -> np.ndarray:
    """(B, 4) uint64: what ``SeedSequence([seed, *tail]).generate_state(4, uint64)`` gives.

    Seeds must be below 2**32 (one entropy word each) and so must the tail's entries.
    """
    words = [seeds.astype(np.uint32), *(np.full(len(seeds), t, np.uint32) for t in tail)]
    zero = np.zeros(len(seeds), np.uint32)
    with np.errstate(over="ignore"):
        consts = _stepped(_INIT_A, _MULT_A)
        pool = [_hashmix(words[i] if i < len(words) else zero, consts) for i in range(_POOL)]
        for src in range(_POOL):
            for dst in range(_POOL):
                if src != dst:
                    pool[dst] = _mix(pool[dst], _hashmix(pool[src], consts))
        consts = _stepped(_INIT_B, _MULT_B)
        out = np.empty((len(seeds), 2 * _POOL), np.uint32)
        for i in range(2 * _POOL):
            out[:, i] = _hashmix(pool[i % _POOL], consts)
    return out.view(np.uint64)  # little-endian pairs of words, as numpy views them


def _stepped(start: int, mult: int) -> Iterator[np.uint32]:
    """Pairs (xor constant, multiply constant) of each hashmix, flattened."""
    for before in _hash_consts(start, mult):
        yield before
        yield np.uint32((int(before) * mult) & _MASK32)


def pcg64_state(words: np.ndarray) -> tuple[int, int]:
    """The PCG64 (state, inc) numpy seeds from four uint64 words (``pcg64_set_seed``)."""
    w = [int(x) for x in words]
    initstate = (w[0] << 64) | w[1]
    inc = (((w[2] << 64) | w[3]) << 1 | 1) & _MASK128
    state = inc  # 0 * MULT + inc
    state = (state + initstate) & _MASK128
    state = (state * _MULT_128 + inc) & _MASK128
    return state, inc


class Streams:
    """One reused generator, set to each seed's stream ``[seed, *tail]`` in turn."""

    def __init__(self) -> None:
        self.bits = np.random.PCG64(0)
        self.generator = np.random.Generator(self.bits)

    def each(self, seeds: np.ndarray, *tail: int) -> Iterator[np.random.Generator]:
        """For each seed, the generator as ``default_rng([seed, *tail])`` starts it."""
        if len(seeds) and int(seeds.max()) > _MASK32:  # more than one entropy word: numpy's own
            yield from (np.random.default_rng([int(s), *tail]) for s in seeds)
            return
        words = seed_words(seeds, tail)
        for row in words:
            state, inc = pcg64_state(row)
            self.bits.state = {
                "bit_generator": "PCG64",
                "state": {"state": state, "inc": inc},
                "has_uint32": 0,
                "uinteger": 0,
            }
            yield self.generator
