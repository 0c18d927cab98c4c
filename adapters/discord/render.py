"""Discord rendering of the core's results: embeds and short texts, escaped and cut to Discord's limits.

The wording mirrors the console (adapters/console/render.py); only the shape is Discord's.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence

import discord

from adapters.console.answer import PROBLEMS
from adapters.console.render import render_daily, render_result
from bot.commands import CommandSpec
from bot.knowledge.model import Answer, plural
from bot.quiz.values import AnswerResult, DailySettings, DailyStatus, QuizPrompt
from bot.service import TopicInfo

# Discord's limits (https://discord.com/developers/docs/resources/message, .../interactions)
MESSAGE_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELDS_LIMIT = 25
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
BUTTON_LABEL_LIMIT = 80
BUTTONS_LIMIT = 25  # 5 rows of 5
CHOICES_LIMIT = 25
CHOICE_LIMIT = 100
LABEL_DESCRIPTION_LIMIT = 100

COLOUR = discord.Colour.blurple()
LETTERS = string.ascii_lowercase  # enough for the 25 buttons a message can carry
NO_MENTIONS = discord.AllowedMentions.none()


def safe(text: str) -> str:
    """User- and note-derived text shown as typed: no markdown, no mentions."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text or ""))


def clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    # a cut escape ("\") would swallow the ellipsis
    return text[: limit - 1].rstrip().rstrip("\\") + "…"


def fit_lines(lines: Iterable[str], limit: int) -> str:
    """Join whole lines up to `limit` characters; say how many were left out rather than cut one in half."""
    lines = [clip(line, limit) for line in lines]
    out: list[str] = []
    used = 0
    for n, line in enumerate(lines):
        reserve = len(f"\n… and {len(lines)} more") if n < len(lines) - 1 else 0
        if used + len(line) + 1 + reserve > limit:
            out.append(f"… and {len(lines) - n} more")
            break
        out.append(line)
        used += len(line) + 1
    return clip("\n".join(out), limit)


def make_embed(
    title: str = "",
    description: str = "",
    fields: Sequence[tuple[str, str]] = (),
    footer: str = "",
) -> discord.Embed:
    """An embed inside every limit. Texts must already be escaped."""
    embed = discord.Embed(
        title=clip(title, TITLE_LIMIT) or None,
        description=clip(description, DESCRIPTION_LIMIT) or None,
        colour=COLOUR,
    )
    for name, value in list(fields)[:FIELDS_LIMIT]:
        embed.add_field(
            name=clip(name, FIELD_NAME_LIMIT) or "\u200b", value=clip(value, FIELD_VALUE_LIMIT) or "-", inline=False
        )
    if footer:
        embed.set_footer(text=clip(footer, FOOTER_LIMIT))
    while len(embed) > EMBED_TOTAL_LIMIT and embed.fields:
        embed.remove_field(-1)
    if len(embed) > EMBED_TOTAL_LIMIT and embed.description:
        embed.description = clip(embed.description, max(1, len(embed.description) - (len(embed) - EMBED_TOTAL_LIMIT)))
    return embed


def text_embed(text: str) -> discord.Embed:
    """A console text as an embed: its first line is the title, the rest the description."""
    first, _, rest = text.partition("\n")
    return make_embed(safe(first), fit_lines((_text_line(line) for line in rest.splitlines()), DESCRIPTION_LIMIT))


def _text_line(line: str) -> str:
    # indentation means nothing in an embed; "1. Ana" would become a list that Discord renumbers (ties!)
    return re.sub(r"^(\d+)\.", r"\1\\.", safe(line.strip()))


# --- questions --------------------------------------------------------------------------------------


def answer_embed(answer: Answer) -> discord.Embed:
    title = safe(answer.question) or "Your question"
    notice = f"({safe(answer.notice)})\n" if answer.notice else ""
    if answer.problem:
        return make_embed(title, notice + PROBLEMS.get(answer.problem, "I could not read that question."))
    if not answer.answered:
        lines = [notice + "That is not in the notes."]
        if answer.suggestions:
            lines.append("Closest topics: " + "; ".join(safe(s) for s in answer.suggestions))
        return make_embed(title, "\n".join(lines))
    fields = [
        (
            f"{n}. {safe(hit.snippet.where)}",
            f"{safe(hit.snippet.text)}\n*from {safe(hit.snippet.source)} (confidence {hit.score:.2f})*",
        )
        for n, hit in enumerate(answer.hits, 1)
    ]
    return make_embed(title, notice.strip(), fields)


