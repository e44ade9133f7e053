"""The UI's library logic: interface text, the exercise's scoring and tells, the figures' data."""

from __future__ import annotations

import importlib
import math
import re
from pathlib import Path

import networkx as nx
import pytest

from council.contracts.config import RunConfig
from council.contracts.record import Round, Statement
from council.library.catalog import load_library
from council.present.exercise import faulty_seats, score_guess, tells
from council.present.figures import (
    MAX_DRAWN,
    communication_dot,
    option_swatches,
    round_tally,
)
from council.present.i18n import (
    LANGS,
    dissent_words,
    has_translation,
    keys,
    quorum_sentence,
    scenario_summary,
    scenario_title,
    text,
)
from council.present.words import quorum_words
from council.session import RunSession
from council.session.batch import run, seats_of

KHMER = re.compile(r"[\u1780-\u17FF]")
SCENARIO = "kh-credit-scoring-isolated-data"


@pytest.fixture(scope="module")
def faulty_record():  # type: ignore[no-untyped-def]
    return run(
        RunSession(RunConfig(scenario=SCENARIO, size=12, byzantine=3, fault="random", seed=1))
    )


# --- interface text ---------------------------------------------------------------------------
def test_every_key_has_english_and_real_khmer_text_with_the_same_fields() -> None:
    fields = re.compile(r"\{(\w+)")
    for key in keys():
        english, khmer = text(key, "en"), text(key, "km")
        assert english.strip() and khmer.strip(), key
        if key not in {"where", "language"}:
            assert KHMER.search(khmer), f"{key}: no Khmer script in {khmer!r}"
        assert set(fields.findall(english)) == set(fields.findall(khmer)), key


def test_text_fills_fields_and_unknown_keys_fail_loudly() -> None:
    assert text("round_title", "en", round=3) == "Round 3"
    assert text("round_title", "km", round=3) == "ជុំទី 3"
    with pytest.raises(KeyError):
        text("no-such-key", "en")


def test_scenario_translations_are_used_when_present_and_english_otherwise() -> None:
    library = load_library()
    kh = library.scenarios[SCENARIO]
    assert has_translation(kh, "km")
    assert scenario_title(kh, "km") == kh.translations["km"].title
    assert KHMER.search(scenario_summary(kh, "km"))
    assert scenario_title(kh, "en") == kh.title
    foreign = library.scenarios["au-robodebt-income-averaging"]
    assert not has_translation(foreign, "km")
    assert scenario_title(foreign, "km") == foreign.title


def test_quorum_sentence_is_the_cli_s_in_english_and_khmer_otherwise() -> None:
    record = run(RunSession(RunConfig(scenario=SCENARIO)))
    assert quorum_sentence(record, "en") == quorum_words(record)
    assert quorum_sentence(record, "en").startswith("22 of 33 needed; tolerates 10 faulty seats")
    khmer = quorum_sentence(record, "km")
    assert "22" in khmer and "33" in khmer and KHMER.search(khmer)
    for lang in LANGS:
        assert dissent_words(record, lang)


def test_quorum_sentence_says_when_a_quorum_is_not_safe_at_all() -> None:
    # 0.5 of 4 seats: t = 2, two disjoint quorums, tolerates.safety = -1 (not "0 faulty seats").
    record = run(RunSession(RunConfig(scenario=SCENARIO, size=4, quorum="0.5")))
    assert record.council.tolerates.safety == -1
    english = quorum_sentence(record, "en")
    assert "not safe even with no faulty seat" in english and "tolerates 0" not in english
    assert english.endswith("tolerates 2 faulty seats for liveness (f = 1)")
    khmer = quorum_sentence(record, "km")
    assert khmer == text("quorum_words_unsafe", "km", quorum=2, size=4, liveness=2, f=1)
    assert "-1" not in khmer and khmer != text(
        "quorum_words", "km", quorum=2, size=4, safety=0, liveness=2, f=1
    )


