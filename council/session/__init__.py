"""Running a deliberation: the batch path, the graph driver, interactive runs, baselines.

Lives here: ``batch`` (a whole offline run on the batch path, its baseline), ``drive``
(running the graph: streaming, checkpoints, LLM clients, the baseline twin), ``interactive``
(step, pause for people, resume).

May import: ``council.graph``, ``council.reasoners``, ``council.engine``, ``council.store``
and below.
"""
