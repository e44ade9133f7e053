"""Presenting runs to people: transcripts and handouts, the app's words and figures, the exercise.

Lives here: ``render`` (CLI transcript, Markdown handout), ``words`` (a record's facts in
English sentences), ``i18n`` with ``i18n_pages``, ``i18n_form``, ``i18n_record`` and
``i18n_llm`` (English and Khmer), ``progress`` (progress events in words), ``figures`` (what the
app's figures show), ``exercise`` (spot the faulty seats).

May import: ``council.contracts``, ``council.rules``, ``council.library`` (it reads records,
never runs the engine).
"""
