"""The run commands of the CLI: run, rerun, resume, show, history, export.

``--backend openai`` seats LLMs on any OpenAI-compatible endpoint: the key comes from
``OPENAI_API_KEY`` only (never a flag, never recorded), the endpoint from ``--base-url`` or
``OPENAI_BASE_URL`` (recorded without credentials).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, get_args

from council.config import Update
from council.errors import RunStopped, UsageError


def print_json(data: Any) -> None:
    """Print data as indented JSON (non-ASCII kept, for Khmer)."""
    print(json.dumps(data, indent=2, ensure_ascii=False))


def _config(args: argparse.Namespace) -> Any:
    """A RunConfig from the run options (UsageError naming the flag if one is wrong)."""
    from pydantic import ValidationError

    from council.config import RunConfig
    from council.llm.client import public_base_url

    personas = tuple(p for p in args.personas.split(",") if p) if args.personas else None
    base_url = args.base_url or os.environ.get("OPENAI_BASE_URL") or None
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
        "seed": args.seed,
        "language": args.language,
        "drop": args.drop,
        "delay": args.delay,
        "partition": args.partition,
    }
    if args.weights is not None:
        from council.quorum import parse_weights

        fields["weights"] = parse_weights(args.weights)
    if args.faulty_groups is not None:
        fields["faulty_groups"] = _groups_flag(args.faulty_groups)
    if args.backend == "openai":
        fields |= {
            "model": args.model or "gpt-4o-mini",
            "base_url": public_base_url(base_url),
            "cache": args.cache,
            "max_concurrency": args.max_concurrency,
            "temperature": args.temperature,
            "baseline": args.baseline,
        }
    try:
        return RunConfig(**fields)
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        flag = "--" + str(first["loc"][0]).replace("_", "-") if first["loc"] else "config"
        raise UsageError(f"council run: {flag}: {first['msg']}") from None


def _groups_flag(text: str) -> tuple[str, ...]:
    """``--faulty-groups government,industry`` as a tuple (UsageError naming a bad group)."""
    from council.principles import GROUPS

    groups = tuple(g.strip() for g in text.split(",") if g.strip())
    bad = [g for g in groups if g not in GROUPS]
    if bad or not groups:
        raise UsageError(
            f"council run: --faulty-groups: {bad[0] if bad else 'nothing'!r} is not a group "
            f"(known: {', '.join(GROUPS)})"
        )
    return tuple(dict.fromkeys(groups))


def _store(args: argparse.Namespace) -> Any:
    from council.store import Store, StoreError

    try:
        return Store(args.db)
    except StoreError as err:
        raise UsageError(str(err)) from None


def _transport(args: argparse.Namespace) -> Any:
    from council.graph import Transport

    return Transport(
        timeout=getattr(args, "timeout", 60.0), backoff=getattr(args, "retry_backoff", 0.5)
    )


def _progress(enabled: bool, prices: Any = None, model: str | None = None) -> Any:
    if not enabled:
        return None
    from council.llm.prices import cost

    def report(event: dict[str, Any]) -> None:
        if event["kind"] == "round":
            print(f"  round {event['round']} done", file=sys.stderr)
        elif event["kind"] == "ballot":
            print(
                f"  ballot {event['ballot']}: {event['committed']} seats committed", file=sys.stderr
            )
        elif event["kind"] == "llm" and prices is not None:
            dollars = cost(prices, model, event["prompt_tokens"], event["completion_tokens"])
            print(
                f"\r  LLM: {event['calls']} calls, {event['errors']} errors, "
                f"{event['prompt_tokens'] + event['completion_tokens']:,} tokens"
                + (f", ${dollars:.4f}" if dollars is not None else ""),
                end="",
                file=sys.stderr,
            )

    return report


def _finish_run(args: argparse.Namespace, record: Any, events: list[dict[str, Any]]) -> int:
    from council.store import Event

    _store(args).save_run(record, [Event(kind=e["kind"], payload=e) for e in events])
    if args.json:
        print(record.model_dump_json(indent=2))
    else:
        from rich.console import Console

        from council.render import transcript

        Console(width=140).print(transcript(record))
    return 0


def _prices(args: argparse.Namespace) -> Any:
    from council.llm.prices import load_prices

    return load_prices(Path(args.prices) if getattr(args, "prices", None) else None)


def _execute(args: argparse.Namespace, config: Any, *, resume_id: str | None = None) -> int:
    import asyncio
    import uuid

    from council.graph import run_graph

    store = _store(args)
    run_id = resume_id or uuid.uuid4().hex[:16]
    api_key = os.environ.get("OPENAI_API_KEY") if config.backend == "openai" else None
    show = not args.json and sys.stderr.isatty()
    if show:
        print(f"run {run_id}: deliberating ...", file=sys.stderr)
    prices = _prices(args)
    again = f"continue it with `council resume {run_id}`"
    try:
        record, events = asyncio.run(
            run_graph(
                config,
                checkpoints=store.path,
                thread_id=run_id,
                resume=resume_id is not None,
                progress=_progress(show, prices, config.model),
                api_key=api_key,
                transport=_transport(args),
                prices=prices,
            )
        )
    except KeyboardInterrupt:
        raise RunStopped(f"run {run_id} interrupted; {again}", 130) from None
    except Exception as err:  # noqa: BLE001 - every finished step is checkpointed: say how to go on
        detail = " ".join(f"{type(err).__name__}: {err}".split())
        raise RunStopped(f"run {run_id} stopped ({detail}); {again}", 1) from None
    if show and config.backend == "openai":
        print(file=sys.stderr)
    return _finish_run(args, record, events)


def cmd_run(args: argparse.Namespace) -> int:
    """Run a deliberation through the graph, store it, print it (or, --estimate, its cost)."""
    from council.engine import prepare

    config = _config(args)
    ctx = prepare(config)  # every flag and the scenario checked before anything runs
    if args.estimate:
        return _print_estimate(args, ctx)
    return _execute(args, config)


def _print_estimate(args: argparse.Namespace, ctx: Any) -> int:
    from council.llm.estimate import estimate

    if ctx.config.backend != "openai":
        raise UsageError("council run: --estimate is for --backend openai (offline runs are free)")
    est = estimate(ctx, _prices(args))
    if args.json:
        print_json(est.model_dump())
        return 0
    dollars = (
        f"${est.cost_min:.4f} to ${est.cost_max:.4f}"
        if est.cost_min is not None and est.cost_max is not None
        else f"unknown (no price for {ctx.config.model}; see --prices)"
    )
    print(
        f"{est.llm_seats} LLM seats; {est.calls_min} to {est.calls_max} calls; about "
        f"{est.prompt_tokens_per_call:,} prompt tokens per call "
        f"(up to {est.prompt_tokens_max:,} prompt and {est.completion_tokens_max:,} completion "
        f"tokens); cost {dollars}. Nothing was called."
    )
    return 0


def cmd_rerun(args: argparse.Namespace) -> int:
    """Run a stored run's config again (with --cache read: replayed from the cache, offline)."""
    from council.store import StoreError

    try:
        record = _store(args).get_run(args.run_id)
    except StoreError as err:
        raise UsageError(str(err)) from None
    config = record.config
    if args.cache:
        config = config.model_copy(update={"cache": args.cache})
    return _execute(args, config)


