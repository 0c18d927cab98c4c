"""The slash commands: each turns an interaction into one call on the service and renders what comes back."""

from __future__ import annotations

import io
import logging
import zoneinfo
from functools import cache
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from adapters.console.questions import questions_command
from adapters.console.render import render_leaderboard, render_report, render_score
from adapters.console.season import season_command
from adapters.discord.context import class_for, send, send_text, user_for
from adapters.discord.permissions import post_refusal
from adapters.discord.render import (
    CHOICE_LIMIT,
    CHOICES_LIMIT,
    answer_embed,
    clip,
    help_embed,
    prompt_embed,
    safe,
    settings_embed,
    text_embed,
    topics_embed,
)
from adapters.discord.views import forget_view, prompt_view, start_daily
from bot.commands import BY_NAME
from bot.quiz.export import report_file_name

if TYPE_CHECKING:
    from adapters.discord.bot import RevisionBot

log = logging.getLogger(__name__)

# The core's command names as slash commands; "answer" has no command here: quiz answers are buttons.
SLASH_NAMES = {
    "ask": "ask",
    "quiz": "quiz",
    "daily": "daily",
    "score": "score",
    "leaderboard": "leaderboard",
    "topics": "topics",
    "help": "help",
    "hideme": "hideme",
    "forgetme": "forgetme",
    "report": "report",
    "export": "export",
    "dailysettings": "daily-settings",
    "seasonnew": "season-new",
    "questions": "questions",
    "notes": "notes",  # a group: adapters/discord/notes.py
}


MAX_SEASON = 999_999  # the /leaderboard season option (the chats that type it take six digits too)


def summary(name: str) -> str:
    """Descriptions come from the core's command set, so /help and Discord's menu say the same."""
    return clip(BY_NAME[name].summary, 100)


def teacher_command(name: str):  # noqa: ANN201
    """Hidden by default from members without Manage Server (a server admin can open them to a role in
    Server Settings > Integrations); RevisionBot.is_teacher checks again on every use."""

    def decorate(func):  # noqa: ANN001, ANN202
        func = app_commands.guild_only()(func)
        func = app_commands.default_permissions(manage_guild=True)(func)
        return app_commands.command(name=SLASH_NAMES[name], description=summary(name))(func)

    return decorate


@cache
def _timezones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


