"""Load on one server: 30 trainees in one room and 10 other sessions running councils at once.

Not a unit test (it takes a minute or two): run it by hand,

    .venv/bin/python tests/bench/room_load.py [--trainees 30] [--councils 10] [--json]

A Streamlit server runs every browser session as a thread of one process, so this runs the
same: one thread per trainee session, one per separate council session and one projector, all
on one store file (a temporary one). A trainee joins, polls the room every ``POLL_S`` (as the
seat's fragment does), answers each round after 0.5-3 s of "thinking" (one of them an
equivocator telling groups different options) and guesses the faulty seats at the end. The
projector polls every ``POLL_S`` and renders ``board_html`` (the projector view's HTML); a
statement has reached the projector when it first shows the seat as answered, or the round
after it. Each council session runs a 33-seat offline council with one person's seat through
the interactive layer (``start``/``proceed``, as the Deliberate page does).

Reported: errors (must be 0), statements lost (given but not in the record: must be 0), the
statement-to-projector time (median, p95, max; the issue's target is a median of 2 s or less),
the time a round takes to move on after its last statement, and the councils' run times.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from council.contracts.config import RunConfig
from council.contracts.principles import GROUPS
from council.contracts.room import RoomSettings, Told
from council.reasoners.human import HumanAnswer
from council.room_store import RoomStore
from council.session import RunSession
from council.session import room as rooms
from council.session import room_scores as scores
from council.session.interactive import proceed, start
from council.store import Store
from council.ui.room.common import POLL_S
from council.ui.room.projector import board_html

SCENARIO = "kh-credit-scoring-isolated-data"


class Log:
    """What the threads saw, behind one lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sent: dict[tuple[int, int], float] = {}
        self.seen: dict[tuple[int, int], float] = {}
        self.last_in: dict[int, float] = {}
        self.moved: dict[int, float] = {}
        self.errors: list[str] = []
        self.councils: list[float] = []
        self.done = threading.Event()

    def error(self, where: str, err: BaseException) -> None:
        with self.lock:
            self.errors.append(f"{where}: {type(err).__name__}: {err}")
        traceback.print_exc()


def trainee(db: Path, code: str, index: int, log: Log) -> None:
    """One trainee's session: join, answer every round, guess (an error is counted, and the
    session goes on as a browser would: the next poll tries again)."""
    rng = random.Random(index)
    member = None
    answered: set[int] = set()
    while not log.done.is_set():
        try:
            if member is None:
                member = rooms.join(db, code, f"T{index:02d}")
            found = rooms.status(db, code).room
            if rooms.finished(found):
                scores.guess(db, member.token, [rng.randrange(found.board.size)])
                return
            mine = found.state == "waiting" and member.seat in found.waiting
            if mine and found.turn not in answered:
                time.sleep(rng.uniform(0.5, 3.0))
                prompt = rooms.prompt_of(found, member.seat)
                assert prompt is not None
                options = list(prompt.options)
                told = None
                if member.seat in found.settings.config.person_faults:
                    told = {g: Told(option=options[k % 2]) for k, g in enumerate(GROUPS)}
                with log.lock:
                    log.sent.setdefault((found.turn, member.seat), time.time())
                rooms.submit(
                    db,
                    member.token,
                    option=rng.choice(options),
                    confidence=round(rng.uniform(0.3, 1.0), 2),
                    argument=f"T{index:02d} turn {found.turn}",
                    told=told,
                )
                answered.add(found.turn)
                with log.lock:
                    log.last_in[found.turn] = max(log.last_in.get(found.turn, 0), time.time())
        except Exception as err:  # noqa: BLE001 - counted, the bench reports them
            log.error(f"trainee {index}", err)
        time.sleep(POLL_S)


