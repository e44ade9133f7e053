"""The persona and scenario library: where it lives, and loading it whole.

The library is the ``personas/`` and ``scenarios/`` folders at the top of the project (or, in
an installed wheel, inside the package); ``COUNCIL_LIBRARY`` names another folder holding both.
A library that loaded without a problem is kept on disk by the hash of its files
(``council.library.cache``), so the next process reads the files but parses none of them.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from council.contracts.formats import Persona, Scenario
from council.contracts.principles import GROUPS
from council.library import cache
from council.library.loader import (
    Kind,
    LoadError,
    Problem,
    iter_yaml_files,
    kind_of,
    load_data,
    load_file,
    parse_yaml,
    read_bytes,
)

FOLDERS: tuple[tuple[Kind, str], ...] = (("persona", "personas"), ("scenario", "scenarios"))


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
    """The library of ``root``: from the disk cache if its files are unchanged, else parsed.

    Every file is read here, once; on a miss, exactly the bytes that were hashed are parsed,
    so a file changing meanwhile cannot be cached under the key of its old content.
    """
    files = {kind: _files(root / folder) for kind, folder in FOLDERS}
    every = [p for paths in files.values() for p in paths or ()]
    data: dict[Path, bytes] = {}
    for path in every:
        with contextlib.suppress(LoadError):  # reported by _parse_library, which loads it
            data[path] = read_bytes(path, str(path))
    if None in files.values() or len(data) < len(every):
        return _parse_library(root, files, data)  # it fails: nothing to cache
    key = cache.library_key([(p.relative_to(root).as_posix(), data[p]) for p in every])
    entry = cache.read_entry(root, key)
    if entry is not None:
        return Library(
            root=root,
            personas={p.id: p for p in entry.personas},
            scenarios={s.id: s for s in entry.scenarios},
        )
    library = _parse_library(root, files, data)
    personas, scenarios = list(library.personas.values()), list(library.scenarios.values())
    cache.write_entry(root, key, personas, scenarios)
    return library


def _parse_library(
    root: Path, files: Mapping[Kind, list[Path] | None], data: Mapping[Path, bytes]
) -> Library:
    """Parse and validate the library's files; LoadError listing every problem."""
    problems: list[Problem] = []
    found: dict[Kind, dict[str, Persona | Scenario]] = {"persona": {}, "scenario": {}}
    for kind, folder in FOLDERS:
        paths = files[kind]
        if paths is None:
            problems.append(Problem(file=str(root / folder), message="library folder is missing"))
            continue
        problems.extend(_load_into(paths, found, fixed_kind=kind, data=data))
    if problems:
        raise LoadError(problems)
    return Library(
        root=root,
        personas={k: v for k, v in found["persona"].items() if isinstance(v, Persona)},
        scenarios={k: v for k, v in found["scenario"].items() if isinstance(v, Scenario)},
    )


def _files(directory: Path) -> list[Path] | None:
    """The YAML files of a library folder, in load order (None: the folder is missing)."""
    return iter_yaml_files([directory]) if directory.is_dir() else None


def _load_into(
    files: Sequence[Path],
    found: dict[Kind, dict[str, Persona | Scenario]],
    *,
    fixed_kind: Kind | None = None,
    data: Mapping[Path, bytes] | None = None,
) -> list[Problem]:
    """Load files into ``found`` by kind and id; return the problems, duplicates included.

    ``data``: the bytes of files already read (exactly what the cache key hashed); the other
    files are read here.
    """
    problems: list[Problem] = []
    where: dict[tuple[Kind, str], Path] = {}
    for path in files:
        try:
            if data is not None and path in data:
                name = str(path)
                parsed = parse_yaml(data[path], name)
                item = load_data(parsed, name, fixed_kind or kind_of(path, None), path=path)
            else:
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
    unread: list[Problem] = []
    files = iter_yaml_files([p for p in paths if p.exists()], unread)
    return missing + unread + _load_into(files, found)


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
