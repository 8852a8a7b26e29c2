"""Entry point: `python -m app` and `threadline`. With no command the GUI starts; otherwise the CLI runs."""

from __future__ import annotations

import sys

from app import cli


def main(argv: list[str] | None = None) -> int:
    args = cli.parse_args(sys.argv[1:] if argv is None else argv)
    if args.command is None:
        from app.ui.application import run  # Qt is imported only when the GUI is wanted

        return run(args.db)
    return cli.execute(args)


if __name__ == "__main__":
    sys.exit(main())
