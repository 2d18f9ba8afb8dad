"""A throwaway PostgreSQL server for the tests, from Debian's packages.

`scripts/test` installs the `postgresql` package (scripts/system-packages-test.txt).
The server runs from a temporary folder on a free loopback port, with fsync off
(the data is thrown away), and is stopped at the end of the session. Each test
gets a database of its own. If the binaries are missing the tests fail with a
clear message: the PostgreSQL tests are never silently skipped.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.e2e.harness import free_port


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError(
            "PostgreSQL server binaries not found: install Debian's postgresql package "
            "(scripts/test does this as root: scripts/system-packages-test.txt)"
        )
    return Path(found[-1]).parent


@dataclass
class Postgres:
    root: Path
    port: int
    bindir: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, cwd=self.root)

    def start(self) -> Postgres:
        if os.geteuid() == 0:
            pg = pwd.getpwnam("postgres")
            os.chown(self.root, pg.pw_uid, pg.pw_gid)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "golden", "--no-sync")
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-w", "-l", "pg.log", "start")
        return self

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg2://golden@127.0.0.1:{self.port}/postgres"

    def new_database(self) -> str:
        """A fresh, empty database; its URL."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT", future=True)
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return f"postgresql+psycopg2://golden@127.0.0.1:{self.port}/{name}"

    def raw_bytes(self, url: str) -> bytes:
        """Every byte of one database's files on disk, after a checkpoint."""
        name = url.rsplit("/", 1)[1]
        eng = create_engine(self.admin_url, isolation_level="AUTOCOMMIT", future=True)
        with eng.connect() as conn:
            conn.execute(text("CHECKPOINT"))
            oid = conn.execute(
                text("SELECT oid FROM pg_database WHERE datname = :n"), {"n": name}
            ).scalar_one()
        eng.dispose()
        return b"".join(p.read_bytes() for p in (self.data / "base" / str(oid)).iterdir())


def start_postgres() -> Postgres:
    root = Path(tempfile.mkdtemp(prefix="golden-hour-pg-"))
    return Postgres(root=root, port=free_port(), bindir=_bindir()).start()
