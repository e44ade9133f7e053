"""Parsing one YAML text safely: no tags run, no aliases, every error one plain message.

The parser is libyaml's (``yaml.CSafeLoader``, some fifteen times faster) when PyYAML was built
with it, else PyYAML's own; both construct with the same safe constructor, which builds no
Python object from a tag. Aliases are refused outright, so an alias bomb cannot expand. libyaml
composes nodes in C, where no alias can be refused on the way, so a text that could hold an
alias (one with a ``*``) has its events read first and is refused at the first alias, before
anything is composed; a text without ``*`` cannot hold one.

A mapping that gives a key twice is refused at the second one (YAML would keep the last
silently, so a persona's second ``openness:`` would win unseen). A scalar that parses but
cannot be built (an integer over Python's 4,300-digit limit, a date like 2020-02-30,
``!!float abc``) is a problem too, reported at that scalar's line.

Its own module so that a command whose library comes from the cache never imports PyYAML.
"""

from __future__ import annotations

from typing import Any

import yaml

FAST_LOADER: type[Any] | None = getattr(yaml, "CSafeLoader", None)
"""libyaml's safe loader, or None where PyYAML was built without libyaml (tests set it None to
check that the pure-Python loader keeps every guarantee too)."""

_ALIAS = "YAML aliases (*name) are not allowed"


class YamlProblem(ValueError):
    """A text that is not one valid YAML document; the message says where and why."""


class _NoAliasLoader(yaml.SafeLoader):
    """A safe loader that refuses aliases, so no document can expand beyond its text."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(problem=_ALIAS, problem_mark=event.start_mark)
        return super().compose_node(parent, index)


def _load(text: str) -> Any:
    fast = FAST_LOADER
    if fast is not None and "*" in text:
        for event in yaml.parse(text, Loader=fast):
            if isinstance(event, yaml.AliasEvent):
                mark = event.start_mark  # libyaml's Mark: the same line and column
                raise yaml.MarkedYAMLError(problem=_ALIAS, problem_mark=mark)  # type: ignore[arg-type]
    loader = (fast or _NoAliasLoader)(text)  # libyaml's SafeLoader, or a SafeLoader subclass
    try:  # what yaml.load does, with the duplicate keys refused between composing and building
        node = loader.get_single_node()
        if node is None:
            return None
        _refuse_duplicate_keys(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _refuse_duplicate_keys(root: Any) -> None:
    """Refuse a mapping that gives one key twice (YAML would silently keep the last)."""
    nodes = [root]
    while nodes:
        node = nodes.pop()
        if isinstance(node, yaml.MappingNode):
            seen: set[tuple[str, str]] = set()
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if (key.tag, key.value) in seen:
                        problem = f"key {key.value!r} is given twice"
                        raise yaml.MarkedYAMLError(problem=problem, problem_mark=key.start_mark)
                    seen.add((key.tag, key.value))
                nodes += (key, value)
        elif isinstance(node, yaml.SequenceNode):
            nodes.extend(node.value)


MAX_INT_BITS = 13_287
"""Integers longer than this (about 4,000 decimal digits) are refused: Python cannot print an
integer over 4,300 digits, so every message that showed one would fail."""
_TOO_LONG = "an integer of over 4,000 digits is too long"


def parse_text(text: str) -> Any:
    """One YAML document as plain data; YamlProblem (``line L, column C: YAML error: ...``)."""
    try:
        data = _load(text)
        if _has_long_int(data):
            raise ValueError(_TOO_LONG)
        return data
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = " ".join(str(err.problem or err.context or "invalid YAML").split())
        raise YamlProblem(f"{where}YAML error: {problem}") from None
    except yaml.YAMLError as err:
        raise YamlProblem(f"YAML error: {' '.join(str(err).split())}") from None
    except RecursionError:
        raise YamlProblem("YAML error: nesting is too deep") from None
    except (ValueError, TypeError, AttributeError, OverflowError) as err:  # a scalar's constructor
        raise YamlProblem(_unbuildable(text, err)) from None


def _unbuildable(text: str, err: Exception) -> str:
    """The problem of a text whose scalar could not be built: where it is, and why."""
    why = " ".join(str(err).split())
    if "4300" in why:
        why = _TOO_LONG
    elif isinstance(err, AttributeError):
        why = "a value does not fit its tag"
    mark = _failing_scalar(text)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    return f"{where}YAML error: {why}"


def _failing_scalar(text: str) -> Any:
    """The start mark of the first scalar that cannot be built alone (None if none is found).

    Only on the error path: the text is composed again (it composed before) and its scalars
    built one by one.
    """
    loader = FAST_LOADER or _NoAliasLoader
    try:
        nodes = [yaml.compose(text, Loader=loader)]
    except (yaml.YAMLError, RecursionError):
        return None
    builder = loader("")
    while nodes:
        node = nodes.pop()
        if isinstance(node, yaml.ScalarNode):
            try:
                if _has_long_int(builder.construct_object(node, deep=True)):
                    return node.start_mark
            except Exception:  # noqa: BLE001 - any failure marks the culprit
                return node.start_mark
        elif isinstance(node, yaml.SequenceNode):
            nodes.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            nodes.extend(n for pair in reversed(node.value) for n in reversed(pair))
    return None


def _has_long_int(data: Any) -> bool:
    """Whether parsed data holds an integer over MAX_INT_BITS anywhere (keys included)."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, int) and item.bit_length() > MAX_INT_BITS:
            return True
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend(item)
    return False
