"""Teachers' notes from Telegram: files sent to the real python-telegram-bot code, fetched from the fake Bot API
with getFile and its file download (in memory, and over HTTP on 127.0.0.1)."""

from __future__ import annotations

import dataclasses
import io
import zipfile

import pytest
from telegram.ext import Application

from adapters.telegram.bot import build_application
from bot.app import bootstrap
from bot.config import Settings
from bot.refs import ClassRef
from tests.adapters.telegram_fake import TOKEN, FakeBotAPI, serve_http, user
from tests.adapters.test_telegram import (
    ADMIN,
    ANA,
    BEN,
    GROUP,
    TEACHER,
    Harness,
    errors_logged,
    start,
    stop,
)

OTHER_GROUP = -1005678
CLASS = ClassRef("telegram", str(GROUP))
CELLS = b"""# Cells

## Organelles
- Mitochondria: the organelles where aerobic respiration releases energy.
- Nucleus: contains the genetic material that controls the activities of the cell.
- Ribosomes: where protein synthesis happens.
- Chloroplasts: absorb light energy for photosynthesis.

## Microscopes
- Robert Hooke first described cells in 1665.
- The electron microscope was invented in 1931 by Ernst Ruska and Max Knoll.
"""
ADDED = "cells.md: 6 facts in 2 topics, 11 quiz questions (added)"
PROTEIN = "/ask where does protein synthesis happen"
LINK = f"notes{GROUP}"  # the deep link's start payload: "notes-1001234"


@pytest.fixture
async def tg(service, clock, caplog):
    api = FakeBotAPI(clock)
    api.members[(GROUP, ADMIN["id"])] = "administrator"
    api.members[(OTHER_GROUP, ADMIN["id"])] = "administrator"
    harness = await start(service, api)
    yield harness
    await harness.app.shutdown()
    assert harness.errors == []
    assert errors_logged(caplog) == []


async def send_file(
    tg: Harness, chat_id: int, sender: dict, name: str | None, data: bytes | None, caption: str | None = "/notes", **kw
) -> str:
    """Send a document (with a caption); what the bot answered."""
    return "\n".join(await tg.feed(tg.api.document_update(chat_id, sender, name, data, caption, **kw)))


async def file_names(service) -> list[str]:
    listing = await service.notes_list(CLASS)
    return [] if listing.shared else [f.name for f in listing.files]


def refused(reply: str, name: str, why: str) -> None:
    """One short line: the file, why, and that nothing changed."""
    assert "\n" not in reply and "Traceback" not in reply, reply
    assert reply.startswith(f"{name}: not ") and why in reply and reply.endswith("Nothing was changed."), reply


# --- in the group ---------------------------------------------------------------------------------------


async def test_a_teacher_adds_notes_with_a_caption_and_the_class_is_answered_from_them(tg, service):
    assert "Red Army" in await tg.send(GROUP, ANA, "/ask kruschev army cuts")  # the shared notes, at first
    assert await send_file(tg, GROUP, ADMIN, "cells.md", CELLS, "/notes") == ADDED
    assert [c.params["file_id"] for c in tg.api.calls_to("getFile")] and len(tg.api.downloads) == 1
    assert "Ribosomes: where protein synthesis happens" in await tg.send(GROUP, ANA, PROTEIN)
    assert "not in the notes" in await tg.send(GROUP, ANA, "/ask kruschev army cuts")  # its own notes only now
    # another group still uses the shared notes
    assert "not in the notes" in await tg.send(OTHER_GROUP, BEN, PROTEIN)
    assert "Red Army" in await tg.send(OTHER_GROUP, BEN, "/ask kruschev army cuts")
    # the caption may name the bot, and say add or replace
    more = b"# Plants\n- Xylem: the tissue that carries water up a plant.\n"
    assert "plants.md: 1 fact in 1 topic" in await send_file(tg, GROUP, ADMIN, "plants.md", more, "/notes add")
    replaced = await send_file(tg, GROUP, ADMIN, "plants.md", more, "/notes@revision_test_bot replace")
    assert "plants.md: 1 fact in 1 topic" in replaced and "(replaced)" in replaced
    assert "(added)" in await send_file(tg, GROUP, ADMIN, "more.md", more, "/notes\nChapter 3, from the lesson")
    assert await send_file(tg, GROUP, ADMIN, "x.md", more, "/notes@some_other_bot") == ""  # not for us
    assert await send_file(tg, GROUP, ADMIN, "x.md", more, None) == ""  # a file in the group: not for the bot
    assert await send_file(tg, GROUP, ADMIN, "x.md", more, "look at this") == ""
    assert await file_names(service) == ["cells.md", "more.md", "plants.md"]


