"""The LLM clients of one run: one per distinct endpoint and model, one budget for them all.

Seats that share a model on an endpoint share its client (its connection pool, concurrency
bound and rate limits); every client charges the same ``Budget``, so ``--max-cost`` caps the
whole council. Keys are read from the environment variables a models file names (or the run's
key) when the clients are made, and live in the client objects only.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from typing import Any

from council.contracts.seat_models import Endpoint
from council.engine.context import RunContext
from council.reasoners.llm.client import LLMClient
from council.reasoners.llm.limits import Budget
from council.reasoners.llm.prices import Price
from council.reasoners.llm.request import LLMSettings, ResponseCache, Usage
from council.reasoners.llm.seat import Speech
from council.store import text_hash

DEFAULT_KEY_ENV = "OPENAI_API_KEY"


class Transport(LLMSettings):
    """How LLM calls go (attempts, backoff, timeout, rate limits); the model is the config's."""

    model: str = ""


def missing_keys(ctx: RunContext) -> list[str]:
    """Environment variables a models file names for keys that are not set, in seat order."""
    names: list[str] = []
    for endpoint in ctx.endpoints:
        env = endpoint.key_env if endpoint else None
        if env and not os.environ.get(env) and env not in names:
            names.append(env)
    return names


class SeatClients:
    """Who each LLM seat talks to, and through which client."""

    def __init__(
        self,
        ctx: RunContext,
        *,
        api_key: str | None,
        settings: LLMSettings,
        cache: ResponseCache | None,
        budget: Budget | None,
        prices: Mapping[str, Price],
    ) -> None:
        self._by_endpoint: dict[Endpoint, LLMClient] = {}
        self._seat: dict[int, LLMClient] = {}
        self._model: dict[int, str] = {}
        for seat, endpoint in enumerate(ctx.endpoints):
            if endpoint is None:
                continue
            if endpoint not in self._by_endpoint:
                key = os.environ.get(endpoint.key_env) if endpoint.key_env else api_key
                self._by_endpoint[endpoint] = LLMClient(
                    settings.model_copy(
                        update={"model": endpoint.model, "base_url": endpoint.base_url}
                    ),
                    api_key=key,
                    cache=cache,
                    budget=budget,
                    price=prices.get(endpoint.model),
                )
            self._seat[seat] = self._by_endpoint[endpoint]
            self._model[seat] = endpoint.model

    def client(self, seat: int) -> LLMClient:
        """The client a seat's calls go through."""
        return self._seat[seat]

    def model(self, seat: int) -> str:
        """The model a seat speaks with."""
        return self._model[seat]

    @property
    def endpoints(self) -> list[Endpoint]:
        """The distinct endpoints, in the order their first seat sits."""
        return list(self._by_endpoint)

    async def preflight(self) -> None:
        """Check every endpoint answers before any seat is called (EndpointError if one does not).

        The endpoints are checked at once; the first to fail (in seat order) is reported, on
        one line naming its URL.
        """
        checks = [client.preflight() for client in self._by_endpoint.values()]
        for result in await asyncio.gather(*checks, return_exceptions=True):
            if isinstance(result, BaseException):
                raise result

    async def close(self) -> None:
        """Release every client's connections."""
        await asyncio.gather(*(c.close() for c in self._by_endpoint.values()))


class RunCalls:
    """What one drive of the graph gives its LLM seats: the clients, and a tally of texts.

    The prompts sent and the replies received are kept by content hash (``llm_texts`` in the
    store): a seat-phase's statement names them, and ``flush`` writes the texts gathered since
    the last flush in one transaction. ``resent_step`` is the graph step a resume re-runs: the
    attempts its seats make are calls that were in flight when the run stopped.
    """

    def __init__(self, clients: SeatClients, *, resent_step: int | None = None) -> None:
        self.clients = clients
        self.resent_step = resent_step
        self._texts: dict[str, str] = {}

    def keep(self, text: str | None) -> str | None:
        """Hold a text for the store; return its hash (None for no text)."""
        if text is None:
            return None
        digest = text_hash(text)
        self._texts[digest] = text
        return digest

    def usage(self, seat: int, used: Usage, step: object) -> dict[str, Any]:
        """One seat-phase's usage entry for the graph's state."""
        resent = used.calls if self.resent_step is not None and step == self.resent_step else 0
        return {"model": self.clients.model(seat), "resent": resent, **used.model_dump()}

    def spoken(self, seat: int, speech: Speech) -> dict[str, Any]:
        """One seat-phase's entry for the record: model, stated confidence, text hashes."""
        return {
            "model": self.clients.model(seat),
            "confidence": None if speech.view is None else speech.confidence,
            "prompt": self.keep(speech.prompt),
            "reply": self.keep(speech.reply),
            "kind": speech.error_kind,
        }

    def take_texts(self) -> list[str]:
        """The texts held since the last call (for the store), emptying the holder."""
        texts, self._texts = list(self._texts.values()), {}
        return texts
