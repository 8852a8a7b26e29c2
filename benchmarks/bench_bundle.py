"""The frozen application: bundle size and start time to the main window, offscreen.

    .venv/bin/python benchmarks/bench_bundle.py [--rebuild] [--runs 5] [--demo-units 20]

Builds dist/threadline with installer/build.py unless it is there already (or --rebuild). Each run starts
the bundle's executable with `--smoke-test` (log in to the demo plant, exit once the main window is shown)
and is timed by this process from spawn to the "main window shown" line, so loading the frozen interpreter
and every import count. Two series: a fresh embedded database each time (schema creation and a small demo
plant included: what a first start costs), and an existing database (an ordinary start). "Cold" here means
a new process; the OS file cache stays warm after the first run (dropping it needs root).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "installer"))
import build  # noqa: E402 - installer/build.py: paths, smoke environment


def size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6


def timed_start(env: dict[str, str]) -> float:
    started = time.perf_counter()
    proc = subprocess.Popen([str(build.executable()), "--smoke-test"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    elapsed = None
    for line in proc.stdout:
        if "main window shown" in line:
            elapsed = time.perf_counter() - started
            break
    _, stderr = proc.communicate(timeout=300)
    if elapsed is None or proc.returncode != 0:
        raise SystemExit(f"the bundle did not reach its main window (exit {proc.returncode}):\n{stderr[-4000:]}")
    return elapsed


def series(label: str, times: list[float]) -> None:
    print(f"{label:<38} median {statistics.median(times):5.2f} s  (min {min(times):.2f}, max {max(times):.2f}, "
          f"{len(times)} runs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="run PyInstaller even if dist/threadline exists")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--demo-units", type=int, default=20, help="demo plant size built on a fresh database")
    args = parser.parse_args()
    if args.rebuild or not build.executable().exists():
        build.run_pyinstaller()
    version = subprocess.run([str(build.executable()), "--version"], capture_output=True, text=True, check=True)
    print(f"bundle: {build.BUNDLE} ({version.stdout.strip()}), {size_mb(build.BUNDLE):.0f} MB on disk, "
          f"{sum(1 for p in build.BUNDLE.rglob('*') if p.is_file())} files")
    archives = sorted(build.DIST.glob("threadline-*.tar.gz"))
    if archives:
        print(f"archive: {archives[-1].name}, {archives[-1].stat().st_size / 1e6:.0f} MB")
    with tempfile.TemporaryDirectory(prefix="threadline-bench-bundle-") as folder:
        fresh = [timed_start(build.smoke_environment(Path(folder) / f"fresh{i}", args.demo_units))
                 for i in range(args.runs)]
        existing_env = build.smoke_environment(Path(folder) / "existing", args.demo_units)
        timed_start(existing_env)  # makes the database the following runs open
        existing = [timed_start(existing_env) for _ in range(args.runs)]
    series(f"fresh database ({args.demo_units}-unit demo) → main window", fresh)
    series("existing database → main window", existing)


if __name__ == "__main__":
    main()
