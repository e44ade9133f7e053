"""The reply schema is a contract: every instance of the schema we send is accepted, and every
reply we accept, as we keep it, is an instance of that schema."""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from council.contracts.config import RunConfig
from council.engine.context import prepare
from council.reasoners.llm.reply import (
    MAX_RATIONALE,
    clamp_scores,
    reply_model,
    reply_schema,
    reply_template,
)
from council.reasoners.llm.request import output_cap, response_format
from council.reasoners.llm.seat import seat_messages

SCENARIO = "kh-credit-scoring-isolated-data"
OPTIONS = prepare(RunConfig(scenario=SCENARIO)).option_ids
ODD = ("a b", "x-y", "ជម្រើស", "1")  # ids that are not Python identifiers
KHMER = prepare(RunConfig(scenario=SCENARIO)).scenario.translations["km"].summary
FULL = response_format(reply_model(OPTIONS), "compatible")["json_schema"]["schema"]
OPENAI = response_format(reply_model(OPTIONS), "openai")["json_schema"]["schema"]


def reply(option: str, scores: dict[str, float], confidence: float, rationale: str) -> dict:  # type: ignore[type-arg]
    return {"option": option, "scores": scores, "confidence": confidence, "rationale": rationale}


def boundaries(options: tuple[str, ...]) -> list[dict[str, Any]]:
    """Replies on every bound the schema states: -1, 0, 1, empty and maximal rationales."""
    khmer = (KHMER * (MAX_RATIONALE // len(KHMER) + 1))[:MAX_RATIONALE]
    return [
        reply(options[0], dict.fromkeys(options, -1.0), 0.0, ""),
        reply(options[-1], dict.fromkeys(options, 1.0), 1.0, khmer),
        reply(options[0], dict.fromkeys(options, 0), 1, "x" * MAX_RATIONALE),
        reply(
            options[-1], {o: (-1) ** i for i, o in enumerate(options)}, 0.5, "😀" * MAX_RATIONALE
        ),
        reply(options[0], dict.fromkeys(options, -0.0), 5e-324, '"\\\n\t' * (MAX_RATIONALE // 4)),
    ]


@pytest.mark.parametrize("options", [OPTIONS, ODD], ids=["scenario", "odd-ids"])
@pytest.mark.parametrize("dialect", ["compatible", "openai"])
def test_every_instance_of_the_schema_we_send_is_accepted(options, dialect) -> None:  # type: ignore[no-untyped-def]
    model = reply_model(options)
    schema = response_format(model, dialect)["json_schema"]["schema"]
    seen: list[str] = []

    @settings(
        max_examples=300 if dialect == "compatible" else 100,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(from_schema(schema))
    def accepted(instance: dict[str, Any]) -> None:
        jsonschema.validate(instance, schema)  # the generator keeps to the schema...
        text = json.dumps(instance, ensure_ascii=False)
        got = model.model_validate_json(text)  # ...and whatever it makes, we accept
        seen.append(text)
        assert got.option == instance["option"]
        assert got.score_of() == pytest.approx(
            {o: max(-1.0, min(1.0, float(v))) for o, v in instance["scores"].items()}
        )

    for case in boundaries(options):
        accepted = example(case)(accepted)
    accepted()
    assert len(seen) >= (250 if dialect == "compatible" else 80)  # hundreds, no rejection
    assert len(set(seen)) >= len(seen) // 2


def test_the_maximal_khmer_rationale_is_kept_whole() -> None:
    model = reply_model(OPTIONS)
    longest = boundaries(OPTIONS)[1]
    assert len(longest["rationale"]) == MAX_RATIONALE
    assert "\u1780" <= longest["rationale"][0] <= "\u17ff"  # Khmer
    got = model.model_validate_json(json.dumps(longest, ensure_ascii=False))
    assert got.rationale == longest["rationale"]


# Wider than the schema: numbers anywhere, strings of any length, keys maybe missing or extra.
loose = st.fixed_dictionaries(
    {
        "option": st.sampled_from([*OPTIONS, "not-an-option"]),
        "scores": st.dictionaries(
            st.sampled_from([*OPTIONS, "extra"]),
            st.one_of(st.floats(allow_nan=True), st.integers(), st.booleans(), st.text()),
        ),
        "confidence": st.one_of(st.floats(-5, 5), st.none()),
        "rationale": st.text(max_size=2 * MAX_RATIONALE),
    }
)


@settings(max_examples=300, deadline=None, database=None)
@given(loose)
def test_every_reply_we_accept_is_kept_as_an_instance_of_the_schema(data: dict) -> None:  # type: ignore[type-arg]
    model = reply_model(OPTIONS)
    try:
        got = model.model_validate_json(json.dumps(data))
    except ValueError:
        return  # refused: nothing kept
    kept = got.model_dump(mode="json", by_alias=True)
    jsonschema.validate(kept, FULL)
    jsonschema.validate(kept, OPENAI)


def test_what_we_refuse_is_not_a_bound() -> None:
    model = reply_model(("a", "b"))
    good = reply("a", {"a": 0.1, "b": 0.2}, 0.5, "why")
    model.model_validate(good)
    for bad in (
        {**good, "option": "c"},
        {**good, "scores": {"a": 0.1}},
        {**good, "scores": {"a": 0.1, "b": 0.2, "c": 0.3}},
        {**good, "scores": {"a": "0.1", "b": 0.2}},
        {**good, "scores": {"a": True, "b": 0.2}},
        {**good, "confidence": None},
        {**good, "extra": 1},
        {k: v for k, v in good.items() if k != "rationale"},
    ):
        with pytest.raises(ValueError):
            model.model_validate_json(json.dumps(bad))
    with pytest.raises(ValueError):
        model.model_validate_json(json.dumps(good).replace("0.1", "NaN"))


def test_schema_sent_is_closed_bounded_and_in_each_dialect_only_what_the_server_takes() -> None:
    allowed = {
        "type", "properties", "required", "additionalProperties", "enum", "description",
        "minimum", "maximum", "maxLength",
    }  # fmt: skip

    def walk(node: dict[str, Any]) -> list[dict[str, Any]]:
        return [node, *(n for child in node.get("properties", {}).values() for n in walk(child))]

    for schema in (FULL, OPENAI):
        nodes = walk(schema)
        assert len(nodes) == 1 + 4 + len(OPTIONS)
        assert {
            k for n in nodes for k in n if k != "properties" or n["type"] == "object"
        } <= allowed
        for node in nodes:
            if node["type"] == "object":
                assert node["additionalProperties"] is False
                assert node["required"] == list(node["properties"])
    assert FULL["properties"]["scores"]["required"] == list(OPTIONS)
    assert FULL["properties"]["option"]["enum"] == list(OPTIONS)
    assert FULL["properties"]["rationale"]["maxLength"] == MAX_RATIONALE
    assert "maxLength" not in json.dumps(OPENAI)  # OpenAI strict mode refuses it
    assert json.dumps(OPENAI).count('"minimum"') == len(OPTIONS) + 1  # it takes these
    assert output_cap_fields("openai") == {"max_completion_tokens"}
    assert output_cap_fields("compatible") == {"max_completion_tokens", "max_tokens"}


def output_cap_fields(dialect: str) -> set[str]:
    from council.reasoners.llm.request import LLMSettings

    return set(output_cap(LLMSettings(model="m"), dialect))  # type: ignore[arg-type]


def skeleton(schema: dict[str, Any]) -> Any:
    """The schema's shape: its objects' keys, in order, with None for every value."""
    if schema.get("type") == "object":
        return {k: skeleton(v) for k, v in schema["properties"].items()}
    return None


def leaves(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The schema's values that are not objects, in order."""
    if schema.get("type") == "object":
        return [leaf for v in schema["properties"].values() for leaf in leaves(v)]
    return [schema]


@pytest.mark.parametrize("options", [OPTIONS, ODD])
def test_the_prompt_shows_the_format_with_no_value_to_copy(options: tuple[str, ...]) -> None:
    schema = reply_schema(reply_model(options))
    for first in (None, options[-1]):
        text = reply_template(options, first=first)
        assert "\n" not in text
        # Every value is a placeholder: each nulled, it is JSON of exactly the schema's shape.
        holes = re.findall(r"<[^<>]*>", text)
        assert json.loads(re.sub(r"<[^<>]*>", "null", text)) == skeleton(schema)
        # Each placeholder says what goes there: the option ids (listed from `first`), and
        # every number's and the rationale's bounds, as the schema states them.
        assert len(holes) == len(leaves(schema))
        for hole, leaf in zip(holes, leaves(schema), strict=True):
            if "enum" in leaf:
                ids = [json.dumps(o, ensure_ascii=False) for o in options]
                assert all(i in hole for i in ids)
                assert hole.index(json.dumps(first or options[0], ensure_ascii=False)) == min(
                    hole.index(i) for i in ids
                )
            elif leaf["type"] == "number":
                assert f"{leaf['minimum']} " in hole and f"to {leaf['maximum']}" in hole
            else:
                assert str(leaf["maxLength"]) in hole
    # The system prompt carries it, listing the options from one that turns with the seat.
    ctx = prepare(RunConfig(scenario=SCENARIO, backend="openai"))
    firsts = set()
    for seat in range(ctx.n_options):
        system = seat_messages(ctx, seat, 0)[0]["content"]
        (line,) = [x for x in system.splitlines() if x.startswith("The format of an answer")]
        assert line.endswith(reply_template(ctx.option_ids, ctx.option_ids[seat]))
        firsts.add(re.search(r'support now: "([^"]+)"', line).group(1))  # type: ignore[union-attr]
    assert firsts == set(ctx.option_ids)


def test_clamp_keeps_the_stated_confidence_and_puts_the_stated_option_on_top() -> None:
    model = reply_model(("a", "b", "c"))
    got = model.model_validate(reply("b", {"a": 1.0, "b": 7, "c": -0.4}, 0.37, "x"))
    view, confidence = clamp_scores(got, ("a", "b", "c"))
    assert confidence == 0.37  # as the seat said it
    assert view == [0.99, 1.0, -0.4]  # b was clipped to 1 and tied with a: b wins
    got = model.model_validate(reply("c", {"a": 0.2, "b": 0.5, "c": -0.4}, 1.5, "x"))
    view, confidence = clamp_scores(got, ("a", "b", "c"))
    assert confidence == 1.0 and view.index(max(view)) == 2 and view.count(max(view)) == 1
    got = model.model_validate(reply("b", {"a": -1, "b": -1, "c": -1}, 0.1, "x"))
    view, _ = clamp_scores(got, ("a", "b", "c"))
    assert view.index(max(view)) == 1 and view.count(max(view)) == 1
