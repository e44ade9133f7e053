"""The LLM side of one drive of the graph: the clients, the cost cap, and the texts they keep.

Before any LLM seat is called, every endpoint the council uses is checked (``preflight``): a
wrong URL, a refused connection, a rejected key or an unknown model stops the run at once with
one line, instead of every seat failing in turn.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AsyncExitStack
from typing import Any

from council.contracts.config import RunConfig
from council.contracts.events import Preflight
from council.contracts.seat_models import DEFAULT_MODEL
from council.graph.state import context_of
from council.reasoners.llm.accounting import tokens_by_model
from council.reasoners.llm.endpoints import RunCalls, SeatClients, Transport
from council.reasoners.llm.limits import Budget
from council.reasoners.llm.prices import Price
from council.reasoners.llm.request import LLMSettings
from council.session.run_session import RunSession
from council.store import Store, text_hash


def new_budget(
    config: RunConfig, prices: Mapping[str, Price], spent: Sequence[Mapping[str, Any]] = ()
) -> Budget | None:
    """The run's cost cap (None without ``max_cost``), charged with what was already spent."""
    if config.max_cost is None:
        return None
    budget = Budget(limit_usd=config.max_cost, prices=dict(prices))
    for model, (prompt, completion) in tokens_by_model(spent).items():
        budget.charge(model, prompt, completion)
    return budget


def llm_settings(config: RunConfig, transport: Transport | None) -> LLMSettings:
    """How the run's LLM calls go: the session's transport with the config's model and sampling."""
    base = transport or Transport()
    return LLMSettings(
        **{
            **base.model_dump(),
            "model": config.model or DEFAULT_MODEL,
            "base_url": config.base_url,
            "max_concurrency": config.max_concurrency,
            "temperature": config.temperature,
            "cache": config.cache,
        }
    )


async def open_calls(
    session: RunSession,
    config: RunConfig,
    stack: AsyncExitStack,
    *,
    cache: Store | None,
    budget: Budget | None,
    resent_step: int | None,
) -> RunCalls:
    """The clients of every LLM seat, checked (EndpointError if an endpoint fails its preflight).

    They are closed when ``stack`` closes. ``config`` is the run's as checkpointed.
    """
    clients = SeatClients(
        context_of(config.model_dump()),
        api_key=session.api_key,
        settings=llm_settings(config, session.transport),
        cache=cache,
        budget=budget,
        prices=session.price_table(),
    )
    stack.push_async_callback(clients.close)
    if config.cache != "read" and clients.endpoints:
        await clients.preflight()
        session.report(Preflight(endpoints=len(clients.endpoints)))
    return RunCalls(clients, resent_step=resent_step)


def keeper(saver: Any, calls: RunCalls | None) -> Callable[[], Awaitable[None]] | None:
    """Writes the prompts and replies held since the last call into the store's ``llm_texts``.

    Through the checkpointer's own connection, under its lock: one writer on the file, so the
    texts never wait on (or hold up) a checkpoint.
    """
    if calls is None:
        return None

    async def keep() -> None:
        rows = [(text_hash(t), t) for t in calls.take_texts()]
        if not rows:
            return
        async with saver.lock:
            await saver.conn.executemany(
                "INSERT OR IGNORE INTO llm_texts (hash, text) VALUES (?, ?)", rows
            )
            await saver.conn.commit()

    return keep
