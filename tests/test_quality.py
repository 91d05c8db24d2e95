"""The project's own rules as failing checks: ruff, the layering contracts, module size."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
MAX_LINES = 500


def test_ruff_is_clean():
    done = subprocess.run([str(BIN / "ruff"), "check", "finpics_desktop", "tests", "packaging"],
                          cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_layering_contracts_hold():
    """Qt only in ui/, boto3 only in the AWS adapters and Lambdas, inner layers never import
    outer ones (import-linter contracts in pyproject.toml)."""
    done = subprocess.run([str(BIN / "lint-imports"), "--no-cache"], cwd=REPO,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "broken" not in done.stdout.split("Contracts:")[-1].lower().replace("0 broken", "")


def test_ui_holds_only_qt_code():
    """Every module of ``ui/`` is Qt code (what needs no Qt is the application layer's)."""
    without_qt = [p.name for p in sorted((REPO / "finpics_desktop" / "ui").glob("*.py"))
                  if p.name != "__init__.py" and not any(
                      line.startswith(("from PySide6", "import PySide6"))
                      for line in p.read_text().splitlines())]
    assert without_qt == []


def test_modules_stay_small():
    big = [f"{p.relative_to(REPO)} ({n} lines)" for p in (REPO / "finpics_desktop").rglob("*.py")
           if (n := len(p.read_text().splitlines())) > MAX_LINES]
    assert big == []
