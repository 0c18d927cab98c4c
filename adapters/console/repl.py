"""The interactive console loop around ConsoleBot."""

from __future__ import annotations

import asyncio
import getpass
import sys

from adapters.console.bot import ConsoleBot
from bot.refs import ClassRef, UserRef
from bot.service import RevisionService

BANNER = "revisionbot: ask about the notes, or /help. Ctrl-D to leave."


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
    print(BANNER)
    loop = asyncio.get_running_loop()
    while True:
        if sys.stdin.isatty():
            print("> ", end="", flush=True)
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            break
        if not line.strip():
            continue
        print(await bot.handle(line), flush=True)
