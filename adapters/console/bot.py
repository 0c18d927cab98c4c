"""A console conversation: the same commands as the chat platforms, in a terminal."""

from __future__ import annotations

import logging
import shlex

from adapters.console.render import render_answer, render_help
from bot.commands import BY_NAME
from bot.refs import ClassRef, UserRef
from bot.service import RevisionService

log = logging.getLogger(__name__)

MAX_LINE = 4000


class ConsoleBot:
    """Turns typed lines into calls on the service and renders the replies as text.

    `await bot.handle("/ask yalta")` returns what the student would see: tests drive it the same way.
    """

    def __init__(self, service: RevisionService, user: UserRef, cls: ClassRef, is_teacher: bool = False):
        self.service = service
        self.user = user
        self.cls = cls
        self.is_teacher = is_teacher

    async def handle(self, line: str) -> str:
        try:
            return await self._handle(line[: MAX_LINE * 3])
        except Exception:
            log.exception("console command failed: %r", line[:200])
            return "Sorry, something went wrong with that. Try again, or /help."

    async def _handle(self, line: str) -> str:
        line = line.strip()
        if not line.startswith("/"):
            return render_answer(await self.service.ask(line, self.cls))
        name, _, rest = line[1:].partition(" ")
        name = name.lower().replace("-", "").replace("_", "")
        rest = rest.strip()
        spec = BY_NAME.get(name)
        if spec is None:
            return f"I don't know /{name[:30]}. Type /help for the commands."
        if spec.teacher_only and not self.is_teacher:
            return f"/{spec.name} is for teachers."
        handler = getattr(self, f"cmd_{spec.name}", None)
        if handler is None:
            return f"/{spec.name} is not available yet."
        return await handler(rest)

    async def cmd_ask(self, rest: str) -> str:
        return render_answer(await self.service.ask(rest, self.cls))

    async def cmd_help(self, rest: str) -> str:
        return render_help(self.service.help(self.is_teacher))

    async def cmd_topics(self, rest: str) -> str:
        topics = self.service.topics()
        if not topics:
            return "No notes are loaded yet."
        lines = ["Topics in the notes:"]
        lines += [f"  - {t.name} ({t.snippets} facts, {t.source})" for t in topics]
        return "\n".join(lines)


def split_args(rest: str) -> list[str]:
    try:
        return shlex.split(rest)
    except ValueError:
        return rest.split()
