"""The platform-neutral command set: names, arguments, help text and who may run them."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str
    summary: str
    args: str = ""  # e.g. "QUESTION", "[TOPIC]"
    teacher_only: bool = False


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("ask", "Ask a question about the notes", "QUESTION"),
    CommandSpec("quiz", "A practice question (brings back what you got wrong)", "[TOPIC]"),
    CommandSpec("daily", "Today's class quiz: the same questions for everyone, one try each"),
    CommandSpec("answer", "Answer the question you were asked (in a chat you can also just type it)", "ANSWER"),
    CommandSpec("score", "Your points, accuracy, streak and weakest topics"),
    CommandSpec("leaderboard", "The class leaderboard", "[today|week|season [N]]"),
    CommandSpec("topics", "The topics the notes cover"),
    CommandSpec("help", "What the bot can do"),
    CommandSpec("hideme", "Hide or show yourself on leaderboards"),
    CommandSpec("forgetme", "Delete everything the bot stores about you"),
    CommandSpec("report", "Class report: students, questions, weak topics, gaps in the notes", teacher_only=True),
    CommandSpec("export", "The class report as a CSV file", teacher_only=True),
    CommandSpec(
        "dailysettings",
        "Daily quiz settings",
        "[time HH:MM] [timezone ZONE] [count N] [on|off]",
        teacher_only=True,
    ),
    CommandSpec("seasonnew", "Archive this season and start a fresh leaderboard and report", teacher_only=True),
    CommandSpec(
        "questions",
        "The class's quiz questions: list them, hide or unhide one, questions from the notes on or off",
        "[TOPIC | hide ID | unhide ID | generated on|off]",
        teacher_only=True,
    ),
    CommandSpec(
        "notes",
        "The class's notes: list them, show how one was split; teachers add, replace and remove them",
        "[show|add|replace|remove FILE]",
    ),
)
BY_NAME = {c.name: c for c in COMMANDS}


def visible_commands(is_teacher: bool) -> list[CommandSpec]:
    return [c for c in COMMANDS if is_teacher or not c.teacher_only]


DAILY_SETTINGS_USAGE = "Use: /dailysettings [time HH:MM] [timezone Europe/London] [count N] [on|off]"


def parse_daily_settings(rest: str) -> dict[str, object] | None:
    """The changes in "time 7:15 timezone Europe/London count 3 off", for the chats that type commands;
    None when the words do not read so. The values are checked by the core when they are applied."""
    words = rest.split()
    changes: dict[str, object] = {}
    i = 0
    while i < len(words):
        word = words[i].lower()
        if word in ("on", "off"):
            changes["enabled"] = word == "on"
            i += 1
        elif word in ("time", "timezone", "count", "channel") and i + 1 < len(words):
            changes[word] = words[i + 1]  # the timezone keeps its case: Europe/London
            i += 2
        else:
            return None
    return changes


QUESTIONS_USAGE = "Use: /questions [TOPIC], /questions hide ID, /questions unhide ID, /questions generated on|off"


def parse_questions(rest: str) -> tuple[str, object]:
    """What "/questions ..." asks: ("list", topic), ("hide", id), ("unhide", id), ("generated", on) or
    ("usage", "") when the words do not read so."""
    parts = rest.split()
    head = parts[0].lower() if parts else ""
    if head in ("hide", "unhide"):
        return (head, parts[1]) if len(parts) == 2 else ("usage", "")
    if head == "generated":
        if len(parts) == 2 and parts[1].lower() in ("on", "off"):
            return ("generated", parts[1].lower() == "on")
        return ("usage", "")
    return ("list", rest.strip())


LEADERBOARD_USAGE = (
    "Which leaderboard? /leaderboard today, /leaderboard week, /leaderboard season, "
    "or /leaderboard season N for an earlier season"
)
_SEASON_NUMBER = re.compile(r"[0-9]{1,6}")


def parse_leaderboard(rest: str) -> tuple[str, int | None] | None:
    """(period, season number or None) from "today", "week", "season", "season 2" (nothing: "week");
    None when the words do not read so."""
    words = rest.lower().split()
    if len(words) <= 1:
        period = words[0] if words else "week"
        return (period, None) if period in ("today", "week", "season") else None
    if len(words) == 2 and words[0] == "season" and _SEASON_NUMBER.fullmatch(words[1]):
        return ("season", int(words[1]))
    return None


NOTES_USAGE = (
    "Use: /notes (list them), /notes show FILE, and for teachers /notes add, /notes replace (with the file "
    "attached) and /notes remove FILE"
)
NOTES_ACTIONS = ("list", "show", "add", "replace", "remove")


def parse_notes(rest: str) -> tuple[str, str]:
    """What "/notes ..." asks: (action, the rest: a file name or path), ("list", "") with nothing, or
    ("usage", "") when the first word is no action."""
    head, _, arg = rest.strip().partition(" ")
    action = head.lower() or "list"
    if action not in NOTES_ACTIONS:
        return ("usage", "")
    return (action, arg.strip())
