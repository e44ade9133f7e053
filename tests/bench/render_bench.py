"""First-render benchmark: how soon the app's first screen is usable in real Chromium.

Not a unit test (timings depend on the machine): run it by hand,

    .venv/bin/python tests/bench/render_bench.py [--runs N] [--json]

For the app (``streamlit run app.py``) and, as the floor, a one-button Streamlit app started the
same way, it measures:

- **cold**: a fresh server's first browser session, from ``page.goto`` until the button is
  visible (the server's first script run imports and loads everything);
- **warm**: each later new browser session (a new tab, a reload) on the same server, the same
  span, ``--runs`` times.

Each figure is the median (min-max) over ``--runs`` fresh servers (cold) and sessions (warm).
Targets (issue 13): cold at most 3 s, warm at most 2 s. Then it serves the app through a
wrapper that profiles every script run on the server (``cProfile``), loads it cold and warm,
and prints each load's script time and its slowest calls: what to cut next.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from app_browser import AppServer, chromium  # noqa: E402

TARGETS = {"cold": 3.0, "warm": 2.0}
FLOOR_APP = """import streamlit as st

st.button("Run deliberation", type="primary")
"""
"""The floor: the least a Streamlit page with one button takes to be usable."""


def floor_server(tmp: Path) -> AppServer:
    """``streamlit run`` of the one-button app, started exactly like the app's own server."""
    script = tmp / "floor_app.py"
    script.write_text(FLOOR_APP, encoding="utf-8")
    return AppServer(tmp, script)


def time_to_button(browser: Any, url: str) -> float:
    """Seconds from a new session's ``goto`` until the Run button is visible."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(60_000)
    started = time.perf_counter()
    page.goto(url)
    page.get_by_role("button", name="Run deliberation").wait_for()
    spent = time.perf_counter() - started
    context.close()
    return spent


def measure(make: Callable[[Path], AppServer], runs: int, browser: Any) -> dict[str, list[float]]:
    """Cold (a fresh server's first session) and warm (later sessions) times, ``runs`` each."""
    got: dict[str, list[float]] = {"cold": [], "warm": []}
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            server = make(Path(tmp))
            server.start()
            try:
                got["cold"].append(time_to_button(browser, server.url))
                got["warm"].append(time_to_button(browser, server.url))
            finally:
                server.stop()
    return got


PROFILED_APP = """import cProfile, pathlib, runpy, time
profile = cProfile.Profile()
started = time.perf_counter()
profile.enable()
try:
    runpy.run_path({app!r}, run_name="__main__")
finally:
    profile.disable()
    out = pathlib.Path({out!r})
    runs = len(list(out.glob("run-*.prof")))
    profile.dump_stats(str(out / f"run-{{runs}}.prof"))
    (out / f"run-{{runs}}.s").write_text(str(time.perf_counter() - started))
"""
"""The app's script under cProfile: each script run's profile and wall time in a folder."""


def settle(folder: Path, before: int, quiet_s: float = 2.0, limit_s: float = 120.0) -> None:
    """Wait until a load's script runs have all written their times (none new for a while)."""
    deadline = time.monotonic() + limit_s
    seen, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        now = len(list(folder.glob("run-*.s")))
        if now != seen:
            seen, since = now, time.monotonic()
        elif now > before and time.monotonic() - since >= quiet_s:
            return
        time.sleep(0.2)


def profile_script_runs(browser: Any) -> list[str]:
    """Where the server spends the app's first page loads (a cold one, then a warm one).

    The app is served through a wrapper script that profiles each script run (reruns too);
    for each load: the Run button's time in the browser, the script runs' time on the server,
    and the first run's slowest calls in the project and the libraries it draws with.
    """
    import pstats

    lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        script = folder / "profiled_app.py"
        text = PROFILED_APP.format(app=str(ROOT / "app.py"), out=str(folder))
        script.write_text(text, encoding="utf-8")
        server = AppServer(folder, script)
        server.start()
        try:
            for kind in ("cold", "warm"):
                before = len(list(folder.glob("run-*.s")))
                spent = time_to_button(browser, server.url)
                settle(folder, before)  # the load's script runs finish writing their profiles
                runs = sorted(folder.glob("run-*.s"), key=lambda p: int(p.stem[4:]))[before:]
                script_s = ", ".join(f"{float(p.read_text()):.2f}" for p in runs)
                lines.append(
                    f"{kind}: Run button after {spent:.2f} s in the browser; "
                    f"{len(runs)} script run(s) on the server: {script_s} s"
                )
                if runs:
                    out = io.StringIO()
                    first = runs[0].with_suffix(".prof")
                    stats = pstats.Stats(str(first), stream=out).sort_stats("cumulative")
                    stats.print_stats(r"council/|streamlit/elements|numpy|networkx|yaml", 18)
                    body = [x for x in out.getvalue().splitlines() if re.match(r"\s+\d", x)]
                    lines += ["  " + x.strip() for x in body]
        finally:
            server.stop()
    return lines


def summary(values: list[float]) -> str:
    """``median (min-max)`` seconds."""
    return f"{statistics.median(values):5.2f} s ({min(values):.2f}-{max(values):.2f})"


def main() -> None:
    """Measure and print (or ``--json``) the first-render figures and where the time goes."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh servers per figure")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-profile", action="store_true", help="only the browser figures")
    args = parser.parse_args()
    with chromium() as browser:
        app = measure(AppServer, args.runs, browser)
        floor = measure(floor_server, args.runs, browser)
    figures = {
        "app": {k: statistics.median(v) for k, v in app.items()},
        "floor": {k: statistics.median(v) for k, v in floor.items()},
    }
    if args.json:
        print(json.dumps({"runs": args.runs, "figures": figures, "app": app, "floor": floor}))
        return
    print(f"First render in Chromium, {args.runs} fresh servers each (median (min-max)):")
    for kind in ("cold", "warm"):
        met = figures["app"][kind] <= TARGETS[kind]
        print(
            f"  {kind}: app {summary(app[kind])}   one-button app {summary(floor[kind])}   "
            f"target <= {TARGETS[kind]} s: {'met' if met else 'MISSED'}"
        )
    if args.no_profile:
        return
    print("\nThe app's script runs on the server (cProfile; cumulative seconds):")
    with chromium() as browser:
        for line in profile_script_runs(browser):
            print(line)


if __name__ == "__main__":
    main()
