"""The batch kernel gives the per-run path's rows, bit for bit, and takes only what it can.

Each case runs one block of seeds both ways (``blocks.run_on_kernel``, ``run_seed_by_seed``) and
compares the rows' text, the cell sums, the baselines and the ballot statistics. Configs
the kernel does not take must run seed by seed (``takes`` is False) and still give the same
table through ``run_block``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from council.contracts.config import RunConfig
from council.contracts.formats import Scenario
from council.engine.batch import draws, heap, run_seeds, takes
from council.engine.batch.draws import chosen, lemire
from council.engine.batch.streams import Streams, bounded, doubles, first_raw
from council.engine.context import perception_noise
from council.engine.seating import seat_council
from council.experiments.blocks import (
    UNKNOWN,
    Block,
    BlockResult,
    run_block,
    run_on_kernel,
    run_seed_by_seed,
)
from council.library.catalog import load_library, resolve_scenario

LIBRARY = load_library()
SCENARIO = "kh-credit-scoring-isolated-data"

KERNEL_CASES: list[dict[str, Any]] = [
    *(
        {"byzantine": k, "fault": fault, "protocol": protocol, "method": method}
        for k, fault in (
            (0, "equivocate"),
            (6, "equivocate"),
            (11, "equivocate"),
            (16, "equivocate"),
            (4, "random"),
            (11, "random"),
        )
        for protocol in ("bft", "tally")
        for method in ("plurality", "approval", "borda")
    ),  # fmt: skip
    {"size": 4, "byzantine": 1, "fault": "random", "method": "approval"},  # unlocks happen
    {"size": 3, "byzantine": 1, "topology": "ring"},  # under 4 seats every graph is complete
    {"size": 7, "byzantine": 2, "quorum": "majority", "method": "borda"},
    {"size": 100, "byzantine": 33, "quorum": "0.7", "ballots": 5},
    {"rounds": 0, "byzantine": 4, "ballots": 1},
    {"rounds": 5, "ballots": 6, "byzantine": 10, "fault": "random", "method": "approval"},
    {"quorum": "0.9", "byzantine": 6, "ballots": 8},
    {"byzantine": 8, "faulty_groups": ("government", "industry")},
    {"byzantine": 0, "fault": "crash", "weights": None, "topology": "complete"},
    *(
        {"byzantine": k, "fault": f"{fault}:{option}", "protocol": protocol, "method": method}
        for k, fault, option, protocol, method in (
            (5, "stubborn", "suspend-scoring", "bft", "plurality"),
            (12, "stubborn", "continue-with-reason-codes", "tally", "borda"),
            (5, "collude", "suspend-scoring", "bft", "approval"),
            (16, "collude", "suspend-scoring", "bft", "borda"),
            (3, "collude", "continue-with-reason-codes", "bft", "borda"),  # commits regardless
            (4, "persuader", "suspend-scoring", "tally", "plurality"),
            (11, "persuader", "continue-with-reason-codes", "bft", "approval"),
        )
    ),
    *(
        {"byzantine": k, "fault": "crash", "protocol": protocol, "method": method}
        for k, protocol, method in (
            (5, "bft", "plurality"),
            (11, "tally", "approval"),
            (16, "bft", "borda"),
            (4, "bft", "approval"),
        )
    ),  # fmt: skip
    # No honest seat at all, one seat, two seats.
    {"size": 7, "byzantine": 7},
    {"size": 7, "byzantine": 7, "fault": "random"},
    {"size": 1},
    {"size": 2, "byzantine": 1, "fault": "random", "protocol": "tally"},
]

# Update rules and graphs the running sums do not cover: whole inboxes (engine/batch/inboxes.py).
KERNEL_CASES += [
    {"byzantine": 4, "update": "wmsr"},
    {"byzantine": 10, "update": "wmsr", "fault": "random", "method": "approval"},
    {"byzantine": 6, "update": "wmsr", "fault": "crash", "protocol": "tally"},
    {"byzantine": 0, "update": "wmsr", "rounds": 4},
    {"byzantine": 4, "update": "majority", "protocol": "tally"},
    {"byzantine": 8, "update": "majority", "fault": "collude:suspend-scoring", "method": "borda"},
    {"byzantine": 3, "fault": "random", "topology": "small-world"},
    {"topology": "scale-free"},
    {"byzantine": 5, "topology": "ring", "update": "wmsr", "method": "approval"},
    {"byzantine": 7, "topology": "scale-free", "fault": "crash", "ballots": 4},
    {
        "byzantine": 6,
        "topology": "small-world",
        "fault": "persuader:suspend-scoring",
        "update": "majority",
    },  # fmt: skip
    {
        "size": 12,
        "byzantine": 3,
        "topology": "ring",
        "fault": "stubborn:continue-with-reason-codes",
    },
]

# Quorum systems beyond one threshold: who backs an option, by group or weight (ballots.py).
KERNEL_CASES += [
    {"quorum": "groups:3/0.75", "byzantine": 3},
    {"quorum": "majority", "weights": {"government": 2.0}, "byzantine": 3},
    *(
        {"quorum": quorum, "byzantine": k, "fault": fault, "protocol": protocol, "method": method}
        for quorum, k, fault, protocol, method in (
            ("groups:3/0.75", 8, "equivocate", "bft", "plurality"),
            ("groups:4/0.6", 6, "random", "bft", "approval"),
            ("groups:2/0.9", 10, "random", "tally", "borda"),
            ("groups:3/0.5", 5, "collude:suspend-scoring", "bft", "approval"),
            ("groups:3/0.5", 7, "persuader:continue-with-reason-codes", "bft", "irv"),
            ("groups:3/0.75", 4, "crash", "bft", "plurality"),
            ("bft", 6, "stubborn:suspend-scoring", "bft", "borda"),
        )
    ),
    {
        "quorum": "0.6",
        "weights": {"government": 3.0, "academia": 2.0},
        "byzantine": 9,
        "fault": "equivocate",
    },  # fmt: skip
    {
        "quorum": "bft",
        "weights": {"industry": 2.0},
        "byzantine": 6,
        "fault": "random",
        "method": "approval",
        "ballots": 4,
    },  # fmt: skip
    {"quorum": "groups:3/0.75", "byzantine": 0, "update": "wmsr", "topology": "ring"},
]

# A fault whose behaviour changes with the round: honest until round R, then silent.
KERNEL_CASES += [
    {"byzantine": 5, "fault": "silent-after:1"},
    *(
        {
            "byzantine": k,
            "fault": f"silent-after:{r}",
            "protocol": protocol,
            "method": method,
            "rounds": rounds,
            "ballots": 4,
        }  # fmt: skip
        for k, r, protocol, method, rounds in (
            (11, 0, "bft", "plurality", 2),
            (11, 2, "bft", "approval", 2),
            (8, 3, "tally", "borda", 2),
            (10, 4, "bft", "irv", 3),
            (6, 2, "bft", "plurality", 1),
        )
    ),
    {"byzantine": 9, "fault": "silent-after:2", "update": "wmsr", "topology": "small-world"},
    {"byzantine": 7, "fault": "silent-after:1", "quorum": "groups:3/0.75"},
]

PER_RUN_CASES: list[dict[str, Any]] = [
    {"byzantine": 4, "fault": "random", "drop": 0.2},
    {"byzantine": 2, "delay": 0.3, "rounds": 3},
    {"partition": "government,industry|academia,civil_society@1-2"},
]


def _block(overrides: dict[str, Any], seeds: int) -> Block:
    config = RunConfig(scenario=SCENARIO, **overrides)
    council = seat_council(config, LIBRARY, resolve_scenario(SCENARIO, LIBRARY))
    return Block(0, config, council, 0, seeds, np.full(seeds, UNKNOWN, np.int8))


def _same(a: BlockResult, b: BlockResult) -> None:
    assert a.text.splitlines() == b.text.splitlines()
    assert a.sums == b.sums
    assert a.baselines.tolist() == b.baselines.tolist()
    assert a.ballots == b.ballots


@pytest.mark.parametrize("overrides", KERNEL_CASES, ids=str)
def test_kernel_rows_are_the_per_run_rows(overrides: dict[str, Any]) -> None:
    seeds = 200 if overrides.get("size", 33) <= 33 else 40
    block = _block(overrides, seeds)
    assert takes(block.config, block.council)
    kernel, each = run_on_kernel(block), run_seed_by_seed(block)
    _same(kernel, each)
    assert kernel.sums.runs == seeds
    if overrides.get("byzantine"):  # the baselines were computed, not copied from the runs
        assert (kernel.baselines != UNKNOWN).all()


def test_known_baselines_are_used_not_recomputed() -> None:
    block = _block({"byzantine": 6}, 50)
    honest = run_seeds(block.config.honest(), block.council, np.arange(50)).option
    wrong = np.where(honest == 0, 1, 0).astype(np.int8)  # a baseline no honest run gave
    known = Block(0, block.config, block.council, 0, 50, wrong)
    _same(run_on_kernel(known), run_seed_by_seed(known))
    assert run_on_kernel(known).baselines.tolist() == wrong.tolist()


@pytest.mark.parametrize("overrides", PER_RUN_CASES, ids=str)
def test_configs_the_kernel_does_not_take_run_seed_by_seed(overrides: dict[str, Any]) -> None:
    block = _block(overrides, 12)
    assert not takes(block.config, block.council)
    _same(run_block(block), run_seed_by_seed(block))


def test_a_block_starting_past_zero_runs_its_own_seeds() -> None:
    block = _block({"byzantine": 7, "fault": "random"}, 0)
    later = Block(0, block.config, block.council, 300, 340, np.full(40, UNKNOWN, np.int8))
    result = run_on_kernel(later)
    _same(result, run_seed_by_seed(later))
    assert [int(line.split(",")[10]) for line in result.text.splitlines()] == list(range(300, 340))


@pytest.mark.parametrize("update", ["fj", "wmsr"])
def test_random_faults_past_one_entropy_word_run_on_the_kernel(update: str) -> None:
    """Seeds of 2**32 and above draw from numpy's own generators (the compiled draws, and the
    one-pass uniform sums, take the seeds below): the same rows either way."""
    block = _block({"byzantine": 7, "fault": "random", "update": update}, 0)
    start = 2**32 - 4
    across = Block(0, block.config, block.council, start, start + 8, np.full(8, UNKNOWN, np.int8))
    result = run_on_kernel(across)
    _same(result, run_seed_by_seed(across))
    assert result.sums.runs == 8


@pytest.mark.parametrize("in_place", [True, False])
@pytest.mark.parametrize("tail", [(1,), (2,), (3, 1), (3, 10_002), (3, 10_041)])
def test_block_streams_start_where_default_rng_starts(
    tail: tuple[int, ...], in_place: bool
) -> None:
    seeds = np.array([*range(0, 600), 2**31, 2**32 - 1, 2**32, 10**12])  # the last two: numpy's own
    streams = Streams()
    if sys.byteorder == "little" and sys.platform.startswith("linux"):
        assert streams.words is not None  # numpy's PCG64 state is written in place here
    if not in_place:
        streams.words = None  # set through PCG64.state
    previous = None
    for seed, rng in zip(seeds.tolist(), streams.each(seeds, *tail), strict=True):
        fresh = np.random.default_rng([seed, *tail])
        assert rng.bit_generator.state == fresh.bit_generator.state
        assert rng.normal(size=5).tolist() == fresh.normal(size=5).tolist()
        # a half-used 32-bit draw of the previous seed must not leak into this one
        assert rng.integers(0, 7, size=3).tolist() == fresh.integers(0, 7, size=3).tolist()
        assert previous is None or previous != rng.bit_generator.state
        previous = rng.bit_generator.state


@pytest.mark.parametrize("k", [2, 3, 4, 5, 7])
def test_raw_draws_are_generator_draws(k: int) -> None:
    seeds = np.arange(300)
    streams = Streams()
    drawn = bounded(streams.raw(seeds, 50, 3, 10_004), 99, k)  # an odd count: a half unused
    assert drawn is not None
    fresh = [np.random.default_rng([int(s), 3, 10_004]) for s in seeds]
    assert drawn.tolist() == [rng.integers(0, k, size=99).tolist() for rng in fresh]
    values = doubles(streams.raw(seeds, 40, 3, 7))
    assert values.tolist() == [np.random.default_rng([int(s), 3, 7]).random(40).tolist()
                               for s in seeds]  # fmt: skip


def test_bounded_draws_that_numpy_would_redraw_are_left_to_numpy() -> None:
    raw = np.zeros((1, 1), dtype=np.uint64)  # leftover 0 < (2**32 - 3) % 3: numpy draws again
    assert bounded(raw, 2, 3) is None
    assert bounded(raw, 2, 4) is not None  # a power of two never redraws


def test_optional_columns_are_quoted_as_the_csv_writer_quotes_them() -> None:
    block = _block({"byzantine": 5, "faulty_groups": ("government", "industry")}, 30)
    listed = Block(0, block.config, block.council, 0, 30, block.baselines,
                   extras=("government,industry", 0.0))  # fmt: skip
    kernel = run_on_kernel(listed)
    _same(kernel, run_seed_by_seed(listed))
    assert all(line.endswith(',"government,industry",0.0') for line in kernel.text.splitlines())


def test_first_raw_outputs_are_the_generators_outputs() -> None:
    seeds = np.array([*range(0, 500), 2**31, 2**32 - 1])
    fresh = [np.random.default_rng([int(s), 2]).bit_generator.random_raw(7) for s in seeds]
    assert first_raw(seeds, 7, 2).tolist() == np.array(fresh).tolist()


@pytest.mark.parametrize(
    ("population", "size"), [(33, 1), (33, 10), (33, 33), (1, 1), (2, 1), (12, 3), (1000, 300)]
)
def test_chosen_is_the_set_generator_choice_picks(population: int, size: int) -> None:
    seeds = np.array([*range(0, 400), 2**32 - 1, 2**32 + 5])  # the last: numpy's own
    expected = np.zeros((len(seeds), population), dtype=bool)
    for row, seed in zip(expected, seeds.tolist(), strict=True):
        picker = np.random.default_rng([seed, 2])
        row[picker.choice(population, size=size, replace=False)] = True
    assert chosen(seeds, population, size, 2).tolist() == expected.tolist()


def test_a_draw_numpy_would_reject_is_found() -> None:
    assert lemire(np.array([0], dtype=np.uint64), 6)[1].tolist() == [True]  # leftover 0 < 4
    value, rejected = lemire(np.array([2**31], dtype=np.uint64), 6)
    assert (value.tolist(), rejected.tolist()) == ([3], [False])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_the_heap_keeps_freed_arrays_on_linux() -> None:
    assert heap.keep() and heap.keep()  # once per process; the second call is the first's


@pytest.mark.parametrize(("fault", "protocol"), [("equivocate", "bft"), ("random", "tally")])
def test_a_quorum_file_runs_on_the_kernel(tmp_path: Path, fault: str, protocol: str) -> None:
    """Listed minimal quorums (a quorum file) are asked who backs a winner, as the per-run path."""
    import yaml

    path = tmp_path / "q.yaml"
    groups = ("government", "industry", "academia", "civil_society")
    quorums = {
        "regulators-and-public": {"government": 5, "civil_society": 5},
        "everyone": {g: 4 for g in groups},
    }
    path.write_text(yaml.safe_dump({"kind": "quorums", "quorums": quorums}), encoding="utf-8")
    block = _block({"quorum": str(path), "byzantine": 6, "fault": fault, "protocol": protocol}, 200)
    assert block.council.system.threshold is None  # beyond one threshold: the kernel asks it
    assert takes(block.config, block.council)
    kernel, each = run_on_kernel(block), run_seed_by_seed(block)
    _same(kernel, each)
    decided = sum(",decided," in row for row in kernel.text.splitlines())
    assert 0 < decided < 200, decided  # both outcomes occur, so the rule is exercised


def _options(count: int) -> Scenario:
    """The test scenario with ``count`` options (the library's all have four)."""
    base = resolve_scenario(SCENARIO, LIBRARY)
    shift = np.linspace(-0.3, 0.3, count)
    options = [
        base.options[j % 4].model_copy(
            update={
                "id": f"option-{j}",
                "impacts": {
                    p: round(v + shift[j], 2) for p, v in base.options[j % 4].impacts.items()
                },
            }
        )
        for j in range(count)
    ]
    return base.model_copy(update={"options": options})


@pytest.mark.parametrize("k", [2, 6])
@pytest.mark.parametrize("fault", ["random", "equivocate"])
@pytest.mark.parametrize("protocol", ["bft", "tally"])
@pytest.mark.parametrize("method", ["plurality", "approval"])
def test_kernel_rows_are_the_per_run_rows_for_other_option_counts(
    k: int, fault: str, protocol: str, method: str
) -> None:
    """The compiled random-fault ballots and rounds and the equivocators' pair sums hold for
    scenarios of two and six options as for the library's four."""
    config = RunConfig(
        scenario=SCENARIO, byzantine=10, fault=fault, protocol=protocol, method=method
    )
    council = seat_council(config, LIBRARY, _options(k))
    assert len(council.scenario.options) == k
    block = Block(0, config, council, 0, 60, np.full(60, UNKNOWN, np.int8))
    result = run_on_kernel(block)
    _same(result, run_seed_by_seed(block))
    assert result.sums.runs == 60


def test_a_blocks_noise_is_kept_for_the_next_cell_copied_and_bounded() -> None:
    """A block of seeds asked for again (the next cell's) has its noise kept, and the cells
    after get the same noise, as a copy the kernel may write into; another council's shape has
    its own; what is kept stays within its bound."""
    seeds = np.arange(100, 400)

    def fresh(n: int) -> list[Any]:  # each run's own, as its context draws it
        return np.array([perception_noise(int(s), n, 4) for s in seeds]).tolist()

    draws._kept.clear()  # what earlier tests in this process kept
    draws._asked.clear()
    first = draws._noise(seeds, 33, 4)
    assert first.tolist() == fresh(33)
    assert (seeds.tobytes(), 33, 4) not in draws._kept  # asked once: nothing kept
    first = draws._noise(seeds, 33, 4)
    assert first.tolist() == fresh(33)
    assert (seeds.tobytes(), 33, 4) in draws._kept  # asked again: kept for the next cells
    first[:] = 0.0  # the kernel writes its openings into the noise's array
    second = draws._noise(seeds, 33, 4)  # the kept noise, copied
    assert second.tolist() == fresh(33)
    second[:] = 0.0
    assert draws._noise(seeds, 33, 4).tolist() == fresh(33)
    assert draws._noise(seeds, 7, 4).tolist() == fresh(7)
    for start in [*range(0, 15_000, 1_500)] * 2:
        draws._noise(np.arange(start, start + 1_500), 33, 4)
    assert 0 < sum(a.nbytes for a in draws._kept.values()) <= draws.NOISE_KEPT_BYTES
    assert (np.arange(13_500, 15_000).tobytes(), 33, 4) in draws._kept  # the latest kept


def test_compiled_noise_is_the_per_run_noise_and_past_one_word_numpys() -> None:
    """A random-fault cell's noise (``pcg.normals``) is what each run's context draws."""
    draws._kept.clear()
    draws._asked.clear()
    for seeds in (np.arange(7_000, 7_600), np.array([0, 2**32 - 1, 2**32, 10**12])):
        got = draws._noise(seeds, 33, 4, compiled=True)
        expected = [perception_noise(int(s), 33, 4) for s in seeds]
        assert got.tolist() == np.array(expected).tolist()


def test_which_cells_draw_through_numba_and_a_compiled_block_is_the_same_block() -> None:
    """``compiles``: faulty seats of a fault whose run form draws each run's streams, on the
    kernel. A block told to draw compiled (its sweep loads numba anyway) gives the same rows,
    fault-free (its baseline included) or not."""
    from dataclasses import replace

    from council.engine.batch import compiles
    from council.experiments.plan import plan
    from council.experiments.pool import _Inline
    from council.experiments.schedule import _Scheduler, draws_compiled
    from council.experiments.sweep import SweepConfig

    def compiled(**overrides: Any) -> bool:
        block = _block(overrides, 1)
        return compiles(block.config, block.council)

    assert compiled(byzantine=5, fault="random")
    assert not compiled(byzantine=0, fault="random")
    assert not compiled(byzantine=5, fault="equivocate")
    assert not compiled(byzantine=5, fault="random", drop=0.1)  # network faults: per run
    for overrides in ({"byzantine": 0}, {"byzantine": 5, "fault": "equivocate"}):
        block = _block(overrides, 120)
        _same(run_on_kernel(replace(block, compiled=True)), run_on_kernel(block))

    def told(fault: list[str]) -> bool:  # the first block's (a fault-free cell's)
        cells = plan(SweepConfig(scenarios=[SCENARIO], byzantine=[0, 5], fault=fault, seeds=3), "t")
        scheduler = _Scheduler(_Inline(), cells, 3, 3, 0, draws_compiled(cells))
        scheduler._submit()
        (handle,) = scheduler.waiting
        assert handle.block.config.byzantine == 0
        return bool(handle.block.compiled)

    assert told(["equivocate", "random"]) and not told(["equivocate"])


def test_a_pool_freezes_its_parents_objects_and_its_workers_load_numba_when_told() -> None:
    """The parent's objects are frozen while its pool lives (its forked workers' collections
    skip them); a worker of a sweep that draws through numba loads it as it starts and
    freezes it too; one of another sweep does not load it."""
    import gc
    import subprocess

    from council.experiments.pool import open_backend, start_method

    before = gc.get_freeze_count()
    forks = start_method() == "fork"  # not with other threads running (then nothing to freeze)
    with open_backend(workers=2) as backend:
        assert (gc.get_freeze_count() > before) == forks
        assert backend.slots == 2
    assert gc.get_freeze_count() == before
    code = (
        "import gc, os, sys, threading\n"
        "from council.experiments.pool import start_worker\n"
        "start_worker(os.getppid(), {compiled})\n"
        "print('numba' in sys.modules, gc.get_freeze_count() > 0,\n"
        "      any(t.name == 'die-with' for t in threading.enumerate()))\n"
    )
    for compiled in (True, False):
        out = subprocess.run(
            [sys.executable, "-c", code.format(compiled=compiled)],
            capture_output=True, text=True, check=True, timeout=120,
        )  # fmt: skip
        assert out.stdout.split() == [str(compiled), str(compiled), "True"]
