"""Executing a run from the CLI: its session, the checks before any call, progress, the result.

``run``, ``rerun`` and ``resume`` each turn their flags into a config (``council.cli.runs``) and
hand it here: one ``RunSession`` is built (the store, ``--timeout`` and the other transport
flags, ``--prices``, the key from ``OPENAI_API_KEY``, the progress lines when standard error is
a terminal) and the run goes through the graph. A run that could not work (an endpoint failing
its preflight, a stop part-way) exits 1 with one line saying why and how to go on.

An offline run with nobody at the table, not being resumed, takes the batch path instead: the
same phase functions chained without the graph, which gives the same record
(``tests/test_engine.py`` and ``tests/test_startup.py`` hold them equal) in milliseconds, and
spares the command the import of LangGraph and the OpenAI SDK. It keeps no checkpoint: there is
nothing to resume in a run that takes milliseconds; stopped, it stores nothing and is simply
run again.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from council.cli.show import console, open_store, print_record, say
from council.contracts.errors import RunStopped, UsageError
from council.contracts.events import (
    BallotCounted,
    LlmUsage,
    Progress,
    ProgressEvent,
    RoundFinished,
    RunEvent,
)


def transport_of(args: argparse.Namespace) -> Any:
    """The LLM transport the flags ask for (UsageError naming the flag if one is wrong)."""
    from pydantic import ValidationError

    from council.reasoners.llm.endpoints import Transport

    try:
        return Transport(
            timeout=args.timeout, backoff=args.retry_backoff, rpm=args.rpm, tpm=args.tpm
        )
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        flag = "--" + str(first["loc"][0]).replace("_", "-") if first["loc"] else "transport"
        raise UsageError(f"council: {flag}: {first['msg']}") from None


def prices_of(args: argparse.Namespace) -> Any:
    """The price table: built in, updated from ``--prices`` (LoadError, exit 2, if it is bad)."""
    from council.reasoners.llm.prices import load_prices

    return load_prices(Path(args.prices) if getattr(args, "prices", None) else None)


def progress_lines(enabled: bool) -> Progress | None:
    """Progress on standard error: a line per round and ballot, the LLM usage redrawn in place."""
    if not enabled:
        return None

    def report(event: ProgressEvent) -> None:
        if isinstance(event, RoundFinished):
            print(f"\n  round {event.round} done", file=sys.stderr)
        elif isinstance(event, BallotCounted):
            print(f"  ballot {event.ballot}: {event.committed} seats committed", file=sys.stderr)
        elif isinstance(event, LlmUsage):
            print(
                f"\r  LLM: {event.calls} calls, {event.errors} errors, {event.tokens:,} tokens",
                end="",
                file=sys.stderr,
            )

    return report


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


def _scenario_now(config: Any) -> Any:
    """The config's scenario as its file (or the library) holds it at the start of the run."""
    from council.library.catalog import resolve_scenario

    return resolve_scenario(config.scenario)


