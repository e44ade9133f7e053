"""What a run's LLM calls came to: counts, tokens and cost per model, from the graph's usage.

Each LLM seat-phase leaves one usage entry in the graph's state: the client's ``Usage`` (HTTP
attempts, failed attempts, cache hits, tokens) with the seat's ``model`` and ``resent``, the
attempts a resume sent again because they were in flight when the run stopped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from council.reasoners.llm.prices import Price, cost

Entry = Mapping[str, Any]
"""One seat-phase's usage, as the graph's state keeps it."""


def usage_metrics(usages: Iterable[Entry]) -> dict[str, Any]:
    """The record's LLM counts: calls, cache hits, errors, re-sent calls and tokens.

    >>> usage_metrics([{"model": "m", "calls": 2, "errors": 1, "prompt_tokens": 10}])["llm_calls"]
    2
    """
    calls = cached = errors = resent = prompt = completion = 0
    for u in usages:
        calls += int(u.get("calls", 0))
        cached += int(u.get("cached", 0))
        errors += int(u.get("errors", 0))
        resent += int(u.get("resent", 0))
        prompt += int(u.get("prompt_tokens", 0))
        completion += int(u.get("completion_tokens", 0))
    return {
        "llm_calls": calls,
        "llm_cached": cached,
        "llm_errors": errors,
        "llm_resent": resent,
        "tokens": {"prompt": prompt, "completion": completion},
    }


def tokens_by_model(usages: Iterable[Entry]) -> dict[str, tuple[int, int]]:
    """Model -> (prompt tokens, completion tokens), in the order models first appear."""
    out: dict[str, tuple[int, int]] = {}
    for u in usages:
        p, c = out.get(str(u["model"]), (0, 0))
        out[str(u["model"])] = (
            p + int(u.get("prompt_tokens", 0)),
            c + int(u.get("completion_tokens", 0)),
        )
    return out


def costs(
    usages: Iterable[Entry], prices: Mapping[str, Price]
) -> tuple[float | None, dict[str, float | None]]:
    """(total, per model) in US dollars; the total is None if any model used has no price.

    >>> from council.reasoners.llm.prices import DEFAULT_PRICES
    >>> costs([{"model": "gpt-4o-mini", "prompt_tokens": 1_000_000}], DEFAULT_PRICES)
    (0.15, {'gpt-4o-mini': 0.15})
    """
    by_model = {
        model: cost(dict(prices), model, p, c) for model, (p, c) in tokens_by_model(usages).items()
    }
    if not by_model or any(v is None for v in by_model.values()):
        return None, by_model
    return round(sum(v for v in by_model.values() if v is not None), 6), by_model
