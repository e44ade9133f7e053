"""Registries that remember: a name, a one-line summary and an argument per entry.

Rules, methods, faults and reasoners are registered with a decorator on a factory; a spec string
``NAME[:ARG]`` names an entry and its argument, so a run record can name back exactly what ran.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict

T = TypeVar("T")


class SpecError(ValueError):
    """A spec string names nothing registered, or its argument is wrong."""


class Entry(BaseModel):
    """What a registry knows of one entry (for listings and records)."""

    model_config = ConfigDict(frozen=True)

    name: str
    summary: str
    arg: str | None = None
    """What the ``:ARG`` part means, or None if the entry takes no argument."""


class Registry(Generic[T]):
    """Named factories of one kind of thing, each taking an optional string argument."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._factories: dict[str, Callable[[str | None], T]] = {}
        self._entries: dict[str, Entry] = {}

    def register(
        self, name: str, *, arg: str | None = None
    ) -> Callable[[Callable[[str | None], T]], Callable[[str | None], T]]:
        """Register ``factory(arg) -> T`` as ``name``; its docstring gives the summary."""

        def decorate(factory: Callable[[str | None], T]) -> Callable[[str | None], T]:
            if name in self._factories:
                raise ValueError(f"{self.kind} {name!r} is registered twice")
            summary = (factory.__doc__ or "").strip().splitlines()[0] if factory.__doc__ else ""
            self._factories[name] = factory
            self._entries[name] = Entry(name=name, summary=summary, arg=arg)
            return factory

        return decorate

    def names(self) -> list[str]:
        """Registered names, in registration order."""
        return list(self._factories)

    def entries(self) -> list[Entry]:
        """Registered entries, in registration order."""
        return list(self._entries.values())

    def split(self, spec: str) -> tuple[str, str | None]:
        """Split ``NAME[:ARG]`` and check the name and whether an argument is due."""
        name, sep, arg = spec.partition(":")
        if name not in self._factories:
            raise SpecError(f"unknown {self.kind} {name!r} (known: {', '.join(self._factories)})")
        entry = self._entries[name]
        if entry.arg is not None and not arg:
            raise SpecError(f"{self.kind} {name!r} needs an argument: {name}:{entry.arg.upper()}")
        if entry.arg is None and sep:
            raise SpecError(f"{self.kind} {name!r} takes no argument")
        return name, (arg or None)

    def create(self, spec: str) -> T:
        """Build the entry a spec names."""
        name, arg = self.split(spec)
        return self._factories[name](arg)
