"""How much a run may ask: a cost budget, request and token rates, an adaptive concurrency bound.

- :class:`Budget` is shared by every client of a run (one per model, with ``--models``): it
  charges each call's tokens at the client's price and refuses calls once the limit is spent.
- :class:`Rates` spaces requests to ``rpm`` requests and ``tpm`` tokens a minute with
  aiolimiter's leaky buckets, never more in any sliding minute (a token count is only known
  after the call, so each request reserves its prompt estimate plus its output cap, as
  OpenAI's own limiter counts it).
- :class:`AdaptiveBound` halves the number of requests in flight on a burst of 429s (once per
  burst: only a 429 to a request sent after the last cut cuts again) and grows by a quarter (at
  least one) after ``bound`` successes in a row, never above the configured ``max_concurrency``.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiolimiter import AsyncLimiter

from council.reasoners.llm.prices import Price


class Budget:
    """Dollars a run may spend, shared by all its clients; ``None`` is no limit.

    >>> b = Budget(0.01, {"m": Price(input=1.0, output=2.0)})
    >>> b.charge("m", 5_000, 0), b.exceeded
    (0.005, False)
    >>> b.charge("m", 2_500, 1_000), b.spent_usd, b.exceeded
    (0.0045, 0.0095, False)
    >>> _ = b.charge("m", 1_000, 0); b.exceeded
    True
    """

    def __init__(self, limit_usd: float | None = None, prices: dict[str, Price] | None = None):
        self.limit_usd = limit_usd
        self.prices = dict(prices or {})
        self.spent_usd = 0.0
        self.by_model: dict[str, float] = {}
        """Dollars spent per model (models without a price are not in it)."""

    @property
    def exceeded(self) -> bool:
        """Whether the limit is spent (no further call may go out)."""
        return self.limit_usd is not None and self.spent_usd >= self.limit_usd - 1e-12

    def price_of(self, model: str, price: Price | None = None) -> Price | None:
        """The price a call to ``model`` is charged at (``price`` wins over the table)."""
        return price or self.prices.get(model)

    def charge(
        self, model: str, prompt: int, completion: int, price: Price | None = None
    ) -> float | None:
        """Charge one call's tokens; the dollars charged, or None if the model has no price."""
        rate = self.price_of(model, price)
        if rate is None:
            return None
        dollars = (prompt * rate.input + completion * rate.output) / 1_000_000
        self.spent_usd = round(self.spent_usd + dollars, 9)
        self.by_model[model] = round(self.by_model.get(model, 0.0) + dollars, 9)
        return round(dollars, 9)


def _bucket(per_minute: int, minute: float) -> AsyncLimiter:
    """A leaky bucket that never lets more than ``per_minute`` through in any minute.

    A bucket of size b leaking r a second lets b + 60 r through in a minute; a tenth of the
    rate as the burst and the rest spread evenly keeps that at the limit, which a server
    counting over a sliding minute also accepts.
    """
    burst = max(1.0, per_minute / 10)
    return AsyncLimiter(burst, minute * burst / max(1.0, per_minute - burst))


class Rates:
    """Request and token rates a minute (either may be None: no limit).

    ``minute`` is the length of a minute in seconds (60; tests shorten it).
    """

    def __init__(self, rpm: int | None = None, tpm: int | None = None, minute: float = 60.0):
        self.rpm = rpm
        self.tpm = tpm
        self._requests = _bucket(rpm, minute) if rpm else None
        self._tokens = _bucket(tpm, minute) if tpm else None

    async def wait(self, tokens: int) -> None:
        """Wait until one more request of about ``tokens`` tokens fits both rates."""
        if self._requests is not None:
            await self._requests.acquire()
        if self._tokens is not None:
            # aiolimiter refuses more than the bucket holds: a bigger call waits for a full one.
            await self._tokens.acquire(min(float(tokens), self._tokens.max_rate))


class AdaptiveBound:
    """A concurrency bound that halves on a burst of 429s and creeps back after successes."""

    def __init__(self, ceiling: int) -> None:
        self.ceiling = ceiling
        self.bound = ceiling
        self.in_flight = 0
        self.cuts = 0
        """How many times the bound was halved (a burst of 429s counts once)."""
        self._epoch = 0
        self._streak = 0
        self._free = asyncio.Condition()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[int]:
        """Hold one of the ``bound`` slots; yields the epoch to give :meth:`limited` back."""
        async with self._free:
            await self._free.wait_for(lambda: self.in_flight < self.bound)
            self.in_flight += 1
            epoch = self._epoch
        try:
            yield epoch
        finally:
            async with self._free:
                self.in_flight -= 1
                self._free.notify_all()

    def limited(self, epoch: int) -> None:
        """A 429 to a request sent in ``epoch``: halve the bound, once per burst."""
        self._streak = 0
        if epoch == self._epoch:
            self.bound = max(1, self.bound // 2)
            self._epoch += 1
            self.cuts += 1

    async def succeeded(self) -> None:
        """A success: after ``bound`` of them in a row, one more request may fly."""
        self._streak += 1
        if self.bound < self.ceiling and self._streak >= self.bound:
            self._streak = 0
            async with self._free:
                self.bound = min(self.ceiling, max(self.bound + 1, math.ceil(self.bound * 1.25)))
                self._free.notify_all()
