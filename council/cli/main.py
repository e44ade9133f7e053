"""The ``council`` command line: validate, list, schema, bench; the run commands in ``runs``.

Exit codes: 0 ok, 2 bad input or usage, 1 anything else. Every error is one line on stderr.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from council.cli.commands import Commands, command_of
from council.cli.runs import add_run_commands
from council.cli.show import plain_cell, print_json, say
from council.contracts.errors import RunStopped, UsageError, one_line

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit 2."""

    def error(self, message: str) -> NoReturn:
        from council.cli.options import shorten

        raise UsageError(f"{self.prog}: {shorten(message)} (try --help)")


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate files and folders; print one line per problem."""
    from council.library.catalog import validate_paths
    from council.library.loader import LoadError

    problems = validate_paths([Path(p) for p in args.paths])
    if problems:
        for line in LoadError(problems).lines():
            say(line, err=True)
        return EXIT_USAGE
    if not args.quiet:
        print(f"ok: {len(args.paths)} path(s) valid")
    return EXIT_OK


def listing(what: str) -> list[dict[str, Any]]:
    """The rows ``council list WHAT --json`` prints."""
    if what == "personas":
        from council.library.catalog import load_library

        lib = load_library()
        return [
            {
                "id": p.id,
                "name": p.name,
                "group": p.group,
                "openness": p.openness,
                "languages": list(p.languages),
            }
            for group in lib.personas_by_group().values()
            for p in group
        ]
    if what == "scenarios":
        from council.library.catalog import load_library

        lib = load_library()
        return [
            {
                "id": s.id,
                "title": s.title,
                "jurisdiction": s.jurisdiction,
                "sector": s.sector,
                "options": list(s.option_ids),
                "languages": sorted(s.translations),
            }
            for s in sorted(lib.scenarios.values(), key=lambda s: (s.jurisdiction, s.id))
        ]
    if what == "faults":
        from council.rules.faults import FAULTS

        return [e.model_dump() for e in FAULTS.entries()]
    from council.rules.quorum import RULES, SYSTEMS
    from council.rules.voting import METHODS

    rows = [{"kind": "quorum", **e.model_dump()} for e in RULES.entries()]
    rows.append(
        {
            "kind": "quorum",
            "name": "FRACTION",
            "arg": None,
            "summary": "A fraction p in (0, 1] of the seats, ceil(p*n), e.g. 0.6.",
        }
    )
    rows += [{"kind": "quorum", **e.model_dump()} for e in SYSTEMS.entries()]
    rows.append(
        {
            "kind": "quorum",
            "name": "FILE.yaml",
            "arg": None,
            "summary": "A quorum file: named minimal quorums or a per-group rule "
            "(`council schema quorum`).",
        }
    )
    rows += [{"kind": "method", **e.model_dump()} for e in METHODS.entries()]
    return rows


def cmd_list(args: argparse.Namespace) -> int:
    """List personas, scenarios, faults or rules."""
    rows = listing(args.what)
    if args.json:
        print_json(rows)
        return EXIT_OK
    from rich.console import Console
    from rich.table import Table

    columns = {
        "personas": ["id", "group", "name", "openness"],
        "scenarios": ["id", "jurisdiction", "sector", "title"],
        "faults": ["name", "arg", "summary"],
        "rules": ["kind", "name", "arg", "summary"],
    }[args.what]
    table = Table(*columns, title=f"{len(rows)} {args.what}")
    for row in rows:
        table.add_row(*(plain_cell("" if row.get(c) is None else row[c]) for c in columns))
    Console(width=160).print(table)
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    """Print the JSON schema of a file format, or write both into a folder."""
    from council.library.schema import schema_text, write_schemas

    if args.write:
        for path in write_schemas(Path(args.write)):
            print(path)
        return EXIT_OK
    sys.stdout.write(schema_text(args.kind))
    return EXIT_OK


def cmd_bench(args: argparse.Namespace) -> int:
    """Measure the engine's figures."""
    from council.cli.bench import run_bench

    figures = run_bench(quick=args.quick)
    if args.json:
        print_json([f.model_dump() for f in figures])
        return EXIT_OK
    for f in figures:
        print(f"{f.name:45} {f.value:12,.3f} {f.unit:7} (target {f.target})")
    return EXIT_OK


