"""A workshop room end to end in real headless Chromium: a facilitator and four trainees.

Five browser contexts on one ``streamlit run app.py``: the facilitator opens a room with four
people's seats, one of them a secret equivocator; four trainees join on phone-sized screens
(390x844, screenshots under ``artifacts/``), one reloads mid-round and keeps the seat, the
equivocator tells one group another option than the rest, the server is restarted mid-room and
the room goes on; the council decides, every trainee guesses the faulty seats and gets a score,
and the facilitator's leaderboard lists all four.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from app_browser import ARTIFACTS, AppServer, chromium, needs_chromium, running_server

from council.library.catalog import load_library
from council.room_store import RoomStore
from council.session import room as rooms
from council.session import room_scores as scores
from council.store import Store

WAIT_MS = 40_000
PHONE = {"width": 390, "height": 844}
NAMES = ("Ana", "Bo", "Cy", "Eve")
EQUIVOCATOR = 3
SCENARIO = "kh-credit-scoring-isolated-data"

pytestmark = needs_chromium


@pytest.fixture
def server(tmp_path: Path) -> Iterator[AppServer]:
    with running_server(tmp_path) as running:
        yield running


@pytest.fixture
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def _page(browser: Any, url: str, viewport: dict[str, int]) -> Any:
    page = browser.new_context(viewport=viewport).new_page()
    page.set_default_timeout(WAIT_MS)
    # Wait for what each step looks for, not for every asset's load event: five sessions
    # poll the server from this one Chromium, and on a busy machine assets come in slowly.
    page.goto(url, wait_until="commit")
    return page


def _choose(page: Any, label: str, option: str) -> None:
    """Pick an option of a Streamlit selectbox by its label."""
    page.get_by_label(label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()


def _open_room(page: Any) -> tuple[str, str]:
    """Open a room with 4 people's seats (seat 3 a secret equivocator); its code and key."""
    page.get_by_role("tab", name="Open a room (facilitator)").click()
    scenario = load_library().scenarios[SCENARIO]  # a Cambodian one: Khmer all through
    _choose(page, "Scenario", f"{scenario.title} ({SCENARIO})")
    size = page.get_by_label("Council size")
    size.fill("8")
    size.press("Enter")
    rounds = page.get_by_label("Rounds")
    rounds.fill("1")
    rounds.press("Enter")
    page.get_by_text("Seat 3", exact=True).wait_for()
    _choose(page, "Seat 3", "equivocate")
    page.get_by_role("button", name="Open the room").click()
    notice = page.get_by_text(re.compile("Facilitator key: "))
    notice.wait_for()
    key = re.search(r"Facilitator key: (\S+)\.", notice.inner_text())
    title = page.get_by_role("heading", name=re.compile(r"^Room [A-Z0-9]{6}"))
    code = title.inner_text().split()[1]
    assert key is not None
    return code, key.group(1).strip("`")


def _join(page: Any, name: str) -> None:
    page.get_by_label("Your name (shown to the room)").fill(name)
    page.get_by_role("button", name="Join").click()
    page.get_by_text(re.compile(f"{name}, you play")).wait_for()


def _say(page: Any, round_no: int, text: str, split: tuple[str, str] | None = None) -> None:
    """Send this round's statement (the equivocator: its option, and another for Industry)."""
    label = "the opening" if round_no == 0 else f"round {round_no}"
    page.get_by_text(re.compile(f"Round: {label}")).first.wait_for()
    page.get_by_label("Why (a sentence or two)").fill(text)
    if split is not None:
        page.get_by_role("radiogroup").get_by_text(split[0], exact=True).click()
        _choose(page, "Industry", split[1])
    page.get_by_role("button", name="Send my statement").click()


def _wait_for(check: Any, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.3)


