"""The per-run path's seeded generators for a whole block of seeds, without building each one.

``np.random.default_rng([seed, *tail])`` hashes its entropy with a ``SeedSequence`` and seeds a
PCG64 from it; most of its cost is that hashing, in Python-level code, seed by seed. Here the
SeedSequence hash runs once for every seed of a block as uint32 array arithmetic (its
constants and steps are numpy's, ``numpy/random/bit_generator.pyx``), the PCG64 seeding
(``pcg64_set_seed``) on pairs of 64-bit words, and one reused ``Generator`` is set to each
seed's state before it draws: numpy's own sampling code draws, so the numbers are the same as
from a fresh ``default_rng``. A test checks the states against numpy's for many seeds and
streams. (The random fault's draws are compiled instead: ``pcg``.)
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Iterator

import numpy as np

_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715
_POOL = 4
_MASK32 = 0xFFFFFFFF
_MULT_128 = (0x2360ED051FC65DA4 << 64) | 0x4385DF649FCCF645
_MASK64 = (1 << 64) - 1


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


_M32 = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)


def _mul_hi(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The high 64 bits of the 128-bit products of two uint64 arrays."""
    a0, a1, b0, b1 = a & _M32, a >> _S32, b & _M32, b >> _S32
    p00, p01, p10 = a0 * b0, a0 * b1, a1 * b0
    mid = (p00 >> _S32) + (p01 & _M32) + (p10 & _M32)
    hi: np.ndarray = a1 * b1 + (p01 >> _S32) + (p10 >> _S32) + (mid >> _S32)
    return hi


def _mul(hi: np.ndarray, lo: np.ndarray, m_hi: int, m_lo: int) -> tuple[np.ndarray, np.ndarray]:
    """(hi, lo) * (m_hi, m_lo) mod 2**128, as uint64 arrays (numpy's products wrap)."""
    mh, ml = np.uint64(m_hi), np.uint64(m_lo)
    return _mul_hi(lo, np.full_like(lo, ml)) + lo * mh + hi * ml, lo * ml


