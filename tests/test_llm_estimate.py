"""--estimate counts tokens with the model's own tokenizer, offline, and shows a range."""

from __future__ import annotations

import json

import pytest

from council.contracts.config import RunConfig
from council.engine.context import prepare
from council.reasoners.llm import tokens
from council.reasoners.llm.estimate import REPAIR_RATE, RETRY_RATE, estimate
from council.reasoners.llm.prices import DEFAULT_PRICES
from council.reasoners.llm.seat import seat_messages

SCENARIO = "kh-credit-scoring-isolated-data"


def test_openai_models_are_counted_with_tiktoken_offline() -> None:
    # Known o200k_base and cl100k_base encodings (the ids tiktoken gives for this text).
    o200k = tokens.encoding("o200k_base")
    cl100k = tokens.encoding("cl100k_base")
    assert o200k is not None and cl100k is not None
    assert o200k.encode("hello world") == [24912, 2375]
    assert cl100k.encode("hello world") == [15339, 1917]
    assert o200k.n_vocab == 200019 and cl100k.n_vocab == 100277
    assert tokens.tokenizer_of("gpt-4o-mini") == "o200k_base"
    assert tokens.tokenizer_of("gpt-4") == "cl100k_base"


def test_khmer_takes_about_one_token_for_every_one_and_a_half_characters() -> None:
    ctx = prepare(RunConfig(scenario=SCENARIO))
    km = ctx.scenario.translations["km"]
    text = " ".join(t for t in (km.title, km.summary) if t)
    khmer = "".join(c for c in text if "\u1780" <= c <= "\u17ff" or c == " ")
    assert len(khmer) > 200
    ratio = len(khmer) / tokens.count(khmer, "gpt-4o-mini")
    assert ratio == pytest.approx(tokens.KHMER_CHARS_PER_TOKEN, abs=0.25)
    english = ctx.scenario.summary
    assert len(english) / tokens.count(english, "gpt-4o-mini") > 3.5  # four times fewer tokens


def test_other_models_are_counted_by_the_stated_ratio() -> None:
    assert tokens.tokenizer_of("qwen2.5-0.5b-instruct") == tokens.FALLBACK
    assert tokens.count("abcdefgh", "llama") == 2  # 4 ASCII characters a token
    assert tokens.count("ខ្មែរ", "llama") == 5  # one token a Khmer character


