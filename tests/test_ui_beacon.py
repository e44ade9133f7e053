"""A model's reply is text on the page, never Markdown: its image links fetch nothing (Chromium).

A fake OpenAI endpoint answers every seat with a rationale holding a Markdown image, an HTML
image and a link, all pointing at a beacon: a local HTTP server that counts the requests it gets.
The app (``streamlit run app.py``) runs a council on that endpoint in a real headless Chromium;
the transcript shows the rationale's characters, and the beacon hears nothing, on the
deliberation page and again in History. Rendered as Markdown, the browser would fetch the image.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from app_browser import chromium, needs_chromium, running_server
from fake_openai import FakeOpenAI

pytestmark = needs_chromium
WAIT_MS = 60_000


class Beacon:
    """An HTTP server on 127.0.0.1 that answers every request with a 1x1 GIF and counts them."""

    GIF = bytes.fromhex(
        "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
    )

    def __init__(self) -> None:
        self.hits: list[str] = []
        beacon = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                beacon.hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/gif")
                self.send_header("Content-Length", str(len(Beacon.GIF)))
                self.end_headers()
                self.wfile.write(Beacon.GIF)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def beacon() -> Iterator[Beacon]:
    running = Beacon()
    yield running
    running.close()


def test_a_reply_with_an_image_link_makes_the_browser_fetch_nothing(
    tmp_path: Path, beacon: Beacon
) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    base = f"http://127.0.0.1:{beacon.port}"
    said = (
        f"![x]({base}/beacon.png) and <img src='{base}/html.png'> "
        f"and [read more]({base}/link) and **bold**"
    )
    with (
        FakeOpenAI(rationale=said) as fake,
        running_server(tmp_path) as server,
        chromium() as browser,
    ):
        context = browser.new_context(viewport={"width": 1400, "height": 2400})
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        page.goto(server.url)
        backend = page.get_by_text("OpenAI-compatible endpoint")
        settings = page.locator("[data-testid='stExpander']").filter(has=backend)
        settings.locator("summary").click()  # the settings, folded under one line
        # The endpoint is chosen until its fields show: a click that lands while the first
        # script run is still drawing the page can be lost on a loaded machine (it was once,
        # in CI; the field never came).
        base_url = page.get_by_role("textbox", name="Base URL")
        for _ in range(3):
            backend.click()
            try:
                base_url.wait_for(timeout=5000)
                break
            except PlaywrightTimeout:
                continue
        base_url.fill(fake.url)
        base_url.press("Enter")
        key = page.get_by_role("textbox", name="API key (kept in this browser session only)")
        key.fill("sk-test-beacon-key-0123")
        key.press("Enter")
        page.wait_for_timeout(500)
        page.get_by_role("button", name="Run deliberation").click()
        card = page.locator(".st-key-decision-card")
        card.get_by_role("heading", name="Decision").wait_for()
        page.locator("[data-testid='stChatMessage']").first.wait_for()
        page.wait_for_timeout(2000)  # time for any image to be fetched
        assert beacon.hits == [], beacon.hits
        assert len(fake.responses) > 0
        # The rationale is there, as its characters: the image's Markdown, the tag, the link.
        page.get_by_text(f"![x]({base}/beacon.png)").first.wait_for()
        assert page.locator(f"img[src*='{beacon.port}']").count() == 0
        assert page.locator(f"a[href*='{beacon.port}']").count() == 0

        page.get_by_role("link", name="History").click()
        page.locator(".st-key-decision-card").get_by_role("heading", name="Decision").wait_for()
        page.get_by_text(f"![x]({base}/beacon.png)").first.wait_for()
        page.wait_for_timeout(1500)
        context.close()
    assert beacon.hits == [], beacon.hits
