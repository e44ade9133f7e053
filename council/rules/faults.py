"""Fault models: how a faulty seat misbehaves.

A fault is named by a spec ``NAME[:OPTION]``. The behaviour of each model (what a faulty seat
says in deliberation and sends in each protocol phase) lives with the engine's message rules;
this module is the registry that names them, checks their argument, and documents them.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from council.rules.registry import Registry, SpecError


class Fault(BaseModel):
    """A resolved fault model: its name and, where it takes one, the option it pushes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    option: str | None = None

    @property
    def spec(self) -> str:
        """The spec string that names this fault back (``stubborn:suspend``)."""
        return f"{self.name}:{self.option}" if self.option else self.name


FAULTS: Registry[Fault] = Registry("fault")


@FAULTS.register("crash")
def _crash(_: str | None) -> Fault:
    """Silent: sends nothing in deliberation or in any protocol phase."""
    return Fault(name="crash")


@FAULTS.register("random")
def _random(_: str | None) -> Fault:
    """Sends a random view and a random ballot to each recipient, drawn from the seed."""
    return Fault(name="random")


@FAULTS.register("stubborn", arg="option")
def _stubborn(option: str | None) -> Fault:
    """Never moves: argues its own view but always ballots for OPTION, following the protocol."""
    return Fault(name="stubborn", option=option)


@FAULTS.register("equivocate")
def _equivocate(_: str | None) -> Fault:
    """Tells each honest seat the option of the two the honest seats split on that it leans to."""
    return Fault(name="equivocate")


@FAULTS.register("collude", arg="option")
def _collude(option: str | None) -> Fault:
    """A cartel: every member sends the same extreme view, prepare and commit for OPTION."""
    return Fault(name="collude", option=option)


@FAULTS.register("persuader", arg="option")
def _persuader(option: str | None) -> Fault:
    """Argues as hard as it can for OPTION in deliberation and ballots for it."""
    return Fault(name="persuader", option=option)


def parse_fault(spec: str, option_ids: Sequence[str] | None = None) -> Fault:
    """Resolve a fault spec; with ``option_ids``, check that its option exists."""
    fault = FAULTS.create(spec)
    if option_ids is not None and fault.option is not None and fault.option not in option_ids:
        raise SpecError(
            f"fault {fault.name!r}: unknown option {fault.option!r} "
            f"(options: {', '.join(option_ids)})"
        )
    return fault
