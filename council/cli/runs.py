"""The run commands of the CLI: run, rerun, resume (show, history and export in cli_show).

``--backend openai`` seats LLMs on any OpenAI-compatible endpoint: the key comes from
``OPENAI_API_KEY`` only (never a flag, never recorded), the endpoint from ``--base-url`` or
``OPENAI_BASE_URL`` (recorded without credentials). ``--models FILE`` gives a model per group
or persona, each endpoint's key in the environment variable the file names.

A run that could not work (an endpoint failing its preflight, every LLM seat of a phase
failing, too many seat failures, the cost cap) exits 1 with one line saying why.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from council.cli.options import add_run_options, add_transport_options
from council.cli.show import add_record_commands, open_store
from council.cli.show import print_json as print_json
from council.contracts.errors import RunStopped, UsageError


def _models(args: argparse.Namespace) -> Any:
    """The ``--models`` file, validated (LoadError, exit 2, if it is not valid)."""
    if not getattr(args, "models", None):
        return None
    from council.library.catalog import load_library
    from council.library.files import check_personas, load_models

    if args.model:
        raise UsageError(
            "council run: --model and --models: give the default model in the models file"
        )
    models = load_models(Path(args.models))
    check_personas(models, set(load_library().personas), args.models)
    return models


def _base_url(args: argparse.Namespace) -> str | None:
    from urllib.parse import urlsplit

    from council.reasoners.llm.client import public_base_url

    base_url = args.base_url or os.environ.get("OPENAI_BASE_URL") or None
    if base_url is None:
        return None
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        flag = "--base-url" if args.base_url else "OPENAI_BASE_URL"
        raise UsageError(
            f"council run: {flag}: {public_base_url(base_url)!r} is not an http(s) URL"
        )
    return public_base_url(base_url)


def _config(args: argparse.Namespace) -> Any:
    """A RunConfig from the run options (UsageError naming the flag if one is wrong)."""
    from pydantic import ValidationError

    from council.contracts.config import RunConfig

    personas = tuple(p for p in args.personas.split(",") if p) if args.personas else None
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
        from council.rules.quorum import parse_weights

        fields["weights"] = parse_weights(args.weights)
    if args.faulty_groups is not None:
        fields["faulty_groups"] = _groups_flag(args.faulty_groups)
    if args.backend == "openai":
        models = _models(args)
        base_url = _base_url(args)
        fields |= {
            "model": models.default.model if models else args.model or "gpt-4o-mini",
            "base_url": models.default.base_url or base_url if models else base_url,
            "models": models,
            "cache": args.cache,
            "max_concurrency": args.max_concurrency,
            "temperature": args.temperature,
            "baseline": args.baseline,
            "max_seat_failures": args.max_seat_failures,
            "max_cost": args.max_cost,
        }
    try:
        return RunConfig(**fields)
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        flag = "--" + str(first["loc"][0]).replace("_", "-") if first["loc"] else "config"
        raise UsageError(f"council run: {flag}: {first['msg']}") from None


def _groups_flag(text: str) -> tuple[str, ...]:
    """``--faulty-groups government,industry`` as a tuple (UsageError naming a bad group)."""
    from council.contracts.principles import GROUPS

    groups = tuple(g.strip() for g in text.split(",") if g.strip())
    bad = [g for g in groups if g not in GROUPS]
    if bad or not groups:
        raise UsageError(
            f"council run: --faulty-groups: {bad[0] if bad else 'nothing'!r} is not a group "
            f"(known: {', '.join(GROUPS)})"
        )
    return tuple(dict.fromkeys(groups))


def _transport(args: argparse.Namespace) -> Any:
    from pydantic import ValidationError

    from council.session.drive import Transport

    try:
        return Transport(
            timeout=args.timeout, backoff=args.retry_backoff, rpm=args.rpm, tpm=args.tpm
        )
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        flag = "--" + str(first["loc"][0]).replace("_", "-") if first["loc"] else "transport"
        raise UsageError(f"council: {flag}: {first['msg']}") from None


def _progress(enabled: bool) -> Any:
    if not enabled:
        return None

    def report(event: dict[str, Any]) -> None:
        if event["kind"] == "round":
            print(f"\n  round {event['round']} done", file=sys.stderr)
        elif event["kind"] == "ballot":
            print(
                f"  ballot {event['ballot']}: {event['committed']} seats committed", file=sys.stderr
            )
        elif event["kind"] == "llm":
            print(
                f"\r  LLM: {event['calls']} calls, {event['errors']} errors, "
                f"{event['prompt_tokens'] + event['completion_tokens']:,} tokens",
                end="",
                file=sys.stderr,
            )

    return report


def _finish_run(args: argparse.Namespace, record: Any, events: list[dict[str, Any]]) -> int:
    from council.store import Event

    open_store(args).save_run(record, [Event(kind=e["kind"], payload=e) for e in events])
    if args.json:
        print(record.model_dump_json(indent=2))
    else:
        from rich.console import Console

        from council.present.render import transcript

        Console(width=140).print(transcript(record))
    if record.outcome.status == "error":
        print(f"council: run {record.run_id} failed: {record.outcome.reason}", file=sys.stderr)
        return 1
    return 0


def _prices(args: argparse.Namespace) -> Any:
    from council.reasoners.llm.prices import load_prices

    return load_prices(Path(args.prices) if getattr(args, "prices", None) else None)


def _check_keys(ctx: Any, models_file: str | None) -> None:
    from council.reasoners.llm.endpoints import missing_keys

    missing = missing_keys(ctx)
    if missing:
        raise UsageError(
            f"council: {models_file or '--models'}: key_env {missing[0]} is not set in the "
            "environment"
        )


def _check_cost(ctx: Any, prices: Any) -> None:
    """Stop before anything is called if the estimate's lower bound passes ``--max-cost``."""
    cap = ctx.config.max_cost
    if cap is None:
        return
    from council.reasoners.llm.estimate import estimate

    est = estimate(ctx, prices)
    if est.cost_min is None or est.cost_max is None:
        print(
            "council: warning: no price for a model of this run (see --prices): --max-cost "
            "cannot count its calls",
            file=sys.stderr,
        )
    elif est.cost_min > cap:
        raise RunStopped(
            f"--max-cost ${cap:g}: the estimate's lower bound is ${est.cost_min:.4f}, so the run "
            "cannot finish within it; nothing was called",
            1,
        )
    elif est.cost_max > cap:
        print(
            f"council: warning: the estimate's upper bound ${est.cost_max:.4f} passes --max-cost "
            f"${cap:g}: the run stops with an error if its calls do",
            file=sys.stderr,
        )


