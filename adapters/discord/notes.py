"""/notes on Discord: the class's notes listed and shown; teachers add (attached files), replace and remove them.

An attachment is refused by its name and declared size before anything is downloaded, then fetched from
Discord's CDN bounded in time and in bytes (never more than the declared size plus one). Discord's own
`Attachment.read()` reads a body of any length, hence the small streamed download here.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from adapters.console.notes import render_change, render_notes, render_split
from adapters.discord.cog import summary
from adapters.discord.context import class_for, send, send_text, slow_down, user_for
from adapters.discord.render import CHOICE_LIMIT, CHOICES_LIMIT, MESSAGE_LIMIT, clip, fit_lines, safe
from bot.classnotes.limits import note_name, upload_problem
from bot.classnotes.values import NoteLimits, NotesChange
from bot.ratelimit import RateLimited

if TYPE_CHECKING:
    from adapters.discord.bot import RevisionBot

log = logging.getLogger(__name__)

ADD_FILES = 10  # attachment options of /notes add: file, file2 ... file10 (a class may have 30 files)
CHUNK = 64 * 1024
AnotherFile = discord.Attachment | None  # file2 ... file10 of /notes add

__all__ = ["ADD_FILES", "NotesCog", "download"]


class NotDownloaded(Exception):
    """Why an attachment was not taken (one line, for the teacher and the log)."""


async def download(
    session: aiohttp.ClientSession, attachment: discord.Attachment, limits: NoteLimits, **request: Any
) -> bytes:
    """The attachment's bytes, or NotDownloaded with the reason. Refused before any request when its name or
    declared size would be; the body is read in chunks and given up as soon as it passes the declared size.
    `request`: options of the GET (the bot's proxy)."""
    problem = upload_problem(note_name(attachment.filename), attachment.size, limits)
    if problem:
        raise NotDownloaded(problem)
    try:
        return await asyncio.wait_for(_fetch(session, attachment, request), limits.download_seconds)
    except TimeoutError:
        raise NotDownloaded(
            f"the download from Discord took longer than {limits.download_seconds:g} seconds: try again"
        ) from None
    except aiohttp.ClientError as exc:
        raise NotDownloaded(f"the download from Discord failed ({exc.__class__.__name__}): try again") from None


async def _fetch(session: aiohttp.ClientSession, attachment: discord.Attachment, request: dict[str, Any]) -> bytes:
    size = attachment.size
    too_big = f"Discord sent more than the {size} bytes it said the file has"
    async with session.get(attachment.url, **request) as response:
        if response.status == 404:
            raise NotDownloaded("Discord no longer has the file (404): attach it again")
        if response.status == 403:
            raise NotDownloaded("Discord refused the download (403): attach it again")
        if response.status != 200:
            raise NotDownloaded(f"Discord's file server answered {response.status}: try again")
        if response.content_length is not None and response.content_length > size:
            raise NotDownloaded(too_big)
        data = bytearray()
        while chunk := await response.content.read(min(CHUNK, size + 1 - len(data))):
            data += chunk
            if len(data) > size:
                raise NotDownloaded(too_big)
    if len(data) < size:
        raise NotDownloaded("the download from Discord was incomplete: try again")
    return bytes(data)


def _choices(names: list[str], current: str) -> list[app_commands.Choice[str]]:
    wanted = current.casefold().strip()
    found = [n for n in names if wanted in n.casefold()]
    return [app_commands.Choice(name=clip(n, CHOICE_LIMIT), value=n[:CHOICE_LIMIT]) for n in found[:CHOICES_LIMIT]]


def _lines_text(texts: list[str]) -> str:
    """Replies of several files, one line each (a file's warnings under it), inside a message's length."""
    return fit_lines((safe(line) for text in texts for line in text.splitlines()), MESSAGE_LIMIT)


class NotesCog(commands.GroupCog, group_name="notes", group_description=summary("notes")):
    def __init__(self, bot: RevisionBot):
        self.bot = bot
        self.service = bot.service

    async def _teacher(self, interaction: discord.Interaction, action: str) -> bool:
        """As in the console, refused before the core is asked (it checks too). Every reply here is private,
        so the interaction is deferred first: a teacher role is looked up in the database."""
        if await self.bot.is_teacher(interaction):
            return True
        await send(interaction, f"/notes {action} is for teachers.")
        return False

    # --- everyone -----------------------------------------------------------------------------------

    @app_commands.command(name="list", description="The class's notes: what each file gave, who added it and when")
    async def list_notes(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        notes = await self.service.notes_list(class_for(interaction), user_for(interaction))
        await send_text(interaction, render_notes(notes), "notes.txt", "The whole list is attached.")

    @app_commands.command(name="show", description="How one file of the notes was split into topics and facts")
    @app_commands.describe(file="The file's name (suggested as you type)")
    async def show(self, interaction: discord.Interaction, file: str) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        split = await self.service.notes_show(class_for(interaction), file, user_for(interaction))
        name = f"{split.name if split else 'note'}.split.txt"
        await send_text(interaction, render_split(split, file), name, "How the whole file was split is attached.")

    @show.autocomplete("file")
    async def _shown_files(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        cls = class_for(interaction)
        notes = await self.service.notes_list(cls)  # no user: suggestions are not rate limited
        if notes.shared:  # the shared notes can be shown too
            names = list(dict.fromkeys(t.source for t in await self.service.topics(cls)))
        else:
            names = [f.name for f in notes.files]
        return _choices(names, current)

    # --- teachers -----------------------------------------------------------------------------------

    @app_commands.command(name="add", description="Add files to the class's notes (teachers)")
    @app_commands.describe(
        file="A notes file: .docx, .pdf, .pptx, .odt, .odp, .rtf, .md, .txt, .html, .csv",
        **{f"file{n}": "Another notes file" for n in range(2, ADD_FILES + 1)},
    )
    async def add(
        self,
        interaction: discord.Interaction,
        file: discord.Attachment,
        file2: AnotherFile = None,
        file3: AnotherFile = None,
        file4: AnotherFile = None,
        file5: AnotherFile = None,
        file6: AnotherFile = None,
        file7: AnotherFile = None,
        file8: AnotherFile = None,
        file9: AnotherFile = None,
        file10: AnotherFile = None,
    ) -> None:
        files = [f for f in (file, file2, file3, file4, file5, file6, file7, file8, file9, file10) if f is not None]
        await self._put(interaction, files, replace=False)

    @app_commands.command(name="replace", description="Put a new version in place of a file of the same name")
    @app_commands.describe(file="The new version, named as the file it replaces")
    async def replace(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        await self._put(interaction, [file], replace=True)

    async def _put(self, interaction: discord.Interaction, files: list[discord.Attachment], replace: bool) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        action = "replace" if replace else "add"
        if not await self._teacher(interaction, action):
            return
        cls, user = class_for(interaction), user_for(interaction)
        limits = self.service.note_limits()
        changes: list[NotesChange | None] = []
        taken: list[tuple[str, bytes]] = []
        # discord.py's own session is private to its HTTP client: one of ours for the command, through its proxy
        proxy = {"proxy": self.bot.http.proxy, "proxy_auth": self.bot.http.proxy_auth}
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
            for attachment in files:
                try:
                    taken.append((attachment.filename, await download(session, attachment, limits, **proxy)))
                    changes.append(None)  # the core's answer goes here
                except NotDownloaded as exc:
                    log.warning("note %r for %s not taken: %s", attachment.filename[:120], cls.key, exc)
                    changes.append(NotesChange(action, note_name(attachment.filename) or "the file", problem=str(exc)))
        if taken:  # the class's notes are built once, after the last file
            try:
                added = iter(await self.service.notes_add_files(cls, user, True, taken, replace=replace))
            except RateLimited as exc:
                names = ", ".join(note_name(name) for name, _ in taken)
                await send(interaction, safe(f"{slow_down(exc)} Not {'replaced' if replace else 'added'}: {names}."))
                return
            changes = [c if c is not None else next(added) for c in changes]
        await send(interaction, _lines_text([render_change(c) for c in changes if c is not None]))

    @app_commands.command(name="remove", description="Remove a file from the class's notes (teachers)")
    @app_commands.describe(file="The file's name (suggested as you type)")
    async def remove(self, interaction: discord.Interaction, file: str) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        if not await self._teacher(interaction, "remove"):
            return
        cls = class_for(interaction)
        if len(file) == CHOICE_LIMIT:  # a suggestion cut to Discord's 100 characters: the one file it starts
            names = [f.name for f in (await self.service.notes_list(cls)).files if f.name.startswith(file)]
            file = names[0] if len(names) == 1 else file
        change = await self.service.notes_remove(cls, user_for(interaction), True, file)
        await send(interaction, _lines_text([render_change(change)]))

    @remove.autocomplete("file")
    async def _own_files(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        notes = await self.service.notes_list(class_for(interaction))
        return _choices([f.name for f in notes.files], current)
