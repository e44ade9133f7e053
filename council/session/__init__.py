"""Running a deliberation: one ``RunSession`` handed to every driver, graph or batch.

Lives here: ``run_session`` (``RunSession``: the config, run id, store, LLM transport, key,
prices and progress sink of one run), ``batch`` (a whole offline run on the batch path, its
baseline), ``drive`` (running the graph until it ends or pauses), ``stream`` (its updates as
progress events), ``llm`` (the LLM clients, cost cap and texts of a drive), ``checkpoints``
(where the graph's state is kept, read back), ``finish`` (a finished run's record, with the
baseline twin and costs; ``run_graph``), ``interactive`` (step, pause for people, resume),
``room`` (a workshop room: open, join, submit, move on exactly once), ``room_board`` (what a
room's screens read of its run), ``room_scores`` (the guesses, the leaderboard, who played
what).

May import: ``council.graph``, ``council.reasoners``, ``council.engine``,
``council.room_store``, ``council.store`` and below.
"""

from council.session.run_session import RunSession

__all__ = ["RunSession"]
