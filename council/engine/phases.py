"""The phase functions of a run, shared by the LangGraph graph and the batch path.

Each is a pure function of the run context and the arrays of the step before: the opening
(per seat), hearing (what every seat is sent in a round), revising (per seat, from its inbox)
and voting (one ballot of the protocol). ``simulate`` is the batch driver that chains them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from council.contracts.seat_key import SeatKey
from council.engine.adversary import NONE, deliberation_inbox
from council.engine.context import RunContext
from council.engine.protocols import BallotResult, ProtocolState, run_ballot
from council.rules.opinion import opening, update_views


def open_views(ctx: RunContext, seats: np.ndarray) -> np.ndarray:
    """Blind opening assessments (len(seats), K): no seat has heard any other."""
    return opening(ctx.council.base[seats], ctx.noise[seats])


def hear(
    ctx: RunContext,
    views: np.ndarray,
    round_no: int,
    *,
    silent: set[int] | None = None,
    earlier: np.ndarray | None = None,
    earlier_silent: set[int] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """What each seat is sent in a deliberation round: (inbox (n, n, K), heard (n, n)).

    ``silent`` seats said nothing last round (their reasoner failed): nobody hears them.
    Under network faults only what arrives is heard; a late message is the one sent the round
    before, from ``earlier`` (the views of two rounds back; ``earlier_silent`` as ``silent``).
    """
    inbox, heard = _sent(ctx, views, round_no, silent)
    if ctx.network is not None:
        inbox, heard = _network(ctx, inbox, heard, round_no, earlier, earlier_silent)
    return inbox, heard


def _sent(
    ctx: RunContext, views: np.ndarray, round_no: int, silent: set[int] | None
) -> tuple[np.ndarray, np.ndarray]:
    """What each seat is sent in a round, and by whom, before the network has its say."""
    inbox, heard = deliberation_inbox(ctx, views, round_no)
    if silent:
        heard = heard.copy()
        heard[:, sorted(silent)] = False
    return inbox, heard


def _network(
    ctx: RunContext,
    inbox: np.ndarray,
    heard: np.ndarray,
    round_no: int,
    earlier: np.ndarray | None,
    earlier_silent: set[int] | None,
) -> tuple[np.ndarray, np.ndarray]:
    """A round's messages after the network: lost ones unheard, late ones a round older."""
    assert ctx.network is not None
    lost, late = ctx.network.deliberation(round_no)
    if late is not None and late.any():
        if earlier is None or round_no < 2:
            heard = heard & ~late  # the first round has no earlier message to arrive late
        else:
            before, sent_before = _sent(ctx, earlier, round_no - 1, earlier_silent)
            inbox = np.where(late[:, :, None], before, inbox)
            heard = np.where(late, sent_before, heard)
    return inbox, heard & ~lost


def revise(
    ctx: RunContext,
    seats: np.ndarray,
    first: np.ndarray,
    now: np.ndarray,
    inbox: np.ndarray,
    heard: np.ndarray,
    round_no: int | None = None,
) -> np.ndarray:
    """New views of ``seats`` in round ``round_no``, from their opening, current view and inbox.

    Faulty seats do not move (their row comes back as it was) unless their fault model
    behaves honestly in that round; without ``round_no``, they never move.
    """
    new = update_views(
        ctx.config.update, first, now, inbox, heard, ctx.openness[seats], ctx.max_faulty
    )
    if not ctx.faulty.any() or (round_no is not None and ctx.fault.honest(round_no)):
        return new
    return np.where(ctx.faulty[seats][:, None], now, new)


def messages_heard(heard: np.ndarray) -> int:
    """Point-to-point deliberation messages delivered in one round."""
    return int(heard.sum())


@dataclass
class Trace:
    """Everything a run produced, as arrays: the input of records and summaries."""

    views: list[np.ndarray] = field(default_factory=list)
    """Per round (round 0 the opening), every seat's own view (n, K)."""
    inboxes: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    """Per deliberation round (from round 1), what each seat was sent and which arrived."""
    ballots: list[BallotResult] = field(default_factory=list)
    failures: dict[int, list[int]] = field(default_factory=dict)
    """Per round, seats whose reasoner failed and that counted as crashed (LLM seats)."""
    notes: dict[SeatKey, str] = field(default_factory=dict)
    """(round, seat) -> what a person or an LLM said, kept as the statement's rationale."""

    @property
    def rounds_used(self) -> int:
        """Deliberation rounds run after the opening."""
        return len(self.views) - 1


def deliberate(ctx: RunContext, trace: Trace) -> None:
    """One more deliberation round over every seat, appended to the trace."""
    now = trace.views[-1]
    earlier = trace.views[-2] if len(trace.views) > 1 else None
    round_no = len(trace.views)
    inbox, heard = hear(ctx, now, round_no, earlier=earlier)
    seats = np.arange(ctx.n)
    trace.views.append(revise(ctx, seats, trace.views[0], now, inbox, heard, round_no))
    trace.inboxes.append((inbox, heard))


def done(ctx: RunContext, state: ProtocolState) -> bool:
    """Whether every honest seat has committed (later ballots could change nothing)."""
    return bool(np.all(state.committed[ctx.honest] != NONE))


def simulate(ctx: RunContext) -> Trace:
    """The batch path: opening, rounds, then ballots (each failed one after one more round)."""
    trace = Trace(views=[open_views(ctx, np.arange(ctx.n))])
    for _ in range(ctx.config.rounds):
        deliberate(ctx, trace)
    state = ProtocolState.start(ctx.n)
    for ballot in range(1, ctx.config.ballots + 1):
        result, state = run_ballot(
            ctx, trace.views[-1], state, ballot=ballot, after_round=trace.rounds_used
        )
        trace.ballots.append(result)
        if done(ctx, state) or ballot == ctx.config.ballots:
            break
        deliberate(ctx, trace)
    return trace
