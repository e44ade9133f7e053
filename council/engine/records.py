"""The run record built from a trace: what both drivers (graph and batch) hand to every reader."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

import numpy as np

from council.contracts.record import (
    Ballot,
    CouncilInfo,
    Metrics,
    Outcome,
    Round,
    RunRecord,
    SeatView,
    Statement,
    Tolerance,
    Unlock,
)
from council.contracts.seat_key import SeatKey
from council.engine import khmer
from council.engine.adversary import NONE
from council.engine.context import RunContext, tolerance
from council.engine.metrics import measure
from council.engine.outcome import Summary, summarize
from council.engine.pdca import build_pdca
from council.engine.phases import Trace
from council.engine.rationale import opening_rationale, revision_rationale
from council.rules.opinion import confidence


@dataclass(frozen=True)
class Spoken:
    """What an LLM seat's statement carries besides its view (from the graph's state)."""

    model: str
    confidence: float | None
    """The model's own stated confidence; None when the seat failed (it said nothing)."""
    prompt_hash: str | None = None
    reply_hash: str | None = None


Said = dict[SeatKey, Spoken]
"""(round, seat) -> what an LLM seat's statement carries."""


def _opt(ctx: RunContext, index: int) -> str | None:
    return None if index == NONE else ctx.option_ids[index]


def _said(
    ctx: RunContext, trace: Trace, r: int, i: int
) -> tuple[np.ndarray | None, str, dict[str, int] | None]:
    """What seat i said in round r (None: nothing), why in words, and what a faulty seat sent."""
    view = trace.views[r][i]
    km = ctx.config.language == "km"
    if i in trace.failures.get(r, []):
        failed = khmer.FAILED if km else "Its reasoner failed this round; it counted as crashed."
        return None, failed, None
    if ctx.faulty[i] and ctx.fault.silent(r):
        return None, khmer.SAID_NOTHING if km else "Said nothing.", None
    note = trace.notes.get(SeatKey(r, i))  # what a person or an LLM said (kept even if empty)
    if i in ctx.config.person_faults:
        # A person in a faulty role: their own words and option; what they told whom apart.
        text = opening_rationale(ctx, i, view) if note is None else note
        return view, text, ctx.person_sent(i, r, int(view.argmax()))
    if r == 0:
        return view, opening_rationale(ctx, i, view) if note is None else note, None
    inbox, heard = trace.inboxes[r - 1]
    if ctx.faulty[i] and not ctx.fault.honest(r):
        # Its statement of record is the view it sent most often, argued like any other; what
        # it told whom is kept apart, for the facilitator to reveal.
        sent, listeners = inbox[:, i], np.flatnonzero(heard[:, i])
        told: dict[str, int] = {}
        if len(listeners):
            tops = sent[listeners].argmax(axis=1)
            view = sent[listeners[tops == int(np.bincount(tops).argmax())][0]]
            counts = np.bincount(tops, minlength=ctx.n_options)
            told = {ctx.option_ids[o]: int(c) for o, c in enumerate(counts) if c}
        return view, opening_rationale(ctx, i, view) if note is None else note, told
    if note is not None:
        return view, note, None
    text = revision_rationale(ctx, i, trace.views[r - 1][i], view, inbox[i], heard[i])
    return view, text, None


def _statements(ctx: RunContext, trace: Trace, r: int, said: Said) -> list[Statement]:
    conf = confidence(trace.views[r])
    out = []
    for i in range(ctx.n):
        view, text, told = _said(ctx, trace, r, i)
        spoken = said.get(SeatKey(r, i))
        stated = None if view is None else round(float(conf[i]), 4)
        if spoken is not None and spoken.confidence is not None and view is not None:
            stated = round(spoken.confidence, 4)  # the model's own word, not a derived number
        seat = ctx.seats[i]
        out.append(
            Statement(
                seat=i,
                option=None if view is None else ctx.option_ids[int(view.argmax())],
                scores={}
                if view is None
                else {o: round(float(s), 4) for o, s in zip(ctx.option_ids, view, strict=True)},
                confidence=0.0 if stated is None else stated,
                rationale=text,
                sent=told,
                model=spoken.model if spoken else ("human" if seat.model == "human" else "offline"),
                prompt_hash=spoken.prompt_hash if spoken else None,
                reply_hash=spoken.reply_hash if spoken else None,
            )
        )
    return out


