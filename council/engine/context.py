"""A run's fixed context: the seated council (``seating``) and every number drawn from the seed.

Everything random is drawn here, once, from independent streams of the seed, so that the phase
functions that follow are deterministic and the baseline (the same seed, every seat honest)
sees the same perception noise and topology as the faulty run.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from council.contracts.choices import PERSON_ROLES
from council.contracts.config import RunConfig
from council.contracts.formats import Persona, Scenario
from council.contracts.principles import GROUPS
from council.contracts.record import Seat
from council.contracts.seat_models import Endpoint, endpoint_of
from council.engine.seating import Council, seat_council
from council.library.catalog import Library, load_library, resolve_scenario
from council.rules.faults import Fault, parse_fault
from council.rules.faults.person import Mixed, PersonPlayed, Told
from council.rules.network import Network
from council.rules.quorum_system import QuorumSystem
from council.rules.registry import SpecError
from council.rules.topology import adjacency
from council.rules.voting import METHODS, Method

NOISE_SD = 0.08
"""Standard deviation of a seat's perception noise on each option's score."""

# Independent random streams of one seed: np.random.default_rng([seed, STREAM, ...]).
NOISE_STREAM, FAULTY_STREAM, RANDOM_FAULT_STREAM = 1, 2, 3


@dataclass(frozen=True, eq=False)
class RunContext:
    """The seated council and its seeded draws; read-only for the phase functions."""

    config: RunConfig
    council: Council
    faulty: np.ndarray
    """Boolean (n,): the faulty seats."""
    noise: np.ndarray
    """(n, options) seeded perception noise."""
    hears: np.ndarray
    """(n, n) boolean: hears[i, j] when seat i hears seat j in deliberation."""
    told: Mapping[tuple[int, int], Told] = dataclasses.field(default_factory=dict)
    """People in secret faulty roles: (round, seat) -> what they told each group."""

    # The council's fields, read through.
    @property
    def scenario(self) -> Scenario:
        """The scenario deliberated."""
        return self.council.scenario

    @property
    def personas(self) -> tuple[Persona, ...]:
        """Each seat's persona."""
        return self.council.personas

    @functools.cached_property
    def fault(self) -> Fault:
        """The fault model of the faulty seats (with people's seats: both, ``Mixed``)."""
        if not self.config.person_faults:
            return self.council.fault
        played = frozenset(self.config.person_faults)
        groups = np.array([GROUPS.index(p.group) for p in self.personas], dtype=np.intp)
        return Mixed(
            auto=self.council.fault,
            people=PersonPlayed(groups=groups, told=self.told),
            played=played,
            has_auto=bool(self.config.byzantine),
        )

    def with_told(self, told: Mapping[tuple[int, int], Told]) -> RunContext:
        """The same run once people in faulty roles have said what they told whom."""
        return dataclasses.replace(self, told=told)

    def person_sent(self, seat: int, round_no: int, own: int) -> dict[str, int]:
        """How many seats a person-played faulty seat told each option in a round.

        ``own`` is the option of its statement of record (what groups it named nothing for
        hear).
        """
        fault = self.fault
        assert isinstance(fault, Mixed)
        told = fault.people.option_to(seat, round_no, own)
        listeners = np.flatnonzero(self.hears[:, seat])
        counts = np.bincount(told[listeners], minlength=self.n_options)
        return {self.option_ids[o]: int(c) for o, c in enumerate(counts) if c}

    @property
    def values(self) -> np.ndarray:
        """(n, P) value weights."""
        return self.council.values

    @property
    def openness(self) -> np.ndarray:
        """(n,) openness."""
        return self.council.openness

    @property
    def impacts(self) -> np.ndarray:
        """(options, P) option impacts."""
        return self.council.impacts

    @property
    def emphasis(self) -> np.ndarray:
        """(P,) principle emphasis."""
        return self.council.emphasis

    @property
    def quorum(self) -> int:
        """The threshold t."""
        return self.council.quorum

    @property
    def max_faulty(self) -> int:
        """F = floor((n - 1) / 3)."""
        return self.council.max_faulty

    @property
    def system(self) -> QuorumSystem:
        """The quorum system."""
        return self.council.system

    @functools.cached_property
    def network(self) -> Network | None:
        """The run's network faults, or None when every message arrives on time."""
        if not self.config.network_faults:
            return None
        return Network(
            self.config.seed, self.n, self.config.drop, self.config.delay, self.council.partition
        )

    @property
    def n(self) -> int:
        """Council size."""
        return len(self.council.personas)

    @property
    def n_options(self) -> int:
        """Number of options (the docs' K is faulty seats: ``config.byzantine``)."""
        return len(self.scenario.options)

    @property
    def option_ids(self) -> tuple[str, ...]:
        """Option ids, in scenario order."""
        return self.scenario.option_ids

    @property
    def honest(self) -> np.ndarray:
        """Boolean (n,): the honest seats."""
        return ~self.faulty

    @functools.cached_property
    def method(self) -> Method:
        """The aggregation method (its scalar and, where it has one, its vectorised form)."""
        return METHODS.create(self.config.method)

    @property
    def fault_option(self) -> int | None:
        """Index of the option the fault pushes, if it pushes one."""
        return self.option_ids.index(self.fault.option) if self.fault.option else None

    @functools.cached_property
    def endpoints(self) -> tuple[Endpoint | None, ...]:
        """Each seat's LLM endpoint; None where no LLM speaks for it.

        That is every seat offline, a person's seat, and a faulty seat whose fault acts on
        messages rather than through what an LLM says (``Fault.through_llm``).
        """
        if self.config.backend != "openai":
            return (None,) * self.n
        by_rule = bool(self.faulty.any()) and not self.fault.through_llm
        return tuple(
            None
            if i in self.config.human_seats or (by_rule and self.faulty[i])
            else endpoint_of(
                self.config.models, p, model=self.config.model, base_url=self.config.base_url
            )
            for i, p in enumerate(self.personas)
        )

    @functools.cached_property
    def seats(self) -> tuple[Seat, ...]:
        """The seats as a record lists them."""
        reasoner = self.config.backend
        out = []
        for i, p in enumerate(self.personas):
            endpoint = self.endpoints[i]
            human = i in self.config.human_seats
            out.append(
                Seat(
                    seat=i,
                    persona=p.id,
                    behaviour=self._behaviour(i),
                    reasoner="human" if human else reasoner,
                    model="human" if human else endpoint.model if endpoint else "offline",
                )
            )
        return tuple(out)

    def _behaviour(self, seat: int) -> str:
        if seat in self.config.person_faults:
            return f"person:{self.config.person_faults[seat]}"
        return self.fault.spec if self.faulty[seat] else "honest"

    def random_stream(self, step: int) -> np.random.Generator:
        """The random fault's draws for one step (a round or a protocol phase)."""
        return random_stream(self.config.seed, step)


