"""The ``council`` command line: validate, list, schema (and, with the engine, run and friends).

Exit codes: 0 ok, 2 bad input or usage, 1 anything else. Every error is one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from council.loader import LoadError
from council.registry import SpecError

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad usage or input: one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (try --help)")


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate files and folders; print one line per problem."""
    from council.library import validate_paths
    from council.loader import LoadError

    problems = validate_paths([Path(p) for p in args.paths])
    if problems:
        for line in LoadError(problems).lines():
            print(line, file=sys.stderr)
        return EXIT_USAGE
    if not args.quiet:
        print(f"ok: {len(args.paths)} path(s) valid")
    return EXIT_OK


def listing(what: str) -> list[dict[str, Any]]:
    """The rows ``council list WHAT --json`` prints."""
    if what == "personas":
        from council.library import load_library

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
        from council.library import load_library

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
        from council.faults import FAULTS

        return [e.model_dump() for e in FAULTS.entries()]
    from council.quorum import RULES
    from council.voting import METHODS

    rows = [{"kind": "quorum", **e.model_dump()} for e in RULES.entries()]
    rows.append(
        {
            "kind": "quorum",
            "name": "FRACTION",
            "arg": None,
            "summary": "A fraction p in (0, 1] of the seats, ceil(p*n), e.g. 0.6.",
        }
    )
    rows += [{"kind": "method", **e.model_dump()} for e in METHODS.entries()]
    return rows


def cmd_list(args: argparse.Namespace) -> int:
    """List personas, scenarios, faults or rules."""
    rows = listing(args.what)
    if args.json:
        _print_json(rows)
        return EXIT_OK
    from rich.console import Console
    from rich.table import Table

    columns = {
        "personas": ["id", "group", "name", "openness"],
        "scenarios": ["id", "jurisdiction", "sector", "title"],
        "faults": ["name", "arg", "summary"],
        "rules": ["kind", "name", "summary"],
    }[args.what]
    table = Table(*columns, title=f"{len(rows)} {args.what}")
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row[c]) for c in columns))
    Console(width=160).print(table)
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    """Print the JSON schema of a file format, or write both into a folder."""
    from council.schema import schema_text, write_schemas

    if args.write:
        for path in write_schemas(Path(args.write)):
            print(path)
        return EXIT_OK
    sys.stdout.write(schema_text(args.kind))
    return EXIT_OK


def _config(args: argparse.Namespace) -> Any:
    """A RunConfig from the run options (UsageError naming the flag if one is wrong)."""
    from pydantic import ValidationError

    from council.config import RunConfig

    personas = tuple(p for p in args.personas.split(",") if p) if args.personas else None
    if args.backend != "offline":
        raise UsageError(f"council run: --backend {args.backend} is not available yet")
    fields = {
        "scenario": args.scenario,
        "size": len(personas) if personas else args.size,
        "personas": personas,
        "byzantine": args.byzantine,
        "fault": args.fault,
        "protocol": args.protocol,
        "quorum": args.quorum,
        "method": args.method,
        "update": args.update,
        "rounds": args.rounds,
        "ballots": args.ballots,
        "topology": args.topology,
        "backend": args.backend,
        "model": args.model,
        "seed": args.seed,
    }
    try:
        return RunConfig(**fields)
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        flag = "--" + str(first["loc"][0]).replace("_", "-") if first["loc"] else "config"
        raise UsageError(f"council run: {flag}: {first['msg']}") from None


def _store(args: argparse.Namespace) -> Any:
    from council.store import Store, StoreError

    try:
        return Store(args.db)
    except StoreError as err:
        raise UsageError(str(err)) from None


def _progress(enabled: bool) -> Callable[[dict[str, Any]], None] | None:
    if not enabled:
        return None

    def report(event: dict[str, Any]) -> None:
        if event["kind"] == "round":
            print(f"  round {event['round']} done", file=sys.stderr)
        elif event["kind"] == "ballot":
            print(
                f"  ballot {event['ballot']}: {event['committed']} seats committed",
                file=sys.stderr,
            )

    return report


def _finish_run(args: argparse.Namespace, record: Any, events: list[dict[str, Any]]) -> int:
    from council.store import Event

    store = _store(args)
    store.save_run(record, [Event(kind=e["kind"], payload=e) for e in events])
    if args.json:
        print(record.model_dump_json(indent=2))
    else:
        from rich.console import Console

        from council.render import transcript

        Console(width=140).print(transcript(record))
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    """Run a deliberation through the graph, store it, print it."""
    import asyncio
    import uuid

    from council.engine import prepare
    from council.graph import run_graph

    config = _config(args)
    prepare(config)  # every flag and the scenario checked before anything runs
    store = _store(args)
    run_id = uuid.uuid4().hex[:16]
    if not args.json and sys.stderr.isatty():
        print(f"run {run_id}: deliberating ...", file=sys.stderr)
    record, events = asyncio.run(
        run_graph(
            config,
            checkpoints=store.path,
            thread_id=run_id,
            progress=_progress(not args.json and sys.stderr.isatty()),
        )
    )
    return _finish_run(args, record, events)


def cmd_resume(args: argparse.Namespace) -> int:
    """Resume an interrupted run from its last checkpoint."""
    import asyncio

    from council.graph import run_graph, saved_config

    store = _store(args)
    config = asyncio.run(saved_config(store.path, args.run_id))
    if config is None:
        raise UsageError(f"council resume: no checkpoint for run {args.run_id!r} in {store.path}")
    record, events = asyncio.run(
        run_graph(config, checkpoints=store.path, thread_id=args.run_id, resume=True)
    )
    return _finish_run(args, record, events)


