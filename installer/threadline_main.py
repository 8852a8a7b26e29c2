"""The frozen application's entry script: the same `main` as `python -m app` and the `threadline` command."""

import sys

from app.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
