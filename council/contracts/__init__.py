"""The contracts every part agrees on: the library's file formats, a run's config, the run record.

Lives here: ``principles`` (the vocabulary), ``formats`` (persona and scenario models),
``quorum_file`` (the ``--quorum FILE`` format), ``seat_models`` (the ``--models`` file),
``choices`` (the closed sets of names: backend, language, protocol, ...), ``config``
(``RunConfig``, where a run's defaults are written), ``record`` (the run record and its parts),
``events`` (the typed progress events and the one ``Progress`` callback type), ``seat_key``
(``SeatKey``, a seat's turn in a round, and its ``"round:seat"`` text), ``errors`` (exceptions
the CLI turns into one line), ``room`` (the workshop room: settings, members, statements,
guesses), ``inputs`` (the scenario and personas a run was made from, kept beside its
record).

May import: pydantic and the standard library only; nothing else of ``council``.
"""
