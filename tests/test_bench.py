"""The benchmark command runs and reports every figure (the numbers go in notes, not asserts)."""

from __future__ import annotations

import json


def test_bench_reports_every_figure(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("bench", "--quick", "--json")
    assert result.code == 0, result.err
    figures = json.loads(result.out)
    assert [f["unit"] for f in figures] == ["s", "s", "runs/s", "runs/s"]
    assert all(f["value"] > 0 for f in figures)
