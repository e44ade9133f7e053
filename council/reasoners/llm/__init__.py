"""LLM seats on any OpenAI-compatible endpoint.

Lives here: ``request`` (what one request is: settings, scope, reply format, cache key, answer),
``client`` and ``preflight`` (the only modules that import ``openai``: retries, repair, cache,
budget; the endpoint check), ``errors`` (an endpoint's failures in words), ``limits`` (rates,
adaptive concurrency, the cost budget), ``reply`` (the reply schema and model), ``prompts`` and
``hearing`` (what a seat is told; its fair sample of peers), ``seat`` (one seat-phase's
messages and answer), ``endpoints`` (a client per model and base URL), ``tokens``, ``prices``,
``estimate`` and ``accounting`` (tokens and dollars, before and after).

May import: ``council.contracts``, ``council.rules``, ``council.engine`` and ``council.store``
(the client itself reaches the cache only through ``request.ResponseCache``).
"""

from council.reasoners.llm.estimate import Estimate, estimate, estimate_config
from council.reasoners.llm.prices import DEFAULT_PRICES, Price, cost

__all__ = ["DEFAULT_PRICES", "Estimate", "Price", "cost", "estimate", "estimate_config"]
