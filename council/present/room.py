"""Words for the workshop room: a secret role's brief, and the handout with who played what.

English only for now (the room's screens are not yet translated).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

from council.contracts.principles import GROUPS
from council.contracts.record import RunRecord
from council.library.catalog import Library
from council.present.render import markdown

GROUP_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "government": "Government",
        "industry": "Industry",
        "academia": "Academia",
        "civil_society": "Civil society",
    }
)

_BRIEFS: Mapping[str, str] = MappingProxyType(
    {
        "honest": "You are an honest member of the council: say what you think is best, and "
        "argue for it.",
        "equivocate": "Secret role: equivocator. Tell different groups different things: push "
        "one option to some groups and another to the rest, so the honest seats split and no "
        "option reaches the quorum. Nobody else knows your role.",
        "persuader": "Secret role: persuader for {option}. Win the council over to {option} by "
        "argument, to every group. Nobody else knows your role.",
        "collude": "Secret role: colluder for {option}. Back {option} whatever is said, with the "
        "other colluders. Nobody else knows your role.",
        "stubborn": "Secret role: stubborn for {option}. Say {option} every round and never move. "
        "Nobody else knows your role.",
    }
)


def role_name(role: str) -> str:
    """A role spec in words: ``persuader:suspend`` -> ``persuader for suspend``."""
    name, _, option = role.partition(":")
    return f"{name} for {option}" if option else name


def brief(role: str, options: Mapping[str, str]) -> str:
    """What the person in a seat with this role is told (shown only to them)."""
    name, _, option = role.partition(":")
    return _BRIEFS.get(name, _BRIEFS["honest"]).format(option=options.get(option, option))


def groups_to_tell(role: str) -> Sequence[str]:
    """The stakeholder groups a faulty person's per-recipient form asks about."""
    return GROUPS if role != "honest" else ()


def handout(
    record: RunRecord, played: Sequence[tuple[str, int, str]], library: Library | None = None
) -> str:
    """The run's handout, with who played what: (display name, seat, role), revealed."""
    lines = [
        markdown(record, library).rstrip(),
        "",
        "## Who played what",
        "",
        "| Seat | Played by | Role | Seat's behaviour |",
        "|---|---|---|---|",
    ]
    seats = {s.seat: s for s in record.council.seats}
    for name, seat, role in sorted(played, key=lambda p: p[1]):
        behaviour = seats[seat].behaviour if seat in seats else "?"
        lines.append(f"| {seat} | {name} | {role_name(role)} | {behaviour} |")
    automated = [
        s for s in record.council.seats if s.behaviour != "honest" and s.reasoner != "human"
    ]
    if automated:
        lines += [
            "",
            "Automated faulty seats: "
            + ", ".join(f"{s.seat} ({s.behaviour})" for s in automated)
            + ".",
        ]
    return "\n".join(lines) + "\n"
