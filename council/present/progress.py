"""Progress events in words: the line the app shows for each as it arrives, in either language."""

from __future__ import annotations

from council.contracts.choices import Language
from council.contracts.events import (
    BallotCounted,
    LlmUsage,
    ProgressEvent,
    RoundFinished,
    SeatSpoke,
)
from council.present.i18n import text


def progress_text(event: ProgressEvent, lang: Language) -> str:
    """The line the app shows for a progress event as it arrives.

    >>> progress_text(RoundFinished(round=1), "en")
    'Round 1 finished'
    """
    if isinstance(event, SeatSpoke):
        if event.option is None:
            fields = {"seat": event.seat, "model": event.model, "error": event.error}
            return text("progress_seat_failed", lang, **fields)
        return text(
            "progress_seat",
            lang,
            seat=event.seat,
            model=event.model,
            option=event.option,
            confidence=event.confidence or 0.0,
        )
    if isinstance(event, RoundFinished):
        return text("progress_round", lang, round=event.round)
    if isinstance(event, BallotCounted):
        return text("progress_ballot", lang, ballot=event.ballot, committed=event.committed)
    if isinstance(event, LlmUsage):
        return text(
            "progress_llm",
            lang,
            calls=event.calls,
            errors=event.errors,
            cached=event.cached,
            tokens=f"{event.tokens:,}",
            cost=event.cost_usd or 0.0,
        )
    known = [(k, v) for k, v in event.model_dump().items() if k != "kind" and v is not None]
    return " · ".join(f"{k} {v}" for k, v in known)
