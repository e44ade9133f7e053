"""Plan-Do-Check-Act: a decided outcome as an action record.

The plan names the option and the stakeholder groups that backed it; the actions follow the
principles the option improves; the checks follow the principles the scenario harms, at a
cadence set by the harm's severity; the review triggers follow the costs and the dissent.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from council.contracts.principles import PRINCIPLES, Principle
from council.contracts.record import Pdca, PdcaStep
from council.engine import khmer
from council.engine.adversary import NONE
from council.engine.context import RunContext

ACTIONS: dict[Principle, str] = {
    "transparency": "publish a plain-language notice (in Khmer and the other languages of those "
    "affected) of what the system does, its data sources and its limits",
    "fairness": "run a bias audit broken down by province, gender, language and income, before "
    "and after the change",
    "safety": "set up incident reporting with a named responder and a tested rollback path",
    "human_centricity": "keep a human reviewer on decisions that touch livelihoods, with a "
    "simple way for people to contest them",
    "privacy": "map and minimise personal-data flows, with consent and a data-protection impact "
    "assessment before any transfer",
    "accountability": "name an accountable owner and keep decision logs an outside auditor can "
    "read",
    "robustness": "test on local data (Khmer text, rural and low-connectivity cases) before "
    "scaling up",
    "innovation": "give local developers a clear, time-bound path (a sandbox or guidance) to keep "
    "building",
}

MEASURES: dict[Principle, str] = {
    "transparency": "share of affected people who can say what the system does and how to ask "
    "about a decision",
    "fairness": "gap in error and approval rates between the most and least affected groups",
    "safety": "number and severity of reported incidents, and time to respond",
    "human_centricity": "share of contested decisions reviewed by a person within 14 days",
    "privacy": "personal-data incidents and transfers without a documented legal basis",
    "accountability": "audit findings closed on time by the accountable owner",
    "robustness": "error rate on local test sets, including Khmer-language cases",
    "innovation": "local projects started or continued under the new rules",
}


def _cadence(severity: float) -> str:
    if severity >= 0.7:
        return "monthly"
    if severity >= 0.4:
        return "quarterly"
    return "every six months"


def build_pdca(ctx: RunContext, option: int, cast: np.ndarray) -> Pdca:
    """The PDCA record for a decided option; ``cast`` is each seat's first choice."""
    chosen = ctx.scenario.options[option]
    honest = np.flatnonzero(ctx.honest)
    backers = Counter(ctx.personas[i].group for i in honest if cast[i] == option)
    dissenters = Counter(ctx.personas[i].group for i in honest if cast[i] not in (option, NONE))
    owners = [g for g, _ in backers.most_common(2)] or [ctx.personas[int(honest[0])].group]

    gains = sorted(
        (p for p in PRINCIPLES if chosen.impacts.get(p, 0.0) > 0.1),
        key=lambda p: -chosen.impacts[p] * (0.5 + ctx.scenario.harms.get(p, 0.0)),
    )
    costs = [p for p in PRINCIPLES if chosen.impacts.get(p, 0.0) < -0.2]
    at_stake = sorted(ctx.scenario.harms, key=lambda p: -ctx.scenario.harms[p])
    if ctx.config.language == "km":
        return _pdca_km(ctx, option, owners, backers, dissenters, gains, costs, at_stake)

    plan = PdcaStep(
        summary=f"{chosen.label}. Owned by {' and '.join(g.replace('_', ' ') for g in owners)}.",
        items=[
            f"{sum(backers.values())} of {len(honest)} honest seats backed it",
            *[f"accepted cost: {p.replace('_', '-')} ({chosen.impacts[p]:+.2f})" for p in costs],
        ],
    )
    do = PdcaStep(
        summary=f"Carry out '{chosen.label}' with these safeguards.",
        items=[f"{p.replace('_', '-')}: {ACTIONS[p]}" for p in gains[:4]]
        or [f"carry out '{chosen.label}' and document how"],
    )
    check = PdcaStep(
        summary="Measure what the incident harmed.",
        items=[
            f"{p.replace('_', '-')} ({_cadence(ctx.scenario.harms[p])}): {MEASURES[p]}"
            for p in at_stake
        ],
    )
    triggers = [f"the {MEASURES[p]} worsens at two checks in a row" for p in at_stake[:2]] + [
        f"the cost to {p.replace('_', '-')} proves larger than accepted" for p in costs[:2]
    ]
    if dissenters:
        groups = ", ".join(g.replace("_", " ") for g, _ in dissenters.most_common())
        triggers.append(f"the dissenting groups ({groups}) report the harm they warned of")
    triggers.append("twelve months pass: review the decision in full")
    act = PdcaStep(summary="Reopen the decision when any of these happens.", items=triggers)
    return Pdca(option=chosen.id, owners=owners, plan=plan, do=do, check=check, act=act)


def _cadence_km(severity: float) -> str:
    monthly, quarterly, half_yearly = khmer.CADENCE_KM
    return monthly if severity >= 0.7 else quarterly if severity >= 0.4 else half_yearly


def _pdca_km(
    ctx: RunContext,
    option: int,
    owners: list[str],
    backers: Counter[str],
    dissenters: Counter[str],
    gains: list[Principle],
    costs: list[Principle],
    at_stake: list[Principle],
) -> Pdca:
    """``build_pdca`` in Khmer: the same steps from the same numbers."""
    chosen = ctx.scenario.options[option]
    label = khmer.option_label_km(ctx.scenario, option)
    name = khmer.PRINCIPLES_KM
    honest = int(ctx.honest.sum())
    plan = PdcaStep(
        summary=khmer.PLAN.format(
            label=label, owners=khmer.AND.join(khmer.GROUPS_KM.get(g, g) for g in owners)
        ),
        items=[
            khmer.BACKED.format(backers=sum(backers.values()), honest=honest),
            *[
                khmer.ACCEPTED_COST.format(principle=name[p], impact=chosen.impacts[p])
                for p in costs
            ],
        ],
    )
    do = PdcaStep(
        summary=khmer.DO.format(label=label),
        items=[f"{name[p]}៖ {khmer.ACTIONS_KM[p]}" for p in gains[:4]]
        or [khmer.DO_PLAIN.format(label=label)],
    )
    check = PdcaStep(
        summary=khmer.CHECK,
        items=[
            f"{name[p]} ({_cadence_km(ctx.scenario.harms[p])})៖ {khmer.MEASURES_KM[p]}"
            for p in at_stake
        ],
    )
    triggers = [khmer.WORSENS.format(measure=khmer.MEASURES_KM[p]) for p in at_stake[:2]] + [
        khmer.COST_LARGER.format(principle=name[p]) for p in costs[:2]
    ]
    if dissenters:
        groups = ", ".join(khmer.GROUPS_KM.get(g, g) for g, _ in dissenters.most_common())
        triggers.append(khmer.DISSENT.format(groups=groups))
    triggers.append(khmer.TWELVE_MONTHS)
    act = PdcaStep(summary=khmer.ACT, items=triggers)
    return Pdca(option=chosen.id, owners=owners, plan=plan, do=do, check=check, act=act)
