"""Preset paragraphs written from a run of their preset: no figure in them is typed by hand.

``python -m council.presets.generated NAME...`` runs each named preset's sweep (every seed),
reads its per-cell metrics and rewrites the paragraph of ``NAME.md`` (its front matter kept);
a test runs the presets again and checks the committed paragraphs. The quorum arithmetic
quoted comes from ``council.quorum_system``, the rest from the sweep's cells.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from council.context import compose
from council.library import load_library
from council.presets import FOLDER, load_preset
from council.quorum import bft_quorum, max_faulty, parse_quorum
from council.quorum_system import GroupShares, build_system, smallest, tolerance
from council.report import sweep_cells
from council.runner import run_sweep


def preset_cells(name: str, *, workers: int | None = None) -> pd.DataFrame:
    """Run a preset's sweep, every seed, into a scratch folder; its per-cell metrics."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{name}.csv"
        run_sweep(load_preset(name).config, out, workers=workers, name=f"preset {name}")
        return sweep_cells(out)


def _rate(value: float) -> str:
    """A share of runs as the paragraphs print it: 0, 1, or two decimals."""
    return f"{value:.2f}".rstrip("0").rstrip(".") if value not in (0, 1) else f"{value:.0f}"


def _select(cells: pd.DataFrame, **factors: object) -> pd.DataFrame:
    mask = pd.Series(True, index=cells.index)
    for factor, value in factors.items():
        mask &= cells[factor].astype(str) == str(value)
    return cells[mask].sort_values("byzantine" if "drop" in factors else list(cells.columns)[0])


def _first(rows: pd.DataFrame, column: str, test: Callable[[float], bool], by: str) -> str:
    """The smallest ``by`` at which ``column`` passes ``test`` ("none" if it never does)."""
    hits = rows[rows[column].map(test)].sort_values(by)
    return "none" if hits.empty else f"{hits[by].iloc[0]:g}"


def group_quorum(cells: pd.DataFrame) -> str:
    """The paragraph of ``group-quorum``."""
    groups = [p.group for p in compose(load_library(), 33)]
    flat = build_system(parse_quorum("18/33"), groups)
    grouped = build_system(parse_quorum("groups:3/0.75"), groups)
    tf, tg = tolerance(flat), tolerance(grouped)
    split, agreed = "hk-deepfake-cfo-video-call", "kh-ai-tutor-public-schools"

    def rows(scenario: str, fault: str, quorum: str, placement: str) -> pd.DataFrame:
        found = _select(cells, scenario=scenario, fault=fault, quorum=quorum,
                        faulty_groups=placement)  # fmt: skip
        return found.sort_values("byzantine")

    def at(frame: pd.DataFrame, k: int, column: str) -> str:
        return _rate(float(frame[frame["byzantine"] == k][column].iloc[0]))

    def broke(placement: str) -> str:
        return _first(rows(split, "equivocate", "18/33", placement), "safety_violation_rate",
                      lambda v: v > 0, "byzantine")  # fmt: skip

    equivocated = _select(cells, scenario=split, fault="equivocate", quorum="groups:3/0.75")
    violations = int(round((equivocated["safety_violation_rate"] * equivocated["runs"]).sum()))
    runs = int(equivocated["runs"].sum())
    group_safety = (
        f"the group quorum in none of its {runs} runs up to 9, wherever they sit"
        if not violations
        else f"the group quorum in {violations} of its {runs} runs up to 9"
    )
    flat_crashes = _select(cells, scenario=agreed, fault="crash", quorum="18/33")
    flat_live = (
        "never stop the flat threshold"
        if (flat_crashes["decision_rate"] == 1).all()
        else f"stop the flat threshold in up to {_rate(1 - flat_crashes['decision_rate'].min())} "
        "of runs"
    )

    def crashes(placement: str) -> tuple[str, str, str]:
        frame = rows(agreed, "crash", "groups:3/0.75", placement)
        first = _first(frame, "decision_rate", lambda v: v < 1, "byzantine")
        return first, at(frame, 9, "decision_rate"), _rate(float(frame["decision_rate"].min()))

    gov_first, _, gov_min = crashes("government")
    two_first, two_at9, _ = crashes("government,industry")
    all_first, all_at9, _ = crashes("all")
    seats = groups.count("government")
    government = (
        f"crashes confined to the government group (up to all {seats} of its seats) never stop it"
        if gov_first == "none"
        else f"crashes confined to the government group leave it deciding in {gov_min} of runs "
        "at worst"
    )
    only = (
        "They stop the group quorum only when they spread over two groups or more"
        if gov_first == "none"
        else "They stop the group quorum too"
    )
    assert isinstance(grouped, GroupShares)
    blocks = sorted(int(b) for b in grouped.sizes - grouped.need + 1)
    failing = int((grouped.need <= grouped.sizes).sum()) - grouped.groups + 1
    block_words = " and ".join(str(b) for b in blocks[:failing])

    def control(scenario: str, fault: str) -> str:
        worst = {
            q: float(
                _select(cells, scenario=scenario, fault=fault, quorum=q)["decision_rate"].min()
            )
            for q in ("18/33", "groups:3/0.75")
        }
        if all(v == 1 for v in worst.values()):
            return "where both decide in every run"
        return (
            f"where decisions fall to {_rate(worst['18/33'])} of runs under the flat threshold "
            f"and {_rate(worst['groups:3/0.75'])} under the group quorum"
        )

    fault_free = rows(split, "equivocate", "groups:3/0.75", "all")
    flat_free = rows(split, "equivocate", "18/33", "all")
    return (
        "On 33 seats (9 government, 8 in each other group) the group quorum groups:3/0.75 asks "
        "three quarters of each of three groups, so its smallest quorum has "
        f"{smallest(grouped)} seats, the size of the flat threshold {smallest(flat)} of 33 it "
        "is set against. The quorum arithmetic makes it safer and less live: two of its quorums "
        f"share at least {tg.safety + 1} seats (two flat ones {tf.safety + 1}), so safety holds "
        f"up to {tg.safety} faulty seats instead of {tf.safety}, but {tg.liveness + 1} crashes "
        f"({block_words} in two groups) block it, where the flat threshold takes "
        f"{tf.liveness + 1}. "
        "The sweep shows both sides, against equivocators and crashes drawn from anywhere, "
        "from the government group alone, or from government and industry. On an incident "
        f"that splits the council ({split}) equivocators break the flat threshold from "
        f"{broke('all')} of them drawn from anywhere ({broke('government')} all in government, "
        f"{broke('government,industry')} in government and industry; violations in "
        f"{at(flat_free, 9, 'safety_violation_rate')} of runs at 9), and {group_safety}; but "
        "the group quorum decides less often to begin with "
        f"({at(fault_free, 0, 'decision_rate')} of fault-free runs against "
        f"{at(flat_free, 0, 'decision_rate')}), as three quarters of three groups is hard to "
        f"reach on a split. On an incident the council agrees on ({agreed}) crashes "
        f"{flat_live} up to 9. {only}: "
        f"{government}, while crashes in government and "
        f"industry cut decisions from {two_first} of them ({two_at9} of runs at 9), and "
        f"crashes drawn from anywhere from {all_first} ({all_at9} at 9). The other two panels "
        f"are controls: crashes on the split incident, {control(split, 'crash')}, and "
        f"equivocators on the agreed one, {control(agreed, 'equivocate')}."
    )


