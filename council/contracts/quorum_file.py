"""Quorum files (``--quorum FILE.yaml``): a quorum system beyond one threshold, in YAML.

Two kinds, told apart by ``kind``:

```yaml
kind: quorums                 # named minimal quorums: a decision needs one of them covered
quorums:
  regulators-and-public: {government: 3, civil_society: 3}
  experts-and-industry: {academia: 3, industry: 2, government: 1}
```

```yaml
kind: groups                  # a per-group rule: the share of each listed group, in enough groups
groups: 3                     # at least this many of the listed groups ...
share: {government: 0.5, industry: 0.5, academia: 0.67, civil_society: 0.67}   # ... each this share
```

A count above a group's seats can never be met; only listed groups count toward ``groups``.
``council.library.files`` reads them with the project's safe loader (every problem is
``FILE: field: what is wrong``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, field_validator

from council.contracts.formats import Slug
from council.contracts.principles import GROUPS, Group

Share = Annotated[float, Field(gt=0, le=1)]


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str = Field(default="", description="What this quorum system is for.")


class NamedQuorums(_File):
    """Named minimal quorums, each a count of supporters per group."""

    kind: Literal["quorums"] = Field(description="Named minimal quorums.")
    quorums: dict[Slug, dict[Group, Annotated[int, Field(ge=0)]]] = Field(
        min_length=1,
        description="Name -> supporters needed per group; a decision needs one covered.",
    )

    @field_validator("quorums")
    @classmethod
    def _not_empty(cls, value: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
        for name, counts in value.items():
            if sum(counts.values()) < 1:
                raise ValueError(f"quorum {name!r} needs at least one supporter")
        return value


class GroupRuleFile(_File):
    """A per-group rule: at least ``share`` of each of at least ``groups`` listed groups."""

    kind: Literal["groups"] = Field(description="A per-group rule.")
    groups: int = Field(ge=1, le=4, description="Listed groups that must each give their share.")
    share: Share | dict[Group, Share] = Field(
        description="A share in (0, 1] of each group's seats, or one per listed group."
    )

    @field_validator("share", mode="before")
    @classmethod
    def _share(cls, value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, int | float | dict):
            raise ValueError("must be a share in (0, 1] or a mapping of groups to shares")
        if isinstance(value, int | float) and not 0 < value <= 1:
            raise ValueError("a share must be in (0, 1]")
        if isinstance(value, dict):
            # Checked here, so that a wrong mapping is one clear line, not one per union branch.
            if not value:
                raise ValueError("list at least one group")
            for group, share in value.items():
                if group not in GROUPS:
                    raise ValueError(f"unknown group {group!r} (known: {', '.join(GROUPS)})")
                if isinstance(share, bool) or not isinstance(share, int | float):
                    raise ValueError(f"{group}: a share must be a number in (0, 1]")
                if not 0 < share <= 1:
                    raise ValueError(f"{group}: a share must be in (0, 1], not {share}")
        return value


class QuorumFile(RootModel[Annotated[NamedQuorums | GroupRuleFile, Field(discriminator="kind")]]):
    """A quorum file: ``kind: quorums`` (named minimal quorums) or ``kind: groups`` (a rule)."""
