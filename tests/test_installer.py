"""The PyInstaller bundle carries every data file the app loads at run time (no build needed: the spec's
datas come from installer/bundle_data.py, checked here against what the app's code actually opens), and
installer/build.py makes the Windows icon from the app's SVG before PyInstaller runs."""

from __future__ import annotations

import ast
import importlib.util
import re
import struct
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


def _build_script():
    spec = importlib.util.spec_from_file_location("threadline_build", ROOT / "installer" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_build_writes_a_multi_size_windows_icon_from_the_svg(tmp_path):
    ico = _build_script().write_icon(out=tmp_path / "threadline.ico")
    data = ico.read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    assert (reserved, kind) == (0, 1)  # 1: icon (2 would be a cursor)
    entries = [struct.unpack_from("<BBBBHHII", data, 6 + 16 * i) for i in range(count)]
    sizes = [width or 256 for width, *_ in entries]
    assert sizes == [16, 24, 32, 48, 64, 128, 256]
    end_of_directory = 6 + 16 * count
    for (width, height, _, _, planes, bits, length, offset), size in zip(entries, sizes):
        assert (width, height, planes, bits) == (size % 256, size % 256, 1, 32)
        assert offset >= end_of_directory and offset + length <= len(data)
        image = data[offset:offset + length]
        if size == 256:
            assert image.startswith(b"\x89PNG\r\n\x1a\n")
        else:  # BITMAPINFOHEADER: the height counts the colour rows and the transparency mask
            assert struct.unpack_from("<IiiHH", image, 0) == (40, size, 2 * size, 1, 32)
            assert length == 40 + size * size * 4 + (size + 31) // 32 * 4 * size

    # Read back by another ICO reader (Qt's plugin): each size shows the app's tile, corners see-through.
    from PySide6.QtGui import QColor, QImageReader

    reader = QImageReader(str(ico))
    assert reader.imageCount() == len(sizes)
    for index, size in enumerate(sizes):
        assert reader.jumpToImage(index)
        image = reader.read()
        assert (image.width(), image.height()) == (size, size)
        assert image.pixelColor(0, 0).alpha() == 0
        # Left of the thread's curve, inside the tile: the SVG's fill, #1f2a36, opaque.
        assert image.pixelColor(size * 6 // 64, size // 2) == QColor("#1f2a36")


def test_build_makes_the_icon_before_pyinstaller_and_packaging(monkeypatch):
    build = _build_script()
    steps = []
    monkeypatch.setattr(build, "write_icon", lambda: steps.append("icon"))
    # [python, "-m", "PyInstaller", …]: the real PyInstaller run is not needed to see the order.
    monkeypatch.setattr(build.subprocess, "run", lambda command, **_: steps.append(command[2]))
    monkeypatch.setattr(build, "linux_package", lambda: steps.append("package"))
    monkeypatch.setattr(build, "windows_installer", lambda: steps.append("package"))
    monkeypatch.setattr("sys.argv", ["build.py"])
    build.main()
    assert steps == ["icon", "PyInstaller", "package"]
    steps.clear()
    monkeypatch.setattr("sys.argv", ["build.py", "--skip-pyinstaller"])  # the Windows installer needs it too
    build.main()
    assert steps == ["icon", "package"]


def test_windows_executables_and_installer_use_the_generated_icon():
    spec_text = (ROOT / "installer" / "threadline.spec").read_text(encoding="utf-8")
    assert '"threadline.ico"' in spec_text and "icon=icon" in spec_text
    iss_text = (ROOT / "installer" / "threadline.iss").read_text(encoding="utf-8")
    assert "SetupIconFile={#IconFile}" in iss_text and '#define IconFile "threadline.ico"' in iss_text
