"""What an LLM seat answers: one pydantic model makes the schema we send and checks the reply.

The schema is a contract: whatever it admits, :func:`reply_model` accepts. Every field is
bounded: ``option`` is an enum of the scenario's option ids; ``scores`` an object with one
required number in [-1, 1] per option id and no other key; ``confidence`` a number in [0, 1];
``rationale`` a string of at most :data:`MAX_RATIONALE` characters.

Servers honour the bounds unevenly, so the model *accepts and clips* instead of rejecting:
llama.cpp's grammar ignores ``minimum``/``maximum`` on numbers, and OpenAI's strict mode
rejects ``maxLength`` (we strip it for OpenAI, see :func:`strict_openai`), so a number past a
bound is clipped to it and a longer rationale is cut to the limit. What is not a bound (a
missing or unknown key, an option that is not an id, a string where a number goes, NaN) is
still rejected.

>>> Reply = reply_model(("a", "b"))
>>> r = Reply.model_validate_json(
...     '{"option": "b", "scores": {"a": -3, "b": 0.5}, "confidence": 0.8, "rationale": "x"}'
... )
>>> clamp_scores(r, ("a", "b"))
([-1.0, 0.5], 0.8)
"""

from __future__ import annotations

import functools
import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model

MAX_RATIONALE = 600
"""Characters a rationale may have: four sentences of English take about 400; Khmer, with
more characters per word, takes more."""

UNSUPPORTED_BY_OPENAI = ("maxLength", "minLength")
"""Keywords OpenAI's strict mode refuses (400 "not permitted"); minimum/maximum it accepts."""


def _clip(low: float, high: float) -> Any:
    def clip(value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool) and value == value:
            return min(high, max(low, value))
        return value  # not a number (or NaN): left for validation to refuse

    return BeforeValidator(clip)


def _cut(value: Any) -> Any:
    return value[:MAX_RATIONALE] if isinstance(value, str) else value


Score = Annotated[
    float,
    Field(ge=-1, le=1, allow_inf_nan=False, description="-1 (bad) to 1 (good)."),
    _clip(-1.0, 1.0),
]
Confidence = Annotated[
    float,
    Field(ge=0, le=1, allow_inf_nan=False, description="How sure you are, from 0 to 1."),
    _clip(0.0, 1.0),
]
Rationale = Annotated[
    str,
    Field(
        max_length=MAX_RATIONALE,
        description="Why, in two to four sentences, naming the principles at stake.",
    ),
    BeforeValidator(_cut),
]


class SeatReply(BaseModel):
    """The base of every scenario's reply model (fields are added per scenario)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    def score_of(self) -> dict[str, float]:
        """The scores by option id."""
        scores: BaseModel = getattr(self, "scores")  # noqa: B009 - added by reply_model
        return {str(k): float(v) for k, v in scores.model_dump(by_alias=True).items()}


@functools.lru_cache(maxsize=64)
def reply_model(option_ids: tuple[str, ...]) -> type[SeatReply]:
    """The reply model for a scenario's options (option ids need not be identifiers)."""
    if not option_ids or len(set(option_ids)) != len(option_ids):
        raise ValueError(f"option ids must be distinct and at least one: {option_ids}")
    options = Literal[option_ids]  # type: ignore[valid-type]
    scores: type[BaseModel] = create_model(  # type: ignore[call-overload]
        "Scores",
        __config__=ConfigDict(extra="forbid", strict=True),
        **{f"o{i}": (Score, Field(alias=oid)) for i, oid in enumerate(option_ids)},
    )
    scores.__doc__ = "Your score for every option, by option id."
    return create_model(
        "SeatReply",
        __base__=SeatReply,
        option=(options, Field(description="The id of the option you support now.")),
        scores=(scores, Field(description="A score from -1 to 1 for every option id.")),
        confidence=(Confidence, ...),
        rationale=(Rationale, ...),
    )


