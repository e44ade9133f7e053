"""Icons and colour marks (Material Symbols and named colours, which the app ships with)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from council.present.figures import Swatch

GROUP_ICONS: Mapping[str, str] = MappingProxyType(
    {
        "government": ":material/account_balance:",
        "industry": ":material/factory:",
        "academia": ":material/school:",
        "civil_society": ":material/diversity_3:",
    }
)
PERSON = ":material/person:"
FAULTY = ":red[:material/warning:]"


def group_icon(group: str) -> str:
    """A stakeholder group's icon (a person for an unknown group)."""
    return GROUP_ICONS.get(group, PERSON)


def mark(swatch: Swatch | None) -> str:
    """A coloured dot and the option's letter, in Markdown (never the colour alone)."""
    if not swatch:
        return ""
    return f":{swatch.name}[●]**{swatch.letter}**" if swatch.letter else f":{swatch.name}[●]"
