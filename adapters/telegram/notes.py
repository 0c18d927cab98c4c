"""/notes on Telegram: a group's notes listed and shown; its teachers add files (a document with a /notes caption,
or /notes in reply to one), replace and remove them, in the group or in a private chat opened by a link from it."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass

from telegram import Bot, Document, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes, filters

from adapters.console.notes import render_change, render_notes, render_split
from adapters.telegram.handlers import (
    _COMMAND,
    PLATFORM,
    Turn,
    class_ref,
    notes_key,
    politely,
    teaches,
)
from adapters.telegram.render import escape
from bot.classnotes.limits import note_name, upload_problem
from bot.classnotes.values import NoteLimits, NotesChange
from bot.commands import NOTES_USAGE, parse_notes
from bot.refs import ClassRef

log = logging.getLogger(__name__)

# "/start notes-1001234": the link a group's /notes gives its teachers (a group's id is negative, hence the "-").
START_PAYLOAD = re.compile(r"^notes(-\d{1,20})$")
START_FILTER = filters.Regex(r"^/start(?:@[A-Za-z0-9_]+)?\s+notes-\d{1,20}\s*$")
DOWNLOAD_MB = 20  # Telegram lets bots download files of at most 20 MB (getFile refuses bigger ones)

FOR_TEACHERS = "Only the class's teachers (the group's administrators) can change its notes; /notes lists them."
CHOOSE = (
    "Which class? Send /notes in your class's group: as its teacher you get a link that opens this chat "
    "working on that group's notes."
)
ATTACH = "Which file? Send it with the caption /notes (/notes replace to replace one), or reply to it with /notes."


@dataclass(frozen=True, slots=True)
class Target:
    """The class whose notes a message works on: the group's own; in a private chat, the group its teacher chose
    (`group` is its chat id, `title` its name for the replies), or the private chat itself when none was chosen."""

    cls: ClassRef
    group: int | None = None
    title: str = ""

    @property
    def header(self) -> str:
        return f"<b>{escape(self.title)}</b>\n" if self.group is not None else ""


async def target_of(t: Turn) -> Target | None:
    """The class a /notes here is about; None in a private chat whose teacher has chosen no group."""
    if not t.private:
        return Target(t.cls)
    found = await t.service.recall_ref(PLATFORM, notes_key(t.tg_user.id))
    if found is None:
        return None
    group = int(found[1].chat_id)
    return Target(found[1], group, await group_title(t.bot, group))


async def group_title(bot: Bot, group: int) -> str:
    try:
        return (await bot.get_chat(group)).title or f"group {group}"
    except TelegramError as exc:  # removed from it since: the teacher still sees which class it was
        log.info("could not get the title of %s: %s", group, exc)
        return f"group {group}"


async def may_change(t: Turn, target: Target) -> bool:
    """Only teachers change notes: in a group as for every teacher command (admins, anonymous admins, configured
    teachers); in a private chat, asked afresh of the chosen group, so a teacher no longer its admin cannot."""
    if target.group is None:
        return await t.is_teacher()
    return await teaches(t.bot, t.state.settings, target.group, t.tg_user.id)


def private_link(t: Turn) -> InlineKeyboardMarkup:
    """A button opening the teacher's private chat with the bot, working on this group's notes."""
    link = f"https://t.me/{t.bot.username}?start=notes{t.chat_id}"
    return InlineKeyboardMarkup([[InlineKeyboardButton("Add notes in a private chat", url=link)]])


# --- handlers ------------------------------------------------------------------------------------------


async def on_notes_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    t = Turn(update, context)
    found = _COMMAND.match(t.message.text or "")
    await politely(t, notes(t, found.group(3).strip() if found else ""))


async def on_notes_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A file sent with a /notes caption (in a group or privately), or any file sent in a private chat: notes."""
    t = Turn(update, context)
    document = t.message.document
    found = _COMMAND.match(t.message.caption or "")
    if found is not None:
        to = (found.group(2) or "").lower()
        if found.group(1).lower() != "notes" or (to and to != (t.bot.username or "").lower()):
            return  # another command, or another bot's
        action, _ = parse_notes(found.group(3))
        if action in ("show", "remove"):  # "/notes remove X" as a caption: the command, not the file
            await politely(t, notes(t, found.group(3)))
            return
        replace = action == "replace"  # other words after /notes ("/notes Chapter 3") describe the file
    elif t.private:
        replace = False
    else:
        return  # a file in the group, not for the bot
    if document is not None:
        await politely(t, add_document(t, document, replace))


