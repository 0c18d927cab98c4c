"""The interactive console loop around ConsoleBot."""

from __future__ import annotations

import asyncio
import getpass
import sys
import threading

from adapters.console.bot import ConsoleBot
from bot.refs import ClassRef, UserRef
from bot.service import RevisionService

BANNER = "revisionbot: ask about the notes, or /help. /quit or Ctrl-D to leave."
LEAVE = {"/quit", "/exit", "/q"}


async def run_console(
    service: RevisionService, name: str = "", class_name: str = "console", is_teacher: bool = False
) -> None:
    user_name = name or getpass.getuser() or "student"
    bot = ConsoleBot(
        service,
        UserRef("console", user_name, user_name),
        ClassRef("console", class_name or "console"),
        is_teacher=is_teacher,
    )
    for warning in service.knowledge.warnings:
        print(f"note skipped: {warning}")
    print(BANNER, flush=True)  # through a pipe too: whoever drives the console sees it is ready
    lines = _stdin_lines()
    while True:
        if sys.stdin.isatty():
            print("> ", end="", flush=True)
        line = await lines.get()
        if not line:
            break
        if line == "\n":
            continue  # Enter alone: a new prompt, as in any terminal
        if not line.strip():
            print("Type a question about the notes, or /help.", flush=True)
            continue
        if line.strip().lower() in LEAVE:
            break
        print(await bot.handle(line), flush=True)


def _stdin_lines() -> asyncio.Queue[str]:
    """Lines of stdin ("" at its end), read by a daemon thread: Ctrl-C quits at once, not after the next Enter
    (a read in the event loop's executor would hold the process until the blocked read returns)."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str] = asyncio.Queue()

    def read() -> None:
        while True:
            try:
                line = sys.stdin.readline()
            except (OSError, ValueError):
                line = ""
            loop.call_soon_threadsafe(queue.put_nowait, line)
            if not line:
                return

    threading.Thread(target=read, name="console-stdin", daemon=True).start()
    return queue
