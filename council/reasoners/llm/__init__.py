"""LLM seats on any OpenAI-compatible endpoint (only ``client`` here imports openai)."""

from council.reasoners.llm.estimate import Estimate, estimate, estimate_config
from council.reasoners.llm.prices import DEFAULT_PRICES, Price, cost

__all__ = ["DEFAULT_PRICES", "Estimate", "Price", "cost", "estimate", "estimate_config"]
