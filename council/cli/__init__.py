"""The ``council`` command line.

Lives here: ``main`` (the parser, validate, list, schema), ``runs`` (run, rerun, resume),
``options`` (the run options), ``show`` (show, history, export), ``sweeps`` (sweep, report,
presets), ``bench`` (performance figures).

May import: everything below it; nothing imports it but ``council.__main__``.
"""
