"""Khmer where English used to slip through: the tells, option names in rationales, dissent.

A Khmer run of a Cambodian scenario names its options by their Khmer labels (never by id) in
every offline rationale; spot the faulty seats explains each faulty seat in Khmer with the same
observations as in English; the dissent line names options in Khmer.
"""

from __future__ import annotations

import re

import pytest

from council.contracts.config import RunConfig
from council.contracts.record import RunRecord
from council.library.catalog import load_library
from council.present.exercise import faulty_seats, score_guess, tells
from council.present.i18n import dissent_words, option_labels
from council.session import RunSession
from council.session.batch import run

KHMER = re.compile(r"[\u1780-\u17FF]")
SCENARIO = "kh-credit-scoring-isolated-data"
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def _run(fault: str, language: str, **more: object) -> RunRecord:
    config = RunConfig(
        scenario=SCENARIO, size=12, byzantine=3, fault=fault, seed=1, language=language, **more
    )
    return run(RunSession(config))


@pytest.fixture(scope="module")
def ids() -> list[str]:
    return list(load_library().scenarios[SCENARIO].option_ids)


@pytest.mark.parametrize("fault", ["equivocate", "crash", "persuader:suspend-scoring"])
def test_the_tells_are_khmer_with_the_english_observations_and_khmer_option_names(
    fault: str, ids: list[str]
) -> None:
    record = _run(fault, "km")
    labels = option_labels(load_library().scenarios[SCENARIO], "km")
    truth = faulty_seats(record)
    honest = next(s.seat for s in record.council.seats if s.behaviour == "honest")
    guess = score_guess(record, [*truth[:1], honest], "km")
    english = score_guess(record, [*truth[:1], honest], "en")
    assert [len(t.lines) for t in guess.tells] == [len(t.lines) for t in english.tells]
    assert [len(t.lines) for t in guess.cleared] == [len(t.lines) for t in english.cleared]
    named = False
    for tell in (*guess.tells, *guess.cleared):
        for line in tell.lines:
            assert KHMER.search(line), line
            # No English word of the interface, no option id (labels only).
            assert not [w for w in LATIN_WORD.findall(line)], line
            assert not any(i in line for i in ids), line
            named = named or any(label in line for label in labels.values())
    assert named  # the options are there, by their Khmer labels
    # English (the default) keeps the ids, as the CLI's users know them.
    assert any(i in " ".join(tells(record, honest)) for i in ids)


def test_khmer_rationales_name_options_by_their_khmer_labels_never_by_id(ids: list[str]) -> None:
    record = _run("equivocate", "km")
    labels = option_labels(load_library().scenarios[SCENARIO], "km")
    opening = [s for s in record.rounds[0].statements if s.option is not None]
    assert opening
    for rnd in record.rounds:
        for statement in rnd.statements:
            assert not any(i in statement.rationale for i in ids), statement.rationale
    for statement in opening:
        if record.council.seats[statement.seat].behaviour == "honest":
            assert f"«{labels[statement.option]}»" in statement.rationale
    english = _run("equivocate", "en")
    said = " ".join(s.rationale for r in english.rounds for s in r.statements)
    assert any(i in said for i in ids)  # English rationales keep the ids


def test_the_dissent_line_names_options_in_khmer() -> None:
    for seed in range(12):
        record = run(
            RunSession(RunConfig(scenario=SCENARIO, size=12, seed=seed, quorum="majority"))
        )
        if record.outcome.dissent:
            break
    else:
        pytest.skip("no run with dissent in 12 seeds")
    labels = option_labels(load_library().scenarios[SCENARIO], "km")
    words = dissent_words(record, "km")
    assert any(label in words for label in labels.values()), words
    assert not LATIN_WORD.search(words), words
