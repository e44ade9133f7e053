"""An app sweep in a real Chromium: Cancel stops it, and closing the tab stops it too.

Starts ``streamlit run app.py`` (``tests/app_browser.py``) with its temporary folder in this
test's, so the session's sweep folder can be watched: it holds the growing table while the
sweep runs, and is deleted once the session has ended (``council.ui.sweeper``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from app_browser import chromium, needs_chromium, running_server

from council.experiments.presets import load_preset

pytestmark = needs_chromium
WAIT_MS = 30_000
PRESET = "group-quorum"  # the page's first preset


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    base = tmp_path_factory.mktemp("sweeps")
    folders = base / "tmp"
    folders.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TMPDIR", str(folders))  # the server's sweep folders go here
        with running_server(base) as running:
            yield running.url, folders


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def _start_a_long_sweep(browser: Any, url: str) -> tuple[Any, Any]:
    """A session on the Experiments page with a sweep of about 100,000 runs going."""
    context = browser.new_context(viewport={"width": 1400, "height": 1400})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(f"{url}/experiments")
    seeds = 100_000 // load_preset(PRESET).config.cells
    field = page.get_by_role("spinbutton", name="Seeds per combination")
    field.fill(str(seeds))
    field.press("Enter")
    page.get_by_text(f"× {seeds} seeds = ").wait_for()
    page.get_by_role("button", name="Run the sweep").click()
    page.get_by_role("button", name="Cancel the sweep").wait_for()
    return context, page


def _table(folders: Path) -> Path | None:
    tables = list(folders.glob("council-sweep-*/sweep.csv"))
    return tables[0] if tables else None


def _rows(table: Path) -> int:
    try:
        return table.read_bytes().count(b"\n")
    except FileNotFoundError:
        return -1


def _wait(condition: Any, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_cancel_stops_the_sweep(server: tuple[str, Path], browser: Any) -> None:
    url, folders = server
    context, page = _start_a_long_sweep(browser, url)
    try:
        assert _wait(lambda: (t := _table(folders)) is not None and _rows(t) > 1)
        table = _table(folders)
        assert table is not None
        page.get_by_role("button", name="Cancel the sweep").click()
        page.get_by_text("Sweep cancelled after").wait_for()
        assert page.get_by_role("button", name="Cancel the sweep").count() == 0
        assert not table.exists()  # the cancelled rows are gone, and none come after
        time.sleep(1.5)
        assert not table.exists()
        assert page.get_by_role("button", name="Run the sweep").is_enabled()
    finally:
        context.close()


def test_closing_the_tab_stops_the_sweep_and_deletes_its_folder(
    server: tuple[str, Path], browser: Any
) -> None:
    url, folders = server
    before = set(folders.glob("council-sweep-*"))
    context, _ = _start_a_long_sweep(browser, url)
    assert _wait(lambda: bool(set(folders.glob("council-sweep-*")) - before))
    (folder,) = set(folders.glob("council-sweep-*")) - before
    table = folder / "sweep.csv"
    assert _wait(lambda: _rows(table) > 1)
    context.close()  # the tab closes: the session disconnects
    assert _wait(lambda: not folder.exists(), 40), "the sweep went on after its tab closed"
    grown = _rows(table)
    time.sleep(1.5)
    assert _rows(table) == grown == -1  # no table, and nothing writes one again


def test_an_upload_over_the_validator_s_limit_is_refused_in_one_line(
    server: tuple[str, Path], browser: Any, tmp_path: Path
) -> None:
    url, _ = server
    context = browser.new_context(viewport={"width": 1400, "height": 1400})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    try:
        page.goto(f"{url}/library")
        page.get_by_role("tab", name="Validate a file").click()
        chooser = page.locator("[data-testid='stFileUploaderDropzoneInput']")
        big = tmp_path / "big.yaml"
        big.write_text("# x\n" * 250_001, encoding="utf-8")  # 1,000,004 bytes: refused
        chooser.set_input_files(str(big))
        page.get_by_text("File must be 1.0MB or smaller.").wait_for()
        assert page.get_by_text("problem(s), as").count() == 0  # it never reached the server
        # 1,000,000 bytes exactly: within both limits, the validator reads it (and says why not).
        page.get_by_role("button", name="Remove big.yaml").click()
        edge = tmp_path / "edge.yaml"
        edge.write_text("# x\n" * 250_000, encoding="utf-8")
        chooser.set_input_files(str(edge))
        page.locator("code").filter(has_text="edge.yaml: ").wait_for()
        assert page.get_by_text("File must be 1.0MB or smaller.").count() == 0
    finally:
        context.close()
