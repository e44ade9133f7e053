"""Prices per million tokens, to estimate what a run costs (indicative; override with a file)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from council.library.loader import LoadError, Problem


class Price(BaseModel):
    """US dollars per million tokens."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    input: float = Field(ge=0)
    output: float = Field(ge=0)


DEFAULT_PRICES: dict[str, Price] = {
    # Indicative list prices; local servers (Ollama, vLLM, llama.cpp) cost nothing per token.
    "gpt-4o-mini": Price(input=0.15, output=0.60),
    "gpt-4o": Price(input=2.50, output=10.00),
    "gpt-4.1-mini": Price(input=0.40, output=1.60),
    "gpt-4.1": Price(input=2.00, output=8.00),
    "gpt-4.1-nano": Price(input=0.10, output=0.40),
}


def load_prices(path: Path | None) -> dict[str, Price]:
    """The built-in table, updated from a YAML or JSON file mapping model -> {input, output}."""
    prices = dict(DEFAULT_PRICES)
    if path is None:
        return prices
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as err:
        raise LoadError([Problem(file=str(path), message=f"cannot read prices: {err}")]) from None
    if not isinstance(data, dict):
        raise LoadError([Problem(file=str(path), message="expected a mapping of model to prices")])
    for model, entry in data.items():
        try:
            prices[str(model)] = Price.model_validate(entry)
        except ValidationError as err:
            first = err.errors(include_url=False)[0]
            field = ".".join([str(model), *map(str, first["loc"])])
            raise LoadError([Problem(file=str(path), field=field, message=first["msg"])]) from None
    return prices


def cost(prices: dict[str, Price], model: str | None, prompt: int, completion: int) -> float | None:
    """Dollars for these tokens, or None if the model has no price.

    >>> cost(DEFAULT_PRICES, "gpt-4o-mini", 1_000_000, 0)
    0.15
    """
    price = prices.get(model or "")
    if price is None:
        return None
    return round((prompt * price.input + completion * price.output) / 1_000_000, 6)
