"""A throwaway PostgreSQL server for the tests, started from the machine's own binaries.

Its folder stays small (50 MB, not the 400-850 MB it used to reach): each test's database is copied from
template1 without going through the WAL (STRATEGY = FILE_COPY) and dropped once the test is done, and the WAL
is kept to a few 1 MB segments. It is on a RAM disk when there is one with room. A watchdog process started with
the server stops it and removes the folder when the test session ends, however it ends (Ctrl-C, kill -9,
crash), and the session does not wait for the removal. Folders that a dead session left behind are removed
by the next one.
"""

from __future__ import annotations

import fcntl
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REQUIRE_ENV = "REVISIONBOT_REQUIRE_POSTGRES"  # set by CI: a missing server fails instead of skipping

PREFIX = "revisionbot-pg-"
LOCK = "owner.lock"  # held (flock) by the session and its watchdog while the folder is in use
RAM_DISK = Path("/dev/shm")
RAM_DISK_ROOM = 512 * 2**20  # free space the RAM disk must have; else the server goes to the temp folder
STALE_AFTER = 600  # seconds: a folder without a lock file (made by older code) is left alone until then


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


def _ram_disk() -> Path | None:
    """/dev/shm when it exists, is writable and has room (Docker's default 64 MB has not)."""
    try:
        if RAM_DISK.is_dir() and os.access(RAM_DISK, os.W_OK) and shutil.disk_usage(RAM_DISK).free >= RAM_DISK_ROOM:
            return RAM_DISK
    except OSError:
        pass
    return None


def _pid_alive(pid_file: Path) -> bool:
    try:
        pid = int(pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class PostgresServer:
    """initdb + pg_ctl in a temporary folder, listening on 127.0.0.1 only; trust authentication."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        # PostgreSQL refuses to run as root: run it as the postgres user when we are root.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.sweep()
        self.on_ram_disk = _ram_disk() is not None
        self.root = Path(tempfile.mkdtemp(prefix=PREFIX, dir=RAM_DISK if self.on_ram_disk else None))
        self.data = self.root / "data"
        self.port = _free_port()
        self.major = 0
        self._released: list[str] = []
        self._watch = self._start_watchdog()

    def _pg_ctl_stop(self, data: Path) -> list[str]:
        return [*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]

    def _start_watchdog(self) -> tuple[int, int]:
        # Locked before it gets its name, so that a sweep never finds the lock file free while we are alive.
        lock = os.open(self.root / (LOCK + ".new"), os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(lock, fcntl.LOCK_EX)
        os.rename(self.root / (LOCK + ".new"), self.root / LOCK)
        r, w = os.pipe()  # both ends close-on-exec: no other child of the tests inherits the write end
        try:
            self._watchdog = subprocess.Popen(
                [sys.executable, __file__, "watchdog", str(r), str(self.root), *self._pg_ctl_stop(self.data)],
                pass_fds=(r, lock),  # the watchdog keeps the lock until the folder is gone
                start_new_session=True,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        finally:
            os.close(r)
        return w, lock

    def sweep(self) -> None:
        """Remove what dead sessions left: folders nobody holds the lock of, servers still running in them."""
        for where in {str(RAM_DISK), tempfile.gettempdir()}:
            for root in map(Path, glob.glob(os.path.join(where, PREFIX + "*"))):
                try:
                    lock = os.open(root / LOCK, os.O_RDWR)
                except FileNotFoundError:  # older code, or a session between mkdtemp and its lock
                    try:
                        stale = time.time() - root.stat().st_mtime > STALE_AFTER
                    except OSError:
                        continue
                    if stale and not _pid_alive(root / "data" / "postmaster.pid"):
                        shutil.rmtree(root, ignore_errors=True)
                    continue
                except OSError:
                    continue
                try:
                    try:
                        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except BlockingIOError:
                        continue  # in use by a live session
                    if (root / "data" / "postmaster.pid").exists():
                        try:
                            subprocess.run(self._pg_ctl_stop(root / "data"), capture_output=True, timeout=60)
                        except (OSError, subprocess.SubprocessError):
                            continue
                    shutil.rmtree(root, ignore_errors=True)
                finally:
                    os.close(lock)

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
            "--wal-segsize=1",  # MB; 16 by default
        )
        self.major = int((self.data / "PG_VERSION").read_text().split(".")[0])
        # Throwaway data: no fsync, no full-page images, and old WAL recycled at each checkpoint (CREATE DATABASE
        # ... FILE_COPY makes one) instead of piling up to 1 GB. (wal_level=minimal was tried: it made the
        # migrations of each test's database slower, 67 against 63 ms.)
        settings = {
            "listen_addresses": "127.0.0.1",
            "max_connections": "200",
            "fsync": "off",
            "full_page_writes": "off",
            "min_wal_size": "2MB",
            "max_wal_size": "32MB",
        }
        if self.on_ram_disk:  # dynamic shared memory inside the folder: nothing left in /dev/shm by a killed server
            settings["dynamic_shared_memory_type"] = "mmap"
        opts = f"-p {self.port} -k {self.root} " + " ".join(f"-c {k}={v}" for k, v in settings.items())
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", opts, "-l", str(self.root / "log"), "-w", "start"
        )

    def stop(self) -> None:
        """Stops the server (a few ms) and leaves the folder to the watchdog, which removes it in the background."""
        pid_file = self.data / "postmaster.pid"
        try:
            # What `pg_ctl stop -m immediate` does, but pg_ctl then looks every 0.1 s whether the server is gone.
            os.kill(int(pid_file.read_text().split()[0]), signal.SIGQUIT)
            deadline = time.monotonic() + 30
            while pid_file.exists() and time.monotonic() < deadline:  # removed by the server as it exits
                time.sleep(0.005)
        except (OSError, ValueError, IndexError):
            pass  # no server (it did not start, or it died): the watchdog stops whatever is left
        finally:
            for fd in self._watch:
                os.close(fd)
            self._watch = ()

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://revisionbot@127.0.0.1:{self.port}/{database}"

    def release_database(self, name: str) -> None:
        """The test is done with `name`: it is dropped by the next create_database, on that call's connection."""
        self._released.append(name)

    async def create_database(self, name: str) -> str:
        import asyncpg

        # FILE_COPY: the 7 MB of template1 are copied as files, not written a second time into the WAL
        # (PostgreSQL 15's default, WAL_LOG, made the WAL grow by 7 MB per test), and it is twice as fast.
        strategy = " STRATEGY = FILE_COPY" if self.major >= 15 else ""
        force = " WITH (FORCE)" if self.major >= 13 else ""  # closes what a test left connected
        conn = await asyncpg.connect(host="127.0.0.1", port=self.port, user="revisionbot", database="postgres")
        try:
            while self._released:
                await conn.execute(f'DROP DATABASE IF EXISTS "{self._released[-1]}"{force}')
                self._released.pop()
            await conn.execute(f'CREATE DATABASE "{name}"{strategy}')
        finally:
            await conn.close()
        return self.url(name)


def watchdog(fd: int, root: str, stop: list[str]) -> None:
    """Waits until the write end of its pipe is closed: by stop(), or by the kernel when the test process dies
    however it dies. Then stops the server if it still runs and removes the folder. It runs in a session of its
    own, so Ctrl-C in the terminal does not reach it."""
    try:
        while os.read(fd, 512):
            pass
    except OSError:
        pass
    try:
        if os.path.exists(os.path.join(root, "data", "postmaster.pid")):
            subprocess.run(stop, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__" and sys.argv[1:2] == ["watchdog"]:
    watchdog(int(sys.argv[2]), sys.argv[3], sys.argv[4:])
