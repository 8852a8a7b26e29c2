"""The core runs without Qt: the import-linter contract in pyproject.toml holds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_only_the_ui_imports_qt():
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(linter)], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[1])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Only app.ui (and the entry point) may import Qt KEPT" in result.stdout
    assert " 0 broken" in result.stdout


def test_the_contract_covers_every_module_outside_the_ui():
    import pkgutil
    import tomllib

    import app

    config = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    contract = config["tool"]["importlinter"]["contracts"][0]
    covered = set(contract["source_modules"])
    modules = {f"app.{m.name}" for m in pkgutil.iter_modules(app.__path__)} - {"app.ui", "app.__main__",
                                                                                 "app.migrations"}
    assert modules <= covered, f"add {sorted(modules - covered)} to the import-linter contract"
