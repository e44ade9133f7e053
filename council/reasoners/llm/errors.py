"""What went wrong with an endpoint, named honestly: refused is not timed out.

The openai SDK's aiohttp transport reports a refused connection as ``APITimeoutError`` (its
``ConnectTimeout`` wraps aiohttp's ``ClientConnectorError`` that wraps the
``ConnectionRefusedError``), so the kind is read from the whole exception chain, not from the
outermost class.
"""

from __future__ import annotations

import socket
import ssl
from typing import Literal, get_args

EndpointKind = Literal[
    "refused",
    "timed_out",
    "unreachable",
    "unauthorised",
    "forbidden",
    "not_found",
    "unknown_model",
    "bad_request",
    "server_error",
]
"""Why an endpoint cannot serve a run."""

ENDPOINT_KINDS: tuple[str, ...] = get_args(EndpointKind)


class EndpointError(Exception):
    """An endpoint that cannot serve the run: ``kind`` says why, ``str(e)`` is one clear line.

    >>> str(EndpointError("refused", "http://127.0.0.1:9/v1: connection refused"))
    'http://127.0.0.1:9/v1: connection refused'
    """

    def __init__(self, kind: EndpointKind, message: str) -> None:
        super().__init__(" ".join(message.split()))
        self.kind: EndpointKind = kind


def _chain(err: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    node: BaseException | None = err
    while node is not None and node not in seen:
        seen.append(node)
        node = node.__cause__ or node.__context__
    return seen


def connection_kind(err: BaseException) -> Literal["refused", "timed_out", "unreachable"]:
    """Whether a failed connection was refused, timed out, or could not be made at all.

    >>> try:
    ...     raise TimeoutError("wrapped") from ConnectionRefusedError(111, "refused")
    ... except TimeoutError as e:
    ...     connection_kind(e)
    'refused'
    """
    chain = _chain(err)
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return "refused"
    if any(isinstance(e, socket.gaierror | ssl.SSLError | ConnectionResetError) for e in chain):
        return "unreachable"
    if any(isinstance(e, TimeoutError) or "Timeout" in type(e).__name__ for e in chain):
        return "timed_out"
    return "unreachable"


def connection_words(err: BaseException, timeout: float) -> str:
    """One line for a failed connection: refused, timed out after N s, or why it failed."""
    kind = connection_kind(err)
    if kind == "refused":
        return "connection refused"
    if kind == "timed_out":
        return f"timed out after {timeout:g}s"
    root = _chain(err)[-1]
    if isinstance(root, socket.gaierror):
        return "cannot resolve the host name"
    return f"connection failed: {' '.join(str(root).split())[:160] or type(root).__name__}"


def status_kind(status: int, message: str = "") -> EndpointKind:
    """The kind of an HTTP error status (with the server's message, for unknown models).

    >>> status_kind(404, "The model `gpt-9` does not exist"), status_kind(403)
    ('unknown_model', 'forbidden')
    """
    text = message.lower()
    if status == 401:
        return "unauthorised"
    if status == 403:
        return "forbidden"
    if (
        status in (400, 404)
        and "model" in text
        and any(
            w in text for w in ("not found", "does not exist", "unknown", "not_found", "no such")
        )
    ):
        return "unknown_model"
    if status == 404:
        return "not_found"
    if status >= 500:
        return "server_error"
    return "bad_request"
