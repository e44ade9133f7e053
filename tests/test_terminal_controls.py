"""Control characters from files, models or people never reach the terminal (ESC, NUL, C1...)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import GOOD_SCENARIO

from council.contracts.safe_text import printable

# YAML's double-quoted escapes put the characters in: ESC (a screen clear and a title change),
# NUL, BEL, CR, DEL and the 8-bit CSI.
HOSTILE = r"Bad\e[2J\e]0;owned\a title\0 with\r a\x7f CSI\x9b31m end"
CONTROLS = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))]


def scenario_file(tmp_path: Path) -> Path:
    lines = ["id: kh-hostile-text", f'title: "{HOSTILE}"', f'summary: "{HOSTILE}"']
    lines.append(f'facts: ["{HOSTILE}"]')
    for key, value in GOOD_SCENARIO.items():
        if key not in {"id", "title", "summary", "facts"}:
            lines.append(f"{key}: {json.dumps(value)}")
    path = tmp_path / "hostile.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def assert_clean(text: str, where: str) -> None:
    bad = sorted({hex(ord(c)) for c in text if c in CONTROLS})
    assert not bad, (where, bad)


def test_no_control_character_reaches_the_terminal_from_a_scenario_file(
    cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = scenario_file(tmp_path)
    db = str(tmp_path / "s.db")
    run = cli("run", str(path), "--size", "4", "--db", db)
    assert run.code == 0, run.err
    assert "Bad[2J]0;owned title with a CSI31m end" in run.out  # the text, without its codes
    record = json.loads(cli("run", str(path), "--size", "4", "--db", db, "--json").out)
    outputs = {"run": run.out + run.err}
    for name, argv in {
        "show": ("show", record["run_id"], "--db", db),
        "show --json": ("show", record["run_id"], "--db", db, "--json"),
        "export md": ("export", record["run_id"], "--db", db),
        "export json": ("export", record["run_id"], "--db", db, "--format", "json"),
        "history": ("history", "--db", db),
    }.items():
        done = cli(*argv)
        assert done.code == 0, (name, done.err)
        outputs[name] = done.out + done.err
    for name, text in outputs.items():
        assert_clean(text, name)
    assert "owned" in outputs["export md"] and "owned" in outputs["show"]


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "no-such-scenario\x1b[2J\x07"],
        ["run", "kh-credit-scoring-isolated-data", "--fault", "\x1b]0;owned\x07"],
        ["show", "\x1b[31mrun\x00"],
        ["validate", "missing\x1b[2J.yaml"],
    ],
)
def test_an_error_line_that_echoes_input_holds_no_control_character(
    cli, tmp_path: Path, argv: list[str]
) -> None:  # type: ignore[no-untyped-def]
    result = cli(*argv, *(["--db", str(tmp_path / "s.db")] if argv[0] in {"run", "show"} else []))
    assert result.code == 2, result.err
    (line,) = result.err.strip().splitlines()
    assert_clean(result.err + result.out, " ".join(argv))
    assert line == printable(line)
