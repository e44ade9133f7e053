"""How much a run may ask: a cost budget, request and token rates, an adaptive concurrency bound.

- :class:`Budget` is shared by every client of a run (one per model, with ``--models``): a
  request that has its concurrency slot is admitted with its estimated cost, which it holds
  until its reply is charged. While the dollars spent and held reach the limit, a request
  waits for those in flight to settle; once the dollars spent alone reach it, it is refused.
  So a request goes out only while spent plus held is under the limit, and (estimates being on
  the high side) the final cost passes it by less than one request's cost.
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

    A request about to be sent is admitted with its estimated cost, which it holds until it
    is settled: charged its real cost, or released if it failed.

    >>> b = Budget(0.01, {"m": Price(input=1.0, output=2.0)})
    >>> held = asyncio.run(b.admit("m", 5_000, 1_000)); held, b.held_usd
    (0.007, 0.007)
    >>> b.settle(held, "m", 4_000, 500), b.spent_usd, b.held_usd, b.exceeded
    (0.005, 0.005, 0.0, False)
    >>> _ = b.settle(0.0, "m", 5_000, 0); b.exceeded, asyncio.run(b.admit("m", 10, 10))
    (True, None)
    """

    def __init__(self, limit_usd: float | None = None, prices: dict[str, Price] | None = None):
        self.limit_usd = limit_usd
        self.prices = dict(prices or {})
        self.spent_usd = 0.0
        self.held_usd = 0.0
        """Dollars the requests in flight may cost (their estimates, until they are settled)."""
        self.by_model: dict[str, float] = {}
        """Dollars spent per model (models without a price are not in it)."""
        self._waiting: list[asyncio.Future[None]] = []

    @property
    def exceeded(self) -> bool:
        """Whether the limit is spent (no further call may go out)."""
        return self.limit_usd is not None and self.spent_usd >= self.limit_usd - 1e-12

    def _full(self) -> bool:
        """Whether the dollars spent and held reach the limit."""
        return (
            self.limit_usd is not None and self.spent_usd + self.held_usd >= self.limit_usd - 1e-12
        )

    def price_of(self, model: str, price: Price | None = None) -> Price | None:
        """The price a call to ``model`` is charged at (``price`` wins over the table)."""
        return price or self.prices.get(model)

    async def admit(
        self, model: str, prompt: int, completion: int, price: Price | None = None
    ) -> float | None:
        """Admit one request of at most these tokens: the dollars it holds, or None if refused.

        While the dollars spent and held reach the limit, it waits for requests in flight to
        settle; it is refused once the dollars spent alone do. A model without a price holds
        nothing (its calls cannot be counted). Settle every admitted request with
        :meth:`settle`, whatever became of it.
        """
        while self._full() and self.held_usd > 0:
            waiter = asyncio.get_running_loop().create_future()
            self._waiting.append(waiter)
            await waiter
        if self._full():
            return None
        dollars = self._dollars(model, prompt, completion, price) or 0.0
        self.held_usd = round(self.held_usd + dollars, 9)
        return dollars

    def settle(
        self,
        held: float,
        model: str | None = None,
        prompt: int = 0,
        completion: int = 0,
        price: Price | None = None,
    ) -> float | None:
        """Release what a request held and charge what it cost (``model`` None: nothing came).

        Returns the dollars charged, or None if nothing was (no reply, or no price).
        """
        self.held_usd = max(0.0, round(self.held_usd - held, 9))
        dollars = None if model is None else self.charge(model, prompt, completion, price)
        waiting, self._waiting = self._waiting, []
        for waiter in waiting:
            if not waiter.done():
                waiter.set_result(None)
        return dollars

    def charge(
        self, model: str, prompt: int, completion: int, price: Price | None = None
    ) -> float | None:
        """Charge one call's tokens; the dollars charged, or None if the model has no price."""
        dollars = self._dollars(model, prompt, completion, price)
        if dollars is None:
            return None
        self.spent_usd = round(self.spent_usd + dollars, 9)
        self.by_model[model] = round(self.by_model.get(model, 0.0) + dollars, 9)
        return dollars

    def _dollars(
        self, model: str, prompt: int, completion: int, price: Price | None
    ) -> float | None:
        rate = self.price_of(model, price)
        if rate is None:
            return None
        return round((prompt * rate.input + completion * rate.output) / 1_000_000, 9)


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
