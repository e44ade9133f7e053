"""Hypothesis strategies for hostile input: library files, CLI flag values, sweep configs.

Library files start from documents the published JSON schemas admit (``council/schemas/``,
generated from the pydantic models) or from the known-good test documents, and are then mutated
as a careless or hostile author would: keys dropped or added, values of the wrong type, huge
integers, deep nesting, YAML tags and aliases, binary and non-UTF-8 bytes, truncation.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

SCHEMAS = Path(__file__).resolve().parents[2] / "council" / "schemas"

HUGE_INTS = [
    "9" * 4301,  # over Python's int/str conversion limit
    "-" + "9" * 5000,
    "0x" + "f" * 5000,  # parses (hex has no limit) but cannot be printed
    "1" + "0" * 4100,
    str(2**63),
    str(2**64 + 1),
    "1e400",
    "-1e400",
    ".nan",
    ".inf",
    "-.inf",
    "0o777",
    "1_000",
    "0b101",
    "1:30:00",  # YAML 1.1 sexagesimal
]
"""Number-like scalars at the edges of what YAML and Python can hold."""

TAGS = [
    "!!python/object/apply:os.system ['echo pwned']",
    "!!python/name:os.system",
    "!!binary aGVsbG8=",
    "!!binary ###",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!!timestamp 2020-02-30",
    "!!timestamp nonsense",
    "!!int 9x",
    "!!float abc",
    "!!str 1",
    "!custom thing",
    "2020-02-30",
    "2020-13-01 10:00:00",
    "&a [1, 2]",
    "*a",
    "*nowhere",
    "~",
    "yes",
    "[]",
    "{}",
    "''",
    "'\\x00'",
]
"""YAML values that are not plain data: tags (safe and unsafe), anchors, aliases, odd scalars."""

ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(9)
)
"""A billion-laughs document: 9**10 items if aliases were expanded."""


def _schema(kind: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8"))


@functools.cache
def schema_docs(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    """Documents the published JSON schema of ``kind`` admits (built once per kind)."""
    return from_schema(_schema(kind))


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
    st.sampled_from(["", " ", "\n", "\x1b[31m", "\x00", "é", "ខ្មែរ", "a" * 5000]),
)
junk = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
"""Plain data of any shape: what a value of the wrong type looks like."""


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into a document (keys and list indexes)."""
    out = [prefix]
    if isinstance(doc, dict):
        for key, value in doc.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            out += _paths(value, (*prefix, i))
    return out


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return doc


def _drop(doc: Any, path: tuple[Any, ...]) -> Any:
    if not path:
        return doc
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    return doc


@st.composite
def mutated_docs(draw: st.DrawFn, base: st.SearchStrategy[dict[str, Any]]) -> Any:
    """A document with a few structural mutations: drops, extra keys, wrong types, nesting."""
    doc = copy.deepcopy(draw(base))
    for _ in range(draw(st.integers(0, 3))):
        paths = _paths(doc)
        path = draw(st.sampled_from(paths))
        how = draw(st.sampled_from(["drop", "replace", "add", "nest", "listify"]))
        if how == "drop" and path:
            doc = _drop(doc, path)
        elif how == "replace":
            doc = _set(doc, path, draw(junk))
        elif how == "add" and isinstance(doc, dict):
            doc[draw(st.text(min_size=1, max_size=12))] = draw(junk)
        elif how == "nest":
            # Shallow enough for yaml.safe_dump to write it three times over (it recurses); the
            # text mutations nest 20,000 deep.
            depth = draw(st.sampled_from([2, 20, 100]))
            value: Any = draw(scalars)
            for _ in range(depth):
                value = [value]
            doc = _set(doc, path, value)
        elif how == "listify":
            doc = _set(doc, path, [draw(junk)])
    return doc


def dump(doc: Any) -> str:
    """YAML text of a document (any plain data)."""
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


@st.composite
def mutated_texts(draw: st.DrawFn, base: st.SearchStrategy[Any]) -> bytes:
    """YAML bytes of a document, then text-level damage: tags, aliases, huge numbers, bytes."""
    text = dump(draw(base))
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(0, 2))):
        how = draw(
            st.sampled_from(
                ["value", "value", "truncate", "insert", "nest", "bomb", "tab", "dup_key"]
            )
        )
        at = draw(st.integers(0, max(0, len(lines) - 1)))
        line = lines[at] if lines else ""
        if how == "value" and ":" in line:
            key = line.split(":", 1)[0]
            token = draw(st.sampled_from(HUGE_INTS + TAGS))
            lines[at] = f"{key}: {token}\n"
        elif how == "truncate":
            cut = draw(st.integers(0, len(text)))
            lines = [("".join(lines))[:cut]]
        elif how == "insert":
            lines.insert(at, draw(st.text(max_size=40)) + "\n")
        elif how == "nest":
            depth = draw(st.sampled_from([100, 5000, 20000]))
            lines.insert(at, "deep: " + "[" * depth + "]" * depth + "\n")
        elif how == "bomb":
            lines = [ALIAS_BOMB]
        elif how == "tab":
            lines[at] = "\t" + line
        elif how == "dup_key" and ":" in line and not line.startswith(" "):
            lines.insert(at, line)
    data = "".join(lines).encode("utf-8")
    encoding = draw(st.sampled_from(["utf-8"] * 6 + ["utf-16", "latin-1", "bom", "nul", "bytes"]))
    if encoding == "utf-16":
        return "".join(lines).encode("utf-16")
    if encoding == "latin-1":
        return data + "\ncafé: ü\n".encode("latin-1")
    if encoding == "bom":
        return b"\xef\xbb\xbf" + data
    if encoding == "nul":
        return data + b"\x00"
    if encoding == "bytes":
        return draw(st.binary(max_size=200))
    return data


# --- CLI flag values ------------------------------------------------------------------------

EDGE_NUMBERS = [
    "0",
    "-1",
    "-0",
    "1e3",
    "0.5",
    "nan",
    "inf",
    "-inf",
    "1e400",
    str(2**31),
    str(2**63 - 1),
    str(2**63),
    str(2**64),
    "9" * 4301,
    "9" * 30,
    "0x10",
    " 3 ",
    "٣",  # an Arabic-Indic digit: int() takes it
    "",
]
"""Number-like flag values at and past every boundary."""

odd_text = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["", " ", ",,,", "-", "--", "a\nb", "\x1b[2J", "\x00", "../../etc/passwd"]),
)
"""Text a careless user or a script might pass as a flag's value."""
