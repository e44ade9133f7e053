"""A cache of the loaded library on disk, keyed by the hash of every file's content.

Parsing sixty YAML files and validating them is the largest part of a short command's start. The
validated library is kept as JSON in the user's cache directory (``COUNCIL_CACHE_DIR`` names
another; ``off`` turns the cache off), under a key that hashes every library file's path and
bytes, the code that validates them (the file formats, the loader) and the library's version.
So a cached library is never stale: change one byte of one file, or the formats, and the key is
another. The files are still read on every start (a millisecond); only parsing is saved.

An entry is read back through the same pydantic models, validated as any input is: a corrupted
or truncated entry, or one written under another key, is ignored and rebuilt. Entries are
written to a temporary file and renamed into place, so two processes writing the same entry at
once each leave a whole file, and a reader never sees half of one. One entry is kept per library
folder (two versions of a folder in use at once each drop the other's: a miss, nothing worse).
Anything that goes wrong with the cache (no permission, a full disk) only costs the parse it
would have saved. PyYAML's version is not in the key (reading it costs more than the cache
saves); clear the cache after upgrading PyYAML if its parsing could have changed.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from council.contracts.formats import Persona, Scenario

CACHE_ENV = "COUNCIL_CACHE_DIR"
"""The environment variable naming the cache folder; ``off`` (or empty) turns the cache off."""
FORMAT = 1
"""The entry format; a new one makes every older entry a miss."""


class Entry(BaseModel):
    """One cached library: its key, and its personas and scenarios in load order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: int
    key: str
    personas: list[Persona]
    scenarios: list[Scenario]


def cache_dir() -> Path | None:
    """Where library entries are kept (None: the cache is off).

    ``COUNCIL_CACHE_DIR`` if set (``off`` or empty: no cache), else ``library/`` in the user's
    cache directory (``~/.cache/byzantine-council/`` on Linux).
    """
    env = os.environ.get(CACHE_ENV)
    if env is not None:
        return None if env.strip().lower() in ("", "off") else Path(env) / "library"
    import platformdirs

    return Path(platformdirs.user_cache_dir("byzantine-council", appauthor=False)) / "library"


CODE = (
    "contracts/formats.py",
    "contracts/principles.py",
    "library/loader.py",
    "library/safe_yaml.py",
    "library/catalog.py",
    "library/cache.py",
)
"""The sources a cached library depends on besides its files: how they are parsed and checked."""


def _code_fingerprint() -> bytes:
    """A hash of the code that reads and checks the files, the package's and pydantic's version."""
    import pydantic

    from council import __version__

    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(f"{FORMAT}|{__version__}|{pydantic.VERSION}".encode())
    for source in CODE:
        try:
            digest.update((package / source).read_bytes())
        except OSError:
            digest.update(source.encode())  # no source (a frozen build): the version stands
    return digest.digest()


def library_key(files: Sequence[tuple[str, bytes]]) -> str:
    """The key of a library: its files' relative paths and bytes, in order, and the code."""
    digest = hashlib.sha256(_code_fingerprint())
    for name, data in files:
        digest.update(f"\0{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def _entry_path(folder: Path, root: Path, key: str) -> Path:
    """``ROOT-KEY.json``: one entry per library folder is kept, the others are pruned."""
    return folder / f"{_root_tag(root)}-{key[:40]}.json"


def _root_tag(root: Path) -> str:
    return hashlib.sha256(str(root).encode()).hexdigest()[:12]


def read_entry(root: Path, key: str) -> Entry | None:
    """The cached library of ``root`` under ``key``, or None (no cache, a miss, a bad entry)."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        entry = Entry.model_validate_json(_entry_path(folder, root, key).read_bytes())
    except (OSError, ValueError, ValidationError):
        return None  # absent, unreadable, corrupted or of an older format: rebuilt by the caller
    if entry.format != FORMAT or entry.key != key:
        return None
    return entry


def write_entry(root: Path, key: str, personas: list[Persona], scenarios: list[Scenario]) -> None:
    """Keep the library of ``root`` under ``key``, atomically; drop the folder's older entries."""
    folder = cache_dir()
    if folder is None:
        return
    entry = Entry(format=FORMAT, key=key, personas=personas, scenarios=scenarios)
    target = _entry_path(folder, root, key)
    tmp: str | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "wb") as handle:
            handle.write(entry.model_dump_json().encode())
        os.replace(tmp, target)
        tmp = None
        for old in folder.glob(f"{_root_tag(root)}-*.json"):
            if old != target:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a cache that cannot be written costs only the parse it would have saved
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
