"""Which files are the project's Oracle sources, and how a path is shown in a finding.

Every *.sql, *.pks, *.pkb, *.trg under database/ and plsql/, except database/postgres/ (PostgreSQL compat
files) and *.postgres.sql (the PostgreSQL text of a migration whose engines need different SQL: see
database/migrations/README.md). The syntax gate and the semantic check read the same set.
"""
from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = ("database", "plsql")
EXCLUDED_DIRS = (Path("database") / "postgres",)
EXCLUDED_SUFFIX = ".postgres.sql"
SUFFIXES = (".sql", ".pks", ".pkb", ".trg")


def display(path: Path) -> str:
    """The path relative to the repository when it is inside it."""
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def is_oracle_source(path: Path, root: Path = REPO_ROOT) -> bool:
    if not path.is_file() or path.suffix.lower() not in SUFFIXES or path.name.lower().endswith(EXCLUDED_SUFFIX):
        return False
    resolved = path.resolve()
    return not any(resolved.is_relative_to((root / e).resolve()) for e in EXCLUDED_DIRS)


def sources_under(directory: Path, root: Path = REPO_ROOT) -> list[Path]:
    """The Oracle sources in a folder and its subfolders, sorted."""
    return sorted(p for p in directory.rglob("*") if is_oracle_source(p, root))


def default_paths(root: Path = REPO_ROOT) -> list[Path]:
    """Every Oracle source of the project, sorted."""
    return sorted(p for d in SOURCE_DIRS for p in sources_under(root / d, root))
