"""A run record's facts in plain English sentences: the quorum, the settings, the decision.

The CLI's transcript and the Markdown handout (``render``) say them, and the app's English;
``i18n`` says the same in Khmer. They read the record (and the library for names), never the
engine.
"""

from __future__ import annotations

from council.contracts.choices import Language
from council.contracts.config import RunConfig
from council.contracts.formats import Scenario
from council.contracts.record import Ballot, RunRecord, Tolerance
from council.library.catalog import Library, load_library, resolve_scenario


def scenario_of(record: RunRecord, library: Library | None = None) -> Scenario:
    """The record's scenario: as the run saw it (kept by the store), else the library's."""
    if record.inputs is not None:
        return record.inputs.scenario
    library = library or load_library()
    if record.scenario in library.scenarios:
        return library.scenarios[record.scenario]
    return resolve_scenario(record.config.scenario, library)


def persona_names(record: RunRecord, library: Library | None = None) -> dict[int, str]:
    """Seat -> persona display name."""
    personas = dict((library or load_library()).personas)
    if record.inputs is not None:
        personas |= record.inputs.personas
    return {
        s.seat: personas[s.persona].name if s.persona in personas else s.persona
        for s in record.council.seats
    }


def quorum_words(record: RunRecord) -> str:
    """The quorum arithmetic in words."""
    c = record.council
    needed = f"{c.quorum} of {c.size} needed"
    if record.config.weights is not None:
        needed = f"at least {needed} (weighted by group)"
    elif not is_threshold(record.config.quorum):
        needed = f"at least {needed} ({record.config.quorum})"
    return f"{needed}; {tolerance_words(c.tolerates)} (f = {c.max_faulty})"


def tolerance_words(tolerates: Tolerance) -> str:
    """What a quorum tolerates, in words; a safety bound below 0 is said, not shown as 0.

    Safety below 0 means two quorums can be disjoint: honest seats can commit different
    options with no faulty seat at all. (Liveness is never below 0 in a record: every quorum
    system a run accepts has the whole council as a quorum.)

    >>> tolerance_words(Tolerance(safety=10, liveness=11))
    'tolerates 10 faulty seats for safety and 11 for liveness'
    >>> for part in tolerance_words(Tolerance(safety=-1, liveness=2)).split("; "):
    ...     print(part)
    not safe even with no faulty seat (two quorums can be disjoint)
    tolerates 2 faulty seats for liveness
    """
    if tolerates.safety < 0:
        return (
            "not safe even with no faulty seat (two quorums can be disjoint); "
            f"tolerates {tolerates.liveness} faulty seats for liveness"
        )
    return (
        f"tolerates {tolerates.safety} faulty seats for safety and {tolerates.liveness} for "
        "liveness"
    )


def setting_words(cfg: RunConfig) -> list[str]:
    """Settings beyond the usual ones, when a run has them: weights, fault placement, network."""
    parts = []
    if cfg.weights is not None:
        parts.append("weights " + ", ".join(f"{g} {w:g}" for g, w in cfg.weights.items()))
    if cfg.faulty_groups is not None:
        parts.append("faulty seats drawn from " + ", ".join(cfg.faulty_groups))
    if cfg.network_faults:
        network = [f"drop {cfg.drop:g}", f"delay {cfg.delay:g}"]
        if cfg.partition:
            network.append(f"partition {cfg.partition}")
        parts.append("network faults: " + ", ".join(network))
    return parts


def is_threshold(spec: str) -> bool:
    """Whether a quorum spec is a plain threshold rule (a name or a fraction)."""
    return not spec.startswith("groups:") and not spec.endswith((".yaml", ".yml"))


def baseline_words(record: RunRecord) -> str:
    """How the run compares with its fault-free twin."""
    m = record.metrics
    verdict = "agrees" if m.agrees_with_baseline else "differs"
    return f"Fault-free baseline: {m.baseline_option or 'no decision'} ({verdict})"


def llm_words(record: RunRecord) -> str | None:
    """What the LLM calls cost (None for offline runs)."""
    if record.config.backend == "offline":
        return None
    m = record.metrics
    cost = "cost unknown" if m.cost_usd is None else f"about ${m.cost_usd:.4f}"
    models = sorted(m.cost_by_model) or [record.config.model or "?"]
    resent = f", {m.llm_resent} re-sent on resume" if m.llm_resent else ""
    text = (
        f"LLM ({', '.join(models)}): {m.llm_calls} calls, {m.llm_errors} failed, "
        f"{m.llm_cached} from the cache, {m.seat_failures} seat failures, "
        f"{m.tokens.prompt + m.tokens.completion:,} tokens{resent}, {cost}"
    )
    if len(m.cost_by_model) > 1:
        text += (
            " ("
            + ", ".join(
                f"{model} {'?' if c is None else f'${c:.4f}'}"
                for model, c in m.cost_by_model.items()
            )
            + ")"
        )
    return text


def degraded_words(record: RunRecord) -> str | None:
    """Why a run's result is weaker than it looks (None if nothing failed)."""
    if not record.outcome.degraded:
        return None
    n = record.metrics.seat_failures
    return (
        f"Degraded: {n} LLM seat-phase{'s' if n != 1 else ''} failed and counted as crashed "
        "(silent); see the errors"
    )


def decision_words(record: RunRecord) -> str:
    """One sentence: what was decided, or why nothing was."""
    o = record.outcome
    if o.status == "error":
        return f"Error, no decision: {o.reason}"
    if o.status == "decided":
        n_commit = sum(1 for v in record.commits.values() if v == o.option)
        return f"Decided: {o.label} ({n_commit} of {len(record.commits)} honest seats committed)"
    if o.status == "escalated":
        return "No quorum: escalated to the human chair"
    return f"No quorum after {len(record.ballots)} ballot(s)"


def unlocks(ballot: Ballot) -> str:
    """The seats that gave up a lock in a ballot, as a clause ('' if none).

    >>> from council.contracts.record import Unlock
    >>> b = Ballot(ballot=2, after_round=3, cast={}, tally={}, views={}, commit_sent={},
    ...            committed={}, messages=0, unlocked={"4": Unlock(was="a", now="b")})
    >>> unlocks(b)
    '; seat 4 unlocked from a to b'
    """
    moves = ballot.unlocked.items()
    return "".join(f"; seat {seat} unlocked from {u.was} to {u.now}" for seat, u in moves)


def quorum_warnings(
    faulty: int, size: int, quorum: int, tolerates: Tolerance, lang: Language
) -> tuple[str, ...]:
    """What the room should know before a council runs, from its ``tolerates`` figures.

    The honest seats can never make a quorum by themselves when the faulty seats outnumber
    what the quorum tolerates for liveness; two quorums may hold no honest seat in common when
    they outnumber what it tolerates for safety.

    >>> quorum_warnings(0, 4, 3, Tolerance(safety=1, liveness=1), "en")
    ()
    >>> len(quorum_warnings(2, 4, 3, Tolerance(safety=1, liveness=1), "en"))
    2
    """
    from council.present.i18n import text  # i18n reads this module's quorum_words

    out: list[str] = []
    if faulty > tolerates.liveness:
        out.append(
            text(
                "never_quorum",
                lang,
                faulty=faulty,
                honest=size - faulty,
                quorum=quorum,
                liveness=max(tolerates.liveness, 0),
            )
        )
    if faulty > tolerates.safety:
        out.append(text("over_tolerance", lang, faulty=faulty, safety=max(tolerates.safety, 0)))
    return tuple(out)
