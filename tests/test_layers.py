"""The concept packages import one way: import-linter's contracts (pyproject.toml) hold."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_packages_import_one_way_and_presenting_never_runs_the_engine() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert "2 kept, 0 broken" in done.stdout


def test_every_package_says_what_lives_there_and_what_it_may_import() -> None:
    packages = [p for p in (ROOT / "council").iterdir() if (p / "__init__.py").exists()]
    assert len(packages) >= 10
    for package in packages:
        doc = (package / "__init__.py").read_text(encoding="utf-8")
        assert "Lives here:" in doc and "May import:" in doc, package.name
