"""The library cache: served when the files are the same, never stale, never trusted blindly."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

import council.library.catalog as catalog
from council.library import cache
from council.library.catalog import library_root, load_library
from council.library.loader import LoadError

REAL = library_root()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the real library, to change."""
    copy = tmp_path / "lib"
    for folder in ("personas", "scenarios"):
        shutil.copytree(REAL / folder, copy / folder)
    return copy


@pytest.fixture(autouse=True)
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A cache folder of this test's own, and no library remembered in this process."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_ENV, str(folder))
    catalog._load_library.cache_clear()
    yield folder / "library"
    catalog._load_library.cache_clear()


def fresh(root: Path) -> catalog.Library:
    """Load as a new process would: nothing remembered in memory."""
    catalog._load_library.cache_clear()
    return load_library(root)


def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make parsing any YAML file fail: a load that succeeds then came from the cache."""

    def refuse(data: bytes, name: str) -> None:
        raise AssertionError(f"{name} was parsed")

    monkeypatch.setattr(catalog, "parse_yaml", refuse)


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json")) if folder.exists() else []


def test_a_second_load_is_served_from_the_cache_and_equals_the_files(
    root: Path, cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = fresh(root)
    assert len(entries(cache_folder)) == 1
    with monkeypatch.context() as patch:
        no_parsing(patch)
        cached = fresh(root)
    assert cached == parsed
    assert list(cached.personas) == list(parsed.personas)  # the same order
    assert len(cached.personas) > 20 and len(cached.scenarios) > 10


def test_a_changed_file_is_read_again_and_the_old_entry_dropped(
    root: Path, cache_folder: Path
) -> None:
    before = fresh(root)
    path = sorted((root / "personas").glob("*.yaml"))[0]
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["name"] = "Renamed in place"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    after = fresh(root)
    assert after.personas[doc["id"]].name == "Renamed in place"
    assert before.personas[doc["id"]].name != "Renamed in place"
    assert len(entries(cache_folder)) == 1  # one entry per library folder


def test_an_added_or_removed_file_changes_the_library(root: Path) -> None:
    before = fresh(root)
    path = sorted((root / "scenarios").glob("*.yaml"))[0]
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["id"] = "a-new-scenario"
    (root / "scenarios" / "new.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    assert set(fresh(root).scenarios) == set(before.scenarios) | {"a-new-scenario"}
    path.unlink()
    assert set(fresh(root).scenarios) == (set(before.scenarios) | {"a-new-scenario"}) - {
        yaml.safe_load((REAL / "scenarios" / path.name).read_text())["id"]
    }


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # truncated
        lambda text: "\x00garbage\xff",  # not JSON
        lambda text: "[]",  # JSON, not an entry
        lambda text: text.replace('"group":"government"', '"group":"military"', 1),  # invalid
        lambda text: text.replace('"format":1', '"format":0', 1),  # another format
    ],
    ids=["truncated", "garbage", "not-an-entry", "invalid-persona", "old-format"],
)
def test_a_corrupted_entry_is_ignored_and_rebuilt(root: Path, cache_folder: Path, damage) -> None:  # type: ignore[no-untyped-def]
    good = fresh(root)
    (entry,) = entries(cache_folder)
    text = entry.read_text(encoding="utf-8")
    assert damage(text) != text
    entry.write_text(damage(text), encoding="utf-8")
    assert fresh(root) == good
    (rebuilt,) = entries(cache_folder)
    assert rebuilt.read_text(encoding="utf-8") == text


def test_an_entry_under_another_key_is_not_served(
    root: Path, cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh(root)
    (entry,) = entries(cache_folder)
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["personas"] = data["personas"][:1]  # a valid entry of another library ...
    data["key"] = "0" * 64  # ... written under another key, then copied here
    entry.write_text(json.dumps(data), encoding="utf-8")
    assert len(fresh(root).personas) > 1


def test_a_library_with_a_bad_file_is_never_cached(root: Path, cache_folder: Path) -> None:
    (root / "personas" / "bad.yaml").write_text("id: x\nvalues: [\n", encoding="utf-8")
    with pytest.raises(LoadError) as err:
        fresh(root)
    assert "bad.yaml" in str(err.value)
    assert entries(cache_folder) == []


def test_cache_off_and_an_unwritable_cache_still_load(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = fresh(root)
    monkeypatch.setenv(cache.CACHE_ENV, "off")
    with monkeypatch.context() as patch:
        no_parsing(patch)
        with pytest.raises(AssertionError, match="was parsed"):  # off: nothing is read back
            fresh(root)
    assert cache.cache_dir() is None
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(cache.CACHE_ENV, str(blocker))  # the cache folder cannot be made
    assert fresh(root) == good


_WRITER = """
import os, sys
from pathlib import Path
from council.library import cache
from council.library.catalog import load_library
lib = load_library(Path(sys.argv[1]))  # with the cache off: this process writes one entry only
os.environ["COUNCIL_CACHE_DIR"] = sys.argv[4]
personas, scenarios = list(lib.personas.values()), list(lib.scenarios.values())
for _ in range(int(sys.argv[2])):
    cache.write_entry(lib.root, sys.argv[3], personas, scenarios)
    assert cache.read_entry(lib.root, sys.argv[3]) is not None  # never half an entry
"""


def test_two_processes_writing_the_same_entry_leave_a_whole_one(
    root: Path, cache_folder: Path
) -> None:
    env = dict(os.environ, COUNCIL_CACHE_DIR="off")
    key = "f" * 64
    writers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                _WRITER,
                str(root.resolve()),
                "40",
                key,
                str(cache_folder.parent),
            ],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    entry = cache.read_entry(root.resolve(), key)
    assert entry is not None and len(entry.personas) == len(fresh(root).personas)
    assert not list(cache_folder.glob(".tmp-*"))  # no temporary file left behind
