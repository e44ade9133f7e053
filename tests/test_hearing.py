"""Fair hearing: which peers an LLM seat's prompt quotes (council.reasoners.llm.hearing)."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from council.contracts.config import RunConfig
from council.engine.context import prepare
from council.engine.phases import hear, open_views, revise
from council.reasoners.llm.hearing import MAX_HEARD, sample_peers, shares
from council.reasoners.llm.seat import heard_statements

SCENARIO = "kh-credit-scoring-isolated-data"


def persuaded_council(seed: int = 0):  # type: ignore[no-untyped-def]
    return prepare(
        RunConfig(
            scenario=SCENARIO,
            size=33,
            byzantine=4,
            fault="persuader:suspend-scoring",
            backend="openai",
            model="m",
            seed=seed,
        )
    )


def blocks(ctx, views: np.ndarray, r: int) -> dict[int, list[int]]:  # type: ignore[no-untyped-def]
    """Every honest seat's quoted peers in round r, from the views of round r - 1."""
    inbox, heard = hear(ctx, views, r)
    persuasive = {j: 1.0 for j in np.flatnonzero(ctx.faulty)}  # persuaders state full confidence
    out = {}
    for i in np.flatnonzero(ctx.honest):
        said = heard_statements(ctx, int(i), r, inbox[i], heard[i], {}, persuasive)
        out[int(i)] = [s["seat"] for s in said]
    return out


def test_four_persuaders_among_33_fill_no_honest_prompt() -> None:
    for seed in (0, 1, 2):
        ctx = persuaded_council(seed)
        views = open_views(ctx, np.arange(ctx.n))
        first = views
        faulty = set(np.flatnonzero(ctx.faulty).tolist())
        for r in (1, 2):
            quoted = blocks(ctx, views, r)
            assert len(quoted) == 29
            assert max(len(set(q) & faulty) for q in quoted.values()) <= 1, (seed, r)
            assert len({tuple(q) for q in quoted.values()}) >= 20, (seed, r)
            # every option some peer backs is heard by every seat
            inbox, heard = hear(ctx, views, r)
            for i, q in quoted.items():
                backed = {int(inbox[i][j].argmax()) for j in np.flatnonzero(heard[i]) if j != i}
                assert {int(inbox[i][j].argmax()) for j in q} == backed
                assert i not in q
            views = revise(ctx, np.arange(ctx.n), first, views, inbox, heard)


def test_the_old_rule_would_have_failed_this_test() -> None:
    """The most confident four, as before: persuaders fill almost every block (the bug)."""
    ctx = persuaded_council()
    views = open_views(ctx, np.arange(ctx.n))
    inbox, heard = hear(ctx, views, 1)
    from council.rules.opinion import confidence

    faulty = set(np.flatnonzero(ctx.faulty).tolist())
    loudest = []
    for i in np.flatnonzero(ctx.honest):
        senders = np.flatnonzero(heard[i])
        sure = confidence(inbox[i][senders])
        loudest.append(set(senders[np.lexsort((senders, -sure))[:4]].tolist()))
    assert sum(len(q & faulty) > 1 for q in loudest) > 20


def test_groups_are_mixed_and_the_sample_is_seeded() -> None:
    ctx = persuaded_council()
    views = open_views(ctx, np.arange(ctx.n))
    quoted = blocks(ctx, views, 1)
    for q in quoted.values():
        assert len(q) == MAX_HEARD
        groups = [ctx.personas[j].group for j in q]
        assert len(set(groups)) == 4  # six places, four groups: every group heard
    assert blocks(ctx, views, 1) == quoted  # the same seed, the same sample
    assert blocks(ctx, views, 2) != quoted  # another round, another sample
    other = persuaded_council(seed=5)
    assert blocks(other, open_views(other, np.arange(other.n)), 1) != quoted


@settings(max_examples=80, deadline=None)
@given(
    data=st.data(),
    n=st.integers(2, 60),
    k=st.integers(2, 8),
    seed=st.integers(0, 10_000),
)
def test_the_sample_keeps_its_rules(data, n: int, k: int, seed: int) -> None:  # type: ignore[no-untyped-def]
    faulty = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    options = data.draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n))
    sure = data.draw(st.lists(st.floats(0, 1), min_size=n, max_size=n))
    groups = data.draw(st.lists(st.sampled_from("abcd"), min_size=n, max_size=n))
    seat = data.draw(st.integers(0, n - 1))
    senders = [j for j in range(n) if j != seat and data.draw(st.booleans())]
    n_faulty = sum(faulty)

    def sample(at: int = seat) -> list[int]:
        return sample_peers(
            seed=seed,
            seat=at,
            round_no=1,
            senders=senders,
            options=[options[j] for j in senders],
            confidence=[sure[j] for j in senders],
            groups=[groups[j] for j in senders],
            faulty=[faulty[j] for j in senders],
            n=n,
            n_faulty=n_faulty,
        )

    chosen = sample()
    in_play = {options[j] for j in senders}
    size = max(MAX_HEARD, len(in_play))
    honest_share, faulty_share = shares(size, n_faulty, n)
    assert chosen == sorted(set(chosen)) and set(chosen) <= set(senders)
    assert len(chosen) <= size
    assert sum(faulty[j] for j in chosen) <= faulty_share == math.ceil(size * n_faulty / n)
    assert sum(not faulty[j] for j in chosen) <= honest_share
    # Options whose backers include an honest seat are heard (where the honest share has room
    # for every option in play).
    honestly_backed = {options[j] for j in senders if not faulty[j]}
    if honest_share >= len(in_play):
        assert honestly_backed <= {options[j] for j in chosen}
    # The block is as full as the shares and the senders allow.
    can = min(sum(not faulty[j] for j in senders), honest_share) + min(
        sum(faulty[j] for j in senders), faulty_share
    )
    assert len(chosen) == min(size, can)
    assert sample() == chosen
