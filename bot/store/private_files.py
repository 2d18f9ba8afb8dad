"""Database and key files readable by their owner only (0600).

Every process that opens a local database or key file calls these at start (the
store's engine, Rasa's tracker store, the data key): a file that already exists
with wider bits (0644 from an older run, a copy) is narrowed each time, and the
process's umask gains 077 so whatever it creates next is private too, including
SQLite's -journal and -wal files (SQLite also gives those the database's own mode).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import stat
from pathlib import Path

log = logging.getLogger("golden_hour.store")

OWNER_ONLY = 0o600
# What SQLite writes beside a database file.
SQLITE_SIDECARS = ("-journal", "-wal", "-shm")


def tighten_umask() -> None:
    """Files and folders this process creates from now on get no group or other
    bits. Process-wide: only ever narrows."""
    current = os.umask(0o077)
    os.umask(current | 0o077)


def narrow(path: Path) -> None:
    """Take every group and other bit off an existing file (0644 becomes 0600; the
    owner's own bits stay). Raises FileNotFoundError if there is none. A
    file this process may read but not change (another owner, a read-only mount
    such as a secret volume) is logged and left as it is: refusing to start would
    not make it any less readable."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        if mode & 0o077:
            os.chmod(path, mode & 0o700)
    except FileNotFoundError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EROFS, errno.EACCES):
            raise
        log.warning(
            "file left readable beyond its owner",
            extra={"file": path.name, "error": errno.errorcode.get(exc.errno, "")},
        )


def owner_only(path: Path) -> Path:
    """Make ``path`` 0600, creating it empty if it does not exist (its folder
    with it, 0700)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(path, os.O_RDONLY | os.O_CREAT, OWNER_ONLY))
    narrow(path)
    return path


def sqlite_owner_only(path: Path) -> Path:
    """A SQLite database file and the side files it has now, 0600. An empty file
    is a valid empty database, so creating it first is safe."""
    owner_only(path)
    for suffix in SQLITE_SIDECARS:
        with contextlib.suppress(FileNotFoundError):  # none between transactions
            narrow(path.with_name(path.name + suffix))
    return path


def sqlite_path(database: str | None) -> Path | None:
    """The file of a SQLite database name (SQLAlchemy's URL.database), or None for
    an in-memory database or a ``file:`` URI."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)
