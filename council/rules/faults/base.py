"""What a fault model is: the interface every model implements, its registry and its specs.

A fault is named by a spec ``NAME[:ARG]`` and resolved to one object that carries the whole of
its behaviour: what the faulty seats say in deliberation, send at prepare and commit, whether
they are silent, and whether an LLM speaks for them with a hidden objective. The engine asks
the object and never the name.

Messages are point-to-point and authenticated: a faulty seat may send each recipient something
different, but never speaks for another seat. Arrays are indexed [recipient, sender]; ``faulty``
is the faulty seats' indices (m of them, at least one: the engine asks only when there are).

**Rounds.** Round 0 is the blind opening; deliberation round r (from 1) carries every seat's
statement of round r - 1 and ends in its statement of round r; a ballot held after round a
carries ballots cast from the statements of round a.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Protocol, TypeVar

import numpy as np

from council.contracts.formats import Scenario
from council.rules.registry import Registry, SpecError

if TYPE_CHECKING:
    from council.rules.faults.runs import RunForm

NONE = -1
"""No option (no commit, no message)."""


class FaultContext(Protocol):
    """What a fault model reads of a run besides the arrays it is handed (a run context)."""

    @property
    def honest(self) -> np.ndarray:
        """Boolean (n,): the honest seats."""
        ...

    @property
    def fault_option(self) -> int | None:
        """Index of the option the fault pushes, if it pushes one."""
        ...

    def random_stream(self, step: int) -> np.random.Generator:
        """The seeded draws of one step (a round or a protocol phase)."""
        ...


@dataclass(frozen=True, eq=False)
class FaultyBallots:
    """The ballots the faulty seats send, as the few distinct sets and who receives which.

    Recipient r receives ``rankings[variant[r]]`` and ``approvals[variant[r]]`` from the faulty
    seats (one row per faulty seat): one set for every recipient when they say the same thing to
    all, two for an equivocator, one per recipient for random seats.
    """

    rankings: np.ndarray
    """(V, m, K) rankings, one set per variant."""
    approvals: np.ndarray
    """(V, m, K) approval sets."""
    variant: np.ndarray
    """(n,) which variant each recipient receives."""
    speaks: bool
    """False when the faulty seats are silent (then nothing is received from them)."""
    lean: np.ndarray | None = None
    """Equivocation: the option of the split pair each recipient was told (for its commits)."""

    @classmethod
    def silent(cls, n: int, m: int, k: int) -> FaultyBallots:
        """Nothing sent: the faulty seats are silent for the ballot."""
        return cls(
            np.zeros((1, m, k), dtype=np.intp),
            np.zeros((1, m, k), dtype=bool),
            np.zeros(n, dtype=np.intp),
            False,
        )


class Fault(ABC):
    """A fault model: how the faulty seats of a run misbehave, from the opening to the commit.

    Subclasses are frozen dataclasses registered with ``@fault``; the methods are pure
    functions of the arrays they are handed, the run's ``FaultContext`` and its seeded draws.
    """

    name: ClassVar[str] = ""
    """The registered name (set by ``@fault``)."""
    through_llm: ClassVar[bool] = False
    """Whether an LLM speaks for a faulty seat (with ``objective``); else it acts on messages
    and makes no calls."""

    @classmethod
    def from_arg(cls, arg: str | None) -> Fault:
        """Build the model from its spec's argument (given iff due: the registry checked)."""
        return cls()

    @classmethod
    def example_arg(cls, option_ids: Sequence[str], pick: int = 0) -> str | None:
        """An argument its spec takes in a scenario with these options (None: it takes none).

        ``pick`` varies it (tests and listings draw specs of every model through it).
        """
        return None

    @property
    def option(self) -> str | None:
        """The option id it pushes, if it pushes one."""
        return None

    @property
    def arg(self) -> str | None:
        """The argument of its spec, if it takes one."""
        return self.option

    @property
    def spec(self) -> str:
        """The spec string that names this fault back (``stubborn:suspend``)."""
        return f"{self.name}:{self.arg}" if self.arg is not None else self.name

    def silent(self, round_no: int) -> bool:
        """Whether a faulty seat's statement of round ``round_no`` is nothing.

        A silent statement is recorded as nothing, heard by nobody in the round after, and no
        ballot is cast from it: a ballot held after a silent round gets nothing from the seat.
        """
        return False

    def honest(self, round_no: int) -> bool:
        """Whether a faulty seat behaves as an honest one up to its statement of ``round_no``.

        Then it revises its view from what it heard like an honest seat, and its statement of
        record is that view. Otherwise its view stays its opening and its statement of record
        is what it sent.
        """
        return False

    def objective(self, scenario: Scenario) -> str | None:
        """The hidden objective an LLM speaking for a faulty seat is given (None: none)."""
        return None

    def runs(self, option_ids: Sequence[str]) -> RunForm | None:
        """Its behaviour for many runs at once (the batch kernel's), None if it has none.

        A model without one runs seed by seed: correct, slower.
        """
        return None

    @abstractmethod
    def inbox(
        self, ctx: FaultContext, faulty: np.ndarray, views: np.ndarray, round_no: int
    ) -> np.ndarray:
        """What every seat is sent in deliberation round ``round_no``: (n, n, K), read-only.

        ``views`` (n, K) is every seat's statement of the round before (a faulty seat's row is
        its own view); the honest rows of the inbox are theirs.
        """

    @abstractmethod
    def ballots(
        self,
        ctx: FaultContext,
        faulty: np.ndarray,
        rankings: np.ndarray,
        approvals: np.ndarray | None,
        step: int,
        after_round: int,
    ) -> FaultyBallots:
        """What the faulty seats send at prepare in a ballot held after round ``after_round``.

        ``rankings`` (n, K) and ``approvals`` (n, K; None when the method reads none) are every
        seat's own ballot, faulty seats' included; ``step`` numbers the phase's seeded draws.
        """

    @abstractmethod
    def commits(
        self,
        ctx: FaultContext,
        faulty: np.ndarray,
        sent: FaultyBallots,
        would_commit: np.ndarray,
        step: int,
    ) -> np.ndarray:
        """The option each faulty seat sends each recipient a commit for: (n, m), NONE where none.

        ``sent`` are the ballots they sent at prepare in the same ballot. ``would_commit`` (m,)
        is what each commits by the protocol's own rule from what it received (NONE if nothing).
        """


