"""Who speaks for a seat besides the offline arithmetic: a person at the UI, or an LLM.

Lives here: ``human`` (what a person is shown and answers), ``llm/`` (LLM seats on any
OpenAI-compatible endpoint).

May import: ``council.engine``, ``council.store``, ``council.rules``, ``council.library``,
``council.contracts``.
"""