def _fill_validate(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing when all is valid")
    p.set_defaults(func=cmd_validate)


def _fill_list(p: argparse.ArgumentParser) -> None:
    p.add_argument("what", choices=["personas", "scenarios", "faults", "rules"])
    p.add_argument("--json", action="store_true", help="print a JSON list of objects")
    p.set_defaults(func=cmd_list)


def _fill_schema(p: argparse.ArgumentParser) -> None:
    from council.library.schema import SCHEMAS

    p.add_argument("kind", choices=list(SCHEMAS), nargs="?", default="scenario")
    p.add_argument("--write", metavar="DIR", help="write every schema into DIR instead")
    p.set_defaults(func=cmd_schema)


def _fill_bench(p: argparse.ArgumentParser) -> None:
    p.add_argument("--quick", action="store_true", help="fewer repeats")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser: every command listed, ``command``'s options (None: all) filled in."""
    from council.cli.sweeps import add_sweep_commands

    parser = _Parser(prog="council", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    commands = Commands(sub, command)
    commands.add("validate", "check persona and scenario files", _fill_validate)
    commands.add("list", "list the library and the registries", _fill_list)
    commands.add("schema", "print the JSON schema of a file format", _fill_schema)
    add_run_commands(commands)
    commands.add("bench", "measure graph latency and batch throughput", _fill_bench)
    add_sweep_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code (the console script exits with it: ``_exit``).

    As the console script (no ``argv``), numpy's OpenBLAS runs on one thread unless
    OPENBLAS_NUM_THREADS says otherwise: the commands' linear algebra is on matrices of a
    council's size, and OpenBLAS's pool of threads, started with numpy, spins for about
    0.1 s of CPU at every start (as much as the whole of ``council run``'s own work).
    """
    if argv is None:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    code = _main(argv)
    if argv is None:
        _exit(code)
    return code


def _exit(code: int) -> NoReturn:
    """End the console script with ``code``, skipping the interpreter's teardown.

    By now the command has closed what it wrote; the exit handlers still run and the output
    streams are flushed. What is skipped is freeing some 450 modules and 40,000 objects
    (numpy, pydantic, the engine) one by one: about 50 ms of a sweep's or a run's wall time.
    With another thread still running, the interpreter exits as usual (it waits for it).
    """
    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe or stream: nothing kept
            stream.flush()
    os._exit(code)


def _main(argv: Sequence[str] | None) -> int:
    words = sys.argv[1:] if argv is None else argv
    parser = build_parser(command_of(words))
    try:
        args = parser.parse_args(words)
        func: Callable[[argparse.Namespace], int] = args.func
        return func(args)
    except UsageError as err:
        say(one_line(str(err)), err=True)
        return EXIT_USAGE
    except RunStopped as err:
        say(one_line(f"council: {err}"), err=True)
        return err.code
    except KeyboardInterrupt:
        print("council: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as err:  # noqa: BLE001 - the CLI's promise: one line, never a traceback
        return _report(err)


def _report(err: Exception) -> int:
    """Print an error as one line (a file's problems, one line each); return the exit code.

    The error classes of the library and the registries are imported here, not at the top:
    ``council --help`` must not load the YAML loader and the file formats to print a list.
    """
    from council.library.loader import LoadError
    from council.rules.registry import SpecError

    if isinstance(err, LoadError):
        for line in err.lines():
            say(line, err=True)
        return EXIT_USAGE
    if isinstance(err, SpecError):
        say(one_line(f"council: {err}"), err=True)
        return EXIT_USAGE
    say(one_line(f"council: error: {type(err).__name__}: {err}"), err=True)
    return EXIT_FAIL
