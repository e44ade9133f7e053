"""The other YAML files a run reads: quorum files (``--quorum FILE``) and ``--models`` files.

Both go through the library's safe loader (size cap, no tags, no aliases) and report every
problem as ``FILE: field: what is wrong``; their formats are in ``council.contracts``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from council.contracts.principles import GROUPS
from council.contracts.quorum_file import GroupRuleFile, NamedQuorums, QuorumFile
from council.contracts.seat_models import SeatModels
from council.library.loader import LoadError, Problem, explain, parse_yaml, read_yaml


def load_quorum_file(path: Path) -> NamedQuorums | GroupRuleFile:
    """Read and validate a quorum file; LoadError with one problem per line."""
    name = str(path)
    data = read_yaml(path)
    if not isinstance(data, dict):
        got = "nothing" if data is None else type(data).__name__
        raise LoadError([Problem(file=name, message=f"the root must be a mapping, got {got}")])
    if data.get("kind") not in ("quorums", "groups"):
        message = (
            "required field is missing"
            if "kind" not in data
            else f"must be 'quorums' or 'groups' (got {data['kind']!r})"
        )
        raise LoadError([Problem(file=name, field="kind", message=message)])
    try:
        return QuorumFile.model_validate(data).root
    except ValidationError as err:
        problems = [
            Problem(file=name, field=_field(f), message=_group_message(f, m))
            for f, m in explain(err)
        ]
        raise LoadError(problems) from None


def _field(path: str) -> str:
    """Drop the union's tag from a field path (``quorums.x`` rather than ``quorums.quorums.x``)."""
    head, _, rest = path.partition(".")
    return rest if head in ("quorums", "groups") and rest else path


def _group_message(path: str, message: str) -> str:
    """The loader names a bad mapping key a principle; in a quorum file the keys are groups."""
    if message.startswith("unknown principle"):
        return f"unknown group {path.rsplit('.', 1)[-1]!r} (known: {', '.join(GROUPS)})"
    return message


def parse_models(data: object, name: str) -> SeatModels:
    """Validate parsed YAML as a models file; LoadError with ``FILE: field: problem`` lines."""
    if not isinstance(data, dict):
        got = "nothing" if data is None else type(data).__name__
        raise LoadError([Problem(file=name, message=f"the root must be a mapping, got {got}")])
    try:
        return SeatModels.model_validate(data)
    except ValidationError as err:
        problems = [Problem(file=name, field=f, message=_quiet(f, m)) for f, m in explain(err)]
        raise LoadError(problems) from None


def _quiet(field: str, message: str) -> str:
    """A problem's message that never echoes a URL or key_env value (a key may be pasted there)."""
    if field.endswith("key_env"):
        return (
            "must be the name of an environment variable (letters, digits, _), never the key"
            if "pattern" in message or "ISO" in message or "not a" in message
            else message.split(" (got ")[0]
        )
    if field.endswith("base_url"):
        return message.split(" (got ")[0]
    return message


def load_models(path: Path) -> SeatModels:
    """Read a ``--models`` file with the library's safe loader (size cap, no tags, no aliases)."""
    return parse_models(read_yaml(path), str(path))


def models_from_text(text: str, name: str = "models file") -> SeatModels:
    """A models file pasted as text (the app), with the same checks as a file."""
    return parse_models(parse_yaml(text.encode("utf-8"), name), name)


def check_personas(models: SeatModels, known: set[str], name: str = "models file") -> None:
    """Every persona the file overrides must exist in the library (LoadError otherwise)."""
    unknown = sorted(set(models.personas) - known)
    if unknown:
        raise LoadError(
            [Problem(file=name, field=f"personas.{p}", message="unknown persona") for p in unknown]
        )
