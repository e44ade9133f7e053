"""LLM seats on any OpenAI-compatible endpoint (only ``council.llm.client`` imports openai)."""

from council.llm.estimate import Estimate, estimate, estimate_config
from council.llm.prices import DEFAULT_PRICES, Price, cost

__all__ = ["DEFAULT_PRICES", "Estimate", "Price", "cost", "estimate", "estimate_config"]
