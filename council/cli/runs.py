"""The run commands of the CLI: run, rerun, resume (show, history and export in cli.show).

``--backend openai`` seats LLMs on any OpenAI-compatible endpoint: the key comes from
``OPENAI_API_KEY`` only (never a flag, never recorded), the endpoint from ``--base-url`` or
``OPENAI_BASE_URL`` (recorded without credentials). ``--models FILE`` gives a model per group
or persona, each endpoint's key in the environment variable the file names.

Here the flags become a ``RunConfig``; ``council.cli.execute`` runs it. A run that could not
work (an endpoint failing its preflight, every LLM seat of a phase failing, too many seat
failures, the cost cap) exits 1 with one line saying why.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from council.cli.commands import Commands
from council.cli.show import add_record_commands, open_store
from council.cli.show import print_json as print_json
from council.contracts.errors import UsageError


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
    """The endpoint's base URL (``--base-url``, else ``OPENAI_BASE_URL``); UsageError if bad.

    A ``--base-url`` is checked whatever the backend: a flag given is never silently ignored.
    """
    from council.reasoners.llm.request import public_base_url, url_problem

    base_url = args.base_url or os.environ.get("OPENAI_BASE_URL") or None
    if base_url is None:
        return None
    problem = url_problem(base_url)
    if problem is not None:
        flag = "--base-url" if args.base_url else "OPENAI_BASE_URL"
        shown = public_base_url(base_url)
        raise UsageError(f"council run: {flag}: {shown!r} {problem}")
    return public_base_url(base_url)


def _config(args: argparse.Namespace) -> Any:
    """A RunConfig from the run options (UsageError naming the flag if one is wrong)."""
    from pydantic import ValidationError

    from council.contracts.config import RunConfig
    from council.contracts.seat_models import DEFAULT_MODEL

    personas = _personas_flag(args.personas)
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
    if args.base_url is not None and args.backend != "openai":
        _base_url(args)  # checked, though only LLM seats would use it
    if args.backend == "openai":
        models = _models(args)
        base_url = _base_url(args)
        fields |= {
            "model": models.default.model if models else args.model or DEFAULT_MODEL,
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


def _personas_flag(text: str | None) -> tuple[str, ...] | None:
    """``--personas a,b,c`` as a tuple of ids; UsageError if it names none (``",,,"``)."""
    if text is None:
        return None
    personas = tuple(p.strip() for p in text.split(",") if p.strip())
    if not personas:
        raise UsageError(f"council run: --personas: {text!r} names no persona (give a,b,c)")
    return personas


def _groups_flag(text: str) -> tuple[str, ...]:
    """``--faulty-groups government,industry`` as a tuple (UsageError naming a bad group)."""
    from council.contracts.principles import parse_groups

    try:
        return parse_groups(text)
    except ValueError as exc:
        raise UsageError(f"council run: --faulty-groups: {exc}") from None


def cmd_run(args: argparse.Namespace) -> int:
    """Run a deliberation through the graph, store it, print it (or, --estimate, its cost)."""
    from council.cli.execute import execute
    from council.engine.context import prepare

    config = _config(args)
    ctx = prepare(config)  # every flag and the scenario checked before anything runs
    if args.estimate:
        return _print_estimate(args, ctx)
    return execute(args, config)


def _print_estimate(args: argparse.Namespace, ctx: Any) -> int:
    from council.cli.execute import prices_of
    from council.reasoners.llm.estimate import estimate

    if ctx.config.backend != "openai":
        raise UsageError("council run: --estimate is for --backend openai (offline runs are free)")
    est = estimate(ctx, prices_of(args))
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
    """Run a stored run's config again (with --cache read: replayed from the cache, offline).

    It runs from the scenario and personas stored with the run; if the scenario file (or a
    persona) changed since, or is gone, one line on standard error says so.
    """
    import sys

    from council.cli.execute import execute
    from council.store import StoreError

    store = open_store(args)
    try:
        record = store.get_run(args.run_id)
    except StoreError as err:
        raise UsageError(str(err)) from None
    config = record.config
    if args.cache:
        config = config.model_copy(update={"cache": args.cache})
    inputs = record.inputs
    if inputs is not None:
        changed = _changed_since(config.scenario, inputs)
        if changed:
            print(
                f"council rerun: {changed} since run {record.run_id}: rerunning from the copy "
                "stored with the run",
                file=sys.stderr,
            )
            if config.backend != "offline" or config.human_seats:
                config = config.model_copy(update={"scenario": str(_kept_copy(store, inputs))})
    return execute(args, config, inputs=inputs)


def _changed_since(ref: str, inputs: Any) -> str | None:
    """What of a run's inputs differs from the files today, in words (None: nothing)."""
    from council.contracts.inputs import content_hash
    from council.library.catalog import load_library, resolve_scenario
    from council.library.loader import LoadError

    try:
        scenario_now = resolve_scenario(ref)
    except LoadError:
        return f"the scenario {ref} can no longer be read"
    changes = []
    if content_hash(scenario_now) != inputs.scenario_hash():
        changes.append(f"the scenario {ref} changed")
    personas = load_library().personas
    moved = sorted(
        pid
        for pid, persona in inputs.personas.items()
        if pid not in personas or content_hash(personas[pid]) != content_hash(persona)
    )
    if moved:
        changes.append(f"persona {', '.join(moved)} changed")
    return "; ".join(changes) or None