def _add(
    a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """(hi, lo) + (hi, lo) mod 2**128."""
    lo = a[1] + b[1]
    return a[0] + b[0] + (lo < a[1]).astype(np.uint64), lo


_Pair = tuple[np.ndarray, np.ndarray]


def _seeded(words: np.ndarray) -> tuple[_Pair, _Pair]:
    """The PCG64 (state, inc) numpy seeds from rows of four uint64 words, as (high, low) pairs.

    ``pcg64_set_seed``: inc = (words[2:4] << 1) | 1; state = ((inc + words[0:2]) * MULT + inc),
    in 128-bit arithmetic, here on uint64 (high, low) pairs for a whole block at once.
    """
    w0, w1, w2, w3 = (words[:, i] for i in range(4))
    one = np.uint64(1)
    inc = ((w2 << one) | (w3 >> np.uint64(63)), (w3 << one) | one)
    return _step(_add(inc, (w0, w1)), inc), inc


def _step(state: _Pair, inc: _Pair) -> _Pair:
    """One PCG64 step: state * MULT + inc (mod 2**128)."""
    return _add(_mul(*state, _MULT_128 >> 64, _MULT_128 & _MASK64), inc)


_SIX = np.uint64(58)


def first_raw(seeds: np.ndarray, count: int, *tail: int) -> np.ndarray:
    """(B, count) uint64: each seed's first PCG64 outputs of stream ``tail``, all seeds at once.

    ``pcg64_next64`` steps the state, then outputs XSL-RR of it: the two 64-bit halves xored,
    rotated right by the top six bits. In numpy's arithmetic over the block: cheaper than
    setting a generator per seed for a few outputs, dearer for many (``Streams.raw``).
    Seeds must be below 2**32.
    """
    state, inc = _seeded(seed_words(seeds, tail))
    out = np.empty((len(seeds), count), dtype=np.uint64)
    for i in range(count):
        state = _step(state, inc)
        mixed = state[0] ^ state[1]
        turn = state[0] >> _SIX
        out[:, i] = (mixed >> turn) | (mixed << ((-turn.view(np.int64)).view(np.uint64) & _63))
    return out


_63 = np.uint64(63)


class Streams:
    """One reused generator, set to each seed's stream ``[seed, *tail]`` in turn.

    Setting ``PCG64.state`` goes through a dict and costs microseconds; where the generator's
    state words can be written in place (``_state_words``: the struct numpy's PCG64 draws
    from, found through its ctypes interface and checked against its ``state``), a seed's
    state is four words copied, and the same draws follow.
    """

    def __init__(self) -> None:
        self.bits = np.random.PCG64(0)
        self.generator = np.random.Generator(self.bits)
        self.words = _state_words(self.bits)

    def each(self, seeds: np.ndarray, *tail: int) -> Iterator[np.random.Generator]:
        """For each seed, the generator as ``default_rng([seed, *tail])`` starts it."""
        if len(seeds) and int(seeds.max()) > _MASK32:  # more than one entropy word: numpy's own
            yield from (np.random.default_rng([int(s), *tail]) for s in seeds)
            return
        state, inc = _seeded(seed_words(seeds, tail))
        if self.words is not None:
            words, buffered = self.words
            rows = np.stack([state[1], state[0], inc[1], inc[0]], axis=1)  # little-endian 128
            for row in rows:
                words[:] = row
                buffered[0] = 0
                yield self.generator
            return
        for high, low, inc_high, inc_low in zip(
            state[0].tolist(), state[1].tolist(), inc[0].tolist(), inc[1].tolist(), strict=True
        ):
            self.bits.state = {
                "bit_generator": "PCG64",
                "state": {"state": (high << 64) | low, "inc": (inc_high << 64) | inc_low},
                "has_uint32": 0,
                "uinteger": 0,
            }
            yield self.generator

    def raw(self, seeds: np.ndarray, count: int, *tail: int) -> np.ndarray:
        """(B, count) uint64: each seed's first ``count`` PCG64 outputs of stream ``tail``."""
        out = np.empty((len(seeds), count), dtype=np.uint64)
        for i, rng in enumerate(self.each(seeds, *tail)):
            out[i] = rng.bit_generator.random_raw(count)
        return out


def doubles(raw: np.ndarray) -> np.ndarray:
    """``Generator.random``'s doubles from PCG64 outputs: the top 53 bits over 2**53."""
    return (raw >> np.uint64(11)) * (1.0 / 9007199254740992.0)


def bounded(raw: np.ndarray, count: int, k: int) -> np.ndarray | None:
    """``Generator.integers(0, k, count)`` (int64) per row of PCG64 outputs, or None.

    numpy draws each from one 32-bit half of an output (low half first) by Lemire's method,
    multiplying by k and keeping the high 32 bits; None when some row would reject a draw
    (its leftover below (2**32 - k) % k: then numpy draws again, and the caller asks numpy).
    """
    halves = np.empty((len(raw), 2 * raw.shape[1]), dtype=np.uint64)
    halves[:, 0::2] = raw & _M32
    halves[:, 1::2] = raw >> _S32
    product = halves[:, :count] * np.uint64(k)
    threshold = (2**32 - k) % k
    if threshold and ((product & _M32) < np.uint64(threshold)).any():
        return None
    return (product >> _S32).astype(np.int64)


def _state_words(bits: np.random.PCG64) -> tuple[np.ndarray, np.ndarray] | None:
    """Views of a PCG64's state and increment words (4 uint64) and its buffered-half flag.

    numpy's ``pcg64_state`` holds a pointer to ``{state, inc}`` (two 128-bit integers, low
    word first on a little-endian machine) and then ``has_uint32``. The layout is checked: a
    known state set through ``bits.state`` must read back through the views, and one written
    through them must show in ``bits.state``, or there are no views (None: set by dict).
    """
    if sys.byteorder != "little":
        return None
    try:
        address = bits.ctypes.state_address
        pointer = ctypes.c_void_p.from_address(address).value
        if not pointer:
            return None
        words = np.ctypeslib.as_array((ctypes.c_uint64 * 4).from_address(pointer))
        buffered = np.ctypeslib.as_array(
            (ctypes.c_int * 1).from_address(address + ctypes.sizeof(ctypes.c_void_p))
        )
        state, inc = (3 << 100) | 5, (7 << 70) | 9
        bits.state = {"bit_generator": "PCG64", "state": {"state": state, "inc": inc},
                      "has_uint32": 1, "uinteger": 11}  # fmt: skip
        if words.tolist() != [5, 3 << 36, 9, 7 << 6] or buffered[0] != 1:
            return None
        words[:] = [1, 2, 3, 4]
        buffered[0] = 0
        got = bits.state
        if got["state"] != {"state": (2 << 64) | 1, "inc": (4 << 64) | 3} or got["has_uint32"]:
            return None
    except (AttributeError, ValueError, TypeError):
        return None
    return words, buffered