# --- spot the faulty seats --------------------------------------------------------------------
def test_a_guess_is_scored_against_the_truth(faulty_record) -> None:  # type: ignore[no-untyped-def]
    truth = faulty_seats(faulty_record)
    assert len(truth) == 3
    honest = next(s for s in range(12) if s not in truth)
    guess = score_guess(faulty_record, [*truth[:2], honest])
    assert guess.hits == sorted(truth[:2])
    assert guess.missed == [truth[2]]
    assert guess.false_alarms == [honest]
    assert guess.score == pytest.approx(2 / 4)
    assert [t.seat for t in guess.tells] == truth
    assert all(t.behaviour == "random" and t.lines for t in guess.tells)
    assert [t.seat for t in guess.cleared] == [honest]
    assert score_guess(faulty_record, truth).score == 1.0
    assert score_guess(faulty_record, []).score == 0.0
    with pytest.raises(ValueError, match="not a seat"):
        score_guess(faulty_record, [99])


def test_no_faults_and_no_suspects_is_a_perfect_score() -> None:
    record = run(RunSession(RunConfig(scenario=SCENARIO, size=7)))
    assert score_guess(record, []).score == 1.0


@pytest.mark.parametrize(
    ("fault", "tell"),
    [
        ("crash", "said nothing"),
        ("equivocate", "different things to different seats"),
        ("random", "different things to different seats"),
        ("persuader:suspend-scoring", "every other option -1.00"),
    ],
)
def test_each_fault_model_s_tell_is_explained_from_the_record(fault: str, tell: str) -> None:
    record = run(
        RunSession(RunConfig(scenario=SCENARIO, size=12, byzantine=2, fault=fault, seed=1))
    )
    for seat in faulty_seats(record):
        lines = " ".join(tells(record, seat)).lower()
        assert tell in lines, (fault, lines)
        assert f"({fault})" not in lines  # the label itself is never the tell


def test_no_rationale_names_a_fault_so_hidden_faults_stay_hidden(faulty_record) -> None:  # type: ignore[no-untyped-def]
    specs = {s.behaviour for s in faulty_record.council.seats if s.behaviour != "honest"}
    assert specs
    for rnd in faulty_record.rounds:
        for statement in rnd.statements:
            assert not any(spec in statement.rationale for spec in specs), statement.rationale
            faulty = faulty_record.council.seats[statement.seat].behaviour != "honest"
            assert (statement.sent is not None) == (faulty and rnd.round > 0)


# --- figures ----------------------------------------------------------------------------------
def _round(options: list[str | None]) -> Round:
    return Round(
        round=1,
        statements=[
            Statement(seat=i, option=o, scores={}, confidence=0.5, rationale="")
            for i, o in enumerate(options)
        ],
    )


def test_round_tally_counts_every_option_in_scenario_order() -> None:
    rnd = _round(["b", "a", "b", None])
    assert list(round_tally(rnd.statements, ["a", "b", "c"]).items()) == [
        ("a", 1),
        ("b", 2),
        ("c", 0),
    ]


@pytest.mark.parametrize("topology", ["complete", "ring", "small-world", "scale-free"])
def test_the_graph_has_the_run_s_topology_and_colours_each_seat_by_option(topology: str) -> None:
    config = RunConfig(scenario=SCENARIO, size=12, topology=topology, seed=3)  # type: ignore[arg-type]
    rnd = _round(["a", "b", None] * 4)
    swatches = option_swatches(["a", "b"])
    dot = communication_dot(config, rnd, swatches, marked={1}, humans={2})
    assert dot is not None
    graph = nx.Graph(re.findall(r"^\s+(\d+) -- (\d+);$", dot, flags=re.M))
    from council.rules.topology import build_graph

    expected = build_graph(config.topology, 12, seed=3)
    assert {frozenset(map(int, e)) for e in graph.edges} == {frozenset(e) for e in expected.edges}
    assert f'0 [label="A0", fillcolor="{swatches["a"].hex}"' in dot
    assert f'1 [label="B1", fillcolor="{swatches["b"].hex}"' in dot and "doublecircle" in dot
    assert re.search(r"^\s+2 \[.*shape=box", dot, flags=re.M)


