"""Parsing one YAML text safely: no tags run, no aliases, every error one plain message.

The parser is libyaml's (``yaml.CSafeLoader``, some fifteen times faster) when PyYAML was built
with it, else PyYAML's own; both construct with the same safe constructor, which builds no
Python object from a tag. Aliases are refused outright, so an alias bomb cannot expand. libyaml
composes nodes in C, where no alias can be refused on the way, so a text that could hold an
alias (one with a ``*``) has its events read first and is refused at the first alias, before
anything is composed; a text without ``*`` cannot hold one.

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
    if fast is None:
        return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
    if "*" in text:
        for event in yaml.parse(text, Loader=fast):
            if isinstance(event, yaml.AliasEvent):
                mark = event.start_mark  # libyaml's Mark: the same line and column
                raise yaml.MarkedYAMLError(problem=_ALIAS, problem_mark=mark)  # type: ignore[arg-type]
    return yaml.load(text, Loader=fast)  # noqa: S506 - libyaml's SafeLoader


def parse_text(text: str) -> Any:
    """One YAML document as plain data; YamlProblem (``line L, column C: YAML error: ...``)."""
    try:
        return _load(text)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = " ".join(str(err.problem or err.context or "invalid YAML").split())
        raise YamlProblem(f"{where}YAML error: {problem}") from None
    except yaml.YAMLError as err:
        raise YamlProblem(f"YAML error: {' '.join(str(err).split())}") from None
    except RecursionError:
        raise YamlProblem("YAML error: nesting is too deep") from None
