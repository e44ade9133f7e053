"""The persona and scenario library: where it lives, and loading it whole.

The library is the ``personas/`` and ``scenarios/`` folders at the top of the project (or, in
an installed wheel, inside the package); ``COUNCIL_LIBRARY`` names another folder holding both.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from council.contracts.formats import Persona, Scenario
from council.contracts.principles import GROUPS
from council.library.loader import Kind, LoadError, Problem, iter_yaml_files, load_file


class Library(BaseModel):
    """Every persona and scenario of a library folder, by id."""

    model_config = ConfigDict(frozen=True)

    root: Path
    personas: dict[str, Persona]
    scenarios: dict[str, Scenario]

    def personas_by_group(self) -> dict[str, list[Persona]]:
        """Personas per group, groups in the fixed order, personas sorted by id."""
        by_group: dict[str, list[Persona]] = {g: [] for g in GROUPS}
        for persona in sorted(self.personas.values(), key=lambda p: p.id):
            by_group[persona.group].append(persona)
        return by_group


def library_root() -> Path:
    """The folder holding ``personas/`` and ``scenarios/``."""
    env = os.environ.get("COUNCIL_LIBRARY")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parents[1]  # the council package
    packaged = here / "_library"
    if (packaged / "personas").is_dir():
        return packaged
    return here.parent


def load_library(root: Path | None = None) -> Library:
    """Load (once per folder) the library; raise LoadError listing every bad file."""
    return _load_library(Path(root or library_root()).resolve())


@functools.lru_cache(maxsize=8)
def _load_library(root: Path) -> Library:
    problems: list[Problem] = []
    found: dict[Kind, dict[str, Persona | Scenario]] = {"persona": {}, "scenario": {}}
    for kind, folder in (("persona", "personas"), ("scenario", "scenarios")):
        directory = root / folder
        if not directory.is_dir():
            problems.append(Problem(file=str(directory), message="library folder is missing"))
            continue
        problems.extend(
            _load_into(iter_yaml_files([directory]), found, fixed_kind=kind)  # type: ignore[arg-type]
        )
    if problems:
        raise LoadError(problems)
    return Library(
        root=root,
        personas={k: v for k, v in found["persona"].items() if isinstance(v, Persona)},
        scenarios={k: v for k, v in found["scenario"].items() if isinstance(v, Scenario)},
    )


def _load_into(
    files: Sequence[Path],
    found: dict[Kind, dict[str, Persona | Scenario]],
    *,
    fixed_kind: Kind | None = None,
) -> list[Problem]:
    """Load files into ``found`` by kind and id; return the problems, duplicates included."""
    problems: list[Problem] = []
    where: dict[tuple[Kind, str], Path] = {}
    for path in files:
        try:
            item = load_file(path, fixed_kind)
        except LoadError as err:
            problems.extend(err.problems)
            continue
        kind: Kind = "persona" if isinstance(item, Persona) else "scenario"
        if (kind, item.id) in where:
            problems.append(
                Problem(
                    file=str(path),
                    field="id",
                    message=f"{kind} id {item.id!r} is already used by {where[(kind, item.id)]}",
                )
            )
            continue
        where[(kind, item.id)] = path
        found[kind][item.id] = item
    return problems


def validate_paths(paths: Sequence[Path]) -> list[Problem]:
    """Validate files and folders as ``council validate`` does; return every problem."""
    missing = [
        Problem(file=str(p), message="no such file or folder") for p in paths if not p.exists()
    ]
    found: dict[Kind, dict[str, Persona | Scenario]] = {"persona": {}, "scenario": {}}
    files = iter_yaml_files([p for p in paths if p.exists()])
    return missing + _load_into(files, found)


def resolve_scenario(ref: str, library: Library | None = None) -> Scenario:
    """A scenario by library id, or by path to a YAML file; LoadError if neither."""
    path = Path(ref)
    if ref.endswith((".yaml", ".yml")) or path.is_file():
        item = load_file(path, "scenario")
        assert isinstance(item, Scenario)
        return item
    library = library or load_library()
    if ref not in library.scenarios:
        raise LoadError(
            [Problem(file=ref, message="unknown scenario id (see `council list scenarios`)")]
        )
    return library.scenarios[ref]
