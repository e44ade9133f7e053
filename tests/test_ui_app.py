"""The workshop app's pages, driven by Streamlit's AppTest (no browser): every page, every flow."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from council.contracts.config import bounds_of, default_of
from council.contracts.record import RunRecord
from council.contracts.seat_models import DEFAULT_MODEL
from council.present.exercise import faulty_seats
from council.rules.voting import METHODS
from council.store import Store

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
HISTORY = "council/ui/pages/history.py"
LIBRARY = "council/ui/pages/library.py"
KHMER = re.compile(r"[\u1780-\u17FF]")


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "ui.db"
    monkeypatch.setenv("COUNCIL_DB", str(path))
    return path


def new_app(db: Path) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def app(db: Path) -> AppTest:
    return new_app(db)


def texts(at: AppTest) -> str:
    """Every piece of text on the page, one string (for 'is it shown' checks)."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [str(e.value) for e in at.error]
    parts += [str(e.value) for e in at.code]
    return "\n".join(parts)


def click(at: AppTest, label: str) -> AppTest:
    (button,) = [b for b in at.button if b.label == label]
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


SELECTS = ("fault", "protocol", "quorum", "method", "update", "topology", "scenario")
"""Settings drawn by ``choose``: one widget per language, the choice kept under the plain key."""


