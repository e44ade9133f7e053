"""Text that leaves the program safely: secrets redacted, control characters out, Markdown inert.

Three pure functions every output path shares:

- :func:`redact` removes an API key (the configured ones, and anything that looks like one:
  ``sk-…``, ``Bearer …``, ``api-key=…``) from a text. An endpoint may echo the key it was sent
  in an error message; the LLM client redacts every text it gets back, and the CLI, exports and
  the app redact again what they show (``known_keys`` are the keys in the environment).
- :func:`printable` strips control characters (ESC, NUL, the other C0 and C1 codes and DEL;
  newline and tab are kept), so text from files, models or people cannot drive a terminal.
  :func:`json_printable` escapes them in JSON text instead (the data stays the same).
- :func:`markdown_literal` escapes a text so that Markdown shows it as it is: no image, link,
  HTML, emphasis or Streamlit directive can come of it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

REDACTED = "[redacted]"
"""What a secret is replaced with."""

MIN_KEY = 6
"""Keys shorter than this are not redacted by value (they would match ordinary words)."""

_LOOKS_SECRET = re.compile(
    r"(?<![A-Za-z0-9])sk-[A-Za-z0-9_\-]{12,}"  # OpenAI-style keys: sk-..., sk-proj-...
    r"|(?i:bearer)\s+(?=[A-Za-z._~+/=\-]*\d)[A-Za-z0-9._~+/=\-]{8,}"  # a header's token
)
_KEY_PARAM = re.compile(r"(?i)\b((?:api[-_]?key|access[-_]?token)\s*[=:]\s*)[^\s&\"',;]{6,}")

_KEY_ENV = re.compile(r"(?:^|_)(?:API_KEY|KEY|TOKEN|SECRET)$")
"""Environment variables whose values are secrets (``OPENAI_API_KEY``, ``OTHER_TOKEN``, ...)."""


def redact(text: str, keys: Iterable[str | None] = ()) -> str:
    """``text`` with each of ``keys``, and anything that looks like a key, replaced.

    >>> redact("Incorrect API key provided: sk-proj-abc123XYZ789.")
    'Incorrect API key provided: [redacted].'
    >>> redact("got Authorization: Bearer hunter2-token-9", ["unrelated"])
    'got Authorization: [redacted]'
    >>> redact("key abcd1234efgh was refused", ["abcd1234efgh"])
    'key [redacted] was refused'
    >>> redact("https://x.example/v1?api-key=0123456789abcdef")
    'https://x.example/v1?api-key=[redacted]'
    >>> redact("a sky-blue risk-free option; the bearer instrument; sk-learn")  # words
    'a sky-blue risk-free option; the bearer instrument; sk-learn'
    """
    for key in sorted({k for k in keys if k and len(k) >= MIN_KEY}, key=len, reverse=True):
        text = text.replace(key, REDACTED)
    text = _LOOKS_SECRET.sub(REDACTED, text)
    return _KEY_PARAM.sub(lambda m: m.group(1) + REDACTED, text)


def known_keys() -> tuple[str, ...]:
    """The secrets in this process's environment (``OPENAI_API_KEY``, ``*_KEY``, ``*_TOKEN``).

    A models file names the variables its keys are in; they all end so by convention, and a
    value redacted that was no secret costs nothing.
    """
    return tuple(
        value
        for name, value in os.environ.items()
        if _KEY_ENV.search(name.upper()) and len(value) >= MIN_KEY
    )


_CONTROLS = {c: None for c in (*range(0x00, 0x20), *range(0x7F, 0xA0)) if c not in (9, 10)}
_CONTROLS_IN_JSON = {c: f"\\u{c:04x}" for c in range(0x7F, 0xA0)}


def printable(text: str) -> str:
    r"""``text`` without control characters: ESC, NUL, CR, BEL, DEL, C1 out; newline, tab kept.

    >>> printable("fine\x1b[2J\x1b]0;owned\x07 text\x00\r\nnext\tcol\x9b")
    'fine[2J]0;owned text\nnext\tcol'
    """
    return text.translate(_CONTROLS)


def json_printable(text: str) -> str:
    r"""JSON text with DEL and the C1 controls escaped (JSON already escapes C0): same data.

    >>> import json
    >>> raw = json.dumps({"a": "x\x1b\x9by"}, ensure_ascii=False)
    >>> json_printable(raw)
    '{"a": "x\\u001b\\u009by"}'
    >>> json.loads(json_printable(raw)) == json.loads(raw)
    True
    """
    return text.translate(_CONTROLS_IN_JSON)


_MARKDOWN = re.compile(r"[\\`*_\[\]<>!|~$&]|:(?=/)|(?<=www)\.|^[#+=-]", re.MULTILINE)


def markdown_literal(text: str) -> str:
    r"""``text`` escaped so that Markdown shows its characters and makes nothing of them.

    What could make an image, a link, HTML, emphasis, a table cell, a heading or a Streamlit
    directive (``:red[...]``, ``$math$``) is backslash-escaped: ``![x](url)`` shows as that
    text and fetches nothing, ``http://…`` and ``www.…`` are not linked. Control characters
    are removed; the rest (Khmer included) is left as it is, so the raw text stays readable.

    >>> markdown_literal("![x](http://127.0.0.1:9/beacon) <img src=x> **b**")
    '\\!\\[x\\](http\\://127.0.0.1:9/beacon) \\<img src=x\\> \\*\\*b\\*\\*'
    >>> markdown_literal("# not a heading\nSuspend the model pending an audit.")
    '\\# not a heading\nSuspend the model pending an audit.'
    """
    return _MARKDOWN.sub(lambda m: "\\" + m.group(0), printable(text))