def options_of(model: type[BaseModel]) -> tuple[str, ...]:
    """The option ids a reply model admits, in order."""
    return tuple(model.model_fields["option"].annotation.__args__)  # type: ignore[union-attr]


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
        return {k: _inline(v, defs) for k, v in node.items() if k not in ("$defs", "title")}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def _strict(node: Any) -> Any:
    """Every object closed with every property required (what strict servers demand)."""
    if isinstance(node, dict):
        node = {k: _strict(v) for k, v in node.items()}
        if node.get("type") == "object":
            node["additionalProperties"] = False
            node["required"] = list(node.get("properties", {}))
        return node
    if isinstance(node, list):
        return [_strict(v) for v in node]
    return node


@functools.lru_cache(maxsize=64)
def _schema_text(model: type[BaseModel]) -> str:
    raw = model.model_json_schema(by_alias=True, mode="validation")
    return json.dumps(_strict(_inline(raw, raw.get("$defs", {}))), ensure_ascii=False)


def reply_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema we send: the model's own, inlined (no ``$ref``), closed, untitled.

    >>> s = reply_schema(reply_model(("keep", "stop")))
    >>> s["properties"]["scores"]["required"], s["properties"]["scores"]["additionalProperties"]
    (['keep', 'stop'], False)
    >>> s["properties"]["rationale"]["maxLength"], s["properties"]["confidence"]["maximum"]
    (600, 1)
    """
    return json.loads(_schema_text(model))


def strict_openai(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema without the keywords OpenAI's strict mode refuses (the model still clips)."""

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items() if k not in UNSUPPORTED_BY_OPENAI}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(schema)


def reply_template(option_ids: tuple[str, ...], first: str | None = None) -> str:
    """The answer's format on one line, every value a ``<...>`` placeholder, for the system prompt.

    Generated from the reply model's schema (keys, option ids, descriptions, bounds), so it
    cannot drift from what is checked. There are no example values: small models copy them as
    their answer (a 0.5B model returned an example's exact scores). The option ids are listed
    from ``first`` on (default: the first), so that no option looks preferred by its place.

    >>> reply_template(("a", "b"), first="b")
    '{"option": <the id of the option you support now: "b" or "a">, "scores": {"a": <number: -1 (bad) to 1 (good)>, "b": <number: -1 (bad) to 1 (good)>}, "confidence": <number: how sure you are, from 0 to 1>, "rationale": <text: why, in two to four sentences, naming the principles at stake (at most 600 characters)>}'
    """  # noqa: E501
    start = option_ids.index(first) if first is not None else 0
    listed = option_ids[start:] + option_ids[:start]
    return _template(reply_schema(reply_model(option_ids)), listed)


def _template(node: dict[str, Any], listed: tuple[str, ...]) -> str:
    if node.get("type") == "object":
        fields = (
            f"{json.dumps(key, ensure_ascii=False)}: {_template(value, listed)}"
            for key, value in node["properties"].items()
        )
        return "{" + ", ".join(fields) + "}"
    what = str(node.get("description", "")).rstrip(".")
    what = what[:1].lower() + what[1:]
    if "enum" in node:
        values = listed if set(listed) == set(node["enum"]) else node["enum"]
        ids = [json.dumps(v, ensure_ascii=False) for v in values]
        choices = ids[0] if len(ids) == 1 else f"{', '.join(ids[:-1])} or {ids[-1]}"
        return f"<{what}: {choices}>"
    if node.get("type") == "string" and "maxLength" in node:
        return f"<text: {what} (at most {node['maxLength']} characters)>"
    return f"<{node.get('type', 'value')}: {what}>"


def clamp_scores(reply: Any, option_ids: tuple[str, ...]) -> tuple[list[float], float]:
    """The reply's scores in option order and its confidence, as the seat gave them.

    Scores are clipped to [-1, 1] with the stated option on top; confidence to [0, 1].
    """
    by_option = reply.score_of()
    view = [max(-1.0, min(1.0, float(by_option[o]))) for o in option_ids]
    chosen = option_ids.index(reply.option)
    top = max(view)
    if view[chosen] < top or view.count(top) > 1:  # the stated option is the seat's choice
        if top > -0.99:  # lift it to the top and push the rest just under it
            view = [top if i == chosen else min(v, top - 0.01) for i, v in enumerate(view)]
        else:
            view[chosen] = top + 0.01
    return view, max(0.0, min(1.0, float(reply.confidence)))
