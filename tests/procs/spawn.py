"""Starting a helper program of tests/procs as a child process and reading its JSON lines."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROCS = Path(__file__).resolve().parent


class Child:
    """A child Python process running tests/procs/<script>; stdout is read as JSON lines."""

    def __init__(self, proc: asyncio.subprocess.Process, stderr_path: Path):
        self.proc = proc
        self.stderr_path = stderr_path
        self.lines: list[dict] = []

    @classmethod
    async def start(cls, script: str, *args: str, stderr_path: Path, stdin: bool = False) -> Child:
        env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
        err = stderr_path.open("wb")
        try:
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                str(PROCS / script),
                *args,
                cwd=str(ROOT),
                env=env,
                stdin=asyncio.subprocess.PIPE if stdin else asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=err,
            )
        finally:
            err.close()
        return cls(proc, stderr_path)

    def stderr(self) -> str:
        try:
            return self.stderr_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    async def read(self, timeout: float) -> dict | None:
        """The next complete JSON line, or None at the end of the output. Raises TimeoutError."""
        raw = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
        if not raw.endswith(b"\n"):  # the end, or a line cut short by a kill: never acknowledged
            return None
        obj = json.loads(raw)
        self.lines.append(obj)
        return obj

    async def read_until(self, key: str, timeout: float) -> list[dict]:
        """Lines up to and including the first one that has `key`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        got = []
        while True:
            obj = await self.read(max(0.01, deadline - loop.time()))
            if obj is None:
                raise AssertionError(f"child ended before {key!r}; stderr:\n{self.stderr()}")
            got.append(obj)
            if key in obj:
                return got

    async def send(self, line: str) -> None:
        self.proc.stdin.write(line.encode() + b"\n")
        await self.proc.stdin.drain()

    async def drain(self, timeout: float = 10.0) -> list[dict]:
        """Every complete line left (after the child ended or was killed)."""
        got = []
        while (obj := await self.read(timeout)) is not None:
            got.append(obj)
        return got

    async def stop(self) -> None:
        if self.proc.returncode is None:
            self.proc.kill()
        await self.proc.wait()
