"""JSON schemas of the file formats, generated from the models, for editors and other tools."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from council.contracts.quorum_file import QuorumFile
from council.contracts.seat_models import SeatModels
from council.library.loader import MODELS

SchemaKind = Literal["persona", "scenario", "quorum", "models"]
SCHEMAS: dict[str, type[BaseModel]] = {
    "persona": MODELS["persona"],
    "scenario": MODELS["scenario"],
    "quorum": QuorumFile,
    "models": SeatModels,
}
"""Every file format with a schema: the library's files, quorum files and ``--models`` files."""

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schemas"
"""Where the generated schemas are kept (library files point editors here)."""


def json_schema(kind: SchemaKind) -> dict[str, Any]:
    """The JSON schema of a persona, scenario, quorum or models file."""
    schema = SCHEMAS[kind].model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"{kind}.schema.json"
    return schema


def schema_text(kind: SchemaKind) -> str:
    """The schema as stable, indented JSON text."""
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_schemas(directory: Path = SCHEMA_DIR) -> list[Path]:
    """Write every file format's ``KIND.schema.json``; return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in SCHEMAS:
        path = directory / f"{kind}.schema.json"
        path.write_text(schema_text(kind), encoding="utf-8")  # type: ignore[arg-type]
        written.append(path)
    return written
