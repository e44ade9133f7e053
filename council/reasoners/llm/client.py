"""The OpenAI-compatible client: rates, retries, repair, cache, budget, accounting.

With ``preflight`` and ``attempt``, the only modules that import ``openai``. The SDK's own
retries are off; ours back off with jitter, honour ``Retry-After`` on 429, 5xx and timeouts, and
make one repair attempt when the output is not valid JSON of the requested schema (giving the
validation error back). 4xx other than 429 are not retried. The API key lives in the client
object only: never in a config, a record, the cache or a log line; every text a server sends
back (error messages, replies, refusals) is redacted of it before anything else sees it, since a
server may echo the key it was sent.

Servers differ in what they accept; the client speaks two dialects of the same request:

- ``openai`` (api.openai.com and Azure, or after a server refused our schema): the reply
  schema without ``maxLength`` (strict mode refuses it) and ``max_completion_tokens`` only
  (``max_tokens`` is refused by reasoning models).
- ``compatible`` (llama.cpp, vLLM, Ollama, proxies): the full schema (llama.cpp's grammar needs
  ``maxLength`` or a small model rambles to the token cap) and both ``max_completion_tokens``
  and ``max_tokens`` (older llama.cpp servers and Ollama read only the latter).
"""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

import httpx
import openai
from openai._models import FinalRequestOptions
from pydantic import BaseModel, ValidationError

from council.contracts.safe_text import redact
from council.reasoners.llm.attempt import (
    RETRY_AFTER_CAP,
    Failed,
    Received,
    clip,
    failed,
    retry_after,
    schema_refused,
)
from council.reasoners.llm.errors import (
    connection_words,
)
from council.reasoners.llm.limits import AdaptiveBound, Budget, Rates
from council.reasoners.llm.preflight import check, server_message
from council.reasoners.llm.prices import Price
from council.reasoners.llm.request import (
    Answer,
    CallScope,
    Dialect,
    LLMSettings,
    ResponseCache,
    Usage,
    _response_format,
    cache_key,
    dialect_of,
    output_cap,
    prompt_tokens_at_most,
)

__all__ = ["RETRY_AFTER_CAP", "LLMClient"]

_CHAT = FinalRequestOptions.construct(method="post", url="/chat/completions")
"""A chat request's SDK options, built once; each call copies it with its body."""


