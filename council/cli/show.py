"""The CLI commands that read stored runs: show, history, export.

``council show RUN_ID --round R --seat S`` prints what an LLM seat was told and what it said:
the exact prompt messages sent and the raw reply received, kept in the store by content hash.

Also what every command prints through: ``say`` (a line of text), ``print_json`` and
``print_record``, and ``console`` (rich). All redact the keys in the environment and anything
that looks like a key, and keep control characters (ESC, NUL, ...) from the terminal: text from
files, models and endpoints is printed, never obeyed.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path
from typing import Any

from council.cli.commands import Commands
from council.contracts.errors import RunStopped, UsageError
from council.contracts.safe_text import json_printable, known_keys, printable, redact


def say(text: str, *, err: bool = False, end: str = "\n") -> None:
    """Print text (standard error with ``err``): keys redacted, control characters removed."""
    print(printable(redact(text, known_keys())), end=end, file=sys.stderr if err else sys.stdout)


def json_text(text: str) -> str:
    """JSON text as it may be printed or exported: keys redacted, control characters escaped."""
    return json_printable(redact(text, known_keys()))


def print_json(data: Any) -> None:
    """Print data as indented JSON (non-ASCII kept, for Khmer)."""
    print(json_text(json.dumps(data, indent=2, ensure_ascii=False)))


def print_record(record: Any) -> None:
    """Print a run record as indented JSON."""
    print(json_text(record.model_dump_json(indent=2)))


def console(width: int) -> Any:
    """A rich console for tables and transcripts whose cells are ``printable`` text.

    Rich renders its own styles; the texts it is given come through :func:`plain_cell` or
    ``council.present.render``, which strip control characters and redact keys.
    """
    from rich.console import Console

    return Console(width=width)


def plain_cell(value: object) -> Any:
    """A table cell as literal text: no rich markup, no control characters, no key."""
    from rich.text import Text

    return Text(printable(redact(str(value), known_keys())))


def open_store(args: argparse.Namespace, *, readonly: bool = False) -> Any:
    """The store ``--db`` names (or the default), UsageError if it cannot be opened.

    ``readonly``: for commands that only read (a read-only file or folder can still be read).
    """
    from council.store import Store, StoreError

    try:
        return Store(args.db, readonly=readonly)
    except StoreError as err:
        raise UsageError(str(err)) from None


def _stored(args: argparse.Namespace) -> Any:
    """The run ``args.run_id`` names, with the inputs it was made from (UsageError if none)."""
    from council.store import StoreError

    try:
        return open_store(args, readonly=True).get_run(args.run_id)
    except StoreError as err:
        raise UsageError(str(err)) from None


def _limit(text: str) -> int:
    """``--limit``: a count of rows SQLite can take."""
    from council.store import MAX_LIMIT

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 < value <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"{text[:30]!r} is not between 1 and {MAX_LIMIT}")
    return value


def exchange(store: Any, record: Any, round_no: int, seat: int) -> dict[str, Any]:
    """What seat ``seat`` was told in round ``round_no`` and what it said, from the store.

    UsageError if the run has no such statement or it was not an LLM's; RunStopped (exit 1) if
    the store no longer holds the texts.
    """
    rounds = {r.round: r for r in record.rounds}
    if round_no not in rounds:
        raise UsageError(
            f"council show: --round {round_no}: the run has rounds 0-{len(rounds) - 1}"
        )
    statements = {st.seat: st for st in rounds[round_no].statements}
    if seat not in statements:
        raise UsageError(
            f"council show: --seat {seat}: the council has seats 0-{len(statements) - 1}"
        )
    st = statements[seat]
    if st.prompt_hash is None:
        raise UsageError(
            f"council show: seat {seat} in round {round_no} did not speak through an LLM "
            f"({st.model}): nothing was sent"
        )
    prompt = store.get_text(st.prompt_hash)
    if prompt is None:
        raise RunStopped(f"the store {store.path} does not hold prompt {st.prompt_hash[:12]}", 1)
    reply = store.get_text(st.reply_hash) if st.reply_hash else None
    return {
        "run_id": record.run_id,
        "round": round_no,
        "seat": seat,
        "model": st.model,
        "messages": json.loads(prompt),
        "reply": reply,
        "prompt_hash": st.prompt_hash,
        "reply_hash": st.reply_hash,
    }


def cmd_show(args: argparse.Namespace) -> int:
    """Print a stored run, or (``--round`` and ``--seat``) one LLM seat's exchange."""
    record = _stored(args)
    if (args.seat is None) != (args.round is None):
        raise UsageError("council show: give --round and --seat together")
    if args.seat is not None:
        said = exchange(open_store(args, readonly=True), record, args.round, args.seat)
        if args.json:
            print_json(said)
            return 0
        say(f"run {said['run_id']}, round {said['round']}, seat {said['seat']} ({said['model']})")
        for message in said["messages"]:
            say(f"\n--- {message['role']} ---\n{message['content']}")
        say(f"\n--- reply ---\n{said['reply'] if said['reply'] is not None else '(none arrived)'}")
        return 0
    if args.json:
        print_record(record)
        return 0
    from council.present.render import transcript

    console(140).print(transcript(record))
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    """List stored runs, newest first (``--unfinished``: interrupted runs and how to resume).

    A garbled record (it fails its checksum) is not listed: one line on standard error says
    so, and the command exits 2.
    """
    store = open_store(args, readonly=True)
    if args.unfinished:
        return _print_unfinished(args, store)
    every = store.history(args.limit)
    rows = [r for r in every if not r.garbled]
    for bad in every:
        if bad.garbled:
            print(
                f"council history: run {bad.run_id} in {store.path} is garbled (its record does "
                "not match its checksum): not listed",
                file=sys.stderr,
            )
    code = 2 if len(rows) < len(every) else 0
    if args.json:
        print_json([r.model_dump() for r in rows])
        return code
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
        "degraded",
        title=f"{len(rows)} runs",
    )
    for r in rows:
        table.add_row(
            *map(
                plain_cell,
                (r.run_id, r.created_at, r.scenario, r.size, r.byzantine, r.protocol, r.status),
            ),
            plain_cell(r.option or "—"),
            "yes" if r.degraded else "",
            style="red" if r.status == "error" else None,
        )
    console(160).print(table)
    return code


