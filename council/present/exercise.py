"""Spot the faulty seats: score a trainee's guess, explain each faulty seat's tell-tale behaviour.

Everything is read from the run record: what each seat said round by round, what it told whom
(``Statement.sent``, kept for faulty seats only), what it cast and sent in each ballot. A faulty
seat's rationale argues like anyone's, so a transcript shown with the faults hidden names none.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping

from pydantic import BaseModel, ConfigDict, Field

from council.contracts.choices import Language
from council.contracts.record import RunRecord
from council.library.catalog import Library
from council.present.i18n import option_labels, text
from council.present.words import scenario_of


class Tell(BaseModel):
    """Why a seat was (or was not) faulty, from what the record shows of it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seat: int
    persona: str
    behaviour: str = Field(description="``honest`` or the fault spec.")
    lines: list[str] = Field(description="One observation per line.")


class GuessScore(BaseModel):
    """A trainee's guess scored against the truth."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    suspects: list[int]
    faulty: list[int]
    hits: list[int] = Field(description="Faulty seats the trainee suspected.")
    missed: list[int] = Field(description="Faulty seats the trainee did not suspect.")
    false_alarms: list[int] = Field(description="Honest seats the trainee suspected.")
    score: float = Field(
        ge=0,
        le=1,
        description="Hits over the union of suspects and faulty seats (1 if both empty).",
    )
    tells: list[Tell] = Field(description="Each faulty seat's tell-tale behaviour.")
    cleared: list[Tell] = Field(description="Why each wrongly suspected seat was honest.")


def faulty_seats(record: RunRecord) -> list[int]:
    """The seats that were faulty in the run."""
    return [s.seat for s in record.council.seats if s.behaviour != "honest"]


def _honest_majority(record: RunRecord, ballot: int) -> str | None:
    cast = record.ballots[ballot].cast
    counts = Counter(cast[s] for s in record.commits if cast.get(s))
    return counts.most_common(1)[0][0] if counts else None


def _said(record: RunRecord, seat: int) -> list[str | None]:
    return [rnd.statements[seat].option for rnd in record.rounds]


def tells(
    record: RunRecord,
    seat: int,
    lang: Language = "en",
    labels: Mapping[str, str] | None = None,
) -> list[str]:
    """What, in the record, gives a faulty seat away (or shows an honest one acting honestly).

    In ``lang``; ``labels`` (option id -> label) names the options, else their ids do.
    """
    names = labels or {}

    def t(key: str, **fields: object) -> str:
        return text(f"tell_{key}", lang, **fields)

    def o(option: str) -> str:
        return names.get(option, option)

    said = _said(record, seat)
    lines: list[str] = []
    silent = [r for r, option in enumerate(said) if option is None]
    if silent:
        lines.append(t("silent", rounds=", ".join(map(str, silent))))
    if any(option is not None for option in said):
        path = " → ".join(o(x) if x else t("nothing") for x in said)
        lines.append(t("stated", path=path))
    honest = {int(s) for s in record.commits}
    for rnd in record.rounds[1:]:
        mine = rnd.statements[seat]
        others = [s.confidence for s in rnd.statements if s.seat in honest]
        if mine.option and others and mine.confidence > max(others) + 1e-9:
            lines.append(t("confident", round=rnd.round, mine=mine.confidence, most=max(others)))
            break
    for rnd in record.rounds[1:]:
        told = rnd.statements[seat].sent
        if told and len(told) > 1:
            parts = t("and").join(t("told_part", n=n, option=o(x)) for x, n in told.items())
            lines.append(t("told", round=rnd.round, parts=parts))
            break
    for rnd in record.rounds[1:]:
        scores = rnd.statements[seat].scores
        top = max(scores, key=scores.__getitem__) if scores else None
        if top and scores[top] >= 1.0 and all(v <= -1.0 for x, v in scores.items() if x != top):
            lines.append(t("extreme", round=rnd.round, option=o(top)))
            break
    last = record.rounds[-1].statements[seat]
    if seat not in honest and len(record.rounds) > 1 and last.option is not None:
        lines.append(t("sent", round=record.rounds[-1].round, said=last.rationale))
    odd_ballots = 0
    for b, ballot in enumerate(record.ballots):
        cast = ballot.cast.get(str(seat))
        argued = record.rounds[ballot.after_round].statements[seat].option
        majority = _honest_majority(record, b)
        odd_ballots += cast is None or cast != argued
        if cast is None:
            lines.append(t("cast_nothing", ballot=ballot.ballot))
        elif argued is not None and cast != argued:
            lines.append(t("cast_other", ballot=ballot.ballot, cast=o(cast), argued=o(argued)))
        elif majority is not None and cast != majority:
            lines.append(
                t("cast_against", ballot=ballot.ballot, cast=o(cast), majority=o(majority))
            )
        sent = ballot.commit_sent.get(str(seat))
        if sent is not None and seat not in honest and sent != majority:
            lines.append(t("commit", ballot=ballot.ballot, option=o(sent)))
    if seat in honest and record.ballots and not odd_ballots:
        lines.append(t("matched"))
    if seat not in honest and len(lines) <= 1:
        lines.append(t("hard"))
    return lines


def _tell(record: RunRecord, seat: int, lang: Language, labels: Mapping[str, str]) -> Tell:
    info = record.council.seats[seat]
    lines = tells(record, seat, lang, labels)
    return Tell(seat=seat, persona=info.persona, behaviour=info.behaviour, lines=lines)


def score_guess(
    record: RunRecord,
    suspects: Collection[int],
    lang: Language = "en",
    library: Library | None = None,
) -> GuessScore:
    """Score the seats a trainee suspects against the faulty seats, and explain the truth.

    The explanations are in ``lang``; outside English they name options by their label in
    ``lang`` (where the scenario has one), not by their id.
    """
    labels = option_labels(scenario_of(record, library), lang) if lang != "en" else {}
    guess = sorted(set(suspects))
    unknown = [s for s in guess if not 0 <= s < record.council.size]
    if unknown:
        raise ValueError(f"seat {unknown[0]} is not a seat of the council of {record.council.size}")
    truth = faulty_seats(record)
    hits = sorted(set(guess) & set(truth))
    union = set(guess) | set(truth)
    return GuessScore(
        suspects=guess,
        faulty=truth,
        hits=hits,
        missed=sorted(set(truth) - set(guess)),
        false_alarms=sorted(set(guess) - set(truth)),
        score=round(len(hits) / len(union), 4) if union else 1.0,
        tells=[_tell(record, s, lang, labels) for s in truth],
        cleared=[_tell(record, s, lang, labels) for s in sorted(set(guess) - set(truth))],
    )
