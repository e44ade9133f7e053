"""Regenerate the presets' figures and the README's generated parts from runs of the presets.

Run it after changing a preset, or anything that moves its numbers::

    python -m council.experiments.presets.regenerate           # every preset, then the README
    python -m council.experiments.presets.regenerate n3-bound  # one preset (and the README)
    python -m council.experiments.presets.regenerate --check   # recompute; exit 1 if stale

Each preset's figures (``council.experiments.presets.claims``) are computed from a sweep of the
cells they read, at the preset's own seed count, and written to ``NAME.figures.json``. The README's
preset table (between ``<!-- presets:begin … -->`` and ``<!-- presets:end -->``) is rewritten from
the presets' summaries, and every ``<!-- figure PRESET.NAME -->VALUE<!-- /figure -->`` span from
their figures.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from council.experiments.presets import Preset, load_preset, names, read_preset
from council.experiments.presets.claims import compute_all
from council.experiments.presets.figure import FigureValues, source_digest
from council.library.loader import LoadError

README = Path(__file__).resolve().parents[3] / "README.md"
"""The README in a source checkout (absent from an installed wheel)."""
TABLE = re.compile(r"(<!-- presets:begin[^>]*-->\n)(.*?)(<!-- presets:end -->)", re.DOTALL)
SPAN = re.compile(r"(<!-- figure ([a-z0-9-]+)\.([a-z][a-z0-9_]*) -->)(.*?)(<!-- /figure -->)")


def readme_text(text: str, presets: Sequence[Preset]) -> str:
    """``text`` (a README) with its preset table and figure spans regenerated.

    ``presets`` are loaded presets (their figures filled in). The table sits between
    ``<!-- presets:begin … -->`` and ``<!-- presets:end -->``; a span reads
    ``<!-- figure PRESET.NAME -->VALUE<!-- /figure -->``.
    """
    by_name = {p.name: p for p in presets}
    rows = ["| preset | what it shows |", "|---|---|"]
    rows += [f"| `{p.name}` | {p.summary} |" for p in presets]
    text = TABLE.sub(lambda m: m.group(1) + "\n".join(rows) + "\n" + m.group(3), text)

    def fill(match: re.Match[str]) -> str:
        preset, name = match.group(2), match.group(3)
        if preset not in by_name or name not in by_name[preset].values:
            raise ValueError(f"README: no figure {preset}.{name}")
        return match.group(1) + by_name[preset].values[name] + match.group(5)

    return SPAN.sub(fill, text)


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate (or ``--check``) the presets' figures and the README's generated parts."""
    parser = argparse.ArgumentParser(
        prog="python -m council.experiments.presets.regenerate", description=__doc__.splitlines()[0]
    )
    parser.add_argument("presets", nargs="*", metavar="NAME", help="default: every preset")
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: cores)")
    parser.add_argument("--readme", type=Path, default=README, help="the README to update")
    args = parser.parse_args(argv)
    differ: list[str] = []
    try:
        for name in args.presets or names():
            preset = read_preset(name)
            if not preset.figures:
                continue
            values = compute_all(preset.config, preset.figures, workers=args.workers)
            result = FigureValues(
                preset=name,
                seeds=preset.config.seeds,
                source=source_digest(preset.config, preset.figures),
                figures=values,
            )
            text = result.model_dump_json(indent=1) + "\n"
            old = preset.figures_path.read_text("utf-8") if preset.figures_path.exists() else ""
            if old != text:
                differ.append(str(preset.figures_path))
                if not args.check:
                    preset.figures_path.write_text(text, encoding="utf-8")
            print(f"{name}: {len(values)} figures at {preset.config.seeds} seeds per cell")
        if args.readme.exists():
            loaded = [load_preset(n) for n in names()]
            old = args.readme.read_text(encoding="utf-8")
            new = readme_text(old, loaded)
            if new != old:
                differ.append(str(args.readme))
                if not args.check:
                    args.readme.write_text(new, encoding="utf-8")
    except LoadError as err:
        print("\n".join(err.lines()), file=sys.stderr)
        return 2
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    verb = "differs from a fresh run" if args.check else "rewritten"
    for path in differ:
        print(f"{path}: {verb}")
    return 1 if args.check and differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
