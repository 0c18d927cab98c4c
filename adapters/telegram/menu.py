"""The command menus Telegram shows: the students' everywhere, the teachers' for group admins and for the
teachers named in TELEGRAM_TEACHER_IDS (in their private chat, once they have pressed Start)."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeAllChatAdministrators, BotCommandScopeChat
from telegram.error import TelegramError

from bot.commands import BY_NAME, COMMANDS
from bot.config import Settings

log = logging.getLogger(__name__)

MENU = ("start", "help", "ask", "quiz", "daily", "score", "leaderboard", "topics", "forgetme", "hideme")
TEACHER_MENU = tuple(c.name for c in COMMANDS if c.teacher_only) + ("notes",)  # students may list notes too


def menu() -> tuple[list[BotCommand], list[BotCommand]]:
    students = [BotCommand(n, "What this bot does" if n == "start" else BY_NAME[n].summary) for n in MENU]
    return students, students + [BotCommand(n, BY_NAME[n].summary) for n in TEACHER_MENU]


async def register_commands(bot: Bot, settings: Settings) -> None:
    """Students' menu everywhere; the teacher commands too for group admins and configured teachers."""
    students, teachers = menu()
    await bot.set_my_commands(students)
    await bot.set_my_commands(teachers, scope=BotCommandScopeAllChatAdministrators())
    for teacher_id in sorted(settings.telegram_teacher_ids):
        await teacher_menu(bot, teacher_id)


async def teacher_menu(bot: Bot, teacher_id: str | int) -> None:
    """The teacher commands in a configured teacher's private chat: at start-up, and again when they press Start
    (Telegram says "chat not found" until they have)."""
    try:
        await bot.set_my_commands(menu()[1], scope=BotCommandScopeChat(int(teacher_id)))
    except (TelegramError, ValueError) as exc:
        log.info("teacher menu for %s not set yet (%s): it is set when they press Start", teacher_id, exc)
