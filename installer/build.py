"""Build Threadline for this platform: the one-folder application with PyInstaller, then on Linux a
`.desktop` entry and a tarball, on Windows the Inno Setup installer.

    .venv/bin/pip install -e '.[build]'
    .venv/bin/python installer/build.py [--skip-pyinstaller] [--check]

Output: dist/threadline/ (the application), and dist/threadline-<version>-linux-<arch>.tar.gz or
dist/threadline-<version>-setup.exe. --check runs the bundle's `--version` and an offscreen smoke test.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INSTALLER = ROOT / "installer"
DIST = ROOT / "dist"
BUNDLE = DIST / "threadline"
WINDOWS = sys.platform == "win32"

DESKTOP_ENTRY = """[Desktop Entry]
Type=Application
Name=Threadline
GenericName=Quality traceability
Comment=Trace parts, lots and inspections on the shop floor
Exec={exec_path}
Icon={icon_path}
Terminal=false
Categories=Office;Database;
StartupWMClass=threadline
"""


def version() -> str:
    sys.path.insert(0, str(ROOT))
    from app import __version__

    return __version__


def executable(bundle: Path = BUNDLE) -> Path:
    return bundle / ("threadline-cli.exe" if WINDOWS else "threadline")


def run_pyinstaller() -> None:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
                    "--distpath", str(DIST), "--workpath", str(ROOT / "build" / "pyinstaller"),
                    str(INSTALLER / "threadline.spec")], cwd=ROOT, check=True)
    print(f"PyInstaller: {BUNDLE} in {time.perf_counter() - started:.0f} s")


def linux_package() -> Path:
    """The .desktop entry inside the folder (paths fixed by `install-desktop-entry.sh` after unpacking), and a
    tarball of the folder."""
    shutil.copy(ROOT / "app" / "resources" / "threadline.svg", BUNDLE / "threadline.svg")
    (BUNDLE / "threadline.desktop").write_text(
        DESKTOP_ENTRY.format(exec_path="/opt/threadline/threadline", icon_path="/opt/threadline/threadline.svg"),
        encoding="utf-8")
    script = BUNDLE / "install-desktop-entry.sh"
    script.write_text(
        "#!/bin/sh\n"
        "# Adds Threadline to this user's application menu, pointing at wherever this folder was unpacked.\n"
        "set -e\nhere=$(cd \"$(dirname \"$0\")\" && pwd)\n"
        "mkdir -p \"$HOME/.local/share/applications\"\n"
        "sed -e \"s|/opt/threadline|$here|g\" \"$here/threadline.desktop\" "
        "> \"$HOME/.local/share/applications/threadline.desktop\"\n"
        "echo \"Threadline added to the application menu ($here)\"\n", encoding="utf-8")
    script.chmod(0o755)
    archive = DIST / f"threadline-{version()}-linux-{platform.machine()}.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(BUNDLE, arcname="threadline")
    print(f"Linux: {archive} ({archive.stat().st_size / 1e6:.0f} MB)")
    return archive


def windows_installer() -> Path:
    iscc = shutil.which("iscc") or r"C:\Program Files (x86)\Inno Setup 6\ISCC.exe"
    if not Path(iscc).exists():
        raise SystemExit("Inno Setup 6 (ISCC.exe) is needed for the installer: https://jrsoftware.org/isinfo.php")
    subprocess.run([iscc, f"/DAppVersion={version()}", f"/DSourceDir={BUNDLE}", f"/DOutputDir={DIST}",
                    str(INSTALLER / "threadline.iss")], check=True)
    setup = DIST / f"threadline-{version()}-setup.exe"
    print(f"Windows: {setup}")
    return setup


def smoke_environment(root: Path, demo_units: int = 20) -> dict[str, str]:
    """A throw-away data and config directory: a fresh embedded database with a small demo plant."""
    (root / "config").mkdir(parents=True, exist_ok=True)
    (root / "config" / "settings.json").write_text(f'{{"demo.units_on_first_start": {demo_units}}}')
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", THREADLINE_DATA_DIR=str(root / "data"),
               THREADLINE_CONFIG_DIR=str(root / "config"))
    env.pop("THREADLINE_DB", None)
    return env


def check(bundle: Path = BUNDLE) -> None:
    out = subprocess.run([str(executable(bundle)), "--version"], capture_output=True, text=True, check=True)
    print(f"--version: {out.stdout.strip()}")
    with tempfile.TemporaryDirectory(prefix="threadline-smoke-") as folder:
        started = time.perf_counter()
        done = subprocess.run([str(executable(bundle)), "--smoke-test"], env=smoke_environment(Path(folder)),
                              capture_output=True, text=True, timeout=180)
        if done.returncode != 0:
            raise SystemExit(f"smoke test failed ({done.returncode}):\n{done.stdout}\n{done.stderr[-4000:]}")
        print(f"{done.stdout.strip()} ({time.perf_counter() - started:.1f} s, fresh database)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-pyinstaller", action="store_true", help="package the existing dist/threadline")
    parser.add_argument("--check", action="store_true", help="run --version and the smoke test on the bundle")
    args = parser.parse_args()
    if not args.skip_pyinstaller:
        run_pyinstaller()
    if WINDOWS:
        windows_installer()
    else:
        linux_package()
    if args.check:
        check()


if __name__ == "__main__":
    main()
