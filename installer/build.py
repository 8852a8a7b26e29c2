"""Build Threadline for this platform: the one-folder application with PyInstaller, then on Linux a
`.desktop` entry and a tarball, on Windows the Inno Setup installer.

    .venv/bin/pip install -e '.[build]'
    .venv/bin/python installer/build.py [--skip-pyinstaller] [--check]

Output: installer/threadline.ico (generated from the app's SVG, for the Windows executables and installer),
dist/threadline/ (the application), and dist/threadline-<version>-linux-<arch>.tar.gz or
dist/threadline-<version>-setup.exe. --check runs the bundle's `--version` and an offscreen smoke test.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import struct
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
SVG_ICON = ROOT / "app" / "resources" / "threadline.svg"
ICO_ICON = INSTALLER / "threadline.ico"  # generated, not committed: threadline.spec and .iss read it
# Explorer, the taskbar and the Start menu pick among these (16–48 at 100–200 % scaling, 256 for tiles).
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)

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


def write_icon(svg: Path = SVG_ICON, out: Path = ICO_ICON, sizes: tuple[int, ...] = ICO_SIZES) -> Path:
    """A multi-size Windows .ico of the app's SVG. Each size is rendered from the vector (crisper at 16 px
    than scaling one bitmap down); Qt's ICO writer stores one image per file, so the container is written
    here."""
    from PySide6.QtCore import QBuffer, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not an SVG Qt can render")
    images = []
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        if size >= 256:  # PNG inside the .ico, as Windows expects for 256 px (uncompressed: 256 KB)
            buffer = QBuffer()
            buffer.open(QIODevice.OpenModeFlag.WriteOnly)
            image.save(buffer, "PNG")
            images.append(bytes(buffer.data()))
        else:  # the classic BMP form for the small sizes, which every Windows tool reads
            images.append(_ico_bitmap(image))
    directory, offset = b"", 6 + 16 * len(sizes)
    for size, data in zip(sizes, images):
        # width, height (0 means 256), palette colours, reserved, planes, bits per pixel, size, offset
        directory += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    out.write_bytes(struct.pack("<HHH", 0, 1, len(sizes)) + directory + b"".join(images))
    print(f"icon: {out} ({', '.join(map(str, sizes))} px)")
    return out


def _ico_bitmap(image) -> bytes:
    """An ICO entry in BMP form: a BITMAPINFOHEADER (height doubled for the mask), 32-bit BGRA rows bottom-up,
    then the 1-bit transparency mask that old readers use instead of the alpha channel."""
    from PySide6.QtGui import QImage

    size = image.width()
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)  # bytes R, G, B, A on any CPU
    stride = rgba.bytesPerLine()
    pixels = bytearray(rgba.constBits())
    pixels[0::4], pixels[2::4] = pixels[2::4], pixels[0::4]  # → B, G, R, A as BMP wants
    rows = [bytes(pixels[y * stride:y * stride + size * 4]) for y in reversed(range(size))]
    mask_stride = (size + 31) // 32 * 4
    mask = b""
    for row in rows:
        bits = bytearray(mask_stride)
        for x in range(size):
            if row[x * 4 + 3] == 0:  # fully transparent: mask bit set
                bits[x // 8] |= 0x80 >> (x % 8)
        mask += bytes(bits)
    colour = b"".join(rows)
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, len(colour) + len(mask), 0, 0, 0, 0)
    return header + colour + mask


def run_pyinstaller() -> None:
    write_icon()  # the spec gives it to the Windows executables (also when bench_bundle.py rebuilds)
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
                    f"/DIconFile={ICO_ICON}", str(INSTALLER / "threadline.iss")], check=True)
    setup = DIST / f"threadline-{version()}-setup.exe"
    print(f"Windows: {setup}")
    return setup


def smoke_environment(root: Path, demo_units: int = 20) -> dict[str, str]:
    """A throw-away data and config directory, as on a PC where Threadline never ran: the first start walks the
    set-up assistant with its defaults (the embedded database) and builds a small demo plant."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", THREADLINE_DATA_DIR=str(root / "data"),
               THREADLINE_CONFIG_DIR=str(root / "config"), THREADLINE_DEMO_UNITS=str(demo_units))
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
    if args.skip_pyinstaller:
        write_icon()  # the Windows installer's own icon; well under a second
    else:
        run_pyinstaller()
    if WINDOWS:
        windows_installer()
    else:
        linux_package()
    if args.check:
        check()


if __name__ == "__main__":
    main()
