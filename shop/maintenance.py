"""Backups of the embedded SQLite database (PostgreSQL uses pg_dump; see the README)."""
import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


def sqlite_path(database_uri: str) -> Path:
    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupError("backup and restore handle the SQLite database; for PostgreSQL use "
                          "pg_dump and pg_restore (see the README)")
    return Path(url.database)


def backup_sqlite(database_uri: str, target: Path) -> Path:
    """Copy the live database to `target` with SQLite's online backup (consistent while in use)."""
    source_path = sqlite_path(database_uri)
    if not source_path.exists():
        raise BackupError(f"there is no database at {source_path}")
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name")
    with closing(sqlite3.connect(source_path)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    return target


def restore_sqlite(database_uri: str, backup: Path) -> Path:
    """Replace the database's content with a backup's (checked to be a shop database first)."""
    target_path = sqlite_path(database_uri)
    if not backup.exists():
        raise BackupError(f"there is no backup at {backup}")
    with closing(sqlite3.connect(backup)) as source:
        tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not {"alembic_version", "product", "shop_order"} <= tables:
            raise BackupError(f"{backup} is not a backup of this shop")
        with closing(sqlite3.connect(target_path)) as target:
            source.backup(target)
    return target_path
