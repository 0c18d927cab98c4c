"""What the bot needs in a channel to post the daily quiz there, checked when a teacher chooses the channel."""

from __future__ import annotations

import discord

# The daily post is a message with an embed and a Start button (a button needs no permission of its own).
# In this order because Discord takes away what depends on a missing permission: without View Channel the
# bot has none of the others there, without Send Messages no Embed Links. So the first one missing is the
# one to grant (another may be missing after it, named at the next try).
POST_NEEDS = (("view_channel", "View Channel"), ("send_messages", "Send Messages"), ("embed_links", "Embed Links"))


def and_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def first_missing(perms: discord.Permissions) -> str:
    """The permission the daily post needs that `perms` lacks first, by the name Discord's settings show."""
    return next((name for flag, name in POST_NEEDS if not getattr(perms, flag)), "")


def post_refusal(channel: discord.abc.GuildChannel) -> str:
    """'' when the bot may post the daily quiz in `channel`, else one line naming the permission it lacks.

    Computed from the server's roles and the channel's overwrites as the gateway gave them. Without the
    bot's own member (never the case: Discord always sends it) there is nothing to check against, and the
    post itself reports a refusal when it happens."""
    me = channel.guild.me
    missing = first_missing(channel.permissions_for(me)) if me is not None else ""
    if not missing:
        return ""
    return f"Nothing changed: I need the {missing} permission in <#{channel.id}> to post the daily quiz there."


__all__ = ["POST_NEEDS", "and_list", "first_missing", "post_refusal"]
