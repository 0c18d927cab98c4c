"""/notes on Discord, on the real discord.py: files attached to the command, fetched from a fake CDN on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import io
import logging
import re

import pytest

from adapters.discord.notes import ADD_FILES
from bot.refs import ClassRef
from tests.adapters.discord_fake import MANAGE_GUILD, Harness, Request, user
from tests.adapters.test_discord import assert_within_discord_limits, last_shown, start_bot
from tests.knowledge.readers.test_hostile import zip_bomb

TEACHER = user(800000000000000099, "Mr K")
AS_TEACHER = {"who": TEACHER, "perms": MANAGE_GUILD}
CLS = ClassRef("discord", "900000000000000003")
SLOW = 30.0  # a file is read and the class's notes rebuilt: seconds on a busy machine

PHOTOSYNTHESIS = b"""# Photosynthesis

Photosynthesis is the process by which green plants make glucose from carbon dioxide and water using light energy.

## Chloroplasts

Chloroplasts contain chlorophyll, a green pigment that absorbs light.
The Calvin cycle takes place in the stroma of the chloroplast.

## Limiting factors

Light intensity, carbon dioxide concentration and temperature limit the rate of photosynthesis.
"""

CELLS = b"""# Transport in cells

- Osmosis: the movement of water across a partially permeable membrane from a dilute to a concentrated solution.
- Diffusion: the spreading out of particles from an area of high concentration to an area of low concentration.
- Active transport: the movement of particles against a concentration gradient, using energy from respiration.

## Cell structures

The nucleus was first described by Robert Brown in 1831.
Mitochondria release energy by aerobic respiration.
Ribosomes are where proteins are made.
"""


@pytest.fixture(autouse=True)
def no_traceback_logged(caplog):
    """Expected faults (a refused file, a failed download) are one log line: no ERROR, no traceback."""
    caplog.set_level(logging.INFO)
    yield
    records = caplog.get_records("call")
    assert not [r.getMessage() for r in records if r.levelno >= logging.ERROR]
    assert not [r.getMessage() for r in records if r.exc_info and r.name.startswith("adapters")]


@pytest.fixture
async def dc(fake, service):
    harness = await start_bot(fake, service)
    yield harness
    await harness.bot.close()
    assert_within_discord_limits(fake.requests)  # every message the bot sent fits what Discord takes


async def notes(dc: Harness, name: str, options: dict | None = None, **kwargs) -> Request:
    """/notes NAME as a student (or as `who`), the reply; the interaction was deferred, privately, first."""
    sent = await dc.subcommand("notes", name, options, timeout=SLOW, **kwargs)
    callbacks = [r.body for r in sent if r.path.endswith("/callback")]
    assert callbacks and callbacks[0]["type"] == 5 and callbacks[0]["data"]["flags"] == 64
    reply = last_shown(sent)
    assert reply.ephemeral
    return reply


async def add(dc: Harness, *files: dict, action: str = "add", **who) -> str:
    """/notes add (or replace) with these attachments, as the teacher unless told; the reply's text."""
    names = ["file"] + [f"file{n}" for n in range(2, ADD_FILES + 1)]
    reply = await notes(dc, action, files=dict(zip(names, files, strict=False)), **(who or AS_TEACHER))
    return reply.text()