def test_a_facilitator_and_four_trainees_play_one_room_through_a_reload_and_a_restart(
    server: AppServer, browser: Any
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    host = _page(browser, f"{server.url}/room", {"width": 1400, "height": 1600})
    code, key = _open_room(host)
    found = rooms.room(server.db, code)
    assert found.settings.config.person_faults == {EQUIVOCATOR: "equivocate"}
    trainees = []
    for i, name in enumerate(NAMES):
        page = _page(browser, f"{server.url}/room?room={code}", PHONE)
        if i == 0:
            page.get_by_label("Your name (shown to the room)").wait_for()
            page.screenshot(path=str(ARTIFACTS / "room-phone-1-join.png"), full_page=True)
        _join(page, name)
        trainees.append(page)
    members = {m.name: m for m in RoomStore(server.db).members(code)}
    assert [members[n].seat for n in NAMES] == [0, 1, 2, 3]
    eve = trainees[EQUIVOCATOR]
    assert eve.get_by_text("Secret role: equivocator", exact=False).count() == 1
    assert trainees[0].get_by_text("Secret role", exact=False).count() == 0
    assert trainees[0].get_by_text("Reveal", exact=False).count() == 0
    trainees[0].screenshot(path=str(ARTIFACTS / "room-phone-2-seat.png"), full_page=True)
    prompt = rooms.prompt_of(found, EQUIVOCATOR)
    assert prompt is not None
    options = found.board.options
    labels = {o: f"{chr(65 + k)} · {options[o]}" for k, o in enumerate(options)}
    own = max(prompt.own_view, key=lambda o: prompt.own_view[o])
    other = next(o for o in options if o != own)
    split = (labels[own], labels[other])

    # Round 0: three answer; Cy reloads before answering and keeps the seat.
    for i in (0, 1, EQUIVOCATOR):
        _say(trainees[i], 0, f"{NAMES[i]} opens", split if i == EQUIVOCATOR else None)
    _wait_for(lambda: len(rooms.status(server.db, code).answered) == 3, "three answers")
    host.get_by_text(re.compile("Waiting for 1 person: Cy")).wait_for()
    trainees[2].reload()
    trainees[2].get_by_text(re.compile("Cy, you play")).wait_for()
    _say(trainees[2], 0, "Cy opens")
    _wait_for(lambda: rooms.room(server.db, code).turn == 1, "round 1")
    trainees[0].get_by_text(re.compile("Round: round 1")).wait_for()
    trainees[0].screenshot(path=str(ARTIFACTS / "room-phone-3-round.png"), full_page=True)

    # The facilitator reloads: the console comes back without the key (a session cookie holds
    # a token this server keeps in memory), and the page never shows the key again.
    host.reload()
    host.get_by_role("heading", name=f"Room {code}").wait_for()
    host.get_by_text(re.compile("State: ")).wait_for()
    assert host.get_by_label("Facilitator key").count() == 0
    assert key not in host.content() and key not in host.url

    # The server restarts mid-room: every page comes back to the same room and seat.
    server.stop()
    server.start()
    for i, page in enumerate(trainees):
        page.reload()
        page.get_by_text(re.compile(f"{NAMES[i]}, you play")).wait_for()
    host.reload()
    host.get_by_role("tab", name="Open a room (facilitator)").click()
    host.get_by_text("Back to a room you opened").click()
    facilitator_key = host.get_by_label("Facilitator key")
    facilitator_key.fill(key)
    facilitator_key.press("Enter")  # in a form, Enter submits it ("Press Enter to submit form")
    host.get_by_text(re.compile("Waiting for 4 people")).wait_for()

    # The remaining rounds, until the council has finished.
    while (now := rooms.room(server.db, code)).state == "waiting":
        for i, page in enumerate(trainees):
            told = split if i == EQUIVOCATOR else None
            _say(page, now.round or 0, f"{NAMES[i]} in round {now.round}", told)
        _wait_for(lambda t=now.turn: rooms.room(server.db, code).turn > t, "the next turn")
    done = rooms.room(server.db, code)
    assert done.state == "done"

    # The record: every person's words, the equivocator's split, a decision (or none, stated).
    record = Store(server.db).get_run(done.run_id)
    assert record.council.seats[EQUIVOCATOR].behaviour == "person:equivocate"
    for rnd in record.rounds:
        said = {s.seat: s.rationale for s in rnd.statements}
        for i, name in enumerate(NAMES):
            assert said[i] in (f"{name} opens", f"{name} in round {rnd.round}")
        sent = rnd.statements[EQUIVOCATOR].sent
        assert sent is not None and set(sent) == {own, other}
    assert record.outcome.status in ("decided", "no_quorum", "escalated")

    # Everyone sees the decision, guesses the faulty seats and gets a score.
    truth = scores.faulty_seats(server.db, done)
    assert EQUIVOCATOR in truth
    for i, page in enumerate(trainees):
        page.get_by_text("Spot the faulty seats").wait_for()
        if i != EQUIVOCATOR:
            page.get_by_label("Which seats were faulty?").click()
            page.keyboard.type(f"seat {EQUIVOCATOR} ")
            page.keyboard.press("Enter")
            page.keyboard.press("Escape")
            page.get_by_role("heading", name="Spot the faulty seats").click()  # close the list
        page.get_by_role("button", name="Send my guess").click()
        page.get_by_text(re.compile("Your score: ")).wait_for()
        if i == 0:
            page.screenshot(path=str(ARTIFACTS / "room-phone-4-score.png"), full_page=True)
    board = scores.leaderboard(server.db, code)
    assert sorted(s.name for s in board) == sorted(NAMES)
    assert all(s.found == 1 for s in board if s.name != "Eve")
    host.get_by_role("heading", name="Leaderboard").wait_for()
    host.get_by_role("cell", name="Eve", exact=True).wait_for()
    host.screenshot(path=str(ARTIFACTS / "room-console.png"), full_page=True)
    address = f"{server.url}/room?view=projector&room={code}"
    projector = _page(browser, address, {"width": 1280, "height": 800})
    projector.get_by_text(re.compile("Quorum: ")).wait_for(timeout=2 * WAIT_MS)
    projector.screenshot(path=str(ARTIFACTS / "room-projector.png"), full_page=True)
    projector.context.close()

    # Ana's seat in Khmer, on her phone: the same seat, every word Khmer (the decision, the
    # scenario's options, spot the faulty seats, the leaderboard), lang="km" on the page.
    ana = trainees[0]
    ana.goto(re.sub(r"&lang=\w+", "", ana.url) + "&lang=km")
    ana.get_by_text(re.compile("អ្នកដើរតួជា")).wait_for()
    ana.get_by_role("heading", name="រកអាសនៈមានកំហុស").wait_for()
    ana.wait_for_function("document.documentElement.lang === 'km'")
    km = load_library().scenarios[SCENARIO].translations["km"]
    assert any(ana.get_by_text(label, exact=False).count() for label in km.options.values())
    assert ana.get_by_text("Spot the faulty seats", exact=False).count() == 0
    ana.screenshot(path=str(ARTIFACTS / "room-phone-km-seat.png"), full_page=True)
