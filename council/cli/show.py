"""The CLI commands that read stored runs: show, history, export.

``council show RUN_ID --round R --seat S`` prints what an LLM seat was told and what it said:
the exact prompt messages sent and the raw reply received, kept in the store by content hash.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from council.cli.commands import Commands
from council.contracts.errors import RunStopped, UsageError


def print_json(data: Any) -> None:
    """Print data as indented JSON (non-ASCII kept, for Khmer)."""
    print(json.dumps(data, indent=2, ensure_ascii=False))


def open_store(args: argparse.Namespace) -> Any:
    """The store ``--db`` names (or the default), UsageError if it cannot be opened."""
    from council.store import Store, StoreError

    try:
        return Store(args.db)
    except StoreError as err:
        raise UsageError(str(err)) from None


def _stored(args: argparse.Namespace) -> Any:
    from council.store import StoreError

    try:
        return open_store(args).get_run(args.run_id)
    except StoreError as err:
        raise UsageError(str(err)) from None


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
        said = exchange(open_store(args), record, args.round, args.seat)
        if args.json:
            print_json(said)
            return 0
        print(f"run {said['run_id']}, round {said['round']}, seat {said['seat']} ({said['model']})")
        for message in said["messages"]:
            print(f"\n--- {message['role']} ---\n{message['content']}")
        print(
            f"\n--- reply ---\n{said['reply'] if said['reply'] is not None else '(none arrived)'}"
        )
        return 0
    if args.json:
        print(record.model_dump_json(indent=2))
        return 0
    from rich.console import Console

    from council.present.render import transcript

    Console(width=140).print(transcript(record))
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    """List stored runs, newest first."""
    rows = open_store(args).history(args.limit)
    if args.json:
        print_json([r.model_dump() for r in rows])
        return 0
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
        "degraded",
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
            "yes" if r.degraded else "",
            style="red" if r.status == "error" else None,
        )
    Console(width=160).print(table)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Export a stored run as Markdown (a handout) or JSON (the record)."""
    from council.cli.options import writable

    out = writable(Path(args.out), "--out", "council export") if args.out else None
    record = _stored(args)
    if args.format == "json":
        text = record.model_dump_json(indent=2) + "\n"
    else:
        from council.present.render import markdown

        text = markdown(record)
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
    from council.cli.options import sqlite_int

    p.add_argument("--db")
    p.add_argument("--limit", type=sqlite_int, default=50)
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
