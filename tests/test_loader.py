"""Bad persona and scenario files: exit 2, one line naming the file and field, fast, no code run."""

from __future__ import annotations

import copy
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import GOOD_PERSONA, GOOD_SCENARIO, write_yaml

import council.library.loader as loader
import council.library.safe_yaml as safe_yaml
from council.contracts.formats import Persona, Scenario
from council.library.loader import LoadError, load_file

PARSERS = ["libyaml", "python"]
"""The YAML parsers the loader may use: libyaml's where PyYAML has it, else PyYAML's own."""


@pytest.fixture(params=PARSERS)
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Load with each parser in turn (the libyaml case needs PyYAML built with it)."""
    if request.param == "python":
        monkeypatch.setattr(safe_yaml, "FAST_LOADER", None)
    elif safe_yaml.FAST_LOADER is None:
        pytest.skip("PyYAML was built without libyaml")
    return str(request.param)


def edit(base: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    doc = copy.deepcopy(base)
    change(doc)
    return doc


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        doc[key] = value

    return change


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda doc: doc.pop(key)


def _first_option(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        doc["options"][0][key] = value

    return change


# (case name, base document, change, the field the line must name, words the line must contain)
DOC_CASES = [
    ("persona-missing-group", GOOD_PERSONA, _drop("group"), "group", "missing"),
    ("persona-unknown-key", GOOD_PERSONA, _set("age", 40), "age", "unknown key"),
    ("persona-unknown-group", GOOD_PERSONA, _set("group", "military"), "group", "unknown group"),
    (
        "persona-unknown-principle",
        GOOD_PERSONA,
        _set("values", {"fairnes": 0.5}),
        "values.fairnes",
        "unknown principle",
    ),
    (
        "persona-weight-out-of-range",
        GOOD_PERSONA,
        _set("values", {"safety": 1.5}),
        "values.safety",
        "less than or equal to 1",
    ),
    (
        "persona-openness-negative",
        GOOD_PERSONA,
        _set("openness", -0.1),
        "openness",
        "greater than or equal to 0",
    ),
    (
        "persona-openness-wrong-type",
        GOOD_PERSONA,
        _set("openness", "high"),
        "openness",
        "valid number",
    ),
    (
        "persona-weight-boolean",
        GOOD_PERSONA,
        _set("values", {"safety": True}),
        "values.safety",
        "boolean",
    ),
    ("persona-bad-slug", GOOD_PERSONA, _set("id", "Bad Id"), "id", "not a slug"),
    ("persona-no-languages", GOOD_PERSONA, _set("languages", []), "languages", "at least 1"),
    ("persona-long-name", GOOD_PERSONA, _set("name", "x" * 500), "name", "at most 200"),
    ("scenario-missing-options", GOOD_SCENARIO, _drop("options"), "options", "missing"),
    (
        "scenario-one-option",
        GOOD_SCENARIO,
        lambda d: d.update(options=d["options"][:1]),
        "options",
        "at least 2",
    ),
    (
        "scenario-duplicate-option-ids",
        GOOD_SCENARIO,
        _first_option("id", "suspend"),
        "options",
        "used twice",
    ),
    (
        "scenario-impact-out-of-range",
        GOOD_SCENARIO,
        _first_option("impacts", {"safety": -2}),
        "options.0.impacts.safety",
        "greater than or equal to -1",
    ),
    (
        "scenario-unknown-principle-in-harms",
        GOOD_SCENARIO,
        _set("harms", {"jobs": 0.3}),
        "harms.jobs",
        "unknown principle",
    ),
    ("scenario-no-harm", GOOD_SCENARIO, _set("harms", {}), "harms", "at least 1"),
    (
        "scenario-bad-jurisdiction",
        GOOD_SCENARIO,
        _set("jurisdiction", "Cambodia"),
        "jurisdiction",
        "ISO 3166",
    ),
    (
        "scenario-facts-wrong-type",
        GOOD_SCENARIO,
        _set("facts", "just one string"),
        "facts",
        "valid list",
    ),
    ("scenario-too-many-facts", GOOD_SCENARIO, _set("facts", ["x"] * 21), "facts", "at most 20"),
    (
        "scenario-unknown-key-in-option",
        GOOD_SCENARIO,
        _first_option("cost", 3),
        "options.0.cost",
        "unknown key",
    ),
    (
        "scenario-bad-translation-key",
        GOOD_SCENARIO,
        _set("translations", {"km": {"body": "x"}}),
        "translations.km.body",
        "unknown key",
    ),
]


@pytest.mark.parametrize(
    ("base", "change", "field", "words"),
    [c[1:] for c in DOC_CASES],
    ids=[c[0] for c in DOC_CASES],
)
def test_bad_document_gives_one_line_naming_file_and_field(
    tmp_path: Path, cli, base, change, field, words
) -> None:  # type: ignore[no-untyped-def]
    folder = "personas" if "values" in base else "scenarios"
    path = write_yaml(tmp_path / folder / "bad.yaml", edit(base, change))
    started = time.perf_counter()
    result = cli("validate", str(path))
    elapsed = time.perf_counter() - started
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{path}: {field}: "), lines[0]
    assert words in lines[0], lines[0]
    assert "Traceback" not in result.err
    assert elapsed < 1.0


MARKER = "/tmp/council-test-yaml-tag-ran"

RAW_CASES = [
    ("yaml-syntax-error", b"id: x\nname: [unclosed\n", "YAML error"),
    ("root-not-mapping", b"- just\n- a list\n", "root must be a mapping, got list"),
    ("empty-file", b"", "empty"),
    ("whitespace-only", b"   \n\n", "empty"),
    ("binary-garbage", bytes(range(256)) * 4, "binary data"),
    ("invalid-utf8", b"id: caf\xe9-bad\nvalues: {}\n", "not valid UTF-8"),
    (
        "python-object-tag",
        f'!!python/object/apply:os.system ["touch {MARKER}"]\n'.encode(),
        "YAML error",
    ),
    ("python-name-tag-in-value", b"id: x\nvalues: !!python/name:os.system\n", "YAML error"),
    (
        "alias-bomb",
        b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        b"b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
        b"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
        b"f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
        b"values: [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n",
        "aliases",
    ),
    ("neither-kind", b"id: x\ntitle: y\n", "neither a persona"),
]


@pytest.mark.parametrize(
    ("data", "words"), [c[1:] for c in RAW_CASES], ids=[c[0] for c in RAW_CASES]
)
def test_bad_file_gives_one_line(tmp_path: Path, cli, parser, data: bytes, words: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.yaml"
    path.write_bytes(data)
    started = time.perf_counter()
    result = cli("validate", str(path))
    elapsed = time.perf_counter() - started
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{path}: "), lines[0]
    assert words in lines[0], lines[0]
    assert elapsed < 1.0
    assert not Path(MARKER).exists(), "a YAML tag executed code"


def test_huge_file_is_refused_before_parsing(tmp_path: Path, cli, parser) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "personas" / "huge.yaml"
    path.parent.mkdir()
    path.write_bytes(b"role: " + b"x" * (20 * 1024 * 1024) + b"\n")
    started = time.perf_counter()
    result = cli("validate", str(path))
    assert time.perf_counter() - started < 1.0
    assert result.code == 2
    assert result.err.strip() == f"{path}: file is 20,971,527 bytes; the limit is 1,000,000"


def test_many_problems_are_capped_at_ten_lines_and_a_sum(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    doc = dict(GOOD_PERSONA, **{f"extra{i}": i for i in range(14)})
    path = write_yaml(tmp_path / "personas" / "many.yaml", doc)
    result = cli("validate", str(path))
    lines = result.err.strip().splitlines()
    assert result.code == 2
    assert len(lines) == 11
    assert lines[-1] == f"{path}: … and 4 more"


def test_good_files_validate_and_load(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    p = write_yaml(tmp_path / "a" / "p.yaml", GOOD_PERSONA)
    s = write_yaml(tmp_path / "a" / "s.yaml", GOOD_SCENARIO)
    result = cli("validate", str(p), str(s))
    assert result.code == 0, result.err
    assert isinstance(load_file(p), Persona)
    assert isinstance(load_file(s), Scenario)


def test_folder_decides_kind_over_keys(tmp_path: Path) -> None:
    # A scenario document placed under personas/ is validated as a persona, so it fails.
    path = write_yaml(tmp_path / "personas" / "s.yaml", GOOD_SCENARIO)
    with pytest.raises(LoadError) as err:
        load_file(path)
    assert any(p.field == "values" for p in err.value.problems)


def test_duplicate_ids_across_files(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    a = write_yaml(tmp_path / "personas" / "a.yaml", GOOD_PERSONA)
    b = write_yaml(tmp_path / "personas" / "b.yaml", GOOD_PERSONA)
    result = cli("validate", str(a), str(b))
    assert result.code == 2
    assert result.err.strip() == (f"{b}: id: persona id 'test-regulator' is already used by {a}")


def test_missing_path(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("validate", str(tmp_path / "nope.yaml"))
    assert result.code == 2
    assert result.err.strip() == f"{tmp_path / 'nope.yaml'}: no such file or folder"


def test_console_script_exit_code_and_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"\xff\xfe garbage")
    proc = subprocess.run(
        [sys.executable, "-m", "council", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"{path}: not valid UTF-8 (byte 0)"
    usage = subprocess.run(
        [sys.executable, "-m", "council", "list", "everything"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert usage.returncode == 2
    assert len(usage.stderr.strip().splitlines()) == 1
    assert "invalid choice" in usage.stderr


def test_good_documents_round_trip_through_yaml(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "s.yaml", GOOD_SCENARIO)
    scenario = load_file(path)
    assert isinstance(scenario, Scenario)
    assert yaml.safe_load(path.read_text())["id"] == scenario.id


def test_libyaml_is_used_where_pyyaml_has_it() -> None:
    assert (safe_yaml.FAST_LOADER is yaml.CSafeLoader) == yaml.__with_libyaml__


@pytest.mark.parametrize(
    "text",
    [
        "a: &x [1, 2]\nb: 'stars * in text'\nc:\n  - *x\n",  # the alias in a block, line 4
        "a: 1\nb: [x, *y]\n",  # an alias of no anchor
        "k: &k {a: 1}\nv: {<<: *k, b: 2}\n",  # a merge key is an alias too
    ],
)
def test_both_parsers_refuse_an_alias_at_the_same_place(text: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    if safe_yaml.FAST_LOADER is None:
        pytest.skip("PyYAML was built without libyaml")
    lines = []
    for fast in (safe_yaml.FAST_LOADER, None):
        monkeypatch.setattr(safe_yaml, "FAST_LOADER", fast)
        with pytest.raises(LoadError) as err:
            loader.parse_yaml(text.encode(), "f.yaml")
        lines.append(str(err.value))
    assert lines[0] == lines[1] and "aliases (*name) are not allowed" in lines[0], lines


def test_both_parsers_read_the_library_alike(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from council.library.catalog import library_root

    files = sorted(library_root().glob("*/*.yaml"))
    assert len(files) > 30
    fast = [loader.read_yaml(p) for p in files]
    monkeypatch.setattr(safe_yaml, "FAST_LOADER", None)
    assert [loader.read_yaml(p) for p in files] == fast
