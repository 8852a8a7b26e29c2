"""The PyInstaller bundle carries every data file the app loads at run time (no build needed: the spec's
datas come from installer/bundle_data.py, checked here against what the app's code actually opens)."""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES_CALL = re.compile(r"""resources\.files\(\s*["']([\w.]+)["']\s*\)((?:\s*/\s*["'][^"']+["'])*)""")
PACKAGE_LOADER = re.compile(r"""PackageLoader\(\s*["']([\w.]+)["']\s*,\s*["']([^"']+)["']""")


def _bundle_data():
    spec = importlib.util.spec_from_file_location("bundle_data", ROOT / "installer" / "bundle_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def loaded_paths() -> dict[Path, str]:
    """Every path the app opens through importlib.resources or Jinja's PackageLoader → where in the code."""
    found: dict[Path, str] = {}
    for source in sorted((ROOT / "app").rglob("*.py")):
        text = source.read_text(encoding="utf-8")
        where = str(source.relative_to(ROOT))
        for package, parts in FILES_CALL.findall(text):
            components = re.findall(r"""["']([^"']+)["']""", parts)
            found[ROOT.joinpath(*package.split("."), *components)] = where
        for package, folder in PACKAGE_LOADER.findall(text):
            found[ROOT.joinpath(*package.split("."), folder)] = where
    return found


def test_the_scan_finds_the_known_resource_loads():
    # Guards the scan itself: if the regexes stopped matching, the coverage test below would pass vacuously.
    paths = {path.relative_to(ROOT).as_posix() for path in loaded_paths()}
    assert {"app/resources/threadline.qss", "app/resources/threadline.svg", "app/migrations",
            "app/api/templates"} <= paths


def test_spec_datas_cover_every_resource_the_app_loads():
    bundle = _bundle_data()
    shipped = {(Path(source).resolve(), Path(dest).as_posix()) for source, dest in bundle.app_datas()}
    shipped_files = {source for source, _ in shipped}
    for path, where in loaded_paths().items():
        assert path.exists(), f"{where} loads {path}, which does not exist"
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()
                                                 and "__pycache__" not in p.parts and p.suffix != ".pyc"]
        assert files, f"{path} is empty"
        for file in files:
            # Same place relative to the bundle root as to the repository: importlib.resources finds it.
            destination = file.parent.relative_to(ROOT).as_posix()
            assert (file.resolve(), destination) in shipped, f"{file} (loaded in {where}) is not in the bundle"
    # Alembic reads every revision as a file: a new migration must be picked up without editing the spec.
    for revision in (ROOT / "app" / "migrations" / "versions").glob("*.py"):
        assert revision.resolve() in shipped_files


def test_spec_takes_its_datas_and_imports_from_bundle_data():
    spec_text = (ROOT / "installer" / "threadline.spec").read_text(encoding="utf-8")
    ast.parse(spec_text)  # a spec is Python: at least it must parse
    for name in ("bundle_data.app_datas()", "bundle_data.EXTRA_HIDDEN_IMPORTS", "bundle_data.COLLECT_DATA",
                 "bundle_data.EXCLUDES", 'collect_submodules("app"'):
        assert name in spec_text
    import psycopg  # noqa: F401 - psycopg_binary refuses to be looked up before psycopg is imported

    bundle = _bundle_data()
    for module in bundle.EXTRA_HIDDEN_IMPORTS:
        assert importlib.util.find_spec(module) is not None, f"hidden import {module} is not installed"


def test_no_frozen_path_branches_in_the_app():
    # Resources go through importlib.resources, which works frozen and unfrozen alike (house style 8).
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "app").rglob("*.py")
                 if "_MEIPASS" in p.read_text(encoding="utf-8")]
    assert offenders == []