def draw(config: RunConfig, council: Council) -> RunContext:
    """Draw a seed's faulty seats, perception noise and topology for a seated council."""
    n = len(council.personas)
    return RunContext(
        config=config,
        council=council,
        faulty=faulty_seats(config, council, config.seed),
        noise=perception_noise(config.seed, n, len(council.scenario.options)),
        # A complete graph is the same for every seed: one cached matrix serves them all.
        hears=adjacency(
            config.topology, n, 0 if config.topology == "complete" or n < 4 else config.seed
        ),
    )


def _check_people(config: RunConfig, council: Council) -> None:
    """Person-played roles must be known, and mix only with automated faults never silent."""
    option_ids = council.scenario.option_ids
    for seat, spec in config.person_faults.items():
        role = parse_fault(spec, option_ids)
        if role.name not in PERSON_ROLES:
            raise SpecError(
                f"person_faults: seat {seat}: {spec!r} is no person's role "
                f"(roles: {', '.join(PERSON_ROLES)})"
            )
    if config.byzantine:
        phases = range(config.rounds + config.ballots + 1)
        if any(council.fault.silent(r) or council.fault.honest(r) for r in phases):
            raise SpecError(
                f"--fault {config.fault}: a run with people in faulty roles needs an automated "
                "fault that always speaks (not crash or silent-after)"
            )


def perception_noise(seed: int, n: int, options: int) -> np.ndarray:
    """A seed's perception noise (n, options): its own stream, the same with or without faults."""
    return np.random.default_rng([seed, NOISE_STREAM]).normal(0.0, NOISE_SD, size=(n, options))


def faulty_seats(config: RunConfig, council: Council, seed: int) -> np.ndarray:
    """Boolean (n,): the faulty seats a seed draws for a config (its own ``seed`` aside)."""
    faulty = np.zeros(len(council.personas), dtype=bool)
    if config.byzantine:
        eligible = eligible_seats(config, council)
        picker = np.random.default_rng([seed, FAULTY_STREAM])
        # Drawing positions, not elements, is the same draw and skips an array's overhead.
        faulty[eligible[picker.choice(len(eligible), size=config.byzantine, replace=False)]] = True
    if config.person_faults:  # people in secret faulty roles (a workshop room)
        _check_people(config, council)
        faulty[list(config.person_faults)] = True
    return faulty


def eligible_seats(config: RunConfig, council: Council) -> np.ndarray:
    """The seats the faulty ones are drawn from; SpecError if too few for ``config.byzantine``."""
    n = len(council.personas)
    # A person at the UI always plays an honest seat.
    eligible = (
        np.setdiff1d(np.arange(n), np.array(config.human_seats, dtype=int))
        if config.human_seats
        else np.arange(n)
    )
    if config.faulty_groups is not None:
        eligible = _in_groups(eligible, council, config.faulty_groups)
    if config.byzantine > len(eligible):
        raise SpecError(
            f"--byzantine {config.byzantine}: only {len(eligible)} seats "
            + (
                f"are in {', '.join(config.faulty_groups)} and "
                if config.faulty_groups is not None
                else ""
            )
            + "are not played by a person"
        )
    return eligible


def random_stream(seed: int, step: int) -> np.random.Generator:
    """The random fault's draws of a seed for one step (a round or a protocol phase)."""
    return np.random.default_rng([seed, RANDOM_FAULT_STREAM, step])


def _in_groups(seats: np.ndarray, council: Council, groups: tuple[str, ...]) -> np.ndarray:
    """The seats, of these, whose persona is in one of the groups."""
    return np.array([s for s in seats if council.personas[s].group in groups], dtype=np.intp)


def build_context(config: RunConfig, library: Library, scenario: Scenario) -> RunContext:
    """Resolve a config against the library and draw everything random; SpecError if invalid."""
    return draw(config, seat_council(config, library, scenario))


def tolerance(ctx: RunContext) -> dict[str, int]:
    """``council.tolerates`` of a record."""
    return ctx.council.tolerates.model_dump()


def prepare(
    config: RunConfig, library: Library | None = None, scenario: Scenario | None = None
) -> RunContext:
    """Resolve a config into a run context (SpecError or LoadError if it is not valid)."""
    return draw(config, seat(config, library, scenario))


def seat(
    config: RunConfig, library: Library | None = None, scenario: Scenario | None = None
) -> Council:
    """Resolve a config into its seated council, before any seed's draws."""
    library = library or load_library()
    scenario = scenario or resolve_scenario(config.scenario, library)
    return seat_council(config, library, scenario)
