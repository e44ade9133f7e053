"""Data models of the library: personas and scenarios, as their YAML files are written.

Every model forbids unknown keys and is frozen; each rule of the file formats in DESIGN.md is a
validator here, so a file that loads is a file the engine can use.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from council.contracts.principles import Group, Principle

Slug = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=1, max_length=64)
]
"""Lower-case words joined by single hyphens."""
LangCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]
"""An ISO 639 language code, lower case (``km``, ``en``, ``fil``)."""
Country = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
"""An ISO 3166-1 alpha-2 country code, upper case (``KH``)."""


def _number(value: object) -> object:
    """Refuse booleans where a number is due (YAML's ``yes`` is not 1.0)."""
    if isinstance(value, bool):
        raise ValueError("expected a number, got a boolean")
    return value


Weight = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False), BeforeValidator(_number)]
"""A number in [0, 1] (the bounds before the validator: the JSON schema says minimum/maximum)."""
Effect = Annotated[float, Field(ge=-1.0, le=1.0, allow_inf_nan=False), BeforeValidator(_number)]
"""A number in [-1, 1]."""


Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
"""A short line of text."""
Fact = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
"""A short statement of fact."""
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=240)]
"""A one-line title."""
Paragraph = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
"""A paragraph of text."""
Citation = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400)]
"""A source citation."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class PersonaTranslation(_Strict):
    """A persona's name and role in another language."""

    name: Line | None = Field(default=None, description="Translated display name.")
    role: Paragraph | None = Field(default=None, description="Translated role paragraph.")


class Persona(_Strict):
    """A stakeholder who can sit on a council."""

    id: Slug = Field(description="Unique slug of the persona in the library.")
    name: Line = Field(description="Short display name, e.g. 'Telecom ministry policy lead'.")
    group: Group = Field(description="Stakeholder group.")
    role: Paragraph = Field(description="One paragraph: who they are and what they answer for.")
    values: dict[Principle, Weight] = Field(
        min_length=1, description="Weight in [0, 1] the persona gives each principle."
    )
    openness: Weight = Field(description="How far the persona moves toward peers, in [0, 1].")
    languages: list[LangCode] = Field(
        min_length=1, max_length=8, description="Languages the persona speaks (ISO 639)."
    )
    voice: Paragraph | None = Field(
        default=None, description="Character for LLM prompts, in the second person."
    )
    translations: dict[LangCode, PersonaTranslation] = Field(
        default_factory=dict, description="Name and role in other languages, by code."
    )

    @field_validator("values")
    @classmethod
    def _some_weight(cls, values: dict[str, float]) -> dict[str, float]:
        if not any(w > 0 for w in values.values()):
            raise ValueError("at least one principle needs a weight above 0")
        return values

    @field_validator("languages")
    @classmethod
    def _unique_languages(cls, languages: list[str]) -> list[str]:
        if len(set(languages)) != len(languages):
            raise ValueError("languages are listed twice")
        return languages


class Option(_Strict):
    """One response the council can vote for."""

    id: Slug = Field(description="Slug, unique within the scenario.")
    label: Title = Field(description="One line saying what the option does.")
    impacts: dict[Principle, Effect] = Field(
        min_length=1, description="Effect of the option on each principle, in [-1, 1]."
    )


class Translation(_Strict):
    """A scenario's text in another language: title, summary, facts, affected, option labels.

    Facts and affected, when given, translate the English lists item by item (same count, same
    order); ``options`` maps option ids to translated labels.
    """

    title: Title | None = Field(default=None, description="Translated title.")
    summary: Paragraph | None = Field(default=None, description="Translated summary.")
    facts: list[Fact] | None = Field(
        default=None, max_length=20, description="The facts, item by item."
    )
    affected: list[Line] | None = Field(
        default=None, max_length=20, description="Who bears the harm, item by item."
    )
    options: dict[Slug, Title] = Field(
        default_factory=dict, description="Option id -> translated label."
    )


class Scenario(_Strict):
    """An AI incident the council deliberates on."""

    id: Slug = Field(description="Unique slug of the scenario in the library.")
    title: Title = Field(description="One line.")
    jurisdiction: Country = Field(description="ISO 3166-1 alpha-2 code of where it happens.")
    sector: Slug = Field(description="Sector, a free slug (finance, health, ...).")
    summary: Paragraph = Field(description="A paragraph describing the incident.")
    facts: list[Fact] = Field(min_length=1, max_length=20, description="Short statements.")
    affected: list[Line] = Field(min_length=1, max_length=20, description="Who bears the harm.")
    harms: dict[Principle, Weight] = Field(
        min_length=1, description="Severity in [0, 1] of the harm to each principle at stake."
    )
    options: list[Option] = Field(
        min_length=2, max_length=8, description="2 to 8 options the council votes on."
    )
    sources: list[Citation] = Field(
        default_factory=list, max_length=20, description="Citations; real incidents need them."
    )
    translations: dict[LangCode, Translation] = Field(
        default_factory=dict, description="Title and summary in other languages, by code."
    )

    @field_validator("options")
    @classmethod
    def _unique_option_ids(cls, options: list[Option]) -> list[Option]:
        seen: set[str] = set()
        for option in options:
            if option.id in seen:
                raise ValueError(f"option id '{option.id}' is used twice")
            seen.add(option.id)
        return options

    @model_validator(mode="after")
    def _translations_match(self) -> Scenario:
        for code, t in self.translations.items():
            for name in ("facts", "affected"):
                given, english = getattr(t, name), getattr(self, name)
                if given is not None and len(given) != len(english):
                    raise ValueError(
                        f"translations.{code}.{name}: {len(given)} items for "
                        f"{len(english)} in English (translate item by item)"
                    )
            unknown = sorted(set(t.options) - {o.id for o in self.options})
            if unknown:
                raise ValueError(f"translations.{code}.options: no option '{unknown[0]}'")
        return self

    def option(self, option_id: str) -> Option:
        """Return the option with this id (KeyError if there is none)."""
        for option in self.options:
            if option.id == option_id:
                return option
        raise KeyError(option_id)

    @property
    def option_ids(self) -> tuple[str, ...]:
        """The options' ids, in file order."""
        return tuple(o.id for o in self.options)
