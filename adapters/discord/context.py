"""From a Discord interaction to the core's neutral references, and the one way replies are sent."""

from __future__ import annotations

import io
import logging
from typing import Any

import discord

from adapters.discord.render import DESCRIPTION_LIMIT, MESSAGE_LIMIT, NO_MENTIONS, clip, text_embed
from bot.ratelimit import RateLimited
from bot.refs import ClassRef, UserRef
from bot.service import RevisionService

log = logging.getLogger(__name__)

PLATFORM = "discord"
SORRY = "Sorry, something went wrong with that. Try again, or /help."
FOR_TEACHERS = "That is for teachers."


def slow_down(exc: Exception) -> str:
    return exc.advice if isinstance(exc, RateLimited) else RateLimited(60).advice


def class_ref(guild_id: int | None, user_id: int) -> ClassRef:
    """A server is a class; a direct conversation with the bot is a class of one."""
    return ClassRef(PLATFORM, str(guild_id) if guild_id else f"dm-{user_id}")


def class_for(interaction: discord.Interaction) -> ClassRef:
    return class_ref(interaction.guild_id, interaction.user.id)


def user_for(interaction: discord.Interaction) -> UserRef:
    return UserRef(PLATFORM, str(interaction.user.id), interaction.user.display_name)


async def send(
    interaction: discord.Interaction,
    content: str = "",
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
    file: discord.File | None = None,
    ephemeral: bool = True,
) -> None:
    """Reply, or follow up when the interaction was already acknowledged. Never pings anyone."""
    kwargs: dict[str, Any] = {"allowed_mentions": NO_MENTIONS, "ephemeral": ephemeral}
    if content:
        kwargs["content"] = clip(content, MESSAGE_LIMIT)
    for key, value in (("embed", embed), ("view", view), ("file", file)):
        if value is not None:
            kwargs[key] = value
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


async def send_text(interaction: discord.Interaction, text: str, file_name: str, attached: str) -> None:
    """A console text as an embed. One too long for an embed shows its start and comes whole as a text file
    (`attached` says so): nothing is lost."""
    if len(text) <= DESCRIPTION_LIMIT:
        await send(interaction, embed=text_embed(text))
        return
    file = discord.File(io.BytesIO(text.encode("utf-8")), filename=file_name)
    await send(interaction, attached, embed=text_embed(text), file=file)


async def send_short(interaction: discord.Interaction, text: str) -> None:
    """A short ephemeral note (an error, a refusal); failing to send it is only worth a log line."""
    try:
        await send(interaction, text, ephemeral=True)
    except discord.HTTPException as exc:
        log.warning("could not tell the user %r: %s", text, exc)


async def teacher_of(interaction: discord.Interaction) -> bool:
    """Whether the member teaches this class (the bot's rule): a teacher may try quizzes and stays off the boards."""
    return await interaction.client.is_teacher(interaction)  # type: ignore[attr-defined]


def service_of(interaction: discord.Interaction) -> RevisionService:
    """The service the bot was built with (buttons and forms reach it through the interaction's client)."""
    return interaction.client.service  # type: ignore[attr-defined]
