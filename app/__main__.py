"""Entry point: `python -m app` and `threadline`. With no command the GUI starts; otherwise the CLI runs."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    gui = argparse.ArgumentParser(add_help=False)
    gui.add_argument("--db")
    # Installer check (installer/README.md): start, log in to the demo plant, exit 0 once the main window shows.
    gui.add_argument("--smoke-test", action="store_true")
    known, rest = gui.parse_known_args(argv)
    if not rest:
        # No command: the GUI. Importing the CLI's commands (numpy, device decoders…) would only slow it down.
        from app.ui.application import run

        return run(known.db, smoke_test=known.smoke_test)
    from app import cli

    return cli.execute(cli.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
