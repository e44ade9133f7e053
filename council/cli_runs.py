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
from typing import Any, get_args

from council.cli_show import add_record_commands, open_store
from council.cli_show import print_json as print_json
from council.config import Update
from council.errors import RunStopped, UsageError


def _models(args: argparse.Namespace) -> Any:
    """The ``--models`` file, validated (LoadError, exit 2, if it is not valid)."""
    if not getattr(args, "models", None):
        return None
    from council.library import load_library
    from council.seat_models import check_personas, load_models

    if args.model:
        raise UsageError(
            "council run: --model and --models: give the default model in the models file"
        )
    models = load_models(Path(args.models))
    check_personas(models, set(load_library().personas), args.models)
    return models


def _base_url(args: argparse.Namespace) -> str | None:
    from urllib.parse import urlsplit

    from council.llm.client import public_base_url

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

    from council.config import RunConfig

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
    }
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


def _transport(args: argparse.Namespace) -> Any:
    from pydantic import ValidationError

    from council.drive import Transport

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

        from council.render import transcript

        Console(width=140).print(transcript(record))
    if record.outcome.status == "error":
        print(f"council: run {record.run_id} failed: {record.outcome.reason}", file=sys.stderr)
        return 1
    return 0


def _prices(args: argparse.Namespace) -> Any:
    from council.llm.prices import load_prices

    return load_prices(Path(args.prices) if getattr(args, "prices", None) else None)


def _check_keys(ctx: Any, models_file: str | None) -> None:
    from council.llm.endpoints import missing_keys

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
    from council.llm.estimate import estimate

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

    from council.drive import run_graph
    from council.engine import prepare
    from council.llm.client import EndpointError

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

    from council.drive import saved_config

    store = open_store(args)
    config = asyncio.run(saved_config(store.path, args.run_id))
    if config is None:
        raise UsageError(f"council resume: no checkpoint for run {args.run_id!r} in {store.path}")
    return _execute(args, config, resume_id=args.run_id)


def _fraction(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text} is not a fraction in [0, 1]")
    return value


def _positive(kind: type[float] | type[int]) -> Any:
    def parse(text: str) -> float | int:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{text} is not positive")
        return value

    parse.__name__ = kind.__name__
    return parse


def _add_transport_options(p: Any) -> None:
    """How LLM calls go: timeouts, backoff, rate limits, prices (run, rerun and resume)."""
    p.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    p.add_argument(
        "--retry-backoff",
        type=float,
        default=0.5,
        metavar="S",
        help="first retry delay, doubling with jitter (Retry-After wins)",
    )
    p.add_argument(
        "--rpm", type=_positive(int), metavar="N", help="requests per minute, per endpoint"
    )
    p.add_argument(
        "--tpm", type=_positive(int), metavar="N", help="tokens per minute, per endpoint"
    )
    p.add_argument("--prices", help="YAML/JSON file: model -> {input, output} $ per 1M tokens")


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
    llm = p.add_argument_group("LLM seats (--backend openai; key from OPENAI_API_KEY)")
    llm.add_argument("--backend", choices=["offline", "openai"], default="offline")
    llm.add_argument("--model", help="model name (default gpt-4o-mini)")
    llm.add_argument("--base-url", help="OpenAI-compatible endpoint (default OPENAI_BASE_URL)")
    llm.add_argument(
        "--models",
        metavar="FILE",
        help="YAML: a default model plus per-group or per-persona models (see README)",
    )
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
    _add_transport_options(llm)
    llm.add_argument(
        "--max-cost",
        type=_positive(float),
        metavar="USD",
        help="stop (status error) once the calls cost this much; refuse to start if the "
        "estimate's lower bound passes it",
    )
    llm.add_argument(
        "--max-seat-failures",
        type=_fraction,
        default=0.25,
        metavar="FRACTION",
        help="share of LLM seat-phases that may fail before the run is an error (default 0.25)",
    )
    llm.add_argument(
        "--baseline",
        action="store_true",
        help="also run the fault-free baseline (doubles the calls)",
    )
    llm.add_argument(
        "--estimate", action="store_true", help="print calls, tokens and cost, and call nothing"
    )


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
    _add_transport_options(p)
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_rerun)

    p = sub.add_parser("resume", help="resume an interrupted run from its checkpoint")
    p.add_argument("run_id", metavar="RUN_ID")
    _add_transport_options(p)
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_resume)

    add_record_commands(sub)