def topics_embed(topics: list[TopicInfo]) -> discord.Embed:
    if not topics:
        return make_embed("Topics in the notes", "No notes are loaded yet.")
    lines = [f"- {safe(t.name)} ({plural(t.snippets, 'fact')}, {safe(t.source)})" for t in topics]
    return make_embed("Topics in the notes", fit_lines(lines, DESCRIPTION_LIMIT))


def help_embed(commands: list[tuple[str, CommandSpec]]) -> discord.Embed:
    lines = [f"**/{name}** {safe(c.summary)}" + (" (teachers)" if c.teacher_only else "") for name, c in commands]
    head = "Ask me anything about the notes: use /ask, or mention me with your question.\n"
    tail = "\nAnswer quiz questions with the buttons under them: only you see your questions and marks."
    return make_embed("revisionbot", head + fit_lines(lines, DESCRIPTION_LIMIT - len(head) - len(tail)) + tail)


# --- quizzes ----------------------------------------------------------------------------------------


def prompt_embed(prompt: QuizPrompt) -> discord.Embed:
    q = prompt.question
    head = f"Daily quiz, question {prompt.number}/{prompt.total}" if prompt.mode == "daily" else "Practice"
    lines = [f"*{safe(prompt.note)}*"] if prompt.note else []
    lines.append(safe(q.prompt))
    options = q.options[:BUTTONS_LIMIT]
    lines += [f"**{LETTERS[i]})** {safe(opt)}" for i, opt in enumerate(options)]
    footer = "Choose an answer below." if options else "Press Answer to type your answer."
    return make_embed(head + (f" ({safe(q.topic)})" if q.topic else ""), "\n".join(lines), footer=footer)


def option_label(index: int, option: str) -> str:
    """Button labels are plain text: no escaping, just the length limit."""
    return clip(f"{LETTERS[index]}) {option}", BUTTON_LABEL_LIMIT)


def result_text(result: AnswerResult) -> str:
    return clip(safe(render_result(result)), MESSAGE_LIMIT)


def daily_text(status: DailyStatus) -> str:
    """The daily quiz when there is no question to put: switched off, empty or done today."""
    return clip(safe(render_daily(status)), MESSAGE_LIMIT)


def daily_post_embed(status: DailyStatus) -> discord.Embed:
    return make_embed(
        f"Today's quiz ({status.day})",
        f"{status.total} question{'s' if status.total != 1 else ''}, the same for everyone, one try each.\n"
        "Press **Start** below: your questions and marks are only shown to you.",
    )


# --- teachers ---------------------------------------------------------------------------------------


def settings_embed(s: DailySettings, problem: str = "") -> discord.Embed:
    lines = [f"**{safe(problem)}**"] if problem else []
    lines += [f"Not changed: {safe(e)}" for e in s.errors]
    if s.changed:
        lines.append("Changed: " + ", ".join(safe(c) for c in s.changed))
    state = "on" if s.enabled else "off"
    lines.append(f"Daily quiz: {state}, {s.count} questions at {safe(s.time)} ({safe(s.timezone)})")
    if s.note:
        lines.append(safe(s.note))
    if s.channel.isdigit():
        lines.append(f"Channel: <#{s.channel}>")
    else:
        lines.append("Not posted anywhere yet: choose a channel with /daily-settings channel:")
    if s.teacher_role.isdigit():
        lines.append(f"Teacher role: <@&{s.teacher_role}> (and anyone with Manage Server)")
    else:
        lines.append(
            "Teachers: members with Manage Server" + (f" or the role {safe(s.teacher_role)}" if s.teacher_role else "")
        )
    return make_embed("Daily quiz settings", "\n".join(lines))