class RevisionCog(commands.Cog):
    def __init__(self, bot: RevisionBot):
        self.bot = bot
        self.service = bot.service

    async def _teacher(self, interaction: discord.Interaction, name: str) -> bool:
        """As in the console, a teacher's command is refused before the core is asked (it checks too).
        Checked before deferring: a refusal must stay ephemeral even where the answer would be public."""
        if await self.bot.is_teacher(interaction):
            return True
        await send(interaction, f"/{SLASH_NAMES[name]} is for teachers.")
        return False

    # --- everyone ---------------------------------------------------------------------------------

    @app_commands.command(name="ask", description=summary("ask"))
    @app_commands.describe(question="Your question, in your own words", private="Only you see the answer")
    async def ask(self, interaction: discord.Interaction, question: str, private: bool = False) -> None:
        # Answered at once (the notes answer in milliseconds), not deferred: a deferral is public, and a
        # "slow down" after it would be shown to the whole channel. A refusal is the asker's alone.
        answer = await self.service.ask(question, class_for(interaction), user=user_for(interaction))
        await send(interaction, embed=answer_embed(answer), ephemeral=private)

    @app_commands.command(name="quiz", description=summary("quiz"))
    @app_commands.describe(topic="A topic of the notes (leave empty for any)")
    async def quiz(self, interaction: discord.Interaction, topic: str | None = None) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        teacher = await self.bot.is_teacher(interaction)  # a teacher may practise, and stays out of the report
        prompt = await self.service.practice(
            class_for(interaction), user_for(interaction), topic or None, is_teacher=teacher
        )
        if prompt is None:
            await send(interaction, safe(await self.service.no_questions(class_for(interaction), topic)))
            return
        await send(interaction, embed=prompt_embed(prompt), view=prompt_view(prompt))

    @quiz.autocomplete("topic")
    async def _topic_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        wanted = current.casefold().strip()
        names = [t for t in await self.service.quiz_topics(class_for(interaction)) if wanted in t.casefold()]
        # the core matches topics loosely, so a topic cut to 100 characters still finds itself
        return [app_commands.Choice(name=clip(t, CHOICE_LIMIT), value=t[:CHOICE_LIMIT]) for t in names[:CHOICES_LIMIT]]

    @app_commands.command(name="daily", description=summary("daily"))
    async def daily(self, interaction: discord.Interaction) -> None:
        await start_daily(interaction)

    @app_commands.command(name="score", description=summary("score"))
    async def score(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        card = await self.service.score(class_for(interaction), user_for(interaction))
        await send(interaction, embed=text_embed(render_score(card)))

    @app_commands.command(name="leaderboard", description=summary("leaderboard"))
    @app_commands.describe(
        period="Which leaderboard (this week if you leave it empty)",
        season="An earlier season's number, to see its archived leaderboard (empty: the current season)",
    )
    async def leaderboard(
        self,
        interaction: discord.Interaction,
        period: Literal["today", "week", "season"] = "week",
        season: app_commands.Range[int, 1, MAX_SEASON] | None = None,
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        board = await self.service.leaderboard(class_for(interaction), user_for(interaction), period, season)
        await send(interaction, embed=text_embed(render_leaderboard(board)))

    @app_commands.command(name="topics", description=summary("topics"))
    async def topics(self, interaction: discord.Interaction) -> None:
        topics = await self.service.topics(class_for(interaction), user=user_for(interaction))
        await send(interaction, embed=topics_embed(topics))

    @app_commands.command(name="help", description=summary("help"))
    async def help(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        specs = self.service.help(await self.bot.is_teacher(interaction), user=user_for(interaction))
        await send(interaction, embed=help_embed([(SLASH_NAMES[c.name], c) for c in specs if c.name in SLASH_NAMES]))

    @app_commands.command(name="hideme", description=summary("hideme"))
    async def hideme(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        hidden = await self.service.hideme(user_for(interaction))
        await send(
            interaction,
            "You are now hidden from leaderboards." if hidden else "You are on the leaderboards again.",
        )

    @app_commands.command(name="forgetme", description=summary("forgetme"))
    async def forgetme(self, interaction: discord.Interaction) -> None:
        # as in the console, deleting for good needs a second step: here a button only this student sees
        await send(
            interaction,
            "This deletes your answers, scores and streaks for good. Press the button to confirm.",
            view=forget_view(),
        )

    # --- teachers ---------------------------------------------------------------------------------

    @teacher_command("report")
    async def report(self, interaction: discord.Interaction) -> None:
        if not await self._teacher(interaction, "report"):
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        cls = class_for(interaction)
        text = render_report(await self.service.report(cls, True))
        # a large class's report does not fit an embed: its start is shown, all of it is attached
        name = report_file_name(cls.chat_id, self.service.clock().date()).removesuffix(".csv") + ".txt"
        await send_text(interaction, text, name, "The whole report is attached.")

    @teacher_command("export")
    async def export(self, interaction: discord.Interaction) -> None:
        if not await self._teacher(interaction, "export"):
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        cls = class_for(interaction)
        data = await self.service.export_csv(cls, True)
        if len(data) > interaction.filesize_limit:
            await send(interaction, "The report is too big to attach here; /report shows the summary.")
            return
        file = discord.File(io.BytesIO(data), filename=report_file_name(cls.chat_id, self.service.clock().date()))
        await send(interaction, "The class report as a spreadsheet (CSV).", file=file)

    @teacher_command("dailysettings")
    @app_commands.describe(
        channel="Where the daily quiz is posted",
        time="When it is posted, e.g. 08:00",
        timezone="The class's time zone, e.g. Europe/London",
        count="How many questions a day",
        enabled="Switch the daily quiz on or off",
        teacher_role="Members with this role may use the teacher commands",
    )
    async def daily_settings(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel | None = None,
        time: str | None = None,
        timezone: str | None = None,
        count: app_commands.Range[int, 1, 20] | None = None,
        enabled: Literal["on", "off"] | None = None,
        teacher_role: discord.Role | None = None,
    ) -> None:
        if not await self._teacher(interaction, "dailysettings"):
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        if channel is not None and (refusal := post_refusal(channel)):  # a channel it cannot post in: change nothing
            await send(interaction, refusal)
            return
        settings = await self.service.daily_settings(
            class_for(interaction),
            True,
            time=time,
            timezone=timezone,
            count=count,
            enabled=None if enabled is None else enabled == "on",
            channel=str(channel.id) if channel else None,
            teacher_role=str(teacher_role.id) if teacher_role else None,
        )
        problem = self.bot.daily_problems.pop(class_for(interaction).key, "")
        await send(interaction, embed=settings_embed(settings, problem))

    @daily_settings.autocomplete("timezone")
    async def _timezone_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        wanted = current.casefold().strip()
        zones = [z for z in _timezones() if wanted in z.casefold()]
        return [app_commands.Choice(name=z, value=z) for z in zones[:CHOICES_LIMIT]]

    @teacher_command("questions")
    @app_commands.describe(
        action="List the class's questions (the default), hide or unhide one, or ask only your own",
        value="For list: a topic; for hide or unhide: the question's id",
    )
    async def questions(
        self,
        interaction: discord.Interaction,
        action: Literal["list", "hide", "unhide", "generated on", "generated off"] = "list",
        value: str | None = None,
    ) -> None:
        if not await self._teacher(interaction, "questions"):
            return
        await interaction.response.defer(ephemeral=True, thinking=True)  # the list shows the answers
        rest = (value or "") if action == "list" else f"{action} {value or ''}".strip()
        text = await questions_command(self.service, class_for(interaction), True, rest)
        await send(interaction, embed=text_embed(text))

    @teacher_command("seasonnew")
    @app_commands.describe(confirm="Archive this season and start a fresh leaderboard (asked first when empty)")
    async def season_new(self, interaction: discord.Interaction, confirm: bool = False) -> None:
        if not await self._teacher(interaction, "seasonnew"):
            return
        text, final = await season_command(
            self.service, class_for(interaction), True, "yes" if confirm else "", "/season-new confirm:True"
        )
        if final is None:  # asked to confirm, or nothing to archive: for the teacher only
            await send(interaction, text)
            return
        await send(interaction, text, embed=text_embed(render_leaderboard(final)), ephemeral=False)  # news for all


__all__ = ["RevisionCog", "SLASH_NAMES"]