async def test_a_notes_command_in_reply_to_a_document_adds_it(tg, service):
    posted = tg.api.document_update(GROUP, BEN, "cells.md", CELLS)  # a student shares the file; the bot is silent
    assert "\n".join(await tg.feed(posted)) == ""
    assert ADDED in await tg.send(GROUP, ADMIN, "/notes", reply_to=posted["message"])
    assert "Ribosomes" in await tg.send(GROUP, ANA, PROTEIN)
    replaced = await tg.send(GROUP, ADMIN, "/notes replace", reply_to=posted["message"])
    assert "cells.md: 6 facts in 2 topics" in replaced and "(replaced)" in replaced
    # without a file to take
    attach = await tg.send(GROUP, ADMIN, "/notes add")
    assert "Send it with the caption /notes" in attach
    assert tg.api.sent(GROUP)[-1].params["reply_markup"]["inline_keyboard"][0][0]["url"].endswith(f"?start={LINK}")
    # a student replying /notes to a file adds nothing, and the bot does not download it
    fetched = len(tg.api.calls_to("getFile"))
    other = tg.api.document_update(GROUP, BEN, "plants.md", b"# Plants\n- Xylem carries water.\n")
    assert "Only the class's teachers" in await tg.send(GROUP, BEN, "/notes", reply_to=other["message"])
    assert len(tg.api.calls_to("getFile")) == fetched and await file_names(service) == ["cells.md"]


async def test_list_show_replace_and_remove(tg, service, clock):
    student_list = await tg.send(GROUP, ANA, "/notes")
    assert "uses the bot's shared notes" in student_list and "reply_markup" not in tg.api.sent(GROUP)[-1].params
    await send_file(tg, GROUP, ADMIN, "cells.md", CELLS)
    listed = await tg.send(GROUP, ANA, "/notes")
    assert f"- {ADDED.removesuffix(' (added)')} (added by Mrs K. on {clock():%Y-%m-%d})" in listed
    assert "files up to 10 MB, 30 a class" in listed and ".docx" in listed
    teacher_list = await tg.send(GROUP, ADMIN, "/notes")  # a teacher's list carries the link to a private chat
    button = tg.api.sent(GROUP)[-1].params["reply_markup"]["inline_keyboard"][0][0]
    assert "cells.md" in teacher_list and button["url"] == f"https://t.me/revision_test_bot?start={LINK}"
    shown = await tg.send(GROUP, ANA, "/notes show cells.md")
    assert shown.startswith("cells.md: 6 facts in 2 topics") and "# Microscopes" in shown and "Robert Hooke" in shown
    assert "No note named 'nope.md'" in await tg.send(GROUP, ANA, "/notes show nope.md")
    assert "Which file?" in await tg.send(GROUP, ANA, "/notes show")
    assert "Use: /notes" in await tg.send(GROUP, ANA, "/notes frobnicate")
    again = await send_file(tg, GROUP, ADMIN, "cells.md", CELLS)
    refused(again, "cells.md", "has a file named cells.md already: /notes replace puts this one in its place")
    new = CELLS.replace(b"Robert Hooke", b"Anton van Leeuwenhoek")
    assert "(replaced)" in await send_file(tg, GROUP, ADMIN, "cells.md", new, "/notes replace")
    assert "Leeuwenhoek" in await tg.send(GROUP, ANA, "/ask who first described cells")
    assert "Only the class's teachers" in await tg.send(GROUP, ANA, "/notes remove cells.md")
    assert await file_names(service) == ["cells.md"]
    assert "cells.md removed from the class's notes." in await tg.send(GROUP, ADMIN, "/notes remove cells.md")
    assert "uses the bot's shared notes" in await tg.send(GROUP, ANA, "/notes")
    assert "Red Army" in await tg.send(GROUP, ANA, "/ask kruschev army cuts")


async def test_an_anonymous_administrator_adds_notes_as_the_group(tg, service):
    as_group = tg.api.document_update(
        GROUP, user(1087968824, "Group"), "cells.md", CELLS, "/notes", sender_chat=tg.api.chat(GROUP)
    )
    assert ADDED in "\n".join(await tg.feed(as_group))
    assert await file_names(service) == ["cells.md"]


async def test_a_student_cannot_add_notes_and_nothing_is_downloaded(tg, service):
    reply = await send_file(tg, GROUP, ANA, "cells.md", CELLS)
    assert reply == "Only the class's teachers (the group's administrators) can change its notes; /notes lists them."
    assert tg.api.calls_to("getFile") == [] and tg.api.downloads == []
    assert await file_names(service) == []
    assert "remove FILE] - The class's notes" in await tg.send(GROUP, ADMIN, "/help")  # in the teacher's help and menu
    menus = {(c.params.get("scope") or {}).get("type", "default"): c.params for c in tg.api.calls_to("setMyCommands")}
    assert "notes" in [c["command"] for c in menus["all_chat_administrators"]["commands"]]