def _ballot(ctx: RunContext, b: int, trace: Trace) -> Ballot:
    result = trace.ballots[b]
    honest = np.flatnonzero(ctx.honest)
    cast = result.cast
    return Ballot(
        ballot=result.ballot,
        after_round=result.after_round,
        cast={str(i): _opt(ctx, int(cast[i])) for i in range(ctx.n)},
        tally={o: int((cast == index).sum()) for index, o in enumerate(ctx.option_ids)},
        views={
            str(i): SeatView(
                winner=_opt(ctx, int(result.winner[i])), support=int(result.support[i])
            )
            for i in honest
        },
        commit_sent={
            str(i): ctx.option_ids[int(o)] for i, o in enumerate(result.commit_sent) if o != NONE
        },
        committed={
            str(i): ctx.option_ids[int(o)] for i, o in enumerate(result.committed) if o != NONE
        },
        messages=result.messages,
        unlocked={
            str(i): Unlock(was=ctx.option_ids[int(o)], now=ctx.option_ids[result.commit_sent[i]])
            for i, o in enumerate(result.unlocked)
            if o != NONE
        },
    )


def round_records(ctx: RunContext, trace: Trace, said: Said | None = None) -> list[Round]:
    """Every round so far, as the record lists them (also for a run still under way)."""
    return [
        Round(round=r, statements=_statements(ctx, trace, r, said or {}))
        for r in range(len(trace.views))
    ]


def ballot_records(ctx: RunContext, trace: Trace) -> list[Ballot]:
    """Every ballot so far, as the record lists them."""
    return [_ballot(ctx, b, trace) for b in range(len(trace.ballots))]


def build_record(
    ctx: RunContext,
    trace: Trace,
    *,
    baseline: int | None,
    wall_s: float,
    run_id: str | None = None,
    metrics_extra: dict[str, object] | None = None,
    errors: list[str] | None = None,
    said: Said | None = None,
    failure: str | None = None,
) -> RunRecord:
    """The run record of a trace (``baseline`` None: not computed, as for LLM runs).

    ``failure`` is why the run could not work (every LLM seat of a phase failed, too many seat
    failures, the cost cap): the outcome is then status ``error`` with that reason and no
    decision, whatever the ballots so far say.
    """
    summary: Summary = summarize(ctx, trace)
    option = NONE if failure else summary.option
    last_cast = trace.ballots[-1].cast if trace.ballots else np.full(ctx.n, NONE)
    dissent = [
        int(i)
        for i in np.flatnonzero(ctx.honest)
        if option != NONE and last_cast[i] not in (option, NONE)
    ]
    measured = measure(ctx, trace, summary, None if failure else baseline)
    metrics = Metrics(
        **asdict(measured),
        baseline_option=None if baseline is None else _opt(ctx, baseline),
        wall_s=round(wall_s, 4),
        **(metrics_extra or {}),
    )
    return RunRecord(
        run_id=run_id or uuid.uuid4().hex[:16],
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        scenario=ctx.scenario.id,
        config=ctx.config,
        council=CouncilInfo(
            size=ctx.n,
            max_faulty=ctx.max_faulty,
            quorum=ctx.quorum,
            tolerates=Tolerance(**tolerance(ctx)),
            seats=list(ctx.seats),
        ),
        rounds=round_records(ctx, trace, said),
        ballots=ballot_records(ctx, trace),
        outcome=Outcome(
            status="error" if failure else summary.status,
            option=_opt(ctx, option),
            label=None if option == NONE else ctx.scenario.options[option].label,
            tally={o: int(c) for o, c in zip(ctx.option_ids, summary.tally, strict=True)},
            dissent=dissent,
            degraded=any(trace.failures.values()),
            reason=failure,
        ),
        commits={str(i): _opt(ctx, int(summary.commits[i])) for i in np.flatnonzero(ctx.honest)},
        metrics=metrics,
        pdca=None if option == NONE else build_pdca(ctx, option, last_cast),
        errors=errors or [],
    )
