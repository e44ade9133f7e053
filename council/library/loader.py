"""Safe loading of persona and scenario files, with one-line problems.

YAML is parsed with a safe loader that never builds Python objects from tags and refuses aliases
outright (an alias bomb cannot expand); files are size-capped before they are read and must be
UTF-8 text (the parsing itself is ``council.library.safe_yaml``). Every problem becomes
``FILE: field.path: what is wrong``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from council.contracts.errors import one_line
from council.contracts.formats import Persona, Scenario
from council.contracts.principles import GROUPS, PRINCIPLES

MAX_BYTES = 1_000_000
"""Files larger than this are refused before they are parsed."""
MAX_PROBLEMS = 10
"""Problems reported per file before the rest are summed up in one line."""

Kind = Literal["persona", "scenario"]
MODELS: dict[Kind, type[Persona] | type[Scenario]] = {"persona": Persona, "scenario": Scenario}


class Problem(BaseModel):
    """One thing wrong with one file."""

    model_config = ConfigDict(frozen=True)

    file: str
    field: str = ""
    message: str

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return one_line(f"{self.file}: {where}{self.message}")


class LoadError(Exception):
    """A file, or several, could not be loaded; ``problems`` says why, one line each."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        """The problems as lines, at most MAX_PROBLEMS per file then one summing line."""
        out: list[str] = []
        per_file: dict[str, int] = {}
        for problem in self.problems:
            per_file[problem.file] = per_file.get(problem.file, 0) + 1
            if per_file[problem.file] <= MAX_PROBLEMS:
                out.append(str(problem))
        for file, count in per_file.items():
            if count > MAX_PROBLEMS:
                out.append(f"{file}: … and {count - MAX_PROBLEMS} more")
        return out


def read_yaml(path: Path, *, name: str | None = None) -> Any:
    """Read one YAML document from ``path`` safely; raise LoadError on any problem."""
    return parse_yaml(read_bytes(path, name or str(path)), name or str(path))


def read_bytes(path: Path, name: str) -> bytes:
    """A file's bytes, refused (LoadError) if it is missing, not a file or over MAX_BYTES."""

    def fail(message: str) -> LoadError:
        return LoadError([Problem(file=name, message=message)])

    try:
        if not path.is_file():
            raise fail("no such file" if not path.exists() else "not a regular file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise fail(f"file is {size:,} bytes; the limit is {MAX_BYTES:,}")
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as err:
        raise fail(f"cannot read: {err.strerror or err}") from None
    if len(data) > MAX_BYTES:
        raise fail(f"file is over {MAX_BYTES:,} bytes")
    return data


def parse_yaml(data: bytes, name: str) -> Any:
    """Parse YAML bytes (already size-checked) into plain data; raise LoadError on a problem."""

    def fail(message: str) -> LoadError:
        return LoadError([Problem(file=name, message=message)])

    if len(data) > MAX_BYTES:
        raise fail(f"file is over {MAX_BYTES:,} bytes")
    if b"\x00" in data:
        raise fail("binary data, not a YAML text file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise fail(f"not valid UTF-8 (byte {err.start})") from None
    if not text.strip():
        raise fail("file is empty")
    from council.library.safe_yaml import YamlProblem, parse_text

    try:
        return parse_text(text)
    except YamlProblem as err:
        raise fail(str(err)) from None


def kind_of(path: Path, data: Any) -> Kind | None:
    """Tell what a file is: its folder decides, else its keys; None if neither."""
    folder = path.parent.name
    if folder == "personas":
        return "persona"
    if folder == "scenarios":
        return "scenario"
    if isinstance(data, dict):
        if "options" in data:
            return "scenario"
        if "values" in data:
            return "persona"
    return None


def load_file(
    path: Path, kind: Kind | None = None, *, name: str | None = None
) -> Persona | Scenario:
    """Load and validate one persona or scenario file; raise LoadError with every problem."""
    label = name or str(path)
    return load_data(read_yaml(path, name=label), label, kind or kind_of(path, None), path=path)


def load_data(
    data: Any, name: str, kind: Kind | None, *, path: Path | None = None
) -> Persona | Scenario:
    """Validate parsed YAML as a persona or scenario (``kind`` None: the keys decide)."""
    if not isinstance(data, dict):
        got = "nothing" if data is None else type(data).__name__
        raise LoadError([Problem(file=name, message=f"the root must be a mapping, got {got}")])
    kind = kind or kind_of(path or Path(name), data)
    if kind is None:
        raise LoadError(
            [
                Problem(
                    file=name,
                    message="neither a persona (no 'values' key) nor a scenario (no 'options' key)",
                )
            ]
        )
    try:
        return MODELS[kind].model_validate(data)
    except ValidationError as err:
        raise LoadError([Problem(file=name, field=f, message=m) for f, m in explain(err)]) from None


def explain(err: ValidationError) -> list[tuple[str, str]]:
    """Turn pydantic's errors into (field.path, plain message) pairs."""
    out: list[tuple[str, str]] = []
    for item in err.errors(include_url=False):
        loc = [str(part) for part in item["loc"]]
        is_key = bool(loc) and loc[-1] == "[key]"
        if is_key:
            loc = loc[:-1]
        field = ".".join(loc)
        out.append((field, _message(item, loc, is_key)))
    return out


def _message(item: Any, loc: list[str], is_key: bool) -> str:
    kind = item["type"]
    value = item.get("input")
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required field is missing"
    if kind == "literal_error" and is_key:
        return f"unknown principle {value!r} (known: {', '.join(PRINCIPLES)})"
    if kind == "literal_error" and loc and loc[-1] == "group":
        return f"unknown group {value!r} (known: {', '.join(GROUPS)})"
    if kind == "string_pattern_mismatch":
        pattern = item.get("ctx", {}).get("pattern", "")
        if "-[a-z0-9]" in pattern:
            return f"{value!r} is not a slug (lower-case letters, digits, single hyphens)"
        if "A-Z" in pattern:
            return f"{value!r} is not an ISO 3166-1 alpha-2 code like KH"
        return f"{value!r} is not an ISO 639 language code like km"
    message = str(item["msg"])
    message = message.removeprefix("Value error, ")
    message = message[0].lower() + message[1:] if message else message
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        if kind not in {"too_long", "string_too_long"}:
            message += f" (got {shown})"
    elif isinstance(value, list | dict) and kind in {"too_short", "too_long"}:
        message += f" (got {len(value)})"
    return message


def iter_yaml_files(paths: Iterable[Path], problems: list[Problem] | None = None) -> list[Path]:
    """Expand folders into the YAML files below them; keep files as given.

    With ``problems``, a folder that cannot be read, or holds no YAML file, adds a problem
    there (``council validate`` must not call such a folder valid).
    """
    files: list[Path] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        unread: list[OSError] = []
        found = sorted(
            Path(top, name)
            for top, _, names in os.walk(path, onerror=unread.append)
            for name in names
            if Path(name).suffix in {".yaml", ".yml"}
        )
        files.extend(found)
        if problems is None:
            continue
        for err in unread:
            where = err.filename or path
            problems.append(Problem(file=str(where), message=f"cannot read folder: {err.strerror}"))
        if not found and not unread:
            problems.append(Problem(file=str(path), message="no YAML files in this folder"))
    return files