# --- refused files --------------------------------------------------------------------------------------


async def test_a_file_too_big_or_of_the_wrong_type_is_refused_before_it_is_downloaded(tg, service):
    big = await send_file(tg, GROUP, ADMIN, "big.md", None, size=15_000_000)
    refused(big, "big.md", "the file is 15.0 MB; notes may be at most 10 MB a file")
    refused(await send_file(tg, GROUP, ADMIN, "virus.exe", b"MZ"), "virus.exe", "'.exe' files are not notes")
    refused(await send_file(tg, GROUP, ADMIN, "talk.key", b"k"), "talk.key", "Keynote files cannot be read")
    refused(await send_file(tg, GROUP, ADMIN, "empty.md", b""), "empty.md", "the file is empty")
    refused(await send_file(tg, GROUP, ADMIN, None, CELLS), "The file", "the file has no usable name")
    assert tg.api.calls_to("getFile") == [] and tg.api.downloads == []
    assert await file_names(service) == []


async def test_sizes_telegram_did_not_say_are_checked_from_getfile_and_the_bytes(tg, service):
    # Telegram's getFile refuses files over 20 MB: the size was unknown, so it was asked
    huge = await send_file(tg, GROUP, ADMIN, "huge.pdf", None, size=25 * 1024 * 1024, size_known=False)
    refused(huge, "huge.pdf", "Telegram lets bots download files of at most 20 MB")
    assert len(tg.api.calls_to("getFile")) == 1 and tg.api.downloads == []
    # a size only the download shows: the bytes are counted
    big = await send_file(tg, GROUP, ADMIN, "big.md", b"- x\n" * 3_000_000, size_known=False)
    refused(big, "big.md", "the file is 12.0 MB; notes may be at most 10 MB a file")
    assert await file_names(service) == []


async def test_a_zip_bomb_named_docx_is_refused(tg, service):
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b" " * 200_000_000 + b"</w:document>")
    bomb = packed.getvalue()
    assert len(bomb) < 1_000_000
    refused(await send_file(tg, GROUP, ADMIN, "Revision.docx", bomb), "Revision.docx", "zip bomb")
    assert await file_names(service) == []


async def test_a_failed_or_slow_download_changes_nothing_and_says_so_in_one_line(tg, service, caplog):
    limits = service.desk.limits
    service.desk.limits = dataclasses.replace(limits, download_seconds=0.3)
    try:
        slow = await send_file(tg, GROUP, ADMIN, "cells.md", CELLS, delay=5.0)
        refused(slow, "cells.md", "the download from Telegram took longer than 0.3 s; send it again")
    finally:
        service.desk.limits = limits
    gone = await send_file(tg, GROUP, ADMIN, "cells.md", None, size=len(CELLS))  # lost from Telegram's servers: a 404
    refused(gone, "cells.md", "the download from Telegram failed; send it again")
    tg.api.fail_next("getFile", 502, "Bad Gateway")
    refused(await send_file(tg, GROUP, ADMIN, "cells.md", CELLS), "cells.md", "the download from Telegram failed")
    tg.api.fail_next("getFile", 400, "Bad Request: invalid file_id")
    refused(await send_file(tg, GROUP, ADMIN, "cells.md", CELLS), "cells.md", "Telegram would not give me the file")
    assert await file_names(service) == []
    assert not [r for r in caplog.records if r.exc_info]  # expected faults: a line in the log, no traceback
    assert ADDED in await send_file(tg, GROUP, ADMIN, "cells.md", CELLS)  # and then it works


# --- in a private chat ----------------------------------------------------------------------------------


