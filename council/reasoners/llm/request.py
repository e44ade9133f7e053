"""What one LLM request is: its settings, scope, reply format, cache key and outcome.

Plain data and pure functions, no SDK: the client (``council.reasoners.llm.client``) sends what
these describe, and the CLI, the estimate and the sessions read them without importing
``openai``.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field

from council.contracts.choices import CacheMode
from council.contracts.config import default_of
from council.reasoners.llm.reply import reply_schema, strict_openai
from council.reasoners.llm.tokens import MAX_COMPLETION_TOKENS

Dialect = Literal["openai", "compatible"]
ErrorKind = Literal[
    "budget",  # the run's cost cap is spent: no request was sent
    "cache_miss",  # --cache read and no entry: no request was sent
    "invalid",  # replies that did not fit the schema, after one repair
    "refused",  # the model declined to answer (OpenAI's ``refusal``)
    "connection",  # refused, unreachable or timed out on every attempt
    "rate_limited",  # 429 on every attempt allowed
    "server_error",  # 5xx on every attempt
    "http",  # a 4xx other than 429 (not retried)
]
"""Why an :class:`Answer` has no reply."""


class LLMSettings(BaseModel):
    """How to reach the endpoint and how hard to try (no secrets here)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str
    base_url: str | None = None
    max_concurrency: int = Field(default=default_of("max_concurrency"), ge=1, le=1024)
    attempts: int = Field(
        default=4, ge=1, le=10, description="HTTP attempts per request (429s aside)."
    )
    rate_limit_attempts: int = Field(
        default=12, ge=1, le=100, description="429 answers a request may get before it gives up."
    )
    backoff: float = Field(default=0.5, ge=0, description="First retry delay, seconds.")
    backoff_cap: float = Field(default=20.0, ge=0)
    timeout: float = Field(default=60.0, gt=0, description="Seconds one request may take.")
    preflight_timeout: float = Field(
        default=5.0, gt=0, description="Seconds the preflight may wait for each answer."
    )
    temperature: float = Field(default=default_of("temperature"), ge=0, le=2)
    cache: CacheMode = default_of("cache")
    rpm: int | None = Field(default=None, ge=1, description="Requests a minute, at most.")
    tpm: int | None = Field(
        default=None, ge=1, description="Tokens a minute, at most (prompt estimate + output cap)."
    )
    max_completion_tokens: int = Field(
        default=MAX_COMPLETION_TOKENS,
        ge=16,
        le=32_768,
        description="Output tokens a reply may take (sent on every request).",
    )


class CallScope(BaseModel):
    """What makes one seat-phase's call unique besides its messages.

    It is part of the cache key, so seats sharing a persona never share an answer and a new
    seed asks afresh.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    seed: int
    seat: int
    round: int
    phase: str = "statement"


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
    error_kind: ErrorKind | None = None
    raw: str | None = None
    """The reply content exactly as received (or as cached), valid or not; None if none came."""
    usage: Usage = Usage()


class ResponseCache(Protocol):
    """Where answers are kept by key (``council.store.Store`` is one)."""

    def cache_get(self, key: str) -> str | None:
        """The answer stored under ``key``, if any."""

    def cache_put(self, key: str, response: str) -> None:
        """Store an answer (the first writer wins)."""


def dialect_of(base_url: str | None) -> Dialect:
    """Which request dialect an endpoint gets by its host (see the module docstring).

    >>> dialect_of(None), dialect_of("https://x.openai.azure.com/openai"), dialect_of("http://127.0.0.1:8080/v1")
    ('openai', 'openai', 'compatible')
    """
    host = (urlsplit(base_url).hostname or "") if base_url else "api.openai.com"
    return (
        "openai"
        if host == "openai.com" or host.endswith((".openai.com", ".azure.com"))
        else "compatible"
    )


def response_format(model: type[BaseModel], dialect: Dialect = "compatible") -> dict[str, Any]:
    """The ``response_format`` (strict json_schema) for a reply model in a dialect (a copy)."""
    return copy.deepcopy(_response_format(model, dialect))


@functools.lru_cache(maxsize=128)
def _response_format(model: type[BaseModel], dialect: Dialect) -> dict[str, Any]:
    # Built once per model and dialect: requests share it read-only (it is only serialised).
    schema = reply_schema(model)
    return {
        "type": "json_schema",
        "json_schema": {
            "name": model.__name__,
            "strict": True,
            "schema": strict_openai(schema) if dialect == "openai" else schema,
        },
    }


def prompt_tokens_at_most(body: bytes) -> int:
    """A request's prompt tokens, on the high side: a token per 3 bytes of its JSON body.

    The body holds the messages and the reply schema (servers count both as input) and a few
    bytes of JSON syntax besides. No tokenizer spends less than 3 bytes of English a token, and
    one a character of Khmer (3 bytes) is more than o200k spends. Cheap enough to run on every
    request (a tokenizer would cost event-loop time).

    >>> prompt_tokens_at_most(b'{"messages":[{"role":"user","content":"' + b"x" * 300 + b'"}]}')
    115
    """
    return -(-len(body) // 3)


def output_cap(settings: LLMSettings, dialect: Dialect) -> dict[str, int]:
    """The output-token cap fields a request carries in a dialect."""
    cap = settings.max_completion_tokens
    if dialect == "openai":
        return {"max_completion_tokens": cap}
    return {"max_completion_tokens": cap, "max_tokens": cap}


def url_problem(url: str) -> str | None:
    """What makes ``url`` unusable as an endpoint's base URL (a phrase), or None if usable.

    >>> url_problem("http://localhost:8080/v1") is None
    True
    >>> url_problem("not a url"), url_problem("http://x:99999/v1")
    ('is not an http(s) URL', 'has a port that is not a number from 1 to 65535')
    >>> url_problem("http://exa mple.org/v1")
    'has spaces or control characters in it'
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as err:  # a port out of range, a broken IPv6 address
        if "port" in str(err).lower():
            return "has a port that is not a number from 1 to 65535"
        return "is not an http(s) URL"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "is not an http(s) URL"
    if any(c.isspace() or not c.isprintable() for c in url):
        return "has spaces or control characters in it"
    if port == 0:
        return "has a port that is not a number from 1 to 65535"
    return None


def public_base_url(url: str | None) -> str | None:
    """The base URL without credentials or query (safe to record); a broken URL as it is.

    >>> public_base_url("https://user:secret@example.org/v1?api-key=x")
    'https://example.org/v1'
    """
    if not url:
        return url
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
    except ValueError:  # not a URL: nothing in it can be told apart to keep
        return url
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def cache_key(
    settings: LLMSettings,
    messages: list[dict[str, str]],
    schema: dict[str, Any],
    scope: CallScope,
) -> str:
    """Cache key over model, messages, schema, sampling settings and the call's scope."""
    blob = json.dumps(
        {
            "model": settings.model,
            "messages": messages,
            "schema": schema,
            "temperature": settings.temperature,
            "scope": scope.model_dump(),
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(blob.encode()).hexdigest()
