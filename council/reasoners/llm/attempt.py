"""One HTTP attempt's outcome: a reply received, or a failure that says how to retry.

Also what a server's ``Retry-After`` asks for, and the answer a seat-phase gets when its
attempts end in failure. Used by :mod:`council.reasoners.llm.client`.
"""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass

import openai

from council.reasoners.llm.request import Answer, ErrorKind, Usage

RETRY_AFTER_CAP = 30.0
"""Longest wait a server's Retry-After can impose, in seconds."""


def retry_after(err: openai.APIStatusError) -> float | None:
    """How long the server asks us to wait (``Retry-After`` or ``retry-after-ms``), if it says."""
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
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, parsed.timestamp() - time.time())


@dataclass(frozen=True)
class Received:
    """A reply that came back: its content, what it cost, whether it was cut or refused."""

    content: str
    tokens: Usage
    cut: bool
    """The server stopped at the output cap (``finish_reason: length``)."""
    refusal: str | None = None
    """The model declined to answer (OpenAI's ``message.refusal``)."""


class Failed(Exception):
    """One failed attempt: retry it (``kind`` says how) or give up."""

    def __init__(self, message: str, kind: ErrorKind, wait: float | None = None) -> None:
        super().__init__(message)
        self.kind: ErrorKind = kind
        self.wait = wait


def failed(failure: Failed | None, usage: Usage, raw: str | None = None) -> Answer:
    """The answer of a seat-phase whose attempts ended in ``failure``."""
    return Answer(
        error=str(failure) if failure else "no attempt made",
        error_kind=failure.kind if failure else None,
        raw=raw,
        usage=usage,
    )


def schema_refused(message: str) -> bool:
    """Whether a 400's message says the server refused our schema (so ask the OpenAI way)."""
    text = message.lower()
    return "schema" in text and any(
        k.lower() in text for k in ("maxLength", "not permitted", "minLength")
    )


def clip(text: str) -> str:
    """A server's text on one line, at most 200 characters."""
    return " ".join(str(text).split())[:200]