def projector(db: Path, code: str, log: Log) -> None:
    """The projector: render the room every POLL_S, note when each statement shows."""
    try:
        while not log.done.is_set():
            status = rooms.status(db, code)
            board_html(status)
            now, turn = time.time(), status.room.turn
            with log.lock:
                if turn not in log.moved and turn > 0:
                    log.moved[turn] = now
                for seat in status.answered:
                    log.seen.setdefault((turn, seat), now)
                for t, seat in log.sent:
                    if t < turn:
                        log.seen.setdefault((t, seat), now)
            if rooms.finished(status.room):
                break
            time.sleep(POLL_S)
    except Exception as err:  # noqa: BLE001
        log.error("projector", err)


def council(db: Path, index: int, log: Log) -> None:
    """A separate session running a 33-seat council with one person's seat."""
    try:
        started = time.perf_counter()
        config = RunConfig(scenario=SCENARIO, size=33, byzantine=3, seed=index, human_seats=(3,))
        session = RunSession(config, store=db)
        pause = start(session)
        while pause.kind == "human":
            (prompt,) = pause.prompts
            answer = HumanAnswer(
                option=next(iter(prompt.options)), confidence=0.8, argument=f"council {index}"
            )
            pause = proceed(session, answers={3: answer})
        assert pause.record is not None
        Store(db).get_run(pause.record.run_id)  # it is stored
        with log.lock:
            log.councils.append(time.perf_counter() - started)
    except Exception as err:  # noqa: BLE001
        log.error(f"council {index}", err)


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench(trainees: int, councils: int) -> dict[str, Any]:
    """Run the load and return its figures."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "load.db"
        config = RunConfig(
            scenario=SCENARIO,
            size=trainees + 10,
            rounds=2,
            ballots=1,
            human_seats=tuple(range(trainees)),
            person_faults={trainees - 1: "equivocate"},
        )
        opened, _ = rooms.open_room(db, RoomSettings(config=config))
        log = Log()
        threads = [
            threading.Thread(target=trainee, args=(db, opened.code, i, log))
            for i in range(trainees)
        ]
        threads.append(threading.Thread(target=projector, args=(db, opened.code, log)))
        threads += [threading.Thread(target=council, args=(db, i, log)) for i in range(councils)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        deadline = time.monotonic() + 600
        for t in threads:
            t.join(timeout=max(0.0, deadline - time.monotonic()))
        log.done.set()
        wall = time.perf_counter() - started
        found = rooms.room(db, opened.code)
        record = Store(db).get_run(found.run_id)
        statements = RoomStore(db).statements(opened.code)
        lost = 0
        for s in statements:
            kept = record.rounds[s.turn].statements[s.seat].rationale
            lost += kept != s.argument
        delays = [log.seen[k] - log.sent[k] for k in log.sent if k in log.seen]
        moves = [log.moved[t + 1] - log.last_in[t] for t in log.last_in if t + 1 in log.moved]
        return {
            "trainees": trainees,
            "councils": councils,
            "wall_s": round(wall, 1),
            "errors": log.errors,
            "room_state": found.state,
            "statements": len(statements),
            "statements_expected": trainees * len(record.rounds),
            "statements_lost": lost,
            "statements_unseen": len(log.sent) - len(delays),
            "guesses": len(scores.leaderboard(db, opened.code)),
            "to_projector_median_s": round(statistics.median(delays), 2),
            "to_projector_p95_s": round(percentile(delays, 0.95), 2),
            "to_projector_max_s": round(max(delays), 2),
            "round_moves_on_s": [round(m, 2) for m in moves],
            "councils_done": len(log.councils),
            "council_run_s_median": round(statistics.median(log.councils), 2)
            if log.councils
            else None,
            "council_run_s_max": round(max(log.councils), 2) if log.councils else None,
        }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=30)
    parser.add_argument("--councils", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = bench(args.trainees, args.councils)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:>24}: {value}")
    ok = not figures["errors"] and not figures["statements_lost"]
    ok = ok and figures["statements"] == figures["statements_expected"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
