"""A model per seat: the ``--models FILE`` format and which endpoint each seat talks to.

A council of 33 copies of one model is one voter repeated; mixing models (and providers) is how
a council gets independent views. The file names a default model and overrides per stakeholder
group or per persona, each with an optional base URL and the *name* of the environment variable
that holds its key (never a key)::

    default: {model: gpt-4o-mini}
    groups:
      civil_society: {model: llama3.1, base_url: "http://localhost:11434/v1"}
    personas:
      telecom-regulator: {model: gpt-4.1-mini, key_env: OTHER_OPENAI_KEY}

A persona's override wins over its group's, and a group's over the default.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from council.contracts.formats import Persona, Slug
from council.contracts.principles import Group

DEFAULT_MODEL = "gpt-4o-mini"
"""The model an LLM seat uses when neither ``--model`` nor a models file names one."""

EnvName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=128)]
"""The name of an environment variable (``OPENAI_API_KEY``), never its value."""


class Endpoint(BaseModel):
    """One model on one OpenAI-compatible endpoint, and where its key is kept."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str = Field(min_length=1, max_length=200, description="Model name (or deployment).")
    base_url: str | None = Field(
        default=None,
        max_length=500,
        description="OpenAI-compatible endpoint, without credentials (default: the run's).",
    )
    key_env: EnvName | None = Field(
        default=None,
        description="Name of the environment variable holding this endpoint's key (default: "
        "the run's key, OPENAI_API_KEY). The key itself never goes in the file.",
    )

    @field_validator("base_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is None:
            return value
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("not an http(s) URL such as http://localhost:8080/v1")
        if parts.username or parts.password or parts.query:
            raise ValueError(
                "credentials or a query in the URL: name the environment variable that holds "
                "the key in key_env instead"
            )
        return value


class SeatModels(BaseModel):
    """The ``--models`` file: a default model plus per-group and per-persona overrides."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    default: Endpoint = Field(description="The model of every seat with no override.")
    groups: dict[Group, Endpoint] = Field(
        default_factory=dict, description="Stakeholder group -> its seats' model."
    )
    personas: dict[Slug, Endpoint] = Field(
        default_factory=dict, description="Persona id -> its seats' model (wins over its group)."
    )

    def endpoint(self, persona: Persona) -> Endpoint:
        """The endpoint a seat of this persona talks to."""
        return self.personas.get(persona.id) or self.groups.get(persona.group) or self.default


def endpoint_of(
    models: SeatModels | None, persona: Persona, *, model: str | None, base_url: str | None
) -> Endpoint:
    """A seat's endpoint: from the models file, else the run's ``--model`` and ``--base-url``."""
    if models is None:
        return Endpoint(model=model or DEFAULT_MODEL, base_url=base_url)
    chosen = models.endpoint(persona)
    return chosen if chosen.base_url else chosen.model_copy(update={"base_url": base_url})