async def on_notes_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start notes-<group id> in a private chat (the group's link): this chat works on that group's notes."""
    t = Turn(update, context)
    payload = (t.message.text or "").split(maxsplit=1)[-1].strip()
    found = START_PAYLOAD.match(payload)
    if found is not None:
        await politely(t, choose(t, int(found.group(1))))


# --- what they do --------------------------------------------------------------------------------------


async def choose(t: Turn, group: int) -> None:
    if not await teaches(t.bot, t.state.settings, group, t.tg_user.id):
        await t.reply("Only that group's teachers (its administrators) can work on its notes.")
        return
    cls = class_ref(group)
    await t.service.remember_ref(PLATFORM, notes_key(t.tg_user.id), "notes", cls, replace=True)
    title = await group_title(t.bot, group)
    listing = render_notes(await t.service.notes_list(cls, t.user))
    await t.reply(
        f"This chat now works on the notes of <b>{escape(title)}</b>. Send me a file to add it "
        "(with the caption /notes replace to put it in place of the file of that name); /notes lists them, "
        "/notes show FILE, /notes remove FILE. The link in another group's /notes switches to that class.\n\n"
        + escape(listing)
    )


async def notes(t: Turn, rest: str) -> None:
    action, arg = parse_notes(rest)
    replied = t.message.reply_to_message
    if action == "list" and replied is not None and replied.document is not None:
        action = "add"  # a bare /notes in reply to a file takes it, as /notes as a file's caption does
    if action == "usage":
        await t.reply(escape(NOTES_USAGE))
        return
    target = await target_of(t)
    if target is None:
        if action not in ("list", "show"):
            await t.reply(CHOOSE)
            return
        target = Target(t.cls)  # a private chat is a class of its own
    if action == "list":
        await _list(t, target)
    elif action == "show":
        if not arg:
            await t.reply("Which file? /notes show FILE (/notes lists them).")
            return
        split = await t.service.notes_show(target.cls, arg, t.user)
        await t.reply(target.header + escape(render_split(split, arg)))
    elif not await may_change(t, target):
        await t.reply(FOR_TEACHERS)
    elif action == "remove":
        if not arg:
            await t.reply("Which file? /notes remove FILE (/notes lists them).")
            return
        change = await t.service.notes_remove(target.cls, t.user, True, arg)
        await t.reply(target.header + escape(render_change(change)))
    else:  # add, replace: the file this message replies to
        if replied is not None and replied.document is not None:
            await add_document(t, replied.document, action == "replace", target)
        elif t.private:
            await t.reply(target.header + "Send me the file (with the caption /notes replace to replace one).")
        else:
            await t.reply(ATTACH, private_link(t))


async def _list(t: Turn, target: Target) -> None:
    text = target.header + escape(render_notes(await t.service.notes_list(target.cls, t.user)))
    if t.private and target.group is None:
        await t.reply(f"{text}\n\n{CHOOSE}")
    elif not t.private and await t.is_teacher():
        await t.reply(text, private_link(t))
    else:
        await t.reply(text)


async def add_document(t: Turn, document: Document, replace: bool, target: Target | None = None) -> None:
    """Add (or replace) a class's note from a file sent on Telegram: refused by its size and type before it is
    downloaded, downloaded within the time and size limits, then read by the core (which checks it again)."""
    target = target or await target_of(t)
    if target is None:
        await t.reply(CHOOSE)
        return
    if not await may_change(t, target):
        await t.reply(FOR_TEACHERS)
        return
    action = "replace" if replace else "add"
    filename = document.file_name or ""
    data, problem = await download(t.bot, document, t.service.note_limits())
    if data is None:
        change = NotesChange(action, note_name(filename) or filename[:60] or "The file", problem=problem)
    else:
        change = await t.service.notes_add(target.cls, t.user, True, filename, data, replace=replace)
    await t.reply(target.header + escape(render_change(change)))


async def download(bot: Bot, document: Document, limits: NoteLimits) -> tuple[bytes | None, str]:
    """The document's bytes, or None and why not. What its name and size rule out is refused before anything is
    fetched; the fetch (getFile, then the download) gives up after `limits.download_seconds`."""
    name = note_name(document.file_name or "")
    problem = upload_problem(name, document.file_size, limits)
    if problem:
        return None, problem
    try:
        return await asyncio.wait_for(_fetch(bot, document.file_id, name, limits), limits.download_seconds)
    except TimeoutError:
        log.info("the download of %r from Telegram took over %g s", name, limits.download_seconds)
        return None, f"the download from Telegram took longer than {limits.download_seconds:g} s; send it again"
    except BadRequest as exc:
        if "too big" in str(exc).lower():
            return None, f"Telegram lets bots download files of at most {DOWNLOAD_MB} MB"
        log.info("Telegram refused the file %r: %s", name, exc)
        return None, "Telegram would not give me the file; send it again"
    except TelegramError as exc:  # a network error, a file gone from Telegram's servers (a 404) ...
        log.warning("could not download the file %r from Telegram: %s", name, exc)
        return None, "the download from Telegram failed; send it again"


async def _fetch(bot: Bot, file_id: str, name: str, limits: NoteLimits) -> tuple[bytes | None, str]:
    file = await bot.get_file(file_id)
    if problem := upload_problem(name, file.file_size, limits):  # the document did not say its size
        return None, problem
    data = bytes(await file.download_as_bytearray())
    if problem := upload_problem(name, len(data), limits):  # nor getFile: what came is checked
        return None, problem
    return data, ""