def run_deliberation(at: AppTest, **settings: Any) -> AppTest:
    for key, value in settings.items():
        at.session_state[f"f_{key}"] = value
        if key in SELECTS:
            at.session_state[f"f_{key}.en"] = value
    at.run()
    at.button(key="run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def record_of(at: AppTest) -> RunRecord:
    pause = at.session_state["pause"]
    assert pause.kind == "done" and pause.record is not None
    return pause.record  # type: ignore[no-any-return]


def by_key_suffix(widgets: Any, suffix: str) -> Any:
    (widget,) = [w for w in widgets if w.key and w.key.endswith(suffix)]
    return widget


# --- Deliberate -------------------------------------------------------------------------------
def test_a_33_seat_run_end_to_end_shows_transcript_charts_graph_and_decision(
    app: AppTest, db: Path
) -> None:
    assert app.title[0].value == "Deliberate"
    shown = texts(app)
    for heading in ("**Facts**", "**Affected people**", "**Harms (severity)**"):
        assert heading in shown
    run_deliberation(app, byzantine=5)
    record = record_of(app)
    assert record.council.size == 33 and record.config.byzantine == 5
    assert Store(db).get_run(record.run_id) == record  # the page ran the library, which stored it
    shown = texts(app)
    assert "Decision" in [s.value for s in app.subheader]
    assert "22 of 33 needed; tolerates 10 faulty seats" in shown
    assert "**Dissent:**" in shown and "**Fault-free baseline:**" in shown
    assert "Round 0 finished" in shown  # live progress, as the phases finished
    # The last round: one chat message per seat, a tally chart, the communication graph.
    assert len(app.chat_message) == 33
    last = record.rounds[-1]
    for message, statement in zip(app.chat_message, last.statements, strict=True):
        assert message.markdown[0].value.startswith(f"**Seat {statement.seat} · ")
        if statement.option:
            assert f"`{statement.option}`" in message.markdown[0].value
            assert f"confidence {statement.confidence:.2f}" in message.markdown[0].value
    assert len(app.get("vega_lite_chart")) == 1
    assert len(app.get("graphviz_chart")) == 1
    labels = [b.label for b in app.get("download_button")]
    assert labels == ["Download the handout (Markdown)", "Download the record (JSON)"]


def test_faulty_seats_are_hidden_until_the_facilitator_reveals_them(app: AppTest) -> None:
    run_deliberation(app, size=12, byzantine=3, fault="persuader", fault_option="suspend-scoring")
    faulty = faulty_seats(record_of(app))
    shown = texts(app)
    assert "faulty:" not in shown and "(persuader:suspend-scoring)" not in shown
    app.toggle(key="reveal").set_value(True).run()
    heads = [m.markdown[0].value for m in app.chat_message]
    marked = [h for h in heads if "faulty: persuader:suspend-scoring" in h]
    assert [int(h.split(" ·")[0].removeprefix("**Seat ")) for h in marked] == faulty
    assert "Hide the faulty seats" in texts(app)


def test_silent_after_runs_with_the_round_chosen_in_the_form(app: AppTest) -> None:
    run_deliberation(app, size=12, byzantine=3, fault="silent-after", fault_round=1, rounds=3)
    record = record_of(app)
    assert record.config.fault == "silent-after:1"
    faulty = faulty_seats(record)
    for rnd in record.rounds:
        said = [rnd.statements[s].option for s in faulty]
        assert all(said) if rnd.round < 1 else not any(said), (rnd.round, said)


def test_revealed_equivocators_show_what_they_told_whom(app: AppTest) -> None:
    run_deliberation(app, size=12, byzantine=2, fault="equivocate", seed=1)
    assert "told " not in " ".join(m.markdown[0].value for m in app.chat_message)
    app.toggle(key="reveal").set_value(True).run()
    heads = [m.markdown[0].value for m in app.chat_message]
    told = [h for h in heads if " · told " in h]
    assert told and all("faulty: equivocate" in h for h in told)


def test_stepping_round_by_round_then_running_to_the_end(app: AppTest) -> None:
    app.toggle(key="step").set_value(True).run()
    run_deliberation(app, size=9, byzantine=2)
    assert "Paused after 1 round(s) and 0 ballot(s)." in texts(app)
    assert "Decision" not in [s.value for s in app.subheader]
    assert len(app.chat_message) == 9  # the blind opening, shown while paused
    click(app, "Next step")
    assert "Paused after 2 round(s) and 0 ballot(s)." in texts(app)
    click(app, "Run to the end")
    assert "Decision" in [s.value for s in app.subheader]
    assert record_of(app).metrics.rounds_used >= 2


def test_replaying_rounds_with_the_round_buttons(app: AppTest) -> None:
    run_deliberation(app, size=9)
    assert "**Round 2**" in texts(app)
    click(app, "◀ Previous round")
    assert "**Round 1**" in texts(app)
    click(app, "◀ Previous round")
    assert "**Round 0 (blind opening)**" in texts(app)
    click(app, "Next round ▶")
    assert "**Round 1**" in texts(app)


def test_a_trainee_takes_a_seat_the_run_pauses_for_them_and_resumes(app: AppTest) -> None:
    app.session_state["f_size"] = 9
    app.session_state["f_byzantine"] = 2
    app.checkbox(key="f_human").check().run()
    app.selectbox(key="f_human_seat.en").set_value(3).run()
    click(app, "Run deliberation")
    asked = []
    for _ in range(10):
        headings = [s.value for s in app.subheader if str(s.value).startswith("Your turn")]
        if not headings:
            break
        (heading,) = headings
        assert heading.startswith("Your turn: seat 3, round ")
        asked.append(int(heading.rsplit(" ", 1)[1]))
        shown = texts(app)
        assert "You play **Consumer-protection association advocate**." in shown
        assert "What your persona's values suggest" in shown
        if asked[-1] == 0:
            assert "The opening is blind" in shown
        else:
            assert len(app.dataframe) == 1  # what the seat heard this round
        by_key_suffix(app.radio, "_option").set_value("suspend-scoring")
        by_key_suffix(app.slider, "_confidence").set_value(0.9)
        by_key_suffix(app.text_area, "_argument").input(f"Round {asked[-1]}: audit it first.")
        click(app, "Submit and resume")
    assert asked[:3] == [0, 1, 2]
    record = record_of(app)
    assert record.council.seats[3].reasoner == "human"
    assert record.rounds[1].statements[3].rationale == "Round 1: audit it first."
    seat3 = [m for m in app.chat_message if m.markdown[0].value.startswith("**Seat 3 ·")]
    assert "played by a person" in seat3[0].markdown[0].value


def test_an_empty_argument_is_refused_and_the_run_keeps_waiting(app: AppTest) -> None:
    app.session_state["f_size"] = 5
    app.checkbox(key="f_human").check().run()
    click(app, "Run deliberation")
    click(app, "Submit and resume")
    assert "Say why, in a sentence or two." in texts(app)
    assert any(str(s.value).startswith("Your turn: seat 0, round 0") for s in app.subheader)


def test_spot_the_faulty_seats_scores_the_guess_and_explains(app: AppTest) -> None:
    run_deliberation(app, size=12, byzantine=3, fault="random", seed=1)
    record = record_of(app)
    truth = faulty_seats(record)
    honest = next(s for s in range(12) if s not in truth)
    by_key_suffix(app.multiselect, "_suspects.en").set_value([truth[0], honest]).run()
    click(app, "Check my guess")
    metrics = {m.label: m.value for m in app.metric}
    assert metrics == {"Score": "25%", "Found": "1", "Missed": "2", "Wrongly suspected": "1"}
    shown = texts(app)
    assert "You found 1 of 3 faulty seats and suspected 1 honest seats." in shown
    assert "What gave them away" in shown and "different things to different seats" in shown
    assert "Honest seats you suspected" in shown


def test_llm_seats_run_on_an_openai_compatible_endpoint_with_estimate_and_costs(
    app: AppTest, db: Path
) -> None:
    from fake_openai import FakeOpenAI

    key = "sk-test-ui-key-never-stored"
    with FakeOpenAI() as fake:
        app.session_state["f_size"] = 7
        app.radio(key="f_backend.en").set_value("openai").run()
        app.text_input(key="f_base_url").input(fake.url).run()
        app.text_input(key="api_key").input(key).run()
        shown = texts(app)
        assert "Before running: 21–35 calls" in shown  # 7 seats x 3 to 5 phases
        assert fake.requests == []  # the estimate calls nothing
        run_deliberation(app, size=7)
        record = record_of(app)
    assert len(fake.requests) == record.metrics.llm_calls > 0
    assert all(h["authorization"] == f"Bearer {key}" for h in fake.headers)
    assert record.config.backend == "openai" and record.config.base_url == fake.url
    assert record.metrics.cost_usd is not None
    assert "LLM so far:" in texts(app)
    assert f"LLM: {record.metrics.llm_calls} calls (0 failed" in texts(app)
    assert "Decision" in texts(app)
    for path in db.parent.iterdir():  # the store, its WAL, checkpoints and cache
        assert key.encode() not in path.read_bytes()


def llm_settings(app: AppTest, url: str, key: str, size: int) -> None:
    app.session_state["f_size"] = size
    app.radio(key="f_backend.en").set_value("openai").run()
    app.text_input(key="f_base_url").input(url).run()
    app.text_input(key="api_key").input(key).run()


def test_an_llm_run_paused_for_a_trainee_keeps_its_key_to_the_end(app: AppTest) -> None:
    from fake_openai import FakeOpenAI

    key = "sk-test-ui-session-key"
    with FakeOpenAI(key=key) as fake:  # a request without the key gets 401
        llm_settings(app, fake.url, key, 5)
        app.session_state["f_rounds"] = 1
        app.session_state["f_ballots"] = 1
        app.checkbox(key="f_human").check().run()
        app.selectbox(key="f_human_seat.en").set_value(2).run()
        click(app, "Run deliberation")
        turns = 0
        while any(str(s.value).startswith("Your turn") for s in app.subheader) and turns < 5:
            turns += 1
            by_key_suffix(app.radio, "_option").set_value("suspend-scoring")
            by_key_suffix(app.text_area, "_argument").input("Audit it first.")
            click(app, "Submit and resume")
        record = record_of(app)
    assert turns == 2
    assert record.metrics.seat_failures == 0 and record.metrics.llm_errors == 0
    assert record.metrics.llm_calls == 4 * 2
    assert fake.headers and all(h["authorization"] == f"Bearer {key}" for h in fake.headers)


def test_an_llm_run_that_cannot_work_is_shown_in_red_never_finished(app: AppTest) -> None:
    from fake_openai import FakeOpenAI, closed_port_url

    llm_settings(app, closed_port_url(), "sk-x", 5)
    click(app, "Run deliberation")
    assert any("cannot serve this run" in str(e.value) for e in app.error)
    assert "refused" in texts(app)
    with FakeOpenAI(plan=lambda n, body: "500") as fake:
        app.text_input(key="f_base_url").input(fake.url).run()
        click(app, "Run deliberation")
    record = record_of(app)
    assert record.outcome.status == "error"
    errors = [str(e.value) for e in app.error]
    assert any(e.startswith("The run could not work: every LLM seat failed") for e in errors)
    labels = [s.label for s in app.status]
    assert "Deliberation stopped with an error" in labels and "Deliberation finished" not in labels


def test_what_an_llm_seat_was_told_and_said_and_a_models_file(app: AppTest, db: Path) -> None:
    from fake_openai import FakeOpenAI

    with FakeOpenAI() as fake:
        llm_settings(app, fake.url, "sk-x", 5)
        app.session_state["f_rounds"] = 1
        models = "default: {model: gpt-4o-mini}\ngroups: {industry: {model: gpt-4.1-mini}}\n"
        app.text_area(key="f_models").input(models).run()
        click(app, "Run deliberation")
        record = record_of(app)
    assert {s.model for s in record.council.seats} == {"gpt-4o-mini", "gpt-4.1-mini"}
    assert set(record.metrics.cost_by_model) == {"gpt-4o-mini", "gpt-4.1-mini"}
    told = [e for e in app.expander if e.label == "What this seat was told and said"]
    assert len(told) == 5  # the round shown: every LLM seat
    first = told[0]
    assert [c.value for c in first.caption] == ["system", "user", "Reply"]
    sent = [
        json.loads(json.dumps(b["messages"])) for b in fake.requests if b.get("response_format")
    ]
    assert [first.code[0].value, first.code[1].value] in [
        [m[0]["content"], m[1]["content"]] for m in sent
    ]
    assert first.code[2].value in fake.responses
    app.text_area(key="f_models").input("default: {model: m}\ncolour: red\n").run()
    assert "The models file is not valid: models file: colour: unknown key" in texts(app)


def test_the_form_starts_at_the_run_config_s_defaults_and_bounds(app: AppTest) -> None:
    for field in ("size", "rounds", "ballots"):
        widget = app.number_input(key=f"f_{field}")
        assert (widget.value, (widget.min, widget.max)) == (default_of(field), bounds_of(field))
    for field in ("byzantine", "seed"):
        widget = app.number_input(key=f"f_{field}")
        assert (widget.value, widget.min) == (default_of(field), bounds_of(field)[0])
    for field in ("fault", "protocol", "method", "update", "topology"):
        select = app.selectbox(key=f"f_{field}.en")
        assert select.value == default_of(field), field
        assert select.help, field  # every setting says what it does
    # Plain words first, the id after them.
    assert app.selectbox(key="f_protocol.en").options == [
        "Two-phase vote with locks · bft",
        "One simple count · tally",
    ]
    assert [o.split(" · ")[-1] for o in app.selectbox(key="f_method.en").options] == list(
        METHODS.names()
    )
    backend = app.radio(key="f_backend.en")
    assert backend.value == default_of("backend")
    backend.set_value("openai").run()
    assert app.text_input(key="f_model").value == DEFAULT_MODEL
    failures = app.slider(key="f_max_fail")
    assert failures.value == default_of("max_seat_failures")


def test_settings_that_cannot_run_say_why(app: AppTest) -> None:
    app.session_state["f_size"] = 4
    app.session_state["f_byzantine"] = 9
    app.run()
    assert "exceeds the council of 4 seats" in texts(app)
    click(app, "Run deliberation")  # pressed anyway: nothing runs, and it says why
    assert app.session_state["pause"] is None
    (error,) = app.error
    assert (
        error.value.startswith("Nothing ran: ") and "exceeds the council of 4 seats" in error.value
    )


# --- History ----------------------------------------------------------------------------------
def test_history_reopens_replays_and_exports_this_session_s_runs(app: AppTest) -> None:
    app.switch_page(HISTORY).run()
    assert "No runs yet: run a deliberation first." in texts(app)
    app.switch_page("council/ui/pages/deliberate.py").run()
    run_deliberation(app, size=9, seed=4)
    first = record_of(app).run_id
    run_deliberation(app, size=9, seed=5)
    app.switch_page(HISTORY).run()
    assert not app.exception
    assert app.title[0].value == "History"
    assert len(app.dataframe[0].value) == 2
    app.selectbox(key="h_run.en").set_value(first).run()
    assert "Decision" in [s.value for s in app.subheader]
    assert len(app.chat_message) == 9
    click(app, "◀ Previous round")
    assert "**Round 1**" in texts(app)
    labels = [b.label for b in app.get("download_button")]
    assert "Download the handout (Markdown)" in labels and "Download the record (JSON)" in labels


# --- Library ----------------------------------------------------------------------------------
def test_library_lists_personas_by_group_and_scenarios(app: AppTest) -> None:
    app.switch_page(LIBRARY).run()
    assert not app.exception
    assert app.title[0].value == "Library"
    assert len(app.dataframe) == 4  # one table per stakeholder group
    assert sum(len(d.value) for d in app.dataframe) == 36
    app.selectbox(key="l_scenario.en").set_value("au-robodebt-income-averaging").run()
    assert "**Sources**" in texts(app)


def test_a_bad_upload_shows_the_cli_s_one_line_errors(
    app: AppTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Any
) -> None:
    bad = {"id": "Bad Id", "name": "x", "group": "army", "role": "r", "values": {"luck": 2}}
    content = yaml.safe_dump(bad).encode()
    app.switch_page(LIBRARY).run()
    app.file_uploader(key="l_upload").set_value(("bad-persona.yaml", content, "text/yaml")).run()
    assert not app.exception
    (error,) = app.error
    assert "as `council validate` reports them" in error.value
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad-persona.yaml").write_bytes(content)
    result = cli("validate", "bad-persona.yaml")
    assert result.code == 2
    assert app.code[0].value.splitlines() == result.err.strip().splitlines() != []


def test_a_good_upload_is_valid(app: AppTest, scenario_doc: dict[str, Any]) -> None:
    app.switch_page(LIBRARY).run()
    content = yaml.safe_dump(scenario_doc).encode()
    app.file_uploader(key="l_upload").set_value(("mine.yaml", content, "text/yaml")).run()
    assert [s.value for s in app.success] == ["mine.yaml: a valid scenario, `kh-test-incident`"]


# --- Khmer --------------------------------------------------------------------------------------
def test_the_language_switch_turns_the_interface_and_scenario_into_khmer(app: AppTest) -> None:
    app.radio(key="lang").set_value("km").run()
    assert app.title[0].value == "ពិភាក្សា"
    assert [b.label for b in app.button] == ["ចាប់ផ្តើមការពិភាក្សា"]
    shown = texts(app)
    assert "ម៉ូដែលវាយតម្លៃពិន្ទុឥណទាន" in shown  # the scenario's own Khmer title
    click(app, "ចាប់ផ្តើមការពិភាក្សា")
    assert "សេចក្តីសម្រេច" in [s.value for s in app.subheader]
    assert "ត្រូវការ 22 ក្នុងចំណោម 33" in texts(app)
    app.switch_page(LIBRARY).run()
    assert app.title[0].value == "បណ្ណាល័យ"
    app.radio(key="lang").set_value("en").run()
    assert app.title[0].value == "Library"


def test_a_scenario_without_khmer_says_so(app: AppTest) -> None:
    app.radio(key="lang").set_value("km").run()
    app.selectbox(key="f_scenario.km").set_value("au-robodebt-income-averaging").run()
    assert "ករណីនេះមិនទាន់មានការបកប្រែជាភាសាខ្មែរនៅឡើយទេ។" in texts(app)


# --- sessions ---------------------------------------------------------------------------------
def test_two_sessions_at_once_do_not_see_each_other_s_runs_or_settings(db: Path) -> None:
    alice, bob = new_app(db), new_app(db)
    alice.radio(key="lang").set_value("km").run()
    run_deliberation(alice, size=9, seed=11, byzantine=2)
    alice.toggle(key="reveal").set_value(True).run()
    alice_run = record_of(alice).run_id
    bob.run()
    assert bob.title[0].value == "Deliberate"  # still English
    assert bob.session_state["pause"] is None and bob.session_state["my_runs"] == []
    assert bob.session_state["f_seed"] == 0 and bob.session_state["reveal"] is False
    assert not bob.chat_message and "Decision" not in [s.value for s in bob.subheader]
    run_deliberation(bob, size=5, seed=12)
    assert record_of(bob).run_id != alice_run
    bob.switch_page(HISTORY).run()
    assert len(bob.dataframe[0].value) == 1  # only Bob's run, by default
    assert alice_run not in texts(bob) and alice_run not in str(bob.dataframe[0].value)
    alice.run()
    assert record_of(alice).run_id == alice_run and alice.title[0].value == "ពិភាក្សា"
    # Every stored run (the CLI's, other sessions') only on request.
    bob.toggle(key="h_all").set_value(True).run()
    assert len(bob.dataframe[0].value) == 2
    assert KHMER.search(alice.title[0].value)


def test_the_quorum_select_offers_a_group_quorum(app: AppTest) -> None:
    app.selectbox(key="f_quorum.en").set_value("groups").run()
    app.session_state["f_groups_needed"] = 3
    app.session_state["f_group_share"] = 0.75
    run_deliberation(app, size=33)
    record = record_of(app)
    assert record.config.quorum == "groups:3/0.75"
    assert (record.council.quorum, record.council.tolerates.safety) == (18, 7)
    assert "at least 18 of 33 needed (groups:3/0.75); tolerates 7 faulty seats" in texts(app)


def test_an_endpoint_refusing_an_empty_key_ends_in_one_red_reason_quickly(app: AppTest) -> None:
    import time

    from fake_openai import FakeOpenAI

    with FakeOpenAI(key="sk-the-right-one") as fake:  # a request without it gets 401
        llm_settings(app, fake.url, "", 5)
        started = time.perf_counter()
        click(app, "Run deliberation")
        took = time.perf_counter() - started
    errors = [str(e.value) for e in app.error]
    labels = [s.label for s in app.status]
    assert "Deliberation finished" not in labels, labels
    assert errors and any("401" in e or "key" in e.lower() for e in errors), errors
    assert took < 15, took
    assert not any("Traceback" in e for e in errors)


# --- the trainee's seat keeps what the trainee entered ------------------------------------------
def answer(at: AppTest, *, option: str | None, confidence: float | None, argument: str) -> None:
    """Answer at the seat: an option and confidence (None: leave them as offered)."""
    if option is not None:
        by_key_suffix(at.radio, "_option").set_value(option)
    if confidence is not None:
        by_key_suffix(at.slider, "_confidence").set_value(confidence)
    by_key_suffix(at.text_area, "_argument").input(argument)
    (submit,) = [b for b in at.button if b.label in ("Submit and resume", "បញ្ជូន ហើយបន្ត")]
    submit.click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_the_record_holds_the_trainee_s_option_and_confidence_as_given(app: AppTest) -> None:
    app.session_state["f_size"] = 7
    app.checkbox(key="f_human").check().run()
    app.selectbox(key="f_human_seat.en").set_value(2).run()
    click(app, "Run deliberation")
    answer(app, option="suspend-scoring", confidence=0.9, argument="Audit first.")
    # Round 1: the last answer is the default; leaving it is keeping the position.
    assert by_key_suffix(app.radio, "_option").value == "suspend-scoring"
    assert by_key_suffix(app.slider, "_confidence").value == pytest.approx(0.9)
    shown = texts(app)
    counted = re.compile(r"\*\*\d+\*\* · ")
    heard = [s for s in app.markdown if counted.search(str(s.value))]
    assert heard, "what the seat heard, as counts per option, before the quotes"
    counts = [int(n) for n in re.findall(r"\*\*(\d+)\*\*", heard[0].value)]
    assert sum(counts) == len(app.dataframe[0].value)  # one count per peer heard
    assert "What you heard this round" in shown
    answer(app, option=None, confidence=None, argument="Still audit first.")
    while any(str(s.value).startswith("Your turn") for s in app.subheader):
        answer(app, option=None, confidence=None, argument="Still.")
    record = record_of(app)
    mine = [rnd.statements[2] for rnd in record.rounds]
    assert [s.option for s in mine] == ["suspend-scoring"] * len(mine)
    assert [s.confidence for s in mine] == [0.9] * len(mine)


def test_an_untouched_first_confidence_is_recorded_as_offered(app: AppTest) -> None:
    app.session_state["f_size"] = 5
    app.session_state["f_rounds"] = 0
    app.checkbox(key="f_human").check().run()
    click(app, "Run deliberation")
    offered = by_key_suffix(app.slider, "_confidence").value
    assert offered == pytest.approx(0.7)
    answer(app, option=None, confidence=None, argument="As offered.")
    while any(str(s.value).startswith("Your turn") for s in app.subheader):
        answer(app, option=None, confidence=None, argument="Again.")
    assert record_of(app).rounds[0].statements[0].confidence == 0.7


def test_a_reload_at_your_turn_keeps_the_paused_run_and_the_language(db: Path) -> None:
    first = new_app(db)
    first.radio(key="lang").set_value("km").run()
    first.session_state["f_size"] = 5
    first.checkbox(key="f_human").check().run()
    first.button(key="run").click().run()
    run_id = first.session_state["pause"].run_id
    assert first.query_params["run"] == run_id and first.query_params["lang"] == "km"
    # A reload: a new session with the page's address, nothing else.
    again = AppTest.from_file(APP, default_timeout=60)
    again.query_params["run"] = run_id
    again.query_params["lang"] = "km"
    again.run()
    assert not again.exception, [e.value for e in again.exception]
    assert again.session_state["lang"] == "km"
    assert again.session_state["pause"].run_id == run_id
    assert any(str(s.value).startswith("វេនរបស់អ្នក៖ អាសនៈ 0") for s in again.subheader)
    answer(again, option=None, confidence=None, argument="បន្ត")
    assert again.session_state["pause"].run_id == run_id


def test_an_address_naming_no_run_is_cleared_quietly(db: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["run"] = "0123456789abcdef"
    at.run()
    assert not at.exception and not at.error
    assert "no longer in the store" in texts(at)
    assert at.session_state["pause"] is None


# --- the first five minutes -------------------------------------------------------------------
def test_the_page_says_what_the_app_does_and_puts_run_right_under_the_scenario(
    app: AppTest,
) -> None:
    assert app.markdown[0].value.startswith("A council of stakeholder personas")
    order = [type(e).__name__ for e in app.main]
    assert order.index("Button") < order.index("Expander")  # Run before the settings
    assert app.expander[0].label == "Settings"


def test_a_council_that_can_never_reach_quorum_or_is_past_tolerance_is_warned(
    app: AppTest,
) -> None:
    from council.engine.context import prepare

    app.session_state["f_size"] = 7
    app.session_state["f_byzantine"] = 3
    app.run()
    shown = [str(w.value) for w in app.warning]
    ctx = prepare(_config_of(app))  # the engine's own arithmetic, not a formula retyped
    tolerates = ctx.council.tolerates
    assert tolerates.safety < 3 and any("exceed what this quorum tolerates" in w for w in shown)
    assert f"for safety ({tolerates.safety})" in " ".join(shown)
    app.session_state["f_byzantine"] = 2
    app.run()
    assert not [w for w in app.warning if "tolerates" in str(w.value)]
    app.session_state["f_quorum"] = app.session_state["f_quorum.en"] = "unanimity"
    app.session_state["f_byzantine"] = 1
    app.run()
    assert any("can never reach a quorum" in str(w.value) for w in app.warning)


def _config_of(at: AppTest) -> Any:
    from council.contracts.config import RunConfig

    return RunConfig(
        scenario="kh-credit-scoring-isolated-data",
        size=at.session_state["f_size"],
        byzantine=at.session_state["f_byzantine"],
    )


def test_results_are_marked_stale_when_the_settings_change(app: AppTest) -> None:
    run_deliberation(app, size=7)
    assert "These results are from earlier settings" not in texts(app)
    app.session_state["f_size"] = 9
    app.run()
    assert "These results are from earlier settings" in texts(app)
    app.session_state["f_size"] = 7
    app.run()
    assert "These results are from earlier settings" not in texts(app)


def test_reveal_lives_with_a_finished_run_never_in_the_sidebar(app: AppTest) -> None:
    assert not [t for t in app.sidebar.toggle if t.key == "reveal"]
    assert not [t for t in app.toggle if t.key == "reveal"]  # nothing to reveal yet
    app.session_state["f_size"] = 5
    app.checkbox(key="f_human").check().run()
    click(app, "Run deliberation")  # a trainee's turn: no reveal anywhere
    assert not [t for t in app.toggle if t.key == "reveal"]


# --- Khmer end to end ---------------------------------------------------------------------------
def latin_words(value: str) -> list[str]:
    """Words in Latin letters, ids and code (`...`) and numbers aside."""
    value = re.sub(r"`[^`]*`", "", value)
    return re.findall(r"\b[A-Za-z]{4,}\b", value)


def test_a_khmer_session_runs_a_cambodian_scenario_in_khmer_end_to_end(app: AppTest) -> None:
    from council.library.catalog import load_library

    library = load_library()
    scenario = library.scenarios["kh-credit-scoring-isolated-data"]
    km = scenario.translations["km"]
    app.radio(key="lang").set_value("km").run()
    shown = texts(app)
    assert all(fact in shown for fact in km.facts or [])
    assert all(who in shown for who in km.affected or [])
    app.session_state["f_size"] = 9
    app.session_state["f_byzantine"] = 2
    app.run()
    app.button(key="run").click().run()
    assert not app.exception
    record = record_of(app)
    assert record.config.language == "km"
    # The decision in Khmer: the option's label, the plan, every offline rationale.
    assert record.outcome.option is not None
    card = texts(app)
    assert km.options[record.outcome.option] in card
    assert record.pdca is not None and KHMER.search(record.pdca.plan.summary)
    for statement in record.rounds[-1].statements:
        said = statement.rationale
        for option in scenario.option_ids:  # option ids are named as ids, in both languages
            said = said.replace(option, "")
        assert KHMER.search(said) and not latin_words(said), statement.rationale
    # Persona names in the transcript are the personas' Khmer names.
    heads = [m.markdown[0].value for m in app.chat_message]
    for seat, head in zip(record.council.seats, heads, strict=True):
        assert library.personas[seat.persona].translations["km"].name in head
    # The handout: Khmer headings, facts and option labels.
    from council.present.handout import handout

    text = handout(record, "km", library)
    assert "## ការពិត" in text and (km.facts or [""])[0] in text
    assert km.options[record.outcome.option] in text and "## សេចក្តីសម្រេច" in text
    # The page says it is Khmer, for fonts and screen readers.
    assert any('lang = "km"' in str(h.proto.body) for h in app.get("html")) or any(
        "lang = 'km'" in str(h.proto.body) for h in app.get("html")
    )


def test_every_cambodian_scenario_and_every_persona_has_its_khmer() -> None:
    from council.library.catalog import load_library

    library = load_library()
    for sid, scenario in library.scenarios.items():
        if not sid.startswith("kh-"):
            continue
        km = scenario.translations["km"]
        assert km.title and km.summary and km.facts and km.affected, sid
        assert set(km.options) == set(scenario.option_ids), sid
        assert all(KHMER.search(x) for x in [*km.facts, *km.affected, *km.options.values()])
    for pid, persona in library.personas.items():
        km_p = persona.translations["km"]
        assert km_p.name and KHMER.search(km_p.name) and km_p.role and KHMER.search(km_p.role), pid


def test_a_store_that_cannot_be_opened_is_one_red_line_on_every_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the store's folder should be")
    monkeypatch.setenv("COUNCIL_DB", str(blocked / "council.db"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.button(key="run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.error) == 1 and "cannot open the store" in str(at.error[0].value)
    at.switch_page(HISTORY).run()
    assert not at.exception and len(at.error) == 1


def test_every_setting_has_a_help_line(app: AppTest) -> None:
    app.radio(key="f_backend.en").set_value("openai").run()
    app.checkbox(key="f_human").check().run()
    kinds = ("selectbox", "number_input", "radio", "checkbox", "text_input", "slider", "text_area")
    missing = [f"{kind}:{w.key}" for kind in kinds for w in getattr(app.main, kind) if not w.help]
    assert missing == []


def test_the_library_lists_personas_by_their_khmer_names_in_khmer(app: AppTest) -> None:
    from council.library.catalog import load_library

    app.switch_page(LIBRARY).run()
    app.radio(key="lang").set_value("km").run()
    names = {str(n) for table in app.dataframe for n in table.value["name"]}
    expected = {p.translations["km"].name for p in load_library().personas.values()}
    assert names == expected


def test_the_first_screen_shows_the_scenario_s_harms_worst_first_in_one_element(db: Path) -> None:
    from council.library.catalog import load_library
    from council.present.i18n import text
    from council.ui.scenario import DEFAULT_SCENARIO

    at = new_app(db)
    harms = load_library().scenarios[DEFAULT_SCENARIO].harms
    (block,) = [m.value for m in at.markdown if m.value.startswith(f"**{text('harms', 'en')}**")]
    lines = block.splitlines()[2:]
    worst_first = sorted(harms.items(), key=lambda kv: -kv[1])
    assert len(lines) == len(harms) and not at.get("progress")  # no bar element each
    for line, (principle, severity) in zip(lines, worst_first, strict=True):
        assert line.endswith(f" {severity:.1f} {text(f'principle_{principle}', 'en')}"), line
        assert line.count("█") == int(min(1.0, severity) * 10)