FAULTS: Registry[Fault] = Registry("fault")
_MODELS: dict[str, type[Fault]] = {}

F = TypeVar("F", bound=type[Fault])


def fault(name: str, *, arg: str | None = None) -> Callable[[F], F]:
    """Register a fault model class as ``name``; its docstring's first line is its summary.

    ``arg`` says what the spec's ``:ARG`` is (``option``, ``round``), None if it takes none.
    """

    def decorate(cls: F) -> F:
        cls.name = name
        _MODELS[name] = cls

        def make(value: str | None) -> Fault:
            return cls.from_arg(value)

        make.__doc__ = cls.__doc__
        FAULTS.register(name, arg=arg)(make)
        return cls

    return decorate


def parse_fault(spec: str, option_ids: Sequence[str] | None = None) -> Fault:
    """Resolve a fault spec; with ``option_ids``, check that its option exists."""
    model = FAULTS.create(spec)
    if option_ids is not None and model.option is not None and model.option not in option_ids:
        raise SpecError(
            f"fault {model.name!r}: unknown option {model.option!r} "
            f"(options: {', '.join(option_ids)})"
        )
    return model


def example_spec(name: str, option_ids: Sequence[str], pick: int = 0) -> str:
    """A valid spec of the registered model ``name`` in a scenario with these options.

    >>> example_spec("crash", ["a", "b"]), example_spec("stubborn", ["a", "b"], pick=3)
    ('crash', 'stubborn:b')
    """
    if name not in _MODELS:
        raise SpecError(f"unknown fault {name!r} (known: {', '.join(FAULTS.names())})")
    arg = _MODELS[name].example_arg(option_ids, pick)
    return name if arg is None else f"{name}:{arg}"


def same_for_all(rows: np.ndarray, n: int) -> np.ndarray:
    """``rows`` as every one of n recipients receives it: a read-only (n, *rows.shape) view."""
    if not rows.flags.c_contiguous:
        return np.broadcast_to(rows, (n, *rows.shape))
    # The ndarray constructor is a cheaper broadcast than np.broadcast_to for small arrays.
    out = np.ndarray((n, *rows.shape), rows.dtype, buffer=rows, strides=(0, *rows.strides))
    out.flags.writeable = False
    return out


def with_faulty_rows(views: np.ndarray, faulty: np.ndarray, sent: np.ndarray | float) -> np.ndarray:
    """An inbox (n, n, K): every seat's view, with the faulty senders' columns set to ``sent``.

    ``sent`` is (n, m, K) per recipient, or anything that broadcasts to it.
    """
    inbox = views[None].repeat(len(views), axis=0)
    inbox[:, faulty, :] = sent
    return inbox