def docx_bytes() -> bytes:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("Cell structure", level=1)
    document.add_paragraph("The nucleus contains genetic material that controls the activities of the cell.")
    document.add_paragraph("Mitochondria are where aerobic respiration takes place, releasing energy.")
    document.add_heading("Plant cells", level=1)
    document.add_paragraph("Plant cells have a cell wall made of cellulose, which strengthens the cell.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


async def class_files(service) -> list[str]:
    return [f.name for f in (await service.notes_list(CLS)).files]


# --- the command ----------------------------------------------------------------------------------


async def test_notes_is_a_group_everyone_sees_with_attachment_options(dc):
    group = next(c for c in dc.fake.commands if c["name"] == "notes")
    assert group["default_member_permissions"] is None  # students list and show; the bot checks teachers
    subs = {o["name"]: o for o in group["options"]}
    assert set(subs) == {"list", "show", "add", "replace", "remove"} and all(o["type"] == 1 for o in subs.values())
    added = subs["add"]["options"]
    assert [(o["name"], o["type"], o.get("required", False)) for o in added] == [("file", 11, True)] + [
        (f"file{n}", 11, False) for n in range(2, ADD_FILES + 1)
    ]
    assert [(o["name"], o["type"]) for o in subs["replace"]["options"]] == [("file", 11)]
    assert subs["show"]["options"][0]["autocomplete"] and subs["remove"]["options"][0]["autocomplete"]
    assert all(0 < len(o["description"]) <= 100 for o in [group, *subs.values(), *added])
    assert "/notes" in last_shown(await dc.command("help")).text()


# --- a teacher's notes, end to end -------------------------------------------------------------------


async def test_a_teacher_adds_notes_and_the_class_is_answered_from_them(dc, service):
    before = await notes(dc, "list")
    assert "uses the bot's shared notes" in before.text()

    text = await add(dc, dc.fake.attachment("photosynthesis.md", PHOTOSYNTHESIS))
    assert re.fullmatch(r"photosynthesis\.md: 4 facts in 3 topics, \d+ quiz questions? \(added\)", text), text
    assert len(dc.fake.cdn_requests) == 1 and "/attachments/" in dc.fake.cdn_requests[0]

    answer = last_shown(await dc.command("ask", {"question": "where does the calvin cycle take place"})).text()
    assert "stroma of the chloroplast" in answer and "from photosynthesis.md" in answer
    assert "not in the notes" in last_shown(await dc.command("ask", {"question": "yalta conference"})).text()
    # another class (here a direct conversation, a class of one) still has the shared notes
    elsewhere = last_shown(await dc.command("ask", {"question": "yalta conference"}, dm=True)).text()
    assert "Yalta" in elsewhere and "photosynthesis" not in elsewhere

    listed = (await notes(dc, "list")).text()  # a student may list them
    assert "This class's notes (1 file):" in listed
    assert "photosynthesis.md: 4 facts in 3 topics" in listed and "(added by Mr K on 2026-11-24)" in listed

    shown = (await notes(dc, "show", {"file": "photo"})).text()  # a unique start of the name will do
    assert shown.startswith("photosynthesis.md: 4 facts in 3 topics")
    assert "# Chloroplasts" in shown and "- The Calvin cycle takes place in the stroma of the chloroplast." in shown
    missing = (await notes(dc, "show", {"file": "cells.docx"})).text()
    assert missing == "No note named 'cells.docx' here: /notes lists them."


async def test_the_classs_quizzes_come_from_its_notes(dc):
    text = await add(dc, dc.fake.attachment("cells.md", CELLS))
    assert text == "cells.md: 6 facts in 2 topics, 5 quiz questions (added)"
    for _ in range(3):
        practice = last_shown(await dc.command("quiz"))
        title = practice.message["embeds"][0]["title"]
        assert title in ("Practice (Transport in cells)", "Practice (Cell structures)"), title


async def test_a_word_file_and_several_files_at_once(dc, service):
    files = (
        dc.fake.attachment("Cells.docx", docx_bytes()),
        dc.fake.attachment("photosynthesis.md", PHOTOSYNTHESIS),
        dc.fake.attachment("setup.exe", b"MZ\x90\x00"),
    )
    lines = (await add(dc, *files)).splitlines()
    assert re.fullmatch(r"Cells\.docx: 3 facts in 2 topics, \d+ quiz questions? \(added\)", lines[0]), lines
    assert lines[1].startswith("photosynthesis.md: 4 facts in 3 topics")
    assert lines[2].startswith(
        "setup.exe: not added: '.exe' files are not notes the bot can read (it takes .csv, .docx"
    )
    assert lines[2].endswith("Nothing was changed.") and len(lines) == 3
    assert len(dc.fake.cdn_requests) == 2  # the .exe was refused by its name, never downloaded
    assert await class_files(service) == ["Cells.docx", "photosynthesis.md"]
    answer = last_shown(await dc.command("ask", {"question": "what is a cell wall made of"})).text()
    assert "cellulose" in answer and "from Cells.docx" in answer


async def test_replace_and_remove(dc, service):
    await add(dc, dc.fake.attachment("photosynthesis.md", PHOTOSYNTHESIS))
    again = await add(dc, dc.fake.attachment("photosynthesis.md", PHOTOSYNTHESIS))
    assert "not added: the class has a file named photosynthesis.md already: /notes replace" in again

    newer = PHOTOSYNTHESIS + b"\nOxygen is released as a by-product of photosynthesis.\n"
    replaced = await add(dc, dc.fake.attachment("photosynthesis.md", newer), action="replace")
    assert re.fullmatch(r"photosynthesis\.md: 5 facts in 3 topics, \d+ quiz questions? \(replaced\)", replaced)
    answer = last_shown(await dc.command("ask", {"question": "what is released as a by-product"})).text()
    assert "Oxygen" in answer
    unknown = await add(dc, dc.fake.attachment("biology.md", newer), action="replace")
    assert (
        unknown
        == "biology.md: not replaced: the class has no file named biology.md: /notes add adds it. Nothing was changed."
    )

    suggested = await dc.autocomplete("notes", "file", "PHOTO", sub="remove")
    choices = [r for r in suggested if r.path.endswith("/callback")][-1].body["data"]["choices"]
    assert choices == [{"name": "photosynthesis.md", "value": "photosynthesis.md"}]

    removed = (await notes(dc, "remove", {"file": "photosynthesis.md"}, **AS_TEACHER)).text()
    assert removed == "photosynthesis.md removed from the class's notes."
    assert await class_files(service) == []
    assert "uses the bot's shared notes" in (await notes(dc, "list")).text()
    gone = (await notes(dc, "remove", {"file": "photosynthesis.md"}, **AS_TEACHER)).text()
    assert "not removed: the class has no file named 'photosynthesis.md'" in gone


async def test_show_suggests_the_classs_files_or_the_shared_ones(dc):
    def names(sent: list[Request]) -> list[str]:
        return [c["value"] for c in [r for r in sent if r.path.endswith("/callback")][-1].body["data"]["choices"]]

    shared = names(await dc.autocomplete("notes", "file", "", sub="show"))
    assert shared and all(n.endswith((".txt", ".md")) for n in shared)  # the bot's notes folder
    await add(dc, dc.fake.attachment("photosynthesis.md", PHOTOSYNTHESIS))
    assert names(await dc.autocomplete("notes", "file", "", sub="show")) == ["photosynthesis.md"]
    assert names(await dc.autocomplete("notes", "file", "zzz", sub="show")) == []


async def test_a_long_note_is_shown_within_discords_limits_and_attached_whole(dc):
    words = "treaty army navy border harbour famine tariff election strike colony".split()
    long = "# Long\n\n" + "\n\n".join(
        f"In {1800 + n} the {words[n % 10]} of *province {n}* changed, as @everyone in the {words[n // 10]} "
        f"council had feared for a long time, and this is why fact {n} is a long sentence of many words."
        for n in range(80)
    )
    assert "(added)" in await add(dc, dc.fake.attachment("long.md", long.encode()))
    shown = await notes(dc, "show", {"file": "long.md"})
    embed = shown.message["embeds"][0]
    assert embed["title"] == "long.md: 80 facts in 1 topic" and embed["description"].endswith("more")
    assert "@everyone" not in shown.raw_text()  # escaped; every message's limits are checked at the end
    assert shown.message["content"] == "How the whole file was split is attached."
    whole = shown.files["long.md.split.txt"].decode()
    assert whole.startswith("long.md: 80 facts in 1 topic\n# Long\n") and "... and 40 more facts." in whole
    assert "province 39 changed, as @everyone" in whole  # a plain text file, not escaped


# --- who may ------------------------------------------------------------------------------------------


async def test_a_student_may_list_and_show_but_not_change_the_notes(dc, service):
    await add(dc, dc.fake.attachment("photosynthesis.md", PHOTOSYNTHESIS))
    refused = await add(dc, dc.fake.attachment("mine.md", PHOTOSYNTHESIS), who={})
    assert refused == "/notes add is for teachers."
    assert (await add(dc, dc.fake.attachment("photosynthesis.md", b"x"), action="replace", who={})).endswith(
        "is for teachers."
    )
    removal = await notes(dc, "remove", {"file": "photosynthesis.md"})
    assert removal.text() == "/notes remove is for teachers."
    assert len(dc.fake.cdn_requests) == 1  # only the teacher's file was ever downloaded
    assert await class_files(service) == ["photosynthesis.md"]
    assert "photosynthesis.md: 4 facts" in (await notes(dc, "list")).text()
    assert "# Chloroplasts" in (await notes(dc, "show", {"file": "photosynthesis.md"})).text()


# --- refused files and failed downloads: one line, nothing changed --------------------------------------


async def refused(dc: Harness, service, attachment: dict) -> str:
    text = await add(dc, attachment)
    assert "\n" not in text and text.endswith("Nothing was changed."), text
    assert await class_files(service) == []
    return text


async def test_a_file_too_big_or_of_the_wrong_type_is_refused_before_it_is_downloaded(dc, service):
    big = dc.fake.attachment("huge.pdf", b"%PDF-1.4", size=12_500_000)
    assert await refused(dc, service, big) == (
        "huge.pdf: not added: the file is 12.5 MB; notes may be at most 10 MB a file. Nothing was changed."
    )
    doc = dc.fake.attachment("old notes.doc", b"\xd0\xcf\x11\xe0")
    assert "old notes.doc: not added: old Word .doc files cannot be read: save it as .docx" in await refused(
        dc, service, doc
    )
    assert "'.exe' files are not notes" in await refused(dc, service, dc.fake.attachment("notes.exe", b"MZ"))
    assert "the file is empty" in await refused(dc, service, dc.fake.attachment("empty.md", b""))
    assert dc.fake.cdn_requests == []


async def test_a_zip_bomb_named_docx_is_refused(dc, service):
    text = await refused(dc, service, dc.fake.attachment("notes.docx", zip_bomb()))
    assert re.search("zip bomb|unpacks to", text), text


@pytest.mark.parametrize(
    ("serve", "declared", "why"),
    [
        ("missing", None, "Discord no longer has the file (404): attach it again"),
        ("forbidden", None, "Discord refused the download (403): attach it again"),
        ("ok", 100, "Discord sent more than the 100 bytes it said the file has"),  # its Content-Length says so
        ("chunked", 100, "Discord sent more than the 100 bytes it said the file has"),  # found by reading
        ("slow", None, "the download from Discord took longer than 0.5 seconds: try again"),
    ],
)
async def test_a_failed_download_is_one_line_and_changes_nothing(dc, service, caplog, serve, declared, why):
    service.desk.limits = dataclasses.replace(service.note_limits(), download_seconds=0.5)
    attachment = dc.fake.attachment("photosynthesis.md", PHOTOSYNTHESIS * 40, size=declared, serve=serve)
    assert await refused(dc, service, attachment) == f"photosynthesis.md: not added: {why}. Nothing was changed."
    logged = [r for r in caplog.records if r.name == "adapters.discord.notes"]
    assert len(logged) == 1 and logged[0].levelno == logging.WARNING and why in logged[0].getMessage()
    # and the next upload works
    assert "(added)" in await add(dc, dc.fake.attachment("photosynthesis.md", PHOTOSYNTHESIS))


async def test_several_files_are_one_change_and_a_teacher_adding_too_fast_is_told_which_wait(dc, service, monkeypatch):
    """The files of one /notes add are read and the class's notes built once; the rate limit counts the command."""
    monkeypatch.setattr(service.limiter, "limit", 1)
    files = [
        dc.fake.attachment(f"part{n}.md", PHOTOSYNTHESIS.replace(b"Photosynthesis", f"Part {n}".encode()))
        for n in (1, 2, 3)
    ]
    builds = service.library.stats.builds
    lines = (await add(dc, *files)).splitlines()
    assert [line.split(":")[0] for line in lines] == ["part1.md", "part2.md", "part3.md"]
    assert all("(added)" in line for line in lines) and service.library.stats.builds == builds + 1
    later = [dc.fake.attachment(f"part{n}.md", PHOTOSYNTHESIS) for n in (4, 5)]
    line = await add(dc, *later)
    assert re.fullmatch(r"Slow down a little: try again in \d+ seconds?\. Not added: part4\.md, part5\.md\.", line)
    assert await class_files(service) == ["part1.md", "part2.md", "part3.md"]