def _print_unfinished(args: argparse.Namespace, store: Any) -> int:
    """The interrupted runs (checkpoints, no record), newest first, with their resume command."""
    from council.session.checkpoints import unfinished

    ids = unfinished(store)[: args.limit]
    db = f" --db {shlex.quote(args.db)}" if args.db else ""
    if args.json:
        print_json([{"run_id": i, "resume": f"council resume {i}{db}"} for i in ids])
        return 0
    if not ids:
        print("no unfinished runs")
    for run_id in ids:
        print(f"{run_id}  council resume {run_id}{db}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Export a stored run as Markdown (a handout) or JSON (the record)."""
    from council.cli.options import writable

    out = writable(Path(args.out), "--out", "council export") if args.out else None
    record = _stored(args)
    if args.format == "json":
        text = json_text(record.model_dump_json(indent=2)) + "\n"
    else:
        from council.present.render import markdown

        text = printable(redact(markdown(record), known_keys()))
    if out is not None:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as err:
            raise UsageError(f"council export: --out: {out}: {err.strerror or err}") from None
    else:
        sys.stdout.write(text)
    return 0


def _fill_show(p: argparse.ArgumentParser) -> None:
    p.add_argument("run_id", metavar="RUN_ID")
    p.add_argument("--round", type=int, metavar="R", help="with --seat: one seat's exchange")
    p.add_argument("--seat", type=int, metavar="S", help="with --round: one seat's exchange")
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)


def _fill_history(p: argparse.ArgumentParser) -> None:

    p.add_argument("--db")
    p.add_argument("--limit", type=_limit, default=50, help="at most this many runs (default 50)")
    p.add_argument(
        "--unfinished",
        action="store_true",
        help="list interrupted runs (checkpointed, never finished) with their resume command",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_history)


def _fill_export(p: argparse.ArgumentParser) -> None:
    p.add_argument("run_id", metavar="RUN_ID")
    p.add_argument("--format", choices=["md", "json"], default="md")
    p.add_argument("--out", help="write to this file instead of standard output")
    p.add_argument("--db")
    p.set_defaults(func=cmd_export)


def add_record_commands(commands: Commands) -> None:
    """Add show, history and export to the CLI's commands."""
    commands.add("show", "print a stored run, or what one LLM seat was told and said", _fill_show)
    commands.add("history", "list stored runs", _fill_history)
    commands.add("export", "export a stored run as a Markdown handout or JSON", _fill_export)