def _execute(args: argparse.Namespace, config: Any, *, resume_id: str | None = None) -> int:
    import asyncio
    import uuid

    from council.engine.context import prepare
    from council.reasoners.llm.client import EndpointError
    from council.session.drive import run_graph

    store = open_store(args)
    run_id = resume_id or uuid.uuid4().hex[:16]
    prices = _prices(args)
    transport = _transport(args)
    api_key = None
    if config.backend == "openai":
        ctx = prepare(config)
        _check_keys(ctx, getattr(args, "models", None))
        if resume_id is None and config.cache != "read":
            _check_cost(ctx, prices)
        api_key = os.environ.get("OPENAI_API_KEY")
    show = not args.json and sys.stderr.isatty()
    if show:
        print(f"run {run_id}: deliberating ...", file=sys.stderr)
    again = f"continue it with `council resume {run_id}`"
    try:
        record, events = asyncio.run(
            run_graph(
                config,
                checkpoints=store.path,
                thread_id=run_id,
                resume=resume_id is not None,
                progress=_progress(show),
                api_key=api_key,
                transport=transport,
                prices=prices,
            )
        )
    except KeyboardInterrupt:
        raise RunStopped(f"run {run_id} interrupted; {again}", 130) from None
    except EndpointError as err:  # before any seat was called
        later = f"; once it answers, {again}" if resume_id else "; nothing was run"
        raise RunStopped(f"endpoint {err}{later}", 1) from None
    except Exception as err:  # noqa: BLE001 - every finished step is checkpointed: say how to go on
        detail = " ".join(f"{type(err).__name__}: {err}".split())
        raise RunStopped(f"run {run_id} stopped ({detail}); {again}", 1) from None
    if show:
        print(file=sys.stderr)
    return _finish_run(args, record, events)


def cmd_run(args: argparse.Namespace) -> int:
    """Run a deliberation through the graph, store it, print it (or, --estimate, its cost)."""
    from council.engine.context import prepare

    config = _config(args)
    ctx = prepare(config)  # every flag and the scenario checked before anything runs
    if args.estimate:
        return _print_estimate(args, ctx)
    return _execute(args, config)


def _print_estimate(args: argparse.Namespace, ctx: Any) -> int:
    from council.reasoners.llm.estimate import estimate

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
        record = open_store(args).get_run(args.run_id)
    except StoreError as err:
        raise UsageError(str(err)) from None
    config = record.config
    if args.cache:
        config = config.model_copy(update={"cache": args.cache})
    return _execute(args, config)


def cmd_resume(args: argparse.Namespace) -> int:
    """Resume an interrupted run from its last checkpoint."""
    import asyncio

    from council.session.drive import saved_config

    store = open_store(args)
    config = asyncio.run(saved_config(store.path, args.run_id))
    if config is None:
        raise UsageError(f"council resume: no checkpoint for run {args.run_id!r} in {store.path}")
    return _execute(args, config, resume_id=args.run_id)


def add_run_commands(sub: Any) -> None:
    """Add run, rerun, resume, show, history and export to the CLI's subparsers."""
    p = sub.add_parser("run", help="run a deliberation")
    p.add_argument("scenario", metavar="SCENARIO", help="library id or path to a YAML file")
    add_run_options(p)
    p.add_argument("--db", help="store file (default: COUNCIL_DB or the user data directory)")
    p.add_argument("--json", action="store_true", help="print the run record as JSON")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("rerun", help="run a stored run's config again (replay with --cache read)")
    p.add_argument("run_id", metavar="RUN_ID")
    p.add_argument("--cache", choices=["on", "read", "off"])
    add_transport_options(p)
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_rerun)

    p = sub.add_parser("resume", help="resume an interrupted run from its checkpoint")
    p.add_argument("run_id", metavar="RUN_ID")
    add_transport_options(p)
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_resume)

    add_record_commands(sub)
