"""What the frozen application carries besides Python modules: the data directories the app loads at run
time through importlib.resources (and Jinja's PackageLoader), and the imports PyInstaller cannot see.

Kept apart from threadline.spec so tests/test_installer.py can check it without PyInstaller or a build.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Directories (relative to the repository) that the app reads as files at run time, each copied to the same
# place inside the bundle so `importlib.resources.files("app") / ...` finds them next to the frozen modules.
APP_DATA_DIRS = [
    "app/resources",  # style sheet and icon (app/ui/application.py)
    "app/migrations",  # Alembic's env.py, script.py.mako and versions/*.py are loaded from files (schema.py)
    "app/api/templates",  # Jinja2 PackageLoader("app.api", "templates") for the phone pages
]

# Modules PyInstaller's import scan misses because they are imported by name at run time.
EXTRA_HIDDEN_IMPORTS = [
    # Alembic's migration scripts are files, not modules: what they import must be in the bundle.
    "alembic.context", "alembic.op", "alembic.runtime.migration", "alembic.ddl.sqlite",
    "alembic.ddl.postgresql", "sqlalchemy.dialects.sqlite", "sqlalchemy.dialects.postgresql",
    "sqlalchemy.dialects.postgresql.psycopg",
    # psycopg loads its C implementation by name when present.
    "psycopg_binary", "psycopg_binary.pq", "psycopg_binary._psycopg",
]

# Packages whose submodules are all imported by name (backends, protocol/loop choices).
# reportlab's barcode widgets import their symbologies (code93, qr, …) by name inside exec().
COLLECT_SUBMODULES = ["keyring.backends", "uvicorn", "pyhanko", "pyhanko_certvalidator", "reportlab"]

# Packages that ship non-Python files they read at run time (fonts, schema data, certificates).
COLLECT_DATA = ["reportlab", "pyhanko", "pyhanko_certvalidator", "biip", "certifi"]

# Packages whose installed metadata is read at run time (entry points, versions).
COPY_METADATA = ["keyring", "pyhanko", "pyhanko-certvalidator", "fastapi", "uvicorn"]

# Heavy things pulled in only by optional imports; the app never uses them.
EXCLUDES = ["tkinter", "matplotlib", "IPython", "pytest", "PyQt5", "PyQt6", "PySide2", "pyqtgraph.examples",
            "pyqtgraph.opengl", "OpenGL"]


def app_datas() -> list[tuple[str, str]]:
    """(source file, destination folder) pairs for every file under APP_DATA_DIRS, caches left out."""
    pairs: list[tuple[str, str]] = []
    for folder in APP_DATA_DIRS:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                pairs.append((str(path), str(path.parent.relative_to(ROOT))))
    return pairs
