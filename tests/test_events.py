"""Progress events, the (round, seat) key and the run session: their forms and who reads them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from council.cli.execute import progress_lines
from council.contracts.config import RunConfig
from council.contracts.events import (
    BallotCounted,
    LlmUsage,
    Preflight,
    ProgressEvent,
    RoundFinished,
    SeatSpoke,
    SweepAdvanced,
    progress_event,
    run_event,
)
from council.contracts.seat_key import SeatKey, as_text, keyed
from council.present.progress import progress_text
from council.session import RunSession

EVENTS: list[ProgressEvent] = [
    RoundFinished(round=0),
    BallotCounted(ballot=2, committed=21),
    SeatSpoke(round=1, seat=4, model="m", option="pause", confidence=0.75, rationale="Because."),
    SeatSpoke(round=1, seat=5, model="m", option=None, confidence=None, error="timed out"),
    LlmUsage(calls=12, errors=1, cached=3, prompt_tokens=1000, completion_tokens=234, cost_usd=0.5),
    Preflight(endpoints=2),
    SweepAdvanced(done=40, total=136),
]


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: e.kind)
def test_every_event_reads_back_from_its_json(event: ProgressEvent) -> None:
    data = event.model_dump(mode="json")
    assert data["kind"] == event.kind and list(data)[0] == "kind"
    assert progress_event(data) == event
    assert type(progress_event(data)) is type(event)


def test_only_rounds_and_ballots_are_recorded_and_unknown_kinds_are_refused() -> None:
    assert run_event({"kind": "round", "round": 3}) == RoundFinished(round=3)
    with pytest.raises(ValidationError):
        run_event(SeatSpoke(round=0, seat=0, model="m", option=None, confidence=None).model_dump())
    with pytest.raises(ValidationError):
        progress_event({"kind": "phase", "round": 0})
    with pytest.raises(ValidationError):
        progress_event({"kind": "round", "round": 0, "extra": 1})  # no field goes unread


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10_000), st.integers(0, 10_000))
def test_a_seat_key_round_trips_through_its_text(round_no: int, seat: int) -> None:
    key = SeatKey(round_no, seat)
    assert SeatKey.parse(key.text) == key
    assert keyed(as_text({key: "x"})) == {key: "x"}


def test_seat_keys_sort_by_round_then_seat_not_as_text() -> None:
    texts = ["10:0", "2:11", "2:3", "0:7"]
    assert [k.text for k in sorted(map(SeatKey.parse, texts))] == ["0:7", "2:3", "2:11", "10:0"]
    with pytest.raises(ValueError, match="round:seat"):
        SeatKey.parse("23")


def test_the_cli_prints_rounds_ballots_and_llm_usage(capsys: pytest.CaptureFixture[str]) -> None:
    report = progress_lines(True)
    assert report is not None and progress_lines(False) is None
    for event in EVENTS:
        report(event)
    assert capsys.readouterr().err == (
        "\n  round 0 done\n"
        "  ballot 2: 21 seats committed\n"
        "\r  LLM: 12 calls, 1 errors, 1,234 tokens"
    )


def test_the_app_words_every_event_in_either_language() -> None:
    english = [progress_text(e, "en") for e in EVENTS]
    assert english == [
        "Round 0 finished",
        "Ballot 2: 21 honest seats committed",
        "Seat 4 (m): pause, confidence 0.75",
        "Seat 5 (m) said nothing: timed out",
        "LLM so far: 12 calls (1 failed, 3 from the cache), 1,234 tokens, $0.5000",
        "endpoints 2",
        "done 40 · total 136",
    ]
    khmer = [progress_text(e, "km") for e in EVENTS[:5]]
    assert all(k != e for k, e in zip(khmer, english, strict=False))
    assert "1,234" in khmer[4] and "0.75" in khmer[2]


def test_a_session_keeps_its_key_out_of_sight_and_its_twin_is_honest() -> None:
    key = "sk-never-shown-0123456789"
    seen: list[ProgressEvent] = []
    session = RunSession(
        RunConfig(scenario="s", byzantine=3), run_id="r", api_key=key, progress=seen.append
    )
    assert key not in repr(session) and key not in str(session)
    twin = session.twin()
    assert (twin.run_id, twin.config.byzantine, twin.api_key) == ("r-baseline", 0, key)
    assert twin.progress is None  # the baseline runs quietly
    session.report(RoundFinished(round=0))
    twin.report(RoundFinished(round=1))
    assert seen == [RoundFinished(round=0)]
    assert len(RunSession(RunConfig(scenario="s")).run_id) == 16
