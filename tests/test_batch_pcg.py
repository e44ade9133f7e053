"""The compiled block draws (``engine.batch.pcg``) are numpy's own draws, seed for seed."""

from __future__ import annotations

import numpy as np
import pytest

from council.engine.batch import pcg

SEEDS = np.array([*range(0, 3000), 2**31, 2**32 - 1])
BIG = np.array([0, 2**32, 10**12])  # past one entropy word: numpy's own generators


def _fresh(seed: int, tail: tuple[int, ...]) -> np.random.Generator:
    return np.random.default_rng([seed, *tail])


@pytest.mark.parametrize(
    ("tail", "shape"),
    [
        ((3, 1), (33, 10, 5)),
        ((3, 10_002), (7,)),
        ((3, 4), (2, 1, 3)),
        ((1,), (1,)),
        ((3, 9), (0, 5)),
    ],
)
def test_uniform_draws_are_generator_random(tail: tuple[int, ...], shape: tuple[int, ...]) -> None:
    for seeds in (SEEDS, BIG):
        drawn = pcg.uniform(seeds, tail, shape)
        assert drawn.shape == (len(seeds), *shape)
        expected = np.array([_fresh(s, tail).random(shape) for s in seeds.tolist()])
        assert np.array_equal(drawn, expected.reshape(drawn.shape))
        wide = pcg.uniform(seeds, tail, shape, -1.0, 1.0)
        expected = np.array([_fresh(s, tail).uniform(-1.0, 1.0, shape) for s in seeds.tolist()])
        assert np.array_equal(wide, expected.reshape(wide.shape))


@pytest.mark.parametrize("tail", [(3, 1), (3, 10_041), (1,), (), (7, 8, 2**32 - 1)])
def test_seed_states_are_the_generators_seeded_states(tail: tuple[int, ...]) -> None:
    """The compiled SeedSequence hashing and PCG64 seeding give ``default_rng``'s state."""
    high, low, inc_high, inc_low = pcg.seed_states(SEEDS, tail) or ()
    for i, seed in enumerate(SEEDS.tolist()):
        state = _fresh(seed, tail).bit_generator.state["state"]
        assert (int(high[i]) << 64 | int(low[i])) == state["state"], seed
        assert (int(inc_high[i]) << 64 | int(inc_low[i])) == state["inc"], seed
    assert pcg.seed_states(BIG, tail) is None  # past one entropy word: numpy's own
    with pytest.raises(ValueError, match="tail"):
        pcg.seed_states(SEEDS, (1, 2, 3, 4))


@pytest.mark.parametrize(("shape"), [(33, 10, 5), (4, 1, 2), (3, 3, 1), (1, 6, 4)])
def test_first_counts_are_the_argmin_of_the_draws_counted(shape: tuple[int, int, int]) -> None:
    for seeds in (SEEDS[:1500], BIG):
        expected = np.array(
            [_fresh(s, (3, 10_002)).random(shape).argmin(axis=-1) for s in seeds.tolist()]
        )
        first, by_outer, by_inner = pcg.first_counts(seeds, (3, 10_002), shape)
        onehot = expected[..., None] == np.arange(shape[-1])  # (B, outer, inner, k)
        assert first.tolist() == expected.tolist()
        assert by_outer.tolist() == onehot.sum(axis=2).tolist()
        assert by_inner.tolist() == onehot.sum(axis=1).tolist()


@pytest.mark.parametrize("k", [2, 3, 5, 6, 7, 1000, 2**31 + 1])
@pytest.mark.parametrize("shape", [(33, 10), (99,), (4, 1)])
def test_integers_are_generator_integers(k: int, shape: tuple[int, ...]) -> None:
    seeds = np.concatenate([SEEDS[:1000], BIG])
    drawn = pcg.integers(seeds, (3, 10_003), shape, k)
    expected = [_fresh(s, (3, 10_003)).integers(0, k, size=shape) for s in seeds.tolist()]
    assert drawn.tolist() == np.array(expected).tolist()


@pytest.mark.parametrize("k", [2, 5, 6])
def test_counts_are_the_counted_integers(k: int) -> None:
    # the draws are integers' own (one kernel, its rejections tested there), counted
    seeds = np.concatenate([SEEDS[:800], BIG])
    shape = (33, 10)
    got = pcg.counts(seeds, (3, 10_005), shape, k)
    assert got.shape == (len(seeds), shape[0], k)
    for row, seed in zip(got, seeds.tolist(), strict=True):
        drawn = _fresh(seed, (3, 10_005)).integers(0, k, size=shape)
        expected = np.zeros((shape[0], k), dtype=np.int64)
        for group, values in enumerate(drawn):
            np.add.at(expected[group], values, 1)
        assert row.tolist() == expected.tolist()


def test_integers_draw_again_where_numpy_rejects() -> None:
    # k = 2**31 + 1 rejects half of all draws (leftover below 2**31 - 1): every seed redraws,
    # and draws past an odd number of rejected halves read the next output's low half.
    seeds = np.arange(2000)
    k = 2**31 + 1
    drawn = pcg.integers(seeds, (3, 5), (9,), k)
    assert drawn.tolist() == [
        _fresh(s, (3, 5)).integers(0, k, size=9).tolist() for s in range(2000)
    ]
    assert (drawn < k).all() and (drawn >= 0).all()


def test_one_option_draws_nothing() -> None:
    assert pcg.integers(SEEDS[:10], (3, 5), (4, 2), 1).tolist() == np.zeros((10, 4, 2)).tolist()


