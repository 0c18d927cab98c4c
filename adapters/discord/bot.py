"""The Discord bot: a commands.Bot around the service, mention questions, the daily post scheduler."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from adapters.discord.cog import RevisionCog
from adapters.discord.context import FOR_TEACHERS, PLATFORM, SORRY, class_for, class_ref, send_short, slow_down
from adapters.discord.notes import NotesCog
from adapters.discord.permissions import POST_NEEDS, and_list
from adapters.discord.render import NO_MENTIONS, answer_embed, daily_post_embed, safe
from adapters.discord.views import QUIZ_ITEMS, answer_forms, start_view
from adapters.errors import TokenRefused
from bot.config import Settings
from bot.quiz.values import DailySettings, NotAllowed
from bot.ratelimit import RateLimited
from bot.refs import ClassRef, UserRef
from bot.service import RevisionService

log = logging.getLogger(__name__)

TICK_SECONDS = 30.0
STOP_WAIT_SECONDS = 10.0  # how long a stop waits for a daily-post tick under way


def intents() -> discord.Intents:
    """No privileged intent: messages that mention the bot (and DMs) arrive with their text anyway."""
    wanted = discord.Intents.none()
    wanted.guilds = True  # the server's roles, to recognise the teacher role
    wanted.guild_messages = True  # mentions of the bot in a server
    wanted.dm_messages = True  # questions in a direct conversation
    return wanted


class RevisionTree(app_commands.CommandTree):
    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        original = getattr(error, "original", error)
        if isinstance(original, NotAllowed):
            await send_short(interaction, FOR_TEACHERS)
        elif isinstance(original, RateLimited):
            await send_short(interaction, slow_down(original))
        elif isinstance(error, app_commands.NoPrivateMessage):
            await send_short(interaction, "That only works in a server.")
        else:
            name = interaction.command.qualified_name if interaction.command else "?"
            log.error("/%s failed", name, exc_info=original)
            await send_short(interaction, SORRY)


def shard_options(settings: Settings) -> dict[str, int]:
    if settings.discord_shard_count and settings.discord_shard_id is not None:
        return {"shard_id": settings.discord_shard_id, "shard_count": settings.discord_shard_count}
    return {}


class RevisionBot(commands.Bot):
    """Translates Discord events into calls on the service and renders what comes back."""

    def __init__(self, service: RevisionService, settings: Settings, *, tick_seconds: float = TICK_SECONDS):
        super().__init__(
            command_prefix=commands.when_mentioned,  # unused: every command is a slash command
            help_command=None,
            intents=intents(),
            allowed_mentions=NO_MENTIONS,
            tree_cls=RevisionTree,
            max_messages=None,  # the bot never looks back at old messages
            # Large installs run one shard per process (DISCORD_SHARD_ID of DISCORD_SHARD_COUNT); the daily
            # post is claimed in the database, so whichever shard's scheduler comes first posts it, once.
            **shard_options(settings),
        )
        self.service = service
        self.settings = settings
        self.tick_seconds = tick_seconds
        # why a class's daily quiz could not be posted, told to its teachers at the next /daily-settings
        self.daily_problems: dict[str, str] = {}
        self._scheduler: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._ticking = False

    async def setup_hook(self) -> None:
        self.add_dynamic_items(*QUIZ_ITEMS)  # quiz buttons keep working after a restart
        self.add_listener(answer_forms, "on_interaction")  # and so do answer forms left open
        await self.add_cog(RevisionCog(self))
        await self.add_cog(NotesCog(self))
        if not self.shard_id:  # one shard registers the commands for all
            await self.tree.sync()
        self._scheduler = asyncio.create_task(self._schedule(), name="revisionbot-daily-posts")

    async def close(self) -> None:
        """Stop the schedule between ticks: a tick cut off inside a database call leaves its connection to be
        reset under cancellation, which SQLAlchemy logs as an error. A tick still running after a few seconds
        (a slow platform) is cancelled then."""
        self._stopping.set()
        task = self._scheduler
        if task is not None and not task.done():
            if self._ticking:  # inside a tick: let it finish its database work
                try:
                    await asyncio.wait_for(asyncio.shield(task), STOP_WAIT_SECONDS)
                except TimeoutError:
                    task.cancel()
                except Exception:  # noqa: BLE001 - the tick logged its own failure
                    pass
            else:  # waiting for readiness or for the next tick: nothing to unwind
                task.cancel()
        await super().close()

    # --- who is a teacher ------------------------------------------------------------------------------

    async def is_teacher(self, interaction: discord.Interaction) -> bool:
        """Manage Server, or the server's teacher role (set by /daily-settings) or DISCORD_TEACHER_ROLE.
        What a teacher may do is the core's decision; this only answers who is one."""
        if interaction.guild_id is None or not isinstance(interaction.user, discord.Member):
            return False
        perms = interaction.permissions
        if perms.manage_guild or perms.administrator:
            return True
        roles = interaction.user.roles  # resolved from the server's cached roles (the guilds intent)
        have = {str(r.id) for r in roles} | {r.name.casefold() for r in roles}
        configured = self.settings.discord_teacher_role.casefold()
        if configured and configured in have:
            return True
        chosen = (await self.service.daily_settings(class_for(interaction), False)).teacher_role.casefold()
        return bool(chosen) and chosen in have

    # --- questions by mention ----------------------------------------------------------------------------

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or self.user is None:
            return
        in_dm = isinstance(message.channel, discord.DMChannel)
        if not in_dm and not any(u.id == self.user.id for u in message.mentions):
            return
        question = re.sub(rf"<@!?{self.user.id}>", " ", message.content).strip()
        guild_id = message.guild.id if message.guild else getattr(message.channel, "guild_id", None)
        cls = class_ref(None if in_dm else guild_id, message.author.id)
        reference = message.to_reference(fail_if_not_exists=False)
        user = UserRef(PLATFORM, str(message.author.id), message.author.display_name)
        try:
            reply: dict[str, Any] = {"embed": answer_embed(await self.service.ask(question, cls, user=user))}
        except RateLimited as exc:
            reply = {"content": slow_down(exc)}
        except Exception:
            log.exception("answering a mention in %s failed", cls.key)
            reply = {"content": SORRY}
        try:
            await message.channel.send(**reply, reference=reference, mention_author=False, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as exc:  # e.g. no Send Messages in that channel: nobody to tell but the log
            log.warning("could not answer a mention in %s: %s", cls.key, exc)

    # --- the daily post ----------------------------------------------------------------------------------

    async def _schedule(self) -> None:
        await self.wait_until_ready()
        while not self.is_closed() and not self._stopping.is_set():
            self._ticking = True
            try:
                await self.post_daily_quizzes()
            except Exception:  # one bad tick must not end the schedule
                log.exception("daily quiz tick failed")
            finally:
                self._ticking = False
            try:  # the next tick, unless the bot stops first
                await asyncio.wait_for(self._stopping.wait(), self.tick_seconds)
            except TimeoutError:
                pass

    async def post_daily_quizzes(self) -> int:
        """One scheduler tick: post each due daily quiz in its class's channel. Returns how many were posted.

        The core hands each class's post to exactly one caller (claim_daily_post), so several processes or
        shards never post twice. A class without a channel is left unclaimed: setting one later that day
        still gets it posted."""
        posted = 0
        for cls, settings in await self.service.classes_due(PLATFORM):
            if not settings.channel.isdigit() or not cls.chat_id.isdigit():
                continue
            status = await self.service.claim_daily_post(cls)
            if status is None:
                continue
            channel = self.get_partial_messageable(int(settings.channel), guild_id=int(cls.chat_id))
            try:
                await channel.send(embed=daily_post_embed(status), view=start_view(), allowed_mentions=NO_MENTIONS)
                posted += 1
            except discord.HTTPException as exc:
                await self._post_failed(cls, settings, exc)
        return posted

    async def _post_failed(self, cls: ClassRef, settings: DailySettings, exc: discord.HTTPException) -> None:
        """Tell the teachers why: at their next /daily-settings (where they fix it) and, at once, by a DM to
        the server's owner. Refused or missing channels are not retried today (students can still /daily);
        a passing failure of Discord (5xx, after discord.py's own retries) is given back for the next tick."""
        if isinstance(exc, discord.DiscordServerError):
            await self.service.release_daily_post(cls)
            log.warning("daily quiz of %s not posted (Discord %s): retrying at the next tick", cls.key, exc.status)
            return
        if isinstance(exc, discord.Forbidden):
            why = f"I am not allowed to post there (I need {and_list([name for _, name in POST_NEEDS])})"
        elif isinstance(exc, discord.NotFound):
            why = "that channel no longer exists"
        else:
            why = f"Discord refused it ({exc.status})"
        note = (
            f"Today's daily quiz could not be posted in <#{settings.channel}>: {why}. "
            "Students can still start it with /daily. Fix the channel's permissions or choose another "
            "channel with /daily-settings."
        )
        self.daily_problems[cls.key] = note
        log.warning("daily quiz of %s not posted in channel %s: %s", cls.key, settings.channel, exc)
        guild = self.get_guild(int(cls.chat_id))
        if guild is None or guild.owner_id is None:
            return
        try:
            dm = await self.create_dm(discord.Object(guild.owner_id))
            await dm.send(f"revisionbot in {safe(guild.name)}: {note}", allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as dm_exc:
            log.warning("could not tell the owner of %s by DM: %s", cls.key, dm_exc)


async def run_discord(service: RevisionService, settings: Settings) -> None:
    """`revisionbot run` with DISCORD_TOKEN set: run until stopped."""
    bot = RevisionBot(service, settings)
    try:
        async with bot:
            await bot.start(settings.discord_token)
    except discord.LoginFailure as exc:  # one line from `revisionbot run`, exit code 2, never the token
        raise TokenRefused(
            "Discord refused DISCORD_TOKEN: copy it again from the Bot page of the Developer Portal"
        ) from exc