def cmd_show(args: argparse.Namespace) -> int:
    """Print a stored run."""
    from council.store import StoreError

    try:
        record = _store(args).get_run(args.run_id)
    except StoreError as err:
        raise UsageError(str(err)) from None
    if args.json:
        print(record.model_dump_json(indent=2))
        return EXIT_OK
    from rich.console import Console

    from council.render import transcript

    Console(width=140).print(transcript(record))
    return EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    """List stored runs, newest first."""
    rows = _store(args).history(args.limit)
    if args.json:
        _print_json([r.model_dump() for r in rows])
        return EXIT_OK
    from rich.console import Console
    from rich.table import Table

    table = Table(
        "run",
        "when",
        "scenario",
        "seats",
        "faulty",
        "protocol",
        "status",
        "option",
        title=f"{len(rows)} runs",
    )
    for r in rows:
        table.add_row(
            r.run_id,
            r.created_at,
            r.scenario,
            str(r.size),
            str(r.byzantine),
            r.protocol,
            r.status,
            r.option or "—",
        )
    Console(width=160).print(table)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Export a stored run as Markdown (a handout) or JSON (the record)."""
    from council.store import StoreError

    try:
        record = _store(args).get_run(args.run_id)
    except StoreError as err:
        raise UsageError(str(err)) from None
    if args.format == "json":
        text = record.model_dump_json(indent=2) + "\n"
    else:
        from council.render import markdown

        text = markdown(record)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_bench(args: argparse.Namespace) -> int:
    """Measure the engine's figures."""
    from council.bench import run_bench

    figures = run_bench(quick=args.quick)
    if args.json:
        _print_json([f.model_dump() for f in figures])
        return EXIT_OK
    for f in figures:
        print(f"{f.name:45} {f.value:12,.3f} {f.unit:7} (target {f.target})")
    return EXIT_OK


def _add_run_options(p: argparse.ArgumentParser) -> None:
    from council.faults import FAULTS
    from council.voting import METHODS

    p.add_argument("--size", type=int, default=33, help="seats composed from the library")
    p.add_argument("--personas", help="exactly these personas, comma-separated")
    p.add_argument("--byzantine", type=int, default=0, metavar="K", help="faulty seats")
    p.add_argument(
        "--fault",
        default="equivocate",
        metavar="NAME[:ARG]",
        help=f"fault model: {', '.join(FAULTS.names())}",
    )
    p.add_argument("--protocol", choices=["bft", "tally"], default="bft")
    p.add_argument(
        "--quorum",
        default="bft",
        help="bft, majority, supermajority, unanimity or a fraction such as 0.6",
    )
    p.add_argument("--method", choices=METHODS.names(), default="plurality")
    p.add_argument("--update", choices=["fj", "wmsr"], default="fj")
    p.add_argument("--rounds", type=int, default=2, metavar="R")
    p.add_argument("--ballots", type=int, default=3, metavar="B")
    p.add_argument(
        "--topology", choices=["complete", "small-world", "scale-free", "ring"], default="complete"
    )
    p.add_argument("--backend", choices=["offline", "openai"], default="offline")
    p.add_argument("--model", help="model name for LLM seats")
    p.add_argument("--seed", type=int, default=0)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser."""
    parser = _Parser(prog="council", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("validate", help="check persona and scenario files")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing when all is valid")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("list", help="list the library and the registries")
    p.add_argument("what", choices=["personas", "scenarios", "faults", "rules"])
    p.add_argument("--json", action="store_true", help="print a JSON list of objects")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("schema", help="print the JSON schema of a file format")
    p.add_argument("kind", choices=["persona", "scenario"], nargs="?", default="scenario")
    p.add_argument("--write", metavar="DIR", help="write both schemas into DIR instead")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("run", help="run a deliberation")
    p.add_argument("scenario", metavar="SCENARIO", help="library id or path to a YAML file")
    _add_run_options(p)
    p.add_argument("--db", help="store file (default: COUNCIL_DB or the user data directory)")
    p.add_argument("--json", action="store_true", help="print the run record as JSON")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("resume", help="resume an interrupted run from its checkpoint")
    p.add_argument("run_id", metavar="RUN_ID")
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_resume)

    p = sub.add_parser("show", help="print a stored run")
    p.add_argument("run_id", metavar="RUN_ID")
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("history", help="list stored runs")
    p.add_argument("--db")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("export", help="export a stored run as a Markdown handout or JSON")
    p.add_argument("run_id", metavar="RUN_ID")
    p.add_argument("--format", choices=["md", "json"], default="md")
    p.add_argument("--out", help="write to this file instead of standard output")
    p.add_argument("--db")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("bench", help="measure graph latency and batch throughput")
    p.add_argument("--quick", action="store_true", help="fewer repeats")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code (the console script exits with it)."""
    code = _main(argv)
    if argv is None:
        sys.exit(code)
    return code


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        func: Callable[[argparse.Namespace], int] = args.func
        return func(args)
    except UsageError as err:
        print(str(err), file=sys.stderr)
        return EXIT_USAGE
    except LoadError as err:
        for line in err.lines():
            print(line, file=sys.stderr)
        return EXIT_USAGE
    except SpecError as err:
        print(f"council: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("council: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as err:  # noqa: BLE001 - the CLI's promise: one line, never a traceback
        print(f"council: error: {type(err).__name__}: {err}", file=sys.stderr)
        return EXIT_FAIL
