"""Before any seat speaks: the endpoint answers, accepts the key and serves the model.

One listing of ``/models`` (no tokens spent) or, where that says nothing, one chat call with a
one-token cap. A failure is an :class:`~council.reasoners.llm.errors.EndpointError`: one line
that names the endpoint and says what is wrong in words a user can act on.
"""

from __future__ import annotations

import httpx
import openai

from council.contracts.safe_text import redact
from council.reasoners.llm.errors import (
    EndpointError,
    EndpointKind,
    connection_kind,
    connection_words,
    status_kind,
)
from council.reasoners.llm.request import Dialect, LLMSettings, output_cap, public_base_url


async def check(sdk: openai.AsyncOpenAI, settings: LLMSettings, dialect: Dialect) -> None:
    """Check that the endpoint answers, accepts the key and serves the model.

    Raises :class:`EndpointError` (one line, within ``preflight_timeout`` a request) if not;
    its line never holds the key, even where the server echoes it.
    Lists ``/models``; if the model is listed, that is enough (no tokens spent). If the
    listing is missing (some proxies have none) or does not name the model (some servers
    serve any name), one chat call with a one-token cap decides.
    """
    try:
        await _check(sdk, settings, dialect)
    except EndpointError as err:
        raise EndpointError(err.kind, redact(str(err), [sdk.api_key])) from None


async def _check(sdk: openai.AsyncOpenAI, settings: LLMSettings, dialect: Dialect) -> None:
    where = public_base_url(settings.base_url) or "https://api.openai.com/v1"
    quick: openai.RequestOptions = {"timeout": settings.preflight_timeout}
    listed: list[str] | None = None
    try:
        raw = await sdk.get("/models", cast_to=httpx.Response, options=quick)
        data = raw.json()
        if isinstance(data, dict) and isinstance(data.get("data"), list):
            listed = [str(m.get("id")) for m in data["data"] if isinstance(m, dict)]
    except openai.APIStatusError as err:
        if err.status_code in (401, 403):
            raise endpoint_error(err, where, settings.model) from None
    except openai.APIConnectionError as err:
        raise _connection_error(err, where, settings.preflight_timeout) from None
    except ValueError:
        listed = None  # not JSON: not a listing
    if listed is not None and settings.model in listed:
        return
    try:
        await sdk.post(
            "/chat/completions",
            body={
                "model": settings.model,
                "messages": [{"role": "user", "content": "Reply with OK."}],
                **output_cap(settings.model_copy(update={"max_completion_tokens": 16}), dialect),
            },
            cast_to=httpx.Response,
            options=quick,
        )
    except openai.APIStatusError as err:
        if err.status_code == 429:
            return  # it is there and serves us, only busy
        raise endpoint_error(err, where, settings.model, listed) from None
    except openai.APIConnectionError as err:
        raise _connection_error(err, where, settings.preflight_timeout) from None


def _connection_error(err: openai.APIConnectionError, where: str, timeout: float) -> EndpointError:
    return EndpointError(connection_kind(err), f"{where}: {connection_words(err, timeout)}")


def endpoint_error(
    err: openai.APIStatusError, where: str, model: str, listed: list[str] | None = None
) -> EndpointError:
    """An HTTP error status from the endpoint, in words (the models it serves, where known)."""
    message = server_message(err)
    kind: EndpointKind = status_kind(err.status_code, message)
    if kind == "unknown_model" or (kind == "not_found" and listed):
        shown = ", ".join(listed[:8]) + (" …" if len(listed or []) > 8 else "") if listed else ""
        also = f" (it serves: {shown})" if shown else ""
        return EndpointError("unknown_model", f"{where}: unknown model {model!r}{also}")
    words = {
        "unauthorised": "HTTP 401 unauthorised: check the API key (OPENAI_API_KEY)",
        "forbidden": f"HTTP 403 forbidden: the key may not use {model!r} here",
        "not_found": "HTTP 404 not found: no OpenAI-compatible API there (the base URL "
        "usually ends in /v1)",
    }.get(kind, f"HTTP {err.status_code}: {message}")
    return EndpointError(kind, f"{where}: {words}")


def server_message(err: openai.APIStatusError) -> str:
    """The server's own error message, on one line (at most 200 characters)."""
    body = err.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else inner
        if message:
            return " ".join(str(message).split())[:200]
    return " ".join(str(err).split())[:200]