def test_the_graph_groups_seats_by_stakeholder_group_and_labels_options_not_by_colour_alone() -> (
    None
):
    config = RunConfig(scenario=SCENARIO, size=12, seed=3)
    rnd = _round(["a", "b", "c"] * 4)
    groups = ["government", "industry", "academia", "civil_society"] * 3
    swatches = option_swatches(["a", "b", "c"])
    dot = communication_dot(
        config, rnd, swatches, groups=groups, group_names={"industry": "Industry"}
    )
    assert dot is not None
    # Every seat's label names its option's letter; the letters are distinct.
    labels = dict(re.findall(r"^\s+(\d+) \[label=\"([A-Z])\d+\"", dot, flags=re.M))
    assert {int(k): v for k, v in labels.items()} == {i: "ABC"[i % 3] for i in range(12)}
    # One label per group, and the seats of a group sit next to each other on the circle.
    assert dot.count("shape=plaintext") == 4 and 'label="Industry"' in dot
    where = {
        int(seat): math.atan2(float(x), float(y)) % (2 * math.pi)
        for seat, x, y in re.findall(r"^\s+(\d+) \[.*pos=\"([-\d.]+),([-\d.]+)!\"", dot, flags=re.M)
    }
    around = [groups[s] for s in sorted(where, key=where.__getitem__)]
    assert around == sorted(
        around, key=["government", "industry", "academia", "civil_society"].index
    )
    # Readable: labels of 20 pt on nodes of 0.72 inch.
    assert "fontsize=20" in dot and "width=0.72" in dot


def test_the_palette_is_colour_blind_safe_and_its_ink_reads_on_every_fill() -> None:
    from council.present.figures import PALETTE

    def luminance(hex_colour: str) -> float:
        def channel(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)

    okabe_ito = {
        "#0072B2",
        "#E69F00",
        "#009E73",
        "#CC79A7",
        "#D55E00",
        "#56B4E9",
        "#F0E442",
        "#000000",
    }
    assert {s.hex for s in PALETTE} == okabe_ito
    for swatch in PALETTE:
        fill, ink = (
            luminance(swatch.hex),
            luminance("#FFFFFF" if swatch.ink == "white" else "#000000"),
        )
        ratio = (max(fill, ink) + 0.05) / (min(fill, ink) + 0.05)
        assert ratio >= 4.5, (swatch, ratio)


def test_huge_councils_are_not_drawn() -> None:
    config = RunConfig(scenario=SCENARIO, size=MAX_DRAWN + 1)
    assert communication_dot(config, _round(["a"] * (MAX_DRAWN + 1)), {}) is None


def test_seats_of_a_config_match_the_record_s() -> None:
    config = RunConfig(scenario=SCENARIO, size=9, byzantine=2, seed=4)
    assert list(seats_of(config)) == run(RunSession(config)).council.seats


# --- the UI's boundaries ----------------------------------------------------------------------
COUNCIL = Path(__file__).resolve().parents[1] / "council"


def test_only_the_ui_package_imports_streamlit() -> None:
    importers = {
        str(path.relative_to(COUNCIL))
        for path in COUNCIL.rglob("*.py")
        if re.search(r"^\s*(import|from) streamlit\b", path.read_text(encoding="utf-8"), re.M)
    }
    assert importers and all(p.startswith("ui/") for p in importers), importers


def test_ui_modules_hold_no_mutable_state_shared_by_sessions() -> None:
    names = ["council.present.i18n", "council.present.figures", "council.present.exercise"]
    names += [
        "council.ui." + ".".join(p.relative_to(COUNCIL / "ui").with_suffix("").parts)
        for p in (COUNCIL / "ui").rglob("*.py")
        if p.stem != "__init__"
    ]
    for name in names:
        module = importlib.import_module(name)
        shared = [
            key
            for key, value in vars(module).items()
            if not key.startswith("__") and isinstance(value, list | dict | set | bytearray)
        ]
        assert not shared, f"{name}: {shared}"


def test_captions_read_at_4_5_to_1_or_more() -> None:
    from council.ui.frame import CAPTION

    def luminance(hex_colour: str) -> float:
        def channel(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)

    assert (1.0 + 0.05) / (luminance(CAPTION) + 0.05) >= 4.5
