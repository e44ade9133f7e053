"""The ``council`` command line.

Lives here: ``main`` (the parser, validate, list, schema), ``runs`` (run, rerun, resume: flags
to a config), ``execute`` (a config run through a ``RunSession``: checks, progress lines, the
result stored and printed), ``options`` (the run options), ``show`` (show, history, export),
``sweeps`` (sweep, report, presets), ``bench`` (performance figures).

May import: everything below it; nothing imports it but ``council.__main__``.
"""