async def test_a_teacher_adds_notes_in_a_private_chat_opened_from_the_group(tg, service, db_url, clock, knowledge):
    admin = ADMIN["id"]
    # before choosing a class, a file in the private chat goes nowhere
    assert "Which class? Send /notes in your class" in await send_file(tg, admin, ADMIN, "cells.md", CELLS, None)
    assert tg.api.calls_to("getFile") == []
    chosen = await tg.send(admin, ADMIN, f"/start {LINK}")
    assert "This chat now works on the notes of <b>Class 7B &lt;History &amp; Politics&gt;</b>" in chosen
    assert "uses the bot's shared notes" in chosen
    checked = tg.api.calls_to("getChatMember")[-1].params
    assert (int(checked["chat_id"]), int(checked["user_id"])) == (GROUP, admin)
    # a file with no caption, or /notes, adds to the group's class; every reply says which class
    added = await send_file(tg, admin, ADMIN, "cells.md", CELLS, None)
    assert added == f"<b>Class 7B &lt;History &amp; Politics&gt;</b>\n{ADDED}"
    assert "Ribosomes" in await tg.send(GROUP, ANA, PROTEIN)
    assert "not in the notes" in await tg.send(admin, ADMIN, PROTEIN)  # questions here are still this chat's
    listed = await tg.send(admin, ADMIN, "/notes")
    assert listed.startswith("<b>Class 7B") and "cells.md: 6 facts" in listed
    assert "# Organelles" in await tg.send(admin, ADMIN, "/notes show cells.md")
    more = b"# Plants\n- Xylem: the tissue that carries water up a plant.\n"
    assert "plants.md: 1 fact" in await send_file(tg, admin, ADMIN, "plants.md", more, "/notes")
    assert "(replaced)" in await send_file(tg, admin, ADMIN, "plants.md", more, "/notes replace")
    assert "plants.md removed" in await tg.send(admin, ADMIN, "/notes remove plants.md")
    assert "Send me the file" in await tg.send(admin, ADMIN, "/notes add")
    assert await file_names(service) == ["cells.md"]

    # the choice is in the database: another process (or a restart) knows it
    other = await restart_on(tg, db_url, clock, knowledge)
    try:
        again = await send_file(other, admin, ADMIN, "plants.md", more, None)
        assert again.startswith("<b>Class 7B") and "plants.md: 1 fact" in again
    finally:
        await stop(other)
    # a teacher who is no longer an administrator of the group cannot change its notes any more
    tg.api.members[(GROUP, admin)] = "member"
    assert "Only the class's teachers" in await send_file(tg, admin, ADMIN, "x.md", more, None)
    assert "Only the class's teachers" in await tg.send(admin, ADMIN, "/notes remove cells.md")
    assert await file_names(service) == ["cells.md", "plants.md"]
    # another group's link switches the class; /forgetme forgets the choice
    assert "works on the notes of" in await tg.send(admin, ADMIN, f"/start notes{OTHER_GROUP}")
    assert "plants.md: 1 fact" in await send_file(tg, admin, ADMIN, "plants.md", more, None)
    assert await file_names(service) == ["cells.md", "plants.md"]
    assert [f.name for f in (await service.notes_list(ClassRef("telegram", str(OTHER_GROUP)))).files] == ["plants.md"]
    await tg.send(admin, ADMIN, "/forgetme yes")
    assert "Which class?" in await send_file(tg, admin, ADMIN, "cells.md", CELLS, None)


async def test_the_private_link_is_refused_to_someone_not_teaching_the_group(tg, service):
    ben = BEN["id"]
    assert "Only that group's teachers" in await tg.send(ben, BEN, f"/start {LINK}")
    assert "Which class?" in await send_file(tg, ben, BEN, "cells.md", CELLS, None)
    assert "Which class?" in await tg.send(ben, BEN, "/notes remove cells.md")
    private = await tg.send(ben, BEN, "/notes")  # a private chat is a class of its own: it lists its notes
    assert "shared notes" in private and "Which class?" in private
    assert tg.api.calls_to("getFile") == [] and await file_names(service) == []
    # a teacher named in TELEGRAM_TEACHER_IDS teaches every group
    teacher = TEACHER["id"]
    assert "works on the notes of" in await tg.send(teacher, TEACHER, f"/start {LINK}")
    assert ADDED in await send_file(tg, teacher, TEACHER, "cells.md", CELLS, None)
    # the ordinary /start is untouched
    assert "revision notes" in await tg.send(ben, BEN, "/start")


async def restart_on(tg: Harness, db_url: str, clock, knowledge) -> Harness:
    service = await bootstrap(Settings(database_url=db_url), clock=clock, knowledge=knowledge)
    return await start(service, tg.api)


# --- over HTTP ------------------------------------------------------------------------------------------


async def test_a_file_is_fetched_over_http_from_a_local_bot_api(service, clock, caplog):
    """getFile and the download through PTB's real HTTP layer (httpx) from the fake on 127.0.0.1."""
    api = FakeBotAPI(clock)
    api.members[(GROUP, ADMIN["id"])] = "administrator"
    runner, port = await serve_http(api)
    settings = Settings(telegram_token=TOKEN, telegram_api_base_url=f"http://127.0.0.1:{port}")
    app: Application = build_application(service, settings)
    tg = Harness(api, app, service)
    await app.initialize()
    try:
        assert ADDED in await send_file(tg, GROUP, ADMIN, "cells.md", CELLS)
        assert api.downloads and "Ribosomes" in await tg.send(GROUP, ANA, PROTEIN)
        gone = await send_file(tg, GROUP, ADMIN, "gone.md", None, size=9)  # a 404 over HTTP
        refused(gone, "gone.md", "the download from Telegram failed")
    finally:
        await app.shutdown()
        await runner.cleanup()
    assert errors_logged(caplog) == []