def test_numba_loads_without_importing_scipy_linalg() -> None:
    """``jit`` answers numba's BLAS probe "absent" while numba loads, and only then."""
    import subprocess
    import sys

    code = (
        "import sys, numpy as np\n"
        "from council.engine.batch import pcg\n"
        "drawn = pcg.uniform(np.arange(4), (3, 1), (2,))\n"
        "assert drawn.shape == (4, 2), drawn.shape\n"
        "print('scipy.linalg' in sys.modules)\n"
        "import scipy.linalg.cython_blas\n"  # SciPy works afterwards
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "ok"]


_MULT = (0x2360ED051FC65DA4 << 64) | 0x4385DF649FCCF645
"""numpy's PCG64 multiplier."""


def _state_before(output: int, inc: int) -> int:
    """The PCG64 state whose next output is ``output`` (below 2**64: the stepped state's high
    word is 0, so XSL-RR neither xors nor rotates anything in)."""
    return ((output - inc) * pow(_MULT, -1, 2**128)) % 2**128


def _words(states: list[int], inc: int) -> list[np.ndarray]:
    """The kernel's (state high, low, inc high, low) arrays for ``states``."""
    return [np.array([s >> 64 for s in states], dtype=np.uint64),
            np.array([s & (2**64 - 1) for s in states], dtype=np.uint64),
            np.full(len(states), inc >> 64, dtype=np.uint64),
            np.full(len(states), inc & (2**64 - 1), dtype=np.uint64)]  # fmt: skip


def _bits(state: int, inc: int) -> np.random.PCG64:
    """numpy's PCG64 set to ``state`` and ``inc``, nothing buffered."""
    made = np.random.PCG64()
    made.state = {"bit_generator": "PCG64", "state": {"state": state, "inc": inc},
                  "has_uint32": 0, "uinteger": 0}  # fmt: skip
    return made


def test_a_seed_that_draws_again_is_drawn_as_numpy_draws_it_values_and_counts() -> None:
    """For small k numpy draws again about once in 2**32 halves: a state made to do it at once.

    The second seed's state is chosen so its first output's low half is 0 (a leftover of 0,
    below (2**32 - 5) % 5 = 1 for k = 5): the kernel must draw that seed's values and counts
    again where numpy does, and the other seeds' as theirs.
    """
    inc = (0x1234 << 64) | 0xABCDEF01
    before = _state_before(0xABCD_0000_0000, inc)  # its first output's low half is 0
    states = [(5 << 64) | 7, before, (9 << 64) | 3]
    k, count, per = 5, 12, 4
    out = np.zeros((count, 3), dtype=np.int64)
    counts = np.zeros((count // per, k, 3), dtype=np.int64)
    pcg._bounded(*_words(states, inc), k, count, per, out, counts)
    assert _bits(before, inc).random_raw(1)[0] & 0xFFFFFFFF == 0  # the draw numpy rejects
    for b, state in enumerate(states):
        expected = np.random.Generator(_bits(state, inc)).integers(0, k, size=count)
        assert out[:, b].tolist() == expected.tolist()
        by_group = [np.bincount(expected[g * per : (g + 1) * per], minlength=k) for g in range(3)]
        assert counts[:, :, b].tolist() == np.array(by_group).tolist()


@pytest.mark.parametrize(("tail", "shape"), [((2,), (33, 4)), ((3, 7), (7, 5, 3)), ((2,), (0,))])
def test_normals_are_generator_standard_normal(
    tail: tuple[int, ...], shape: tuple[int, ...]
) -> None:
    drawn = pcg.normals(SEEDS, tail, shape)
    assert drawn is not None and drawn.shape == (len(SEEDS), *shape)
    expected = [_fresh(s, tail).standard_normal(shape) for s in SEEDS.tolist()]
    assert drawn.tolist() == np.array(expected).tolist()  # exactly, wedges and tails included
    assert pcg.normals(BIG, tail, shape) is None  # past one word: numpy's own


@pytest.mark.parametrize("layer", [0, 5, 255])
def test_a_draw_outside_its_layers_box_is_drawn_as_numpy_draws_it(layer: int) -> None:
    """A state made so its first output falls outside the box of ``layer`` (0: the tail past
    the last layer, which takes two ``random()`` a try; else the wedge, one ``random()``)."""
    inc = (0x5678 << 64) | 0x9ABCDEF1
    output = 0xFFFF_FFFF_FFFF_FF00 | layer  # abscissa bits all set: past every layer's box
    before = _state_before(output, inc)
    out = np.empty((1, 6))
    pcg._normals(*_words([before], inc), out)
    assert _bits(before, inc).random_raw(1)[0] == output
    assert out[0].tolist() == np.random.Generator(_bits(before, inc)).standard_normal(6).tolist()


def test_numba_loads_with_the_collector_off_and_leaves_it_as_it_was() -> None:
    import subprocess
    import sys

    code = (
        "import gc, sys\n"
        "import council.engine.batch  # the kernel without numba: numpy, pydantic, the rules\n"
        "{before}\n"
        "seen = []\n"
        "gc.callbacks.append(lambda phase, info: seen.append(phase))\n"
        "from council.engine.batch import jit\n"
        "print(len(seen), gc.isenabled())\n"
    )
    for before, enabled in (("", "True"), ("gc.disable()", "False")):
        out = subprocess.run(
            [sys.executable, "-c", code.format(before=before)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        collections, after = out.stdout.split()
        assert int(collections) <= 2 and after == enabled  # one at most, before numba loads
