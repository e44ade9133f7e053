"""The OpenAI-compatible client: bounded concurrency, retries, repair, cache, accounting.

The only module that imports ``openai``. The SDK's own retries are off; ours back off with
jitter, honour ``Retry-After`` on 429, 5xx and timeouts, and make one repair attempt when the
output is not valid JSON of the requested schema (giving the validation error back). The API
key lives in the client object only: never in a config, a record, the cache or a log line.
"""

from __future__ import annotations

import asyncio
import email.utils
import functools
import hashlib
import json
import random
import time
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

import httpx
import openai
from openai.lib._parsing._completions import type_to_response_format_param
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from council.store import Store

CacheMode = Literal["on", "read", "off"]
RETRY_AFTER_CAP = 30.0
"""Longest wait a server's Retry-After can impose, in seconds."""


class LLMSettings(BaseModel):
    """How to reach the endpoint and how hard to try (no secrets here)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str
    base_url: str | None = None
    max_concurrency: int = Field(default=64, ge=1, le=1024)
    attempts: int = Field(default=4, ge=1, le=10, description="HTTP attempts per request.")
    backoff: float = Field(default=0.5, ge=0, description="First retry delay, seconds.")
    backoff_cap: float = Field(default=20.0, ge=0)
    timeout: float = Field(default=60.0, gt=0)
    temperature: float = Field(default=0.7, ge=0, le=2)
    cache: CacheMode = "on"


class Usage(BaseModel):
    """What calls cost: HTTP attempts, failed attempts, cache hits, tokens."""

    calls: int = 0
    errors: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(**{k: getattr(self, k) + getattr(other, k) for k in Usage.model_fields})


class Answer(BaseModel):
    """The outcome of one seat-phase's request: a validated reply or the error that ended it."""

    reply: Any = None
    error: str | None = None
    usage: Usage = Usage()


@functools.lru_cache(maxsize=64)
def response_format(model: type[BaseModel]) -> dict[str, Any]:
    """The ``response_format`` (strict json_schema) the SDK makes of a pydantic model."""
    return dict(type_to_response_format_param(model))  # type: ignore[arg-type]