def cmd_resume(args: argparse.Namespace) -> int:
    """Resume an interrupted run from its last checkpoint."""
    import asyncio

    from council.graph import saved_config

    store = _store(args)
    config = asyncio.run(saved_config(store.path, args.run_id))
    if config is None:
        raise UsageError(f"council resume: no checkpoint for run {args.run_id!r} in {store.path}")
    return _execute(args, config, resume_id=args.run_id)


def _stored(args: argparse.Namespace) -> Any:
    from council.store import StoreError

    try:
        return _store(args).get_run(args.run_id)
    except StoreError as err:
        raise UsageError(str(err)) from None


def cmd_show(args: argparse.Namespace) -> int:
    """Print a stored run."""
    record = _stored(args)
    if args.json:
        print(record.model_dump_json(indent=2))
        return 0
    from rich.console import Console

    from council.render import transcript

    Console(width=140).print(transcript(record))
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    """List stored runs, newest first."""
    rows = _store(args).history(args.limit)
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
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Export a stored run as Markdown (a handout) or JSON (the record)."""
    record = _stored(args)
    if args.format == "json":
        text = record.model_dump_json(indent=2) + "\n"
    else:
        from council.render import markdown

        text = markdown(record)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


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
        help="bft, majority, supermajority, unanimity, a fraction such as 0.6, groups:G/P "
        "(a share P of at least G of the four groups) or a quorum file FILE.yaml",
    )
    p.add_argument(
        "--weights",
        metavar="GROUP=W,...",
        help="weigh each seat by its group (others 1): a weighted threshold rule",
    )
    p.add_argument(
        "--faulty-groups",
        metavar="GROUP,...",
        help="draw the faulty seats from these groups only (default: all seats)",
    )
    p.add_argument("--method", choices=METHODS.names(), default="plurality")
    p.add_argument(
        "--update",
        choices=list(get_args(Update)),
        default="fj",
        help="fj (Friedkin-Johnsen), wmsr (trims extremes), majority (strict)",
    )
    p.add_argument("--rounds", type=int, default=2, metavar="R")
    p.add_argument("--ballots", type=int, default=3, metavar="B")
    p.add_argument(
        "--topology", choices=["complete", "small-world", "scale-free", "ring"], default="complete"
    )
    p.add_argument("--seed", type=int, default=0)
    net = p.add_argument_group("network faults (seeded; default none)")
    net.add_argument("--drop", type=float, default=0.0, metavar="P", help="lose each message")
    net.add_argument(
        "--delay", type=float, default=0.0, metavar="P", help="deliver each message a round late"
    )
    net.add_argument(
        "--partition",
        metavar="SIDE|SIDE@R1-R2",
        help="cut two sides apart for rounds R1..R2; a side is groups and seats, e.g. "
        "'government,industry|academia,civil_society@1-2'",
    )
    llm = p.add_argument_group("LLM seats (--backend openai; key from OPENAI_API_KEY)")
    llm.add_argument("--backend", choices=["offline", "openai"], default="offline")
    llm.add_argument("--model", help="model name (default gpt-4o-mini)")
    llm.add_argument("--base-url", help="OpenAI-compatible endpoint (default OPENAI_BASE_URL)")
    llm.add_argument(
        "--max-concurrency",
        type=int,
        default=64,
        metavar="N",
        help="LLM calls at once (default 64)",
    )
    llm.add_argument(
        "--cache",
        choices=["on", "read", "off"],
        default="on",
        help="response cache: use and fill (on), replay only (read), or bypass",
    )
    llm.add_argument(
        "--language", choices=["en", "km"], default="en", help="language of the rationales"
    )
    llm.add_argument("--temperature", type=float, default=0.7)
    llm.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    llm.add_argument(
        "--retry-backoff",
        type=float,
        default=0.5,
        metavar="S",
        help="first retry delay, doubling with jitter (Retry-After wins)",
    )
    llm.add_argument(
        "--baseline",
        action="store_true",
        help="also run the fault-free baseline (doubles the calls)",
    )
    llm.add_argument(
        "--estimate", action="store_true", help="print calls, tokens and cost, and call nothing"
    )
    llm.add_argument("--prices", help="YAML/JSON file: model -> {input, output} $ per 1M tokens")


def add_run_commands(sub: Any) -> None:
    """Add run, rerun, resume, show, history and export to the CLI's subparsers."""
    p = sub.add_parser("run", help="run a deliberation")
    p.add_argument("scenario", metavar="SCENARIO", help="library id or path to a YAML file")
    _add_run_options(p)
    p.add_argument("--db", help="store file (default: COUNCIL_DB or the user data directory)")
    p.add_argument("--json", action="store_true", help="print the run record as JSON")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("rerun", help="run a stored run's config again (replay with --cache read)")
    p.add_argument("run_id", metavar="RUN_ID")
    p.add_argument("--cache", choices=["on", "read", "off"])
    p.add_argument("--timeout", type=float, default=60.0)
    p.add_argument("--prices")
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_rerun)

    p = sub.add_parser("resume", help="resume an interrupted run from its checkpoint")
    p.add_argument("run_id", metavar="RUN_ID")
    p.add_argument("--timeout", type=float, default=60.0)
    p.add_argument("--prices")
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
