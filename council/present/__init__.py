"""Presenting runs to people: transcripts and handouts, the app's words and figures, the exercise.

Lives here: ``render`` (CLI transcript, Markdown handout), ``i18n`` and ``i18n_llm`` (English
and Khmer), ``progress`` (progress events in words), ``figures`` (what the app's figures show),
``exercise`` (spot the faulty seats).

May import: ``council.contracts``, ``council.rules``, ``council.library`` (it reads records,
never runs the engine).
"""