def public_base_url(url: str | None) -> str | None:
    """The base URL without credentials or query (safe to record).

    >>> public_base_url("https://user:secret@example.org/v1?api-key=x")
    'https://example.org/v1'
    """
    if not url:
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def cache_key(settings: LLMSettings, messages: list[dict[str, str]], schema: dict[str, Any]) -> str:
    """Cache key over model, messages, schema and sampling settings."""
    blob = json.dumps(
        {
            "model": settings.model,
            "messages": messages,
            "schema": schema,
            "temperature": settings.temperature,
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def _retry_after(err: openai.APIStatusError) -> float | None:
    headers = err.response.headers
    if "retry-after-ms" in headers:
        try:
            return float(headers["retry-after-ms"]) / 1000
        except ValueError:
            return None
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


class _Retryable(Exception):
    def __init__(self, message: str, wait: float | None = None) -> None:
        super().__init__(message)
        self.wait = wait


class LLMClient:
    """Requests for one run, all through one bounded pool."""

    def __init__(
        self, settings: LLMSettings, *, api_key: str | None, store: Store | None = None
    ) -> None:
        self.settings = settings
        self.store = store
        self._sdk = openai.AsyncOpenAI(
            api_key=api_key or "unused",  # local servers (Ollama, llama.cpp) need none
            base_url=settings.base_url,
            max_retries=0,
            timeout=settings.timeout,
            # aiohttp keeps a council's worth of concurrent requests cheaper than httpx's pool.
            http_client=openai.DefaultAioHttpClient(timeout=settings.timeout),
        )
        self._pool = asyncio.Semaphore(settings.max_concurrency)
        self._rng = random.Random(0)

    async def ask(self, messages: list[dict[str, str]], reply_model: type[BaseModel]) -> Answer:
        """One seat-phase: cache, then HTTP with retries, then one repair; never raises."""
        schema = response_format(reply_model)["json_schema"]["schema"]
        key = cache_key(self.settings, messages, schema)
        usage = Usage()
        if self.settings.cache != "off" and self.store is not None:
            # Off the event loop: the checkpointer shares the file and must be free to commit.
            hit = await asyncio.to_thread(self.store.cache_get, key)
            if hit is not None:
                try:
                    return Answer(reply=reply_model.model_validate_json(hit), usage=Usage(cached=1))
                except ValidationError:
                    pass  # a stale entry: ask again
        if self.settings.cache == "read":
            return Answer(
                error="not in the cache (--cache read makes no calls)", usage=Usage(errors=1)
            )
        content, error, usage = await self._attempts(messages, reply_model, usage)
        if content is None:
            return Answer(error=error, usage=usage)
        reply, invalid = self._validate(content, reply_model)
        if invalid:
            usage = usage + Usage(errors=1)
            repair = [
                *messages,
                {"role": "assistant", "content": content},
                {
                    "role": "user",
                    "content": "Your reply was not valid: "
                    f"{invalid}. Answer again with only the JSON object the format asks for.",
                },
            ]
            content, error, usage = await self._attempts(repair, reply_model, usage)
            if content is None:
                return Answer(error=error, usage=usage)
            reply, invalid = self._validate(content, reply_model)
            if invalid:
                return Answer(
                    error=f"invalid output after a repair: {invalid}", usage=usage + Usage(errors=1)
                )
        if self.settings.cache == "on" and self.store is not None:
            await asyncio.to_thread(self.store.cache_put, key, content)
        return Answer(reply=reply, usage=usage)

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
    ) -> tuple[str | None, str | None, Usage]:
        """HTTP attempts with backoff; (content, None, usage) or (None, error, usage)."""
        error = "no attempt made"
        for attempt in range(self.settings.attempts):
            usage = usage + Usage(calls=1)
            try:
                content, tokens = await self._once(messages, model)
                return content, None, usage + tokens
            except _Retryable as err:
                usage = usage + Usage(errors=1)
                error = str(err)
                if attempt + 1 == self.settings.attempts:
                    break
                delay = min(self.settings.backoff_cap, self.settings.backoff * 2**attempt)
                delay *= 0.5 + self._rng.random()  # jitter
                if err.wait is not None:
                    delay = max(delay, min(err.wait, RETRY_AFTER_CAP))
                await asyncio.sleep(delay)
            except openai.APIStatusError as err:  # 4xx other than 429: retrying will not help
                return None, f"HTTP {err.status_code}: {_short(err)}", usage + Usage(errors=1)
        return None, f"gave up after {self.settings.attempts} attempts: {error}", usage

    async def _once(
        self, messages: list[dict[str, str]], model: type[BaseModel]
    ) -> tuple[str, Usage]:
        async with self._pool:
            try:
                # The body chat.completions.parse would send (the reply model's strict JSON
                # schema, built once per model), posted through the SDK's generic request
                # method: its per-request transform of typed params costs ~1-3 ms of
                # event-loop time each, which serialises a council's calls.
                raw = await self._sdk.post(
                    "/chat/completions",
                    body={
                        "model": self.settings.model,
                        "messages": messages,
                        "temperature": self.settings.temperature,
                        "response_format": response_format(model),
                    },
                    cast_to=httpx.Response,
                )
            except openai.RateLimitError as err:
                raise _Retryable("HTTP 429 rate limited", _retry_after(err)) from None
            except openai.InternalServerError as err:
                raise _Retryable(f"HTTP {err.status_code}", _retry_after(err)) from None
            except openai.APITimeoutError:
                raise _Retryable(f"timed out after {self.settings.timeout:g}s") from None
            except openai.APIConnectionError as err:
                raise _Retryable(f"connection failed: {_short(err)}") from None
        body = raw.json()
        usage = body.get("usage") or {}
        tokens = Usage(
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
        )
        choices = body.get("choices") or [{}]
        content = (choices[0].get("message") or {}).get("content") or ""
        return content, tokens

    async def close(self) -> None:
        """Release the HTTP connections."""
        await self._sdk.close()


def _short(err: Exception) -> str:
    text = " ".join(str(err).split())
    return text[:200]
