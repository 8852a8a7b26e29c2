"""Start-up time: from process start to a usable main window (logged in, Lookup scan field focused),
on an existing demo database, offscreen.

    .venv/bin/python benchmarks/bench_startup.py [--units 2000] [--runs 5] [--data-dir DIR]

The parent builds the demo database once (or reuses --data-dir), then starts a fresh interpreter per run
that goes through the real start-up code (`app.ui.application.configure` + `app.ui.startup.Startup`),
logs in as the demo admin the way the login dialog is used, and prints when the scan field has focus.
The wall time is measured by the parent from just before spawning the child, so interpreter start and
every import count. The child also reports its phases.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

T0 = time.perf_counter()
ROOT = Path(__file__).resolve().parents[1]
DEMO_PASSWORD = "threadline"  # app.services.demo.DEMO_PASSWORD, not imported: that would load the ORM early


def child() -> None:
    marks: dict[str, float] = {}

    def mark(name: str) -> None:
        marks[name] = (time.perf_counter() - T0) * 1000

    sys.path.insert(0, str(ROOT))
    from PySide6.QtWidgets import QApplication

    mark("qt_imported")
    from app.config import Settings
    from app.ui.application import configure
    from app.ui.startup import Startup

    mark("app_imported")
    application = QApplication([])
    settings = Settings()
    configure(application, settings)
    mark("qapplication_styled")
    startup = Startup(settings)

    def on_login(dialog) -> None:
        mark("login_shown")
        dialog.username.setText("admin")
        dialog.password.setText(DEMO_PASSWORD)  # typed at once: the benchmark does not wait for a person
        dialog.submit()

    def on_window(window) -> None:
        mark("logged_in_window_built")
        page = window.pages.currentWidget()

        def ready() -> None:
            if page.scan_field.hasFocus():
                mark("scan_field_focused")
                print("READY " + json.dumps(marks), flush=True)
                startup._finish(0)
            else:
                from PySide6.QtCore import QTimer

                QTimer.singleShot(1, ready)

        ready()

    startup.login_shown.connect(on_login)
    startup.main_window_shown.connect(on_window)
    startup.finished.connect(application.exit)
    startup.start()
    mark("startup_window_shown")
    application.exec()
    startup.shutdown()


def prepare(data_dir: Path, units: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["THREADLINE_DATA_DIR"] = str(data_dir)
    from app.config import default_db_url
    from app.db import make_engine, make_session_factory
    from app.services import schema
    from app.services.demo import build_demo_plant
    from app.services.permissions import SYSTEM
    from app.services.users import has_users

    engine = make_engine(default_db_url())
    schema.upgrade(engine)
    factory = make_session_factory(engine)
    if not has_users(factory):
        started = time.perf_counter()
        build_demo_plant(factory, SYSTEM, units=units)
        print(f"demo plant with {units} units built in {time.perf_counter() - started:.1f} s")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child()
        return
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="threadline-bench-")) / "data"
    config_dir = data_dir.parent / "config"
    prepare(data_dir, args.units)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", THREADLINE_DATA_DIR=str(data_dir),
               THREADLINE_CONFIG_DIR=str(config_dir))
    env.pop("THREADLINE_DB", None)
    walls: list[float] = []
    phases: list[dict[str, float]] = []
    for _ in range(args.runs):
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, __file__, "--child"], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, cwd=ROOT)
        ready_line = ""
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("READY "):
                walls.append((time.perf_counter() - started) * 1000)
                ready_line = line
                break
        _, stderr = proc.communicate(timeout=60)
        if not ready_line:
            raise SystemExit(f"the child never became ready:\n{stderr}")
        phases.append(json.loads(ready_line[len("READY "):]))
    print(f"database: {data_dir / 'threadline.db'} ({args.units} demo units), {args.runs} runs, offscreen")
    print(f"process start → usable main window: median {statistics.median(walls):.0f} ms "
          f"(min {min(walls):.0f}, max {max(walls):.0f})")
    print("phases inside the process (median ms since the interpreter ran the script's first line):")
    for name in phases[0]:
        print(f"  {name:<24} {statistics.median(p[name] for p in phases):7.0f}")


if __name__ == "__main__":
    main()
