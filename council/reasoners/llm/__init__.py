"""LLM seats on any OpenAI-compatible endpoint.

Lives here: ``request`` (what one request is: settings, scope, reply format, cache key, answer),
``client``, ``attempt`` and ``preflight`` (the only modules that import ``openai``: retries,
repair, cache, budget; one attempt's outcome; the endpoint check), ``errors`` (an endpoint's
failures in words), ``limits`` (rates, adaptive concurrency, the cost budget), ``reply`` (the
reply schema and model), ``prompts`` and ``hearing`` (what a seat is told; its fair sample of
peers), ``seat`` (one seat-phase's messages and answer), ``endpoints`` (a client per model and
base URL), ``tokens``, ``prices``, ``estimate`` and ``accounting`` (tokens and dollars, before
and after).

May import: ``council.contracts``, ``council.rules``, ``council.engine`` and ``council.store``
(the client itself reaches the cache only through ``request.ResponseCache``).

The prices are light and imported here; the estimate (prompts, replies, the client, hence the
OpenAI SDK) only when ``Estimate`` or ``estimate_config`` is first used, so that reading the
price table, as every ``council run`` may, does not load the SDK. ``estimate()`` itself is in
``council.reasoners.llm.estimate`` (a package attribute of that name would be the module).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from council.reasoners.llm.prices import DEFAULT_PRICES, Price, cost

if TYPE_CHECKING:
    from council.reasoners.llm.estimate import Estimate, estimate_config

__all__ = ["DEFAULT_PRICES", "Estimate", "Price", "cost", "estimate_config"]


def __getattr__(name: str) -> Any:
    """Import the estimate's names on first use."""
    if name in ("Estimate", "estimate_config"):
        from council.reasoners.llm import estimate as module

        return getattr(module, name)
    raise AttributeError(f"module 'council.reasoners.llm' has no attribute {name!r}")
