"""A console conversation: the same commands as the chat platforms, in a terminal."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from adapters.console.notes import notes_command
from adapters.console.questions import questions_command
from adapters.console.render import (
    render_answer,
    render_daily,
    render_help,
    render_leaderboard,
    render_prompt,
    render_report,
    render_result,
    render_score,
    render_settings,
)
from adapters.console.season import season_command
from bot.commands import BY_NAME, DAILY_SETTINGS_USAGE, LEADERBOARD_USAGE, parse_daily_settings, parse_leaderboard
from bot.config import default_export_dir
from bot.knowledge.model import plural
from bot.quiz.export import report_file_name
from bot.quiz.values import NotAllowed
from bot.ratelimit import RateLimited
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
        self.pending: str | None = None  # the quiz question waiting for an answer
        self.export_dir = default_export_dir()

    async def handle(self, line: str) -> str:
        try:
            return await self._handle(line[: MAX_LINE * 3])
        except NotAllowed:
            return "That is for teachers."
        except RateLimited as exc:
            return exc.advice
        except SQLAlchemyError as exc:  # an expected fault (locked, read-only, gone): one line, no traceback
            log.error("console command failed: database: %s", str(exc).splitlines()[0][:200])
            return "Sorry, the database could not be used just now. Try again in a moment."
        except Exception:
            log.exception("console command failed: %r", line[:200])
            return "Sorry, something went wrong with that. Try again, or /help."

    async def _handle(self, line: str) -> str:
        line = line.strip()
        if not line.startswith("/"):
            if self.pending:
                return await self._answer(line)
            return render_answer(await self.service.ask(line, self.cls, user=self.user))
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

    async def _answer(self, given: str) -> str:
        ref, self.pending = self.pending, None
        result = await self.service.answer(self.cls, self.user, ref, given, is_teacher=self.is_teacher)
        if result.problem in ("empty", "question", "option"):  # nothing was recorded: still open
            self.pending = ref
        text = render_result(result)
        if result.next is not None and ref.startswith("d:"):
            text += "\n\n" + render_prompt(result.next)
            self.pending = result.next.ref
        return text

    async def cmd_answer(self, rest: str) -> str:
        if not self.pending:
            return "There is no question waiting: /daily or /quiz first."
        return await self._answer(rest)

    async def cmd_quiz(self, rest: str) -> str:
        prompt = await self.service.practice(self.cls, self.user, rest or None, is_teacher=self.is_teacher)
        if prompt is None:
            return await self.service.no_questions(self.cls, rest)
        text = render_prompt(prompt)
        self.pending = prompt.ref  # only a question the student was shown can be answered
        return text

    async def cmd_daily(self, rest: str) -> str:
        status = await self.service.daily(self.cls, self.user, is_teacher=self.is_teacher)
        self.pending = None
        text = render_daily(status)
        self.pending = status.next.ref if status.next and not status.finished else None
        return text

    async def cmd_score(self, rest: str) -> str:
        return render_score(await self.service.score(self.cls, self.user))

    async def cmd_leaderboard(self, rest: str) -> str:
        asked = parse_leaderboard(rest)
        if asked is None:
            return LEADERBOARD_USAGE
        period, season = asked
        return render_leaderboard(await self.service.leaderboard(self.cls, self.user, period, season))

    async def cmd_hideme(self, rest: str) -> str:
        hidden = await self.service.hideme(self.user)
        return "You are now hidden from leaderboards." if hidden else "You are on the leaderboards again."

    async def cmd_forgetme(self, rest: str) -> str:
        if rest.strip().lower() != "yes":
            return "This deletes your answers, scores and streaks for good. Type /forgetme yes to confirm."
        await self.service.forgetme(self.user)
        self.pending = None
        return "Done: everything the bot stored about you is deleted."

    async def cmd_report(self, rest: str) -> str:
        return render_report(await self.service.report(self.cls, self.is_teacher))

    async def cmd_export(self, rest: str) -> str:
        data = await self.service.export_csv(self.cls, self.is_teacher)
        if rest:
            path = Path(rest).expanduser()
            if path.is_dir():
                path = path / self._export_name()
            elif path.exists():
                return f"{path} already exists: give another file name (it is not overwritten)."
        else:
            try:
                self.export_dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                return f"Could not create {self.export_dir}: {exc.strerror or exc.__class__.__name__}."
            path = self.export_dir / self._export_name()
        try:
            with path.open("xb") as f:  # never over a file that appeared meanwhile
                f.write(data)
        except FileExistsError:
            return f"{path} already exists: give another file name (it is not overwritten)."
        except OSError as exc:
            return f"Could not write {path}: {exc.strerror or exc.__class__.__name__}."
        return f"Report written to {path}"

    def _export_name(self) -> str:
        """A new file name in the export folder: revisionbot-report-7b-2026-12-04.csv, then -2, -3 ..."""
        base = report_file_name(self.cls.chat_id, self.service.clock().date()).removesuffix(".csv")
        n = 1
        while (self.export_dir / (name := f"{base}{'' if n == 1 else f'-{n}'}.csv")).exists():
            n += 1
        return name

    async def cmd_dailysettings(self, rest: str) -> str:
        changes = parse_daily_settings(rest)
        if changes is None:
            return DAILY_SETTINGS_USAGE
        return render_settings(await self.service.daily_settings(self.cls, self.is_teacher, **changes))

    async def cmd_seasonnew(self, rest: str) -> str:
        text, final = await season_command(self.service, self.cls, self.is_teacher, rest)
        return text if final is None else f"{text}\n{render_leaderboard(final)}"

    async def cmd_questions(self, rest: str) -> str:
        return await questions_command(self.service, self.cls, self.is_teacher, rest)

    async def cmd_notes(self, rest: str) -> str:
        return await notes_command(self.service, self.cls, self.user, self.is_teacher, rest)

    async def cmd_ask(self, rest: str) -> str:
        return render_answer(await self.service.ask(rest, self.cls, user=self.user))

    async def cmd_help(self, rest: str) -> str:
        help_text = render_help(self.service.help(self.is_teacher, user=self.user))
        return help_text + f"\n  {'/quit':40s} Leave the console (or Ctrl-D)"

    async def cmd_topics(self, rest: str) -> str:
        topics = await self.service.topics(self.cls, user=self.user)
        if not topics:
            return "No notes are loaded yet."
        lines = ["Topics in the notes:"]
        lines += [f"  - {t.name} ({plural(t.snippets, 'fact')}, {t.source})" for t in topics]
        return "\n".join(lines)
