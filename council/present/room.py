"""Words for the workshop room: a secret role's brief, the board and handout in a language.

Everything here takes the interface language (``en`` or ``km``); the words themselves are in
``i18n_room``.

>>> role_name("persuader:suspend", "en")
'persuader for suspend'
>>> brief("stubborn:audit", {"audit": "Audit it"}, "en").split(".")[0]
'Secret role: stubborn for Audit it'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from council.contracts.choices import Language
from council.contracts.principles import GROUPS
from council.contracts.record import RunRecord
from council.contracts.room import Board, RoomStatus
from council.library.catalog import Library, load_library
from council.present.handout import handout as run_handout
from council.present.i18n import group_name, option_labels, persona_name, text


def role_name(role: str, lang: Language = "en", options: Mapping[str, str] | None = None) -> str:
    """A role spec in words: ``persuader:suspend`` -> ``persuader for suspend``.

    ``options`` (id -> label) names the option by its label instead of its id.
    """
    name, _, option = role.partition(":")
    key = f"role_{name}"
    try:
        return text(key, lang, option=(options or {}).get(option, option))
    except KeyError:
        return role


def brief(role: str, options: Mapping[str, str], lang: Language = "en") -> str:
    """What the person in a seat with this role is told (shown only to them)."""
    name, _, option = role.partition(":")
    key = f"brief_{name}"
    try:
        return text(key, lang, option=options.get(option, option))
    except KeyError:
        return text("brief_honest", lang)


def groups_to_tell(role: str) -> Sequence[str]:
    """The stakeholder groups a faulty person's per-recipient form asks about."""
    return GROUPS if role != "honest" else ()


def board_in(
    board: Board, scenario_id: str, lang: Language, library: Library | None = None
) -> Board:
    """The board with its option labels and persona names in ``lang`` where the library has them.

    The store keeps the board in English (any screen may show it in any language).
    """
    if lang == "en":
        return board
    library = library or load_library()
    scenario = library.scenarios.get(scenario_id)
    names = {p.name: persona_name(p, lang) for p in library.personas.values()}
    options = option_labels(scenario, lang) if scenario is not None else board.options
    return board.model_copy(
        update={
            "options": {o: options.get(o, label) for o, label in board.options.items()},
            "names": {s: names.get(n, n) for s, n in board.names.items()},
        }
    )


def handout(
    record: RunRecord,
    played: Sequence[tuple[str, int, str]],
    library: Library | None = None,
    lang: Language = "en",
) -> str:
    """The run's handout in ``lang``, with who played what: (display name, seat, role)."""
    library = library or load_library()
    scenario = library.scenarios.get(record.scenario)
    # Khmer names an option by its Khmer label; English keeps the short id.
    labels = option_labels(scenario, lang) if scenario is not None and lang != "en" else {}
    lines = [
        run_handout(record, lang, library).rstrip(),
        "",
        f"## {text('room_who_played', lang)}",
        "",
        text("room_played_header", lang),
        "|---|---|---|---|",
    ]
    seats = {s.seat: s for s in record.council.seats}
    for name, seat, role in sorted(played, key=lambda p: p[1]):
        behaviour = seats[seat].behaviour if seat in seats else "?"
        lines.append(f"| {seat} | {name} | {role_name(role, lang, labels)} | {behaviour} |")
    automated = [
        s for s in record.council.seats if s.behaviour != "honest" and s.reasoner != "human"
    ]
    if automated:
        listed = ", ".join(f"{s.seat} ({s.behaviour})" for s in automated)
        lines += ["", text("room_automated_line", lang, seats=listed)]
    return "\n".join(lines) + "\n"


def round_name(round_no: int | None, language: Language) -> str:
    """A turn's round in words: "the opening" for round 0, else "round N"."""
    if not round_no:
        return text("room_the_opening", language)
    return text("room_round_n", language, round=round_no)


def waiting_line(status: RoomStatus, language: Language = "en") -> str:
    """The visible 'waiting for N people' line (names of who has not answered)."""
    missing = status.missing
    if not missing:
        return text("room_everyone", language)
    names = ", ".join(
        status.people.get(s, text("room_nobody_joined", language, seat=s)) for s in missing
    )
    if len(missing) == 1:
        return text("room_waiting_one", language, names=names)
    return text("room_waiting_many", language, count=len(missing), names=names)


def refusal(key: str, fields: Mapping[str, object], language: Language) -> str:
    """What a room refused (a ``RoomError``'s key and fields) in ``language``.

    A state or a stakeholder group in the message is named in that language too.

    >>> refusal("ended", {"code": "ABC123", "state": "closed"}, "en")
    'room ABC123 is closed'
    """
    words = dict(fields)
    if "state" in words:
        words["state"] = text(f"room_state_{words['state']}", language)
    if "group" in words:
        words["group"] = group_name(str(words["group"]), language)
    return text(f"room_error_{key}", language, **words)