def lossy_network(cells: pd.DataFrame) -> str:
    """The paragraph of ``lossy-network``."""
    agreed, split = "kh-ai-tutor-public-schools", "kh-credit-scoring-isolated-data"

    def rows(scenario: str, k: int) -> pd.DataFrame:
        return _select(cells, scenario=scenario, byzantine=k).sort_values("drop")

    def at(frame: pd.DataFrame, drop: float, column: str) -> float:
        return float(frame[frame["drop"] == drop][column].iloc[0])

    def stops(scenario: str) -> float:
        """The smallest loss from which no run decides, whatever the faulty seats."""
        best = cells[cells["scenario"] == scenario].groupby("drop")["decision_rate"].max()
        return float(best[best == 0].index.min())

    n = 33
    t, f = bft_quorum(n), max_faulty(n)
    clean, attacked = rows(agreed, 0), rows(agreed, f)
    falls = float(clean[clean["decision_rate"] < 1]["drop"].min())
    full = float(clean[clean["drop"] < falls]["drop"].max())
    slowest = float(clean[clean["decision_rate"] > 0]["drop"].max())
    violations = int(round((cells["safety_violation_rate"] * cells["runs"]).sum()))
    return (
        "Every point-to-point message, in deliberation and in the protocol, is lost with "
        f"probability drop. bft needs {t} of {n} prepares for its winner and then {t} commits, "
        "counted in each seat's own view, so losses eat into its margin. On an incident the "
        f"council agrees on ({agreed}) it decides in every run up to a loss of {full:g}; at "
        f"{falls:g} decisions fall ({_rate(at(clean, falls, 'decision_rate'))} of runs without "
        f"faulty seats, {_rate(at(attacked, falls, 'decision_rate'))} with {f} equivocators) "
        "and "
        f"from {stops(agreed):g} none is reached. Decisions also take longer as losses grow: "
        f"{at(clean, 0, 'rounds_to_decide'):.3g} rounds on average without loss, "
        f"{at(clean, slowest, 'rounds_to_decide'):.3g} at {slowest:g}. Safety holds throughout: "
        f"{violations} violations in {int(cells['runs'].sum())} runs, with up to f = {f} "
        f"equivocators and up to {cells['drop'].max():g} of the messages lost, because a seat "
        f"counts a quorum among senders, and two sets of {t} of {n} senders share an honest "
        "seat however many messages "
        f"go missing. On an incident that splits the council ({split}) decisions are rare to "
        f"begin with ({_rate(at(rows(split, 0), 0, 'decision_rate'))} of fault-free runs) and "
        f"stop from a loss of {stops(split):g}."
    )


WRITERS: dict[str, Callable[[pd.DataFrame], str]] = {
    "group-quorum": group_quorum,
    "lossy-network": lossy_network,
}
"""The presets whose paragraphs this module writes."""


def paragraph(name: str, cells: pd.DataFrame) -> str:
    """A preset's paragraph from its per-cell metrics."""
    return WRITERS[name](cells)


def write(name: str, *, workers: int | None = None) -> Path:
    """Run a preset and rewrite its paragraph (the front matter stays); return the file."""
    path = FOLDER / f"{name}.md"
    text = path.read_text(encoding="utf-8")
    _, front, _ = text.split("---", 2)
    body = paragraph(name, preset_cells(name, workers=workers))
    path.write_text(f"---{front}---\n{_wrap(body)}\n", encoding="utf-8")
    return path


def _wrap(text: str, width: int = 96) -> str:
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join([*lines, line])


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the paragraphs of the named presets (all of this module's without names)."""
    names = list(argv if argv is not None else sys.argv[1:]) or list(WRITERS)
    unknown = [n for n in names if n not in WRITERS]
    if unknown:
        print(f"no generated paragraph for {unknown[0]!r} (known: {', '.join(WRITERS)})")
        return 2
    for name in names:
        print(write(name))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
