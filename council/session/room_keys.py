"""What a room's facilitator keeps for the browser session: in this server process's memory only.

Two secrets, neither ever written to the store, the page's address, a log or the page:

- the facilitator's **browser token**: a random token made when a browser proves it holds the
  room's facilitator key (opening the room, or typing the key). The browser keeps the token in
  a session cookie; a reload sends it back and the console opens without the key being typed
  again. Only the token's hash is held here.
- the room's **LLM key**, typed by the facilitator when the room's other seats speak through an
  OpenAI-compatible endpoint. Any session may move the room's run on (the last trainee to
  answer, a timer), so the key is held per room, for every session of this process.

Both die with the server process: after a restart the facilitator types the facilitator key
(and the LLM key, unless the server has ``OPENAI_API_KEY``) once more.

>>> token = keep_host("ABCDEF")
>>> is_host("abcdef", token), is_host("ABCDEF", "guess"), is_host("ZZZZZZ", token)
(True, False, False)
>>> keep_llm_key("ABCDEF", "sk-test"); llm_key("abcdef")
'sk-test'
>>> drop_llm_key("ABCDEF"); llm_key("ABCDEF") is None and is_host("ABCDEF", token)
True
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading

COOKIE_PREFIX = "council_host_"
"""A facilitator's browser token for room CODE: the session cookie ``council_host_CODE``."""

_lock = threading.Lock()
_hosts: dict[str, set[str]] = {}
"""Room code -> sha256 of the browser tokens of its facilitators."""
_llm_keys: dict[str, str] = {}
"""Room code -> the LLM key its facilitator typed."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _code(code: str) -> str:
    return code.strip().upper()


def keep_host(code: str) -> str:
    """A fresh browser token for a session that holds the room's facilitator key."""
    token = secrets.token_urlsafe(24)
    with _lock:
        _hosts.setdefault(_code(code), set()).add(_digest(token))
    return token


def is_host(code: str, token: str | None) -> bool:
    """Whether ``token`` is a facilitator's browser token for the room (in this process)."""
    if not token:
        return False
    with _lock:
        held = _hosts.get(_code(code), set())
    digest = _digest(token)
    return any(hmac.compare_digest(digest, h) for h in held)


def keep_llm_key(code: str, key: str) -> None:
    """Hold the room's LLM key (an empty key is not held)."""
    if key:
        with _lock:
            _llm_keys[_code(code)] = key


def llm_key(code: str) -> str | None:
    """The LLM key the room's facilitator typed, if this process holds one."""
    with _lock:
        return _llm_keys.get(_code(code))


def drop_llm_key(code: str) -> None:
    """Forget the room's LLM key (the room closed: no seat speaks any more)."""
    with _lock:
        _llm_keys.pop(_code(code), None)
