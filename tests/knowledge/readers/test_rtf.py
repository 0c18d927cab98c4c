"""Rich Text Format: headings from the style sheet, bullets with their depth, tables, escapes; broken files."""

import pytest

from bot.knowledge.readers import READERS, NoteError
from bot.knowledge.segment import segment

# What Word, WordPad and LibreOffice write, cut down: a style sheet naming "Heading 1", paragraphs set in it, a
# list whose deeper points use another bullet, a table (one row of cells per \row), \uN escapes (an emoji as
# its two UTF-16 halves), a picture, which is left out, a bold line alone and escaped braces.
RIVERS = (
    r"{\rtf1\ansi\deff0{\fonttbl{\f0 Calibri;}}"
    r"{\stylesheet{\s0 Normal;}{\s1\sbasedon0\snext0\b\fs32 heading 1;}{\s2\sbasedon0\snext0\b\fs28 Heading 2;}}"
    r"\pard\plain\s1 Rivers\par"
    r"\pard\plain\s2 Erosion\par"
    r"\pard\plain\s0 Rivers wear away their beds and banks in four ways.\par"
    r"\pard\plain\s0 \bullet\tab Hydraulic action: the force of the water\par"
    r"\pard\plain\s0 \endash\tab it forces air into cracks\par"
    r"\pard\plain\s0 \bullet\tab Abrasion: rocks carried by the river scrape the bed\par"
    r"\pard\plain\s2 Discharge\par"
    r"{\pict\pngblip 89504e470d0a1a0a}"
    r"\trowd\cellx3000\cellx6000\pard\intbl River\cell Length\cell\row"
    r"\trowd\cellx3000\cellx6000\pard\intbl Severn\cell 354 km\cell\row"
    r"\trowd\cellx3000\cellx6000\pard\intbl Thames\cell 346 km\cell\row"
    r"\pard\plain\s0 Floods are fun to watch \u-10179?\u-8704? from a distance.\par"
    r"\pard\plain\s0{\b Tributaries}\par"
    r"\pard\plain\s0 A tributary \{a smaller river\} joins the {\b main} river at a confluence.\par}"
)


def test_headings_lists_tables_and_escapes():
    doc = READERS[".rtf"](RIVERS.encode("ascii"), "rivers.rtf")
    assert [(b.level, b.text) for b in doc.blocks if b.kind == "heading"] == [
        (1, "Rivers"),
        (2, "Erosion"),
        (2, "Discharge"),
        (6, "Tributaries"),  # a paragraph in bold alone; "{\b main}" inside a sentence is no label
    ]
    facts = {s.text: s.topic for s in segment(doc)}
    assert facts["Hydraulic action: the force of the water: it forces air into cracks"] == "Erosion"
    assert facts["Abrasion: rocks carried by the river scrape the bed"] == "Erosion"
    assert facts["Severn - Length: 354 km"] == "Discharge"
    assert facts["Floods are fun to watch \U0001f600 from a distance."] == "Discharge"
    assert not any("89504e" in f for f in facts)
    assert facts["A tributary {a smaller river} joins the main river at a confluence."] == "Discharge › Tributaries"


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"PK\x03\x04 a zip renamed", "could not be read as RTF"), (b"{\\rtf1 " + b"{" * 100_000, "")],
    ids=["not-rtf", "unbalanced"],
)
def test_a_broken_rtf_is_refused_or_read_without_a_crash(data, reason):
    try:
        doc = READERS[".rtf"](data, "notes.rtf")
    except NoteError as exc:
        assert reason in str(exc)
    else:
        assert not reason and doc is not None
