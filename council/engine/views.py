"""Seat-by-seat views of a ballot: what reached each seat, and whether its backing is a quorum.

The prepare phase (``council.engine.prepares``) decides each distinct view of a ballot once
when views differ only in what the faulty seats sent. Two things make every seat's view its
own: network faults (``delivered``: which messages reached whom) and quorum systems beyond one
threshold, which ask who backs an option, group by group, not how many. The functions here
answer both, recipient by recipient; a plain threshold without network faults never calls
them but ``quorate``, whose first line is the old count test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from council.engine.context import RunContext
from council.rules.faults import NONE
from council.rules.voting import Method, Profile, Scores

if TYPE_CHECKING:
    from council.engine.prepares import Received


def honest_senders(ctx: RunContext, absent: np.ndarray | None) -> np.ndarray:
    """(n,) the honest seats whose ballots are sent (not absent)."""
    return ctx.honest if absent is None else ctx.honest & ~absent


def delivered_count(delivered: np.ndarray, senders: np.ndarray) -> int:
    """Messages from ``senders`` to the other seats that arrived (a seat's own is no message)."""
    return int(delivered[:, senders].sum() - senders.sum())


def _sender_rows(
    got: Received, voters: np.ndarray, rule: Scores
) -> tuple[np.ndarray, np.ndarray | None]:
    """Per-ballot totals of a scoring rule, for honest senders and for the faulty ones.

    Honest: (n, K), zero for seats that send no ballot. Faulty: (V, m, K) per variant, None
    when they send nothing.
    """
    k = got.ranks.shape[1]
    approve = got.approve if got.approve is not None else np.zeros(got.ranks.shape, dtype=bool)
    own = np.asarray(rule(got.ranks[:, None, :], approve[:, None, :])) * voters[:, None]
    sent = got.faulty
    if sent is None or not sent.speaks or not sent.rankings.shape[1]:
        return own, None
    extra = np.asarray(rule(sent.rankings[:, :, None, :], sent.approvals[:, :, None, :]))
    return own, extra.reshape(len(sent.rankings), -1, k)


def _view_totals(
    faulty: np.ndarray,
    got: Received,
    delivered: np.ndarray,
    rows: tuple[np.ndarray, np.ndarray | None],
) -> np.ndarray:
    """Per recipient, the totals (n, K) of the ballots that reached it."""
    own, extra = rows
    totals = delivered.astype(np.int64) @ own
    if extra is not None and got.faulty is not None:
        reached = delivered[:, faulty].astype(np.int64)  # (n, m)
        totals = totals + np.einsum("rj,rjk->rk", reached, extra[got.faulty.variant])
    return np.asarray(totals)


def decide_delivered(
    method: Method, faulty: np.ndarray, got: Received, voters: np.ndarray, delivered: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each seat's winner and its support from the ballots that reached it (network faults).

    ``voters`` (n,) are the honest seats that sent a ballot, ``faulty`` the faulty seats'
    indices and ``delivered`` (n, n) which ballots reached whom. The method's vectorised form
    scores every view at once where it has one; else its scalar form runs view by view.
    """
    n, k = got.ranks.shape
    backing_rule = method.support_scores
    backing = _view_totals(faulty, got, delivered, _sender_rows(got, voters, backing_rule))
    received = delivered[:, voters].any(axis=1)
    sent = got.faulty
    if sent is not None and sent.speaks and len(faulty):
        received |= delivered[:, faulty].any(axis=1)
    scoring = method.scores
    if scoring is backing_rule:
        winner = backing.argmax(axis=1)
    elif scoring is not None:
        totals = _view_totals(faulty, got, delivered, _sender_rows(got, voters, scoring))
        winner = totals.argmax(axis=1)
    else:
        approve = got.approve if got.approve is not None else np.zeros((n, k), dtype=bool)
        winner = np.full(n, NONE)
        for r in np.flatnonzero(received):
            mine = delivered[r] & voters
            ranks, approvals = got.ranks[mine], approve[mine]
            if sent is not None and sent.speaks and len(faulty):
                heard = delivered[r, faulty]
                ranks = np.concatenate([ranks, sent.rankings[sent.variant[r]][heard]])
                approvals = np.concatenate([approvals, sent.approvals[sent.variant[r]][heard]])
            winner[r] = method(Profile.trusted(ranks, approvals))[0]
    winner = np.where(received, winner, NONE)
    support = np.where(received, backing[np.arange(n), np.maximum(winner, 0)], 0)
    return winner, support


def quorate(
    ctx: RunContext,
    faulty: np.ndarray,
    got: Received,
    absent: np.ndarray | None,
    winner: np.ndarray,
    backing: np.ndarray,
    delivered: np.ndarray | None,
) -> np.ndarray:
    """(n,) whether each seat's winner is backed by a quorum of the ballots it received.

    A plain threshold needs only the count; any other quorum system is asked about who, by
    group, backs the winner in each seat's view.
    """
    t = ctx.system.threshold
    if t is not None:
        return np.asarray(backing >= t)
    return np.asarray(
        ctx.system.seats_quorum(supporters(ctx, faulty, got, absent, winner, delivered))
    )


def supporters(
    ctx: RunContext,
    faulty: np.ndarray,
    got: Received,
    absent: np.ndarray | None,
    winner: np.ndarray,
    delivered: np.ndarray | None,
) -> np.ndarray:
    """(n recipients, n senders): which ballots a seat received back its winner."""
    n = ctx.n
    option = np.maximum(winner, 0)
    if ctx.method.approval and got.approve is not None:
        backs = got.approve[:, option].T  # backs[r, s] = approve[s, option[r]]
    else:
        backs = got.ranks[:, 0][None, :] == option[:, None]
    backs = backs & honest_senders(ctx, absent)[None, :]
    sent = got.faulty
    if len(faulty):
        if sent is not None and sent.speaks and sent.rankings.shape[1]:
            if ctx.method.approval:
                told = sent.approvals[sent.variant][np.arange(n), :, option]  # (n, m)
            else:
                told = sent.rankings[sent.variant][:, :, 0] == option[:, None]
            backs[:, faulty] = told
        else:
            backs[:, faulty] = False
    if delivered is not None:
        backs &= delivered
    backs[winner == NONE] = False
    return np.asarray(backs)


@dataclass(frozen=True)
class Commits:
    """What each seat holds after a commit phase."""

    quorate: np.ndarray
    """(n,) whether some option's commits it received form a quorum."""
    choice: np.ndarray
    """(n,) that option (the one with the most commits if several)."""
    messages: int
    """Commit messages that arrived."""


def commits_received(
    ctx: RunContext,
    commit_sent: np.ndarray,
    faulty: np.ndarray,
    sent: np.ndarray | None,
    step: int,
    after_round: int,
) -> Commits:
    """The commits each seat received, asked of the quorum system option by option.

    ``commit_sent`` (n,) is what each honest seat broadcast (NONE: nothing); ``sent`` (n, m)
    what each faulty seat sent each recipient. Network faults drop messages per recipient.
    """
    n, k = ctx.n, ctx.n_options
    got = np.broadcast_to(np.where(ctx.honest, commit_sent, NONE), (n, n)).copy()
    if sent is not None:
        got[:, faulty] = sent
    delivered = None if ctx.network is None else ctx.network.delivered(step, after_round)
    if delivered is not None:
        got[~delivered] = NONE
    messages = int((got != NONE).sum() - (np.diagonal(got) != NONE).sum())
    quorate, choice = ctx.system.commit_choice(got, k)
    return Commits(quorate, choice, messages)