class LLMClient:
    """Requests to one endpoint and model for one run, all through one bounded pool."""

    def __init__(
        self,
        settings: LLMSettings,
        *,
        api_key: str | None,
        cache: ResponseCache | None = None,
        budget: Budget | None = None,
        price: Price | None = None,
    ) -> None:
        self.settings = settings
        self.cache = cache
        self.budget = budget
        self.price = price
        self.dialect: Dialect = dialect_of(settings.base_url)
        self._api_key = api_key or "unused"  # local servers (Ollama, llama.cpp) need none
        # One SDK client for the preflight and every call: its set-up (an SSL context) costs
        # 30-100 ms of blocked event loop, and the preflight leaves a warm connection behind.
        self._sdk = openai.AsyncOpenAI(
            api_key=self._api_key,
            base_url=settings.base_url,
            max_retries=0,
            timeout=settings.timeout,
            # aiohttp keeps a council's worth of concurrent requests cheaper than httpx's pool.
            http_client=openai.DefaultAioHttpClient(timeout=settings.timeout),
        )
        self.bound = AdaptiveBound(settings.max_concurrency)
        self.rates = Rates(settings.rpm, settings.tpm)
        self._rng = random.Random(0)
        self._handoff = asyncio.Lock()

    # --- one seat-phase ----------------------------------------------------------------------
    async def ask(
        self, messages: list[dict[str, str]], reply_model: type[BaseModel], *, scope: CallScope
    ) -> Answer:
        """One seat-phase: cache, then HTTP with retries, then one repair; never raises."""
        key = None
        if self.settings.cache != "off" and self.cache is not None:
            key = cache_key(
                self.settings,
                messages,
                _response_format(reply_model, "compatible")["json_schema"]["schema"],
                scope,
            )
            # Off the event loop: the checkpointer shares the file and must be free to commit.
            hit = await asyncio.to_thread(self.cache.cache_get, key)
            if hit is not None:
                try:
                    reply = reply_model.model_validate_json(hit)
                    return Answer(reply=reply, raw=hit, usage=Usage(cached=1))
                except ValidationError:
                    pass  # a stale entry: ask again
        if self.settings.cache == "read":
            return Answer(
                error="not in the cache (--cache read makes no calls)", error_kind="cache_miss"
            )
        usage = Usage()
        got, failure, usage = await self._attempts(messages, reply_model, usage)
        if got is None:
            return failed(failure, usage)
        reply, invalid = self._check(got, reply_model)
        if invalid:
            usage = usage + Usage(errors=1)
            repair = [
                *messages,
                {"role": "assistant", "content": got.content},
                {
                    "role": "user",
                    "content": f"Your reply was not valid: {invalid}. Answer again with only "
                    "the JSON object the format asks for.",
                },
            ]
            first = got
            got, failure, usage = await self._attempts(repair, reply_model, usage)
            if got is None:
                return failed(failure, usage, raw=first.content)
            reply, invalid = self._check(got, reply_model)
            if invalid:
                return Answer(
                    error=f"invalid output after a repair: {invalid}",
                    error_kind="invalid",
                    raw=got.content,
                    usage=usage + Usage(errors=1),
                )
        if self.settings.cache == "on" and self.cache is not None and key is not None:
            await asyncio.to_thread(self.cache.cache_put, key, got.content)
        return Answer(reply=reply, raw=got.content, usage=usage)

    def _check(self, got: Received, model: type[BaseModel]) -> tuple[Any, str | None]:
        if got.cut:  # say why rather than report a JSON syntax error
            cap = self.settings.max_completion_tokens
            return None, f"it was cut off at the output cap of {cap} tokens; keep it shorter"
        return self._validate(got.content, model)

    @staticmethod
    def _validate(content: str, model: type[BaseModel]) -> tuple[Any, str | None]:
        try:
            return model.model_validate_json(content), None
        except ValidationError as err:
            first = err.errors(include_url=False)[0]
            where = ".".join(str(p) for p in first["loc"])
            return None, f"{where}: {first['msg']}" if where else str(first["msg"])

    async def _attempts(
        self, messages: list[dict[str, str]], model: type[BaseModel], usage: Usage
    ) -> tuple[Received | None, Failed | None, Usage]:
        """HTTP attempts with backoff: (received, None, usage) or (None, failure, usage)."""
        failed = limited = 0
        while True:
            try:
                got = await self._once(messages, model)
            except Failed as err:
                if err.kind == "budget":  # refused before it was sent: no call
                    return None, err, usage
                usage = usage + Usage(calls=1, errors=1)
                if err.kind == "http":
                    return None, err, usage
                if err.kind == "rate_limited":
                    limited += 1
                    spent, allowed = limited, self.settings.rate_limit_attempts
                else:
                    failed += 1
                    spent, allowed = failed, self.settings.attempts
                if spent >= allowed:
                    return None, Failed(f"gave up after {spent} attempts: {err}", err.kind), usage
                delay = min(self.settings.backoff_cap, self.settings.backoff * 2 ** (spent - 1))
                delay *= 0.5 + self._rng.random()  # jitter
                if err.wait is not None:
                    delay = max(delay, min(err.wait, RETRY_AFTER_CAP))
                await asyncio.sleep(delay)
                continue
            usage = usage + Usage(calls=1) + got.tokens
            if got.refusal is not None:  # paid for, and asking again will not change its mind
                failure = Failed(f"the model refused: {got.refusal}", "refused")
                return None, failure, usage + Usage(errors=1)
            return got, None, usage

    def _body(
        self, messages: list[dict[str, str]], model: type[BaseModel], dialect: Dialect
    ) -> bytes:
        """The request's JSON body, encoded once here (the SDK is given the bytes)."""
        body = {
            "model": self.settings.model,
            "messages": messages,
            "temperature": self.settings.temperature,
            "response_format": _response_format(model, dialect),
            **output_cap(self.settings, dialect),
        }
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()

    async def _once(self, messages: list[dict[str, str]], model: type[BaseModel]) -> Received:
        dialect = self.dialect
        body = self._body(messages, model, dialect)
        prompt = prompt_tokens_at_most(body)
        if self.rates.rpm or self.rates.tpm:
            # What OpenAI's limiter counts: the prompt and the output cap.
            await self.rates.wait(prompt + self.settings.max_completion_tokens)
        async with self.bound.slot() as epoch:
            # The budget is checked here, with a slot, not before the wait for one: a request
            # admitted holds its estimated cost until it is settled, and none goes out while
            # the dollars spent and held reach the cap.
            held = await self._admit(prompt)
            tokens: Usage | None = None
            try:
                raw = await self._post(body)
                data = raw.json()
                usage = data.get("usage") or {}
                tokens = Usage(
                    prompt_tokens=int(usage.get("prompt_tokens") or 0),
                    completion_tokens=int(usage.get("completion_tokens") or 0),
                )
            except openai.RateLimitError as err:
                self.bound.limited(epoch)
                raise Failed("HTTP 429 rate limited", "rate_limited", retry_after(err)) from None
            except openai.InternalServerError as err:
                raise Failed(f"HTTP {err.status_code}", "server_error", retry_after(err)) from None
            except openai.APIStatusError as err:  # 4xx other than 429: retrying will not help
                message = self._redact(server_message(err))
                if err.status_code == 400 and dialect == "compatible" and schema_refused(message):
                    self.dialect = "openai"  # an OpenAI-like server behind a proxy: ask its way
                    raise Failed(f"HTTP 400: {message}", "server_error", 0.0) from None
                raise Failed(f"HTTP {err.status_code}: {message}", "http") from None
            except openai.APIConnectionError as err:
                words = self._redact(connection_words(err, self.settings.timeout))
                raise Failed(words, "connection") from None
            finally:
                if self.budget is not None:  # charged what it cost (nothing if no reply came)
                    self.budget.settle(
                        held,
                        None if tokens is None else self.settings.model,
                        0 if tokens is None else tokens.prompt_tokens,
                        0 if tokens is None else tokens.completion_tokens,
                        self.price,
                    )
        await self.bound.succeeded()
        choice = (data.get("choices") or [{}])[0]
        said = choice.get("message") or {}
        return Received(
            content=self._redact(said.get("content") or ""),
            tokens=tokens,
            cut=choice.get("finish_reason") == "length",
            refusal=self._redact(clip(said["refusal"])) if said.get("refusal") else None,
        )

    def _redact(self, text: str) -> str:
        """A server's text without the key (or anything that looks like one)."""
        return redact(text, [self._api_key])

    async def _post(self, body: bytes) -> httpx.Response:
        """Send one request as soon as it is built, then wait for its reply.

        On Python 3.11, aiohttp writes a request from a task of its own, which asyncio runs
        only after every task already waiting to run: when a phase's seats all start at once,
        no request went out before the last seat had built its own, and the replies came back
        in a bunch, to be handled one after the other. So requests take turns here: one runs
        until the SDK has handed it to aiohttp, the next a loop turn later, after its write.
        """
        await self._handoff.acquire()
        asyncio.get_running_loop().call_soon(self._handoff.release)
        # The SDK's request method with its options built once and the body already encoded:
        # its typed ``create`` (a transform of every param) and ``post`` (options built, the
        # body copied and encoded) cost event-loop time on every call, and a council's calls
        # queue on that one loop.
        return await self._sdk.request(httpx.Response, _CHAT.model_copy(update={"content": body}))

    async def _admit(self, prompt: int) -> float:
        """Hold a request's estimated cost in the budget (0 without one); Failed if refused."""
        if self.budget is None:
            return 0.0
        cap = self.settings.max_completion_tokens
        held = await self.budget.admit(self.settings.model, prompt, cap, self.price)
        if held is None:
            paid = f"${self.budget.spent_usd:.4f} of ${self.budget.limit_usd:g}"
            raise Failed(f"cost cap reached ({paid} spent)", "budget")
        return held

    # --- before any seat ---------------------------------------------------------------------
    async def preflight(self) -> None:
        """Check the endpoint answers, accepts the key and serves the model (``preflight.check``).

        It goes through the client the calls use (their connection pool, warmed).
        """
        await check(self._sdk, self.settings, self.dialect)

    async def close(self) -> None:
        """Release the HTTP connections."""
        await self._sdk.close()
