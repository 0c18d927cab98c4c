"""A throwaway PostgreSQL server for the tests, started from the machine's own binaries."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

REQUIRE_ENV = "REVISIONBOT_REQUIRE_POSTGRES"  # set by CI: a missing server fails instead of skipping


def find_bindir() -> Path | None:
    for pattern in ("/usr/lib/postgresql/*/bin",):
        for d in sorted(glob.glob(pattern), reverse=True):
            if (Path(d) / "initdb").exists():
                return Path(d)
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """initdb + pg_ctl in a temporary folder, listening on 127.0.0.1 only; trust authentication."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        # On a RAM disk when there is one: the server's data (hundreds of MB over the suite) is written and
        # removed there in a moment instead of seconds of disk work.
        ram = Path("/dev/shm")
        where = ram if ram.is_dir() and os.access(ram, os.W_OK) else None
        self.root = Path(tempfile.mkdtemp(prefix="revisionbot-pg-", dir=where))
        self.data = self.root / "data"
        self.port = _free_port()
        # PostgreSQL refuses to run as root: run it as the postgres user when we are root.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        if self.as_user:
            shutil.chown(self.root, "postgres")
            os.chmod(self.root, 0o700)
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "revisionbot",
            "--no-sync",
            "-E",
            "UTF8",
        )
        opts = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", opts, "-l", str(self.root / "log"), "-w", "start"
        )

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            # Removed by a separate process: the suite does not wait for it.
            subprocess.Popen(["rm", "-rf", str(self.root)], start_new_session=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://revisionbot@127.0.0.1:{self.port}/{database}"

    async def create_database(self, name: str) -> str:
        import asyncpg

        conn = await asyncpg.connect(host="127.0.0.1", port=self.port, user="revisionbot", database="postgres")
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        return self.url(name)