def _kept_copy(store: Any, inputs: Any) -> Path:
    """The stored scenario as a file beside the store (by hash), for a run through the graph."""
    folder = store.path.parent / "scenarios"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{inputs.scenario_hash()[:16]}.yaml"
    if not path.exists():
        path.write_text(inputs.scenario.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return path


def cmd_resume(args: argparse.Namespace) -> int:
    """Resume an interrupted run from its last checkpoint (a finished one is refused, exit 2)."""
    import asyncio

    from council.cli.execute import execute
    from council.session.checkpoints import saved_config

    store = open_store(args)
    if store.has_run(args.run_id):
        raise UsageError(
            f"council resume: run {args.run_id} finished already: see `council show {args.run_id}`"
        )
    config = asyncio.run(saved_config(store.path, args.run_id))
    if config is None:
        raise UsageError(f"council resume: no checkpoint for run {args.run_id!r} in {store.path}")
    return execute(args, config, resume_id=args.run_id)


def cmd_gc(args: argparse.Namespace) -> int:
    """Drop checkpoints finished runs left behind, VACUUM the store, say what it freed."""
    from council.session.checkpoints import collect

    report = collect(open_store(args))
    freed = max(report.bytes_before - report.bytes_after, 0)
    print(
        f"dropped the checkpoints of {report.runs} finished runs; {report.bytes_before:,} -> "
        f"{report.bytes_after:,} bytes ({freed:,} freed)"
    )
    return 0


def _fill_run(p: argparse.ArgumentParser) -> None:
    from council.cli.options import add_run_options

    p.add_argument("scenario", metavar="SCENARIO", help="library id or path to a YAML file")
    add_run_options(p)
    p.add_argument("--db", help="store file (default: COUNCIL_DB or the user data directory)")
    p.add_argument("--json", action="store_true", help="print the run record as JSON")
    p.set_defaults(func=cmd_run)


def _fill_rerun(p: argparse.ArgumentParser) -> None:
    from council.cli.options import add_transport_options

    p.add_argument("run_id", metavar="RUN_ID")
    p.add_argument("--cache", choices=["on", "read", "off"])
    add_transport_options(p)
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_rerun)


def _fill_resume(p: argparse.ArgumentParser) -> None:
    from council.cli.options import add_transport_options

    p.add_argument("run_id", metavar="RUN_ID")
    add_transport_options(p)
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_resume)


def _fill_gc(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db")
    p.set_defaults(func=cmd_gc)


def add_run_commands(commands: Commands) -> None:
    """Add run, rerun, resume, gc, show, history and export to the CLI's commands."""
    commands.add("run", "run a deliberation", _fill_run)
    commands.add("rerun", "run a stored run's config again (replay with --cache read)", _fill_rerun)
    commands.add("resume", "resume an interrupted run from its checkpoint", _fill_resume)
    commands.add("gc", "drop checkpoints finished runs left behind and compact the store", _fill_gc)
    add_record_commands(commands)