def test_a_bundled_file_tiktoken_does_not_expect_falls_back(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    tokens.encoding.cache_clear()
    monkeypatch.setattr(tokens, "_bundled", lambda name: b"aGVsbG8= 0\n")
    try:
        assert tokens.encoding("o200k_base") is None
        assert tokens.tokenizer_of("gpt-4o-mini") == tokens.FALLBACK
    finally:
        tokens.encoding.cache_clear()


def test_the_estimate_is_a_range_with_retries_repairs_and_real_token_counts() -> None:
    ctx = prepare(RunConfig(scenario=SCENARIO, backend="openai", model="gpt-4o-mini"))
    est = estimate(ctx, DEFAULT_PRICES)
    assert est.tokenizer == "o200k_base"
    assert (est.calls_min, est.calls_max) == (33 * 3, 33 * 5)
    assert est.attempts_max == -(-est.calls_max * (1 + RETRY_RATE + REPAIR_RATE) // 1)
    assert est.prompt_tokens_max > est.prompt_tokens_min > 0
    assert est.completion_tokens_max > est.completion_tokens_min > 0
    assert 0 < est.cost_min < est.cost_max  # type: ignore[operator]
    # The largest prompt, counted as sent: the messages with overhead, and the schema.
    from council.reasoners.llm.reply import reply_model, reply_schema

    schema = tokens.count_json(reply_schema(reply_model(ctx.option_ids)), "gpt-4o-mini")
    opening = max(
        tokens.count_messages(seat_messages(ctx, i, 0), "gpt-4o-mini") for i in range(ctx.n)
    )
    assert est.prompt_tokens_per_call > opening + schema  # a later phase carries more
    # A typical reply is a short JSON object, well under the cap each request carries.
    assert 80 < est.completion_tokens_per_call < est.completion_tokens_cap


def test_khmer_runs_are_estimated_dearer() -> None:
    def est(language: str):  # type: ignore[no-untyped-def]
        config = RunConfig(scenario=SCENARIO, backend="openai", model="gpt-4o", language=language)
        return estimate(prepare(config), DEFAULT_PRICES)

    en, km = est("en"), est("km")
    assert km.completion_tokens_per_call > 1.8 * en.completion_tokens_per_call
    assert km.prompt_tokens_per_call > en.prompt_tokens_per_call
    assert km.cost_max > en.cost_max  # type: ignore[operator]
    assert json.loads(km.model_dump_json())["tokenizer"] == "o200k_base"


def test_each_seat_is_priced_at_its_own_model() -> None:
    def est(models: dict | None = None, model: str = "gpt-4o-mini"):  # type: ignore[no-untyped-def,type-arg]
        config = RunConfig(scenario=SCENARIO, backend="openai", model=model, models=models)
        ctx = prepare(config)
        return ctx, estimate(ctx, DEFAULT_PRICES)

    _, mini = est()
    ctx, mixed = est(
        {"default": {"model": "gpt-4o-mini"}, "groups": {"academia": {"model": "gpt-4o"}}}
    )
    _, dear = est(model="gpt-4o")
    on_4o = sum(1 for e in ctx.endpoints if e is not None and e.model == "gpt-4o")
    assert 0 < on_4o < ctx.n
    assert {m: e.seats for m, e in mixed.by_model.items()} == {
        "gpt-4o-mini": ctx.n - on_4o,
        "gpt-4o": on_4o,
    }
    # The academia seats cost gpt-4o's price, the rest gpt-4o-mini's.
    assert mini.cost_min < mixed.cost_min < dear.cost_min  # type: ignore[operator]
    assert mini.cost_max < mixed.cost_max < dear.cost_max  # type: ignore[operator]
    parts = mixed.by_model.values()
    assert mixed.cost_min == pytest.approx(sum(e.cost_min for e in parts))  # type: ignore[misc]
    assert mixed.prompt_tokens_min == sum(e.prompt_tokens_min for e in parts)
    assert mixed.completion_tokens_max == sum(e.completion_tokens_max for e in parts)
    for model, part in mixed.by_model.items():
        price = DEFAULT_PRICES[model]
        want = part.prompt_tokens_min * price.input + part.completion_tokens_min * price.output
        assert part.cost_min == pytest.approx(want / 1_000_000, abs=1e-6)
    assert mixed.calls_min == mini.calls_min and mixed.tokenizer == "o200k_base"


def test_each_seat_is_counted_with_its_own_tokenizer() -> None:
    base = RunConfig(scenario=SCENARIO, backend="openai", model="gpt-4o-mini", language="km")
    ctx = prepare(base)
    persona = ctx.personas[0]
    models = {
        "default": {"model": "gpt-4o-mini"},
        "groups": {persona.group: {"model": "gpt-4"}},  # cl100k: Khmer costs it far more
        "personas": {ctx.personas[1].id: {"model": "llama3.1"}},  # no tokenizer, no price
    }
    mixed = estimate(prepare(RunConfig(**{**base.model_dump(), "models": models})), DEFAULT_PRICES)
    alone = estimate(ctx, DEFAULT_PRICES)
    gpt4, local = mixed.by_model["gpt-4"], mixed.by_model["llama3.1"]
    assert gpt4.tokenizer == "cl100k_base" and local.tokenizer == tokens.FALLBACK
    assert mixed.by_model["gpt-4o-mini"].tokenizer == "o200k_base"
    assert "cl100k_base (gpt-4)" in mixed.tokenizer and "(llama3.1)" in mixed.tokenizer
    # Counted with cl100k, which spends far more tokens on Khmer than o200k.
    per_seat = alone.prompt_tokens_min / alone.llm_seats
    assert gpt4.prompt_tokens_min / gpt4.seats > 1.2 * per_seat
    assert local.cost_min is None and mixed.cost_min is None and mixed.cost_max is None
    assert gpt4.cost_min is None  # gpt-4 is not in the built-in table either
    assert mixed.by_model["gpt-4o-mini"].cost_min is not None
