"""The CLI's contract, checked for any input: exit 0 or 2, one line on 2, no traceback, nothing
half-written in the store.

``call`` runs ``council.cli.main.main`` in-process with standard output and error captured
(fast: no interpreter start-up) and snapshots the store's row counts before and after; ``check``
asserts the contract on what came back. ``run_process`` does the same through a real process,
for the few cases that must show what a user's terminal shows.

Profiles: ``ci`` (the default) keeps the whole fuzz suite within about a minute on two cores;
``long`` tries many more inputs: ``HYPOTHESIS_PROFILE=long python -m pytest tests/fuzz``.
The profile is applied to the fuzz tests only (``FUZZ``), never loaded globally, so the rest of
the suite keeps its own settings. With ``FUZZ_STATS=FILE`` each test adds its counts (inputs
tried, exit codes) to that JSON file at exit.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings

_COMMON = {
    "deadline": None,
    "database": None,  # no .hypothesis folder in the worktree; failures print their input
    # No shrinking: a CLI call per step made one shrink take over five minutes; the failing
    # input is printed as found.
    "phases": [Phase.explicit, Phase.generate],
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
}
settings.register_profile("ci", max_examples=25, **_COMMON)  # type: ignore[arg-type]
settings.register_profile("long", max_examples=1500, **_COMMON)  # type: ignore[arg-type]
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
if PROFILE not in ("ci", "long"):
    PROFILE = "ci"
FUZZ = settings(settings.get_profile(PROFILE))
"""The settings of every fuzz test (a decorator): the ``ci`` or ``long`` profile."""


def scaled(ci: int) -> settings:
    """Settings for a test that tries ``ci`` examples under ``ci`` (expensive inputs), and the
    long profile's count scaled alike under ``long``."""
    long = settings.get_profile("long").max_examples
    count = ci if PROFILE == "ci" else max(ci, ci * long // 25)
    return settings(FUZZ, max_examples=count)


# --- counts for the report -------------------------------------------------------------------

STATS: dict[str, Counter[str]] = {}


def _dump_stats() -> None:
    target = os.environ.get("FUZZ_STATS")
    if not target or not STATS:
        return
    path = Path(target)
    old = json.loads(path.read_text()) if path.exists() else {}
    for name, counts in STATS.items():
        merged = Counter(old.get(name, {}))
        merged.update(counts)
        old[name] = dict(merged)
    path.write_text(json.dumps(old, indent=1, sort_keys=True))


atexit.register(_dump_stats)


def count(test: str, key: str) -> None:
    """Count one outcome of one fuzz test (see ``FUZZ_STATS``)."""
    STATS.setdefault(test, Counter())[key] += 1


# --- running the CLI -------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one CLI call did."""

    argv: list[str]
    code: int
    out: str
    err: str
    rows_before: dict[str, int] = field(default_factory=dict)
    rows_after: dict[str, int] = field(default_factory=dict)
    escaped: BaseException | None = None
    """An exception that left ``main`` (the contract says none may)."""

    @property
    def lines(self) -> list[str]:
        """The non-empty lines on standard error."""
        return [line for line in self.err.splitlines() if line.strip()]


def rows(db: Path | None) -> dict[str, int]:
    """Rows per table in the store file (empty if there is no file)."""
    if db is None or not db.is_file() or db.stat().st_size == 0:
        return {}
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as con:
            names = [
                r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            ]
            return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    except sqlite3.DatabaseError:
        return {"<not a store>": -1}


def call(argv: Sequence[str], db: Path | None = None) -> Outcome:
    """Run the CLI in-process on ``argv``; capture everything; count the store's rows around."""
    from council.cli.main import main

    before = rows(db)
    out, err = io.StringIO(), io.StringIO()
    code, escaped = -1, None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse's --help and --version exit this way
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException as exc:  # noqa: BLE001 - recorded, and the check fails on it
            escaped = exc
    return Outcome(list(argv), code, out.getvalue(), err.getvalue(), before, rows(db), escaped)


def run_process(argv: Sequence[str], db: Path | None = None, **env: str) -> Outcome:
    """Run ``python -m council ARGV`` in a real process (what a user's terminal shows)."""
    before = rows(db)
    proc = subprocess.run(
        [sys.executable, "-m", "council", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )
    return Outcome(list(argv), proc.returncode, proc.stdout, proc.stderr, before, rows(db))


PYTHON_ERROR = re.compile(
    r"^(Traceback \(most recent call last\)|  File \"|[\w.]*(Error|Exception|Warning): )"
)
"""What Python's default error output looks like (the CLI never prints it)."""


def check(
    outcome: Outcome,
    *,
    names: Sequence[str] = (),
    files: Sequence[str] = (),
    allowed: frozenset[int] = frozenset({0, 2}),
    test: str = "",
) -> Outcome:
    """Assert the contract on one call; return it.

    ``names``: what a one-line error must name (one of them: the flag or command given);
    ``files``: on exit 2, every line may instead start with one of these paths (a file's
    problems, one per line, ``FILE: field: what is wrong``).
    """
    shown = f"argv={outcome.argv!r}\nexit={outcome.code}\nstderr={outcome.err[:2000]!r}"
    if test:
        count(test, "tried")
        count(test, f"exit {outcome.code}" if outcome.escaped is None else "escaped")
    assert outcome.escaped is None, f"an exception left main: {outcome.escaped!r}\n{shown}"
    expected = f"exit {outcome.code}, expected one of {sorted(allowed)}"
    assert outcome.code in allowed, f"{expected}\n{shown}"
    for text in (outcome.out, outcome.err):
        assert "Traceback" not in text, shown
    if outcome.code == 0:
        return outcome
    lines = outcome.lines
    assert lines, f"failed without a word\n{shown}"
    for line in lines:
        assert not PYTHON_ERROR.match(line), shown
    from council.contracts.errors import one_line

    shown_files = [one_line(f) for f in files]
    if files and all(any(line.startswith(f) for f in shown_files) for line in lines):
        pass  # a file's problems, one line each, each naming the file
    else:
        assert len(lines) == 1, f"{len(lines)} lines on stderr, expected one\n{shown}"
        if names:
            assert any(n in lines[0] for n in names), f"the line names none of {names}\n{shown}"
    assert outcome.rows_after == outcome.rows_before or (
        not outcome.rows_before and not any(outcome.rows_after.values())
    ), f"the store changed on failure: {outcome.rows_before} -> {outcome.rows_after}\n{shown}"
    if test:
        count(test, "handled")
    return outcome