def execute(
    args: argparse.Namespace,
    config: Any,
    *,
    resume_id: str | None = None,
    inputs: Any = None,
) -> int:
    """Run ``config`` through the graph (or recover run ``resume_id``), store it, print it.

    An offline run with no person's seat, not being resumed, goes the batch path
    (``execute_offline``). ``inputs``: the scenario and personas to run from (a rerun's, as
    stored) instead of the files'; on the graph path the scenario must be the file's. A graph
    run's id goes to standard error as it starts, whatever the output mode, so a run killed
    part-way can be found and resumed.
    """
    if config.backend == "offline" and not config.human_seats and resume_id is None:
        return execute_offline(args, config, inputs)
    import asyncio

    from council.engine.context import prepare
    from council.reasoners.llm.errors import EndpointError
    from council.session.finish import run_graph
    from council.session.run_session import RunSession, new_run_id

    store = open_store(args)
    prices = prices_of(args)
    transport = transport_of(args)
    api_key = None
    if config.backend == "openai":
        ctx = prepare(config)
        _check_keys(ctx, getattr(args, "models", None))
        if resume_id is None and config.cache != "read":
            _check_cost(ctx, prices)
        api_key = os.environ.get("OPENAI_API_KEY")
    show = not args.json and sys.stderr.isatty()
    session = RunSession(
        config,
        run_id=resume_id or new_run_id(),
        store=store.path,
        transport=transport,
        api_key=api_key,
        prices=prices,
        progress=progress_lines(show),
    )
    scenario = inputs.scenario if inputs is not None else _scenario_now(config)
    print(f"run {session.run_id}: deliberating ...", file=sys.stderr, flush=True)
    again = f"continue it with `council resume {session.run_id}`"
    try:
        record, events = asyncio.run(run_graph(session, resume=resume_id is not None))
    except KeyboardInterrupt:
        raise RunStopped(f"run {session.run_id} interrupted; {again}", 130) from None
    except EndpointError as err:  # before any seat was called
        later = f"; once it answers, {again}" if resume_id else "; nothing was run"
        raise RunStopped(f"endpoint {err}{later}", 1) from None
    except Exception as err:  # noqa: BLE001 - every finished step is checkpointed: say how to go on
        detail = " ".join(f"{type(err).__name__}: {err}".split())
        raise RunStopped(f"run {session.run_id} stopped ({detail}); {again}", 1) from None
    if show:
        print(file=sys.stderr)
    store.save_run(record, events, _inputs(record, scenario=scenario))
    return _print_run(args, record)


def _inputs(record: Any, *, scenario: Any, personas: Any = None) -> Any:
    """What the run was made from: its scenario and its seats' personas (stored beside it)."""
    from council.contracts.inputs import RunInputs
    from council.library.catalog import load_library

    known = dict(load_library().personas) | dict(personas or {})
    seated = {s.persona: known[s.persona] for s in record.council.seats if s.persona in known}
    return RunInputs(scenario=scenario, personas=seated)


def execute_offline(args: argparse.Namespace, config: Any, inputs: Any = None) -> int:
    """Run an offline ``config`` on the batch path, store it with its events and inputs, print it.

    ``inputs``: run from this scenario and these personas (a rerun's, as stored).
    """
    from council.library.catalog import load_library
    from council.session.batch import run
    from council.session.run_session import RunSession, new_run_id

    store = open_store(args)
    library = load_library()
    if inputs is not None:
        library = library.model_copy(
            update={"personas": dict(library.personas) | dict(inputs.personas)}
        )
    scenario = inputs.scenario if inputs is not None else _scenario_now(config)
    if getattr(args, "prices", None):
        prices_of(args)  # a bad --prices file is bad input whatever the backend
    show = not args.json and sys.stderr.isatty()
    lines = progress_lines(show)
    events: list[RunEvent] = []

    def hear(event: ProgressEvent) -> None:
        if isinstance(event, RoundFinished | BallotCounted):
            events.append(event)
        if lines is not None:
            lines(event)

    session = RunSession(config, run_id=new_run_id(), store=store.path, progress=hear)
    if show:  # nothing to resume on this path: a stopped run stores nothing and is run again
        print(f"run {session.run_id}: deliberating ...", file=sys.stderr)
    try:
        record = run(session, library=library, scenario=scenario)
    except KeyboardInterrupt:
        raise RunStopped(f"run {session.run_id} interrupted; nothing was stored", 130) from None
    except Exception as err:  # noqa: BLE001 - one line; an offline run is simply run again
        detail = " ".join(f"{type(err).__name__}: {err}".split())
        stopped = f"run {session.run_id} stopped ({detail}); nothing was stored"
        raise RunStopped(stopped, 1) from None
    if show:
        print(file=sys.stderr)
    store.save_run(record, events, _inputs(record, scenario=scenario, personas=library.personas))
    return _print_run(args, record)


def _print_run(args: argparse.Namespace, record: Any) -> int:
    """Print the run (its transcript, or JSON); exit 1 if it ended in error."""
    if args.json:
        print_record(record)
    else:
        from council.present.render import transcript

        console(140).print(transcript(record))
    if record.outcome.status == "error":
        say(f"council: run {record.run_id} failed: {record.outcome.reason}", err=True)
        return 1
    return 0
