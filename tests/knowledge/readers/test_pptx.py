"""The PowerPoint reader: slide titles, outline levels, text boxes, groups, tables and speaker notes; hostile decks."""

import io
import time
import zipfile
from pathlib import Path

import pptx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pptx.util import Inches

from bot.knowledge.document import Document
from bot.knowledge.readers import READERS
from bot.knowledge.readers import pptx as reader
from bot.knowledge.readers.base import NoteError
from bot.knowledge.segment import segment

TITLE, TITLE_AND_CONTENT, TITLE_ONLY, BLANK = 0, 1, 5, 6  # the default template's layouts


def _save(deck) -> bytes:  # noqa: ANN001
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def rivers_deck() -> bytes:
    deck = pptx.Presentation()
    first = deck.slides.add_slide(deck.slide_layouts[TITLE])
    first.shapes.title.text = "Rivers"
    first.placeholders[1].text = "Year 8 geography"

    course = deck.slides.add_slide(deck.slide_layouts[TITLE_AND_CONTENT])
    course.shapes.title.text = "The long profile"
    body = course.placeholders[1].text_frame
    body.text = "The upper course is steep and narrow."
    deeper = body.add_paragraph()
    deeper.text = "V-shaped valleys form by vertical erosion."
    deeper.level = 1
    lower = body.add_paragraph()
    lower.text = "The lower course is wide and flat."
    course.notes_slide.notes_text_frame.text = "Meanders form where the river flows over flat land."

    extra = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    extra.shapes.title.text = "Discharge"
    box = extra.shapes.add_textbox(Inches(1), Inches(1.5), Inches(8), Inches(1)).text_frame
    box.text = "Discharge is the volume of water passing a point each second."
    para = box.add_paragraph()
    para.text = "It is measured in m"
    sup = para.add_run()
    sup.text = "3"
    sup.font._rPr.set("baseline", "30000")
    tail = para.add_run()
    tail.text = "/s, known as cumecs."
    group = extra.shapes.add_group_shape()
    inner = group.shapes.add_textbox(Inches(1), Inches(5), Inches(8), Inches(1)).text_frame
    inner.text = "Heavy rain raises discharge within hours."
    table = extra.shapes.add_table(3, 2, Inches(1), Inches(3), Inches(6), Inches(1.5)).table
    for r, row in enumerate([("River", "Length"), ("Severn", "354 km"), ("Thames", "346 km")]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text

    deck.slides.add_slide(deck.slide_layouts[BLANK])  # an empty slide
    return _save(deck)


def test_first_title_slide_names_the_deck_and_titles_are_headings():
    doc = reader.read(rivers_deck(), "rivers.pptx")
    assert doc.title == "Rivers"
    assert [(b.text, b.level) for b in doc.blocks if b.kind == "heading"] == [("The long profile", 1), ("Discharge", 1)]


def test_body_paragraphs_are_items_at_their_outline_level():
    doc = reader.read(rivers_deck(), "rivers.pptx")
    items = [(b.text, b.depth, b.parent) for b in doc.blocks if b.kind == "item"]
    assert items == [
        ("The upper course is steep and narrow.", 0, ""),
        ("V-shaped valleys form by vertical erosion.", 1, "The upper course is steep and narrow."),
        ("The lower course is wide and flat.", 0, ""),
    ]
    assert {b.path for b in doc.blocks if b.kind == "item"} == {("The long profile",)}


def test_text_boxes_groups_tables_notes_and_superscripts():
    doc = reader.read(rivers_deck(), "rivers.pptx")
    paragraphs = [b.text for b in doc.blocks if b.kind == "paragraph"]
    assert "Meanders form where the river flows over flat land." in paragraphs  # speaker notes
    assert "Heavy rain raises discharge within hours." in paragraphs  # inside a group
    assert any("m\u00b3/s" in p for p in paragraphs)
    table = next(b for b in doc.blocks if b.kind == "table")
    assert table.header == ("River", "Length") and table.rows == (("Severn", "354 km"), ("Thames", "346 km"))
    assert table.path == ("Discharge",)
    assert doc.skipped == {"slides with no text": 1}


def test_snippets_read_as_facts_under_their_slide():
    facts = {s.text: s.topic for s in segment(reader.read(rivers_deck(), "rivers.pptx"))}
    assert facts["Meanders form where the river flows over flat land."] == "The long profile"
    assert facts["Severn - Length: 354 km"] == "Discharge"
    assert facts["Discharge is the volume of water passing a point each second."] == "Discharge"


def test_a_bold_point_over_sub_points_is_an_item_and_a_bold_line_over_points_a_label():
    """As in the Markdown it was written in: "- **Spartacist Revolt**" with its points under it is a point of the
    list (so is a bold "Exception!" deeper down); a bold line over points at its own level heads them. Wiki links
    and embeds left in the text by a conversion read as their words."""
    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_AND_CONTENT])
    slide.shapes.title.text = "Challenges to Weimar"
    body = slide.placeholders[1].text_frame
    lines = [
        (0, True, "Spartacist Revolt"),
        (1, False, "Lead by Rosa Luxembourg and Karl Liebknecht"),
        (1, True, "Exception!"),
        (2, False, "Both leaders were captured and killed ![[Pasted image 2022.png]]"),
        (0, True, "Key terms"),
        (0, False, "Putsch: an attempt to seize power by force, see [[Kapp Putsch|the Kapp Putsch]]"),
    ]
    for k, (level, bold, text) in enumerate(lines):
        para = body.paragraphs[0] if k == 0 else body.add_paragraph()
        run = para.add_run()
        run.text, run.font.bold, para.level = text, bold, level
    facts = {s.text: s.topic for s in segment(reader.read(_save(deck), "weimar.pptx"))}
    assert facts == {
        "Spartacist Revolt: Lead by Rosa Luxembourg and Karl Liebknecht": "Challenges to Weimar",
        "Spartacist Revolt: Exception!": "Challenges to Weimar",
        "Exception! Both leaders were captured and killed": "Challenges to Weimar",
        "Putsch: an attempt to seize power by force, see the Kapp Putsch": "Key terms",
    }


def test_slides_past_the_cap_are_left_with_a_warning(monkeypatch):
    deck = pptx.Presentation()
    for n in range(5):
        slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
        slide.shapes.title.text = f"Tributary {n + 1}"
    monkeypatch.setattr(reader, "MAX_SLIDES", 3)
    doc = reader.read(_save(deck), "many.pptx")
    assert [b.text for b in doc.blocks] == ["Tributary 1", "Tributary 2", "Tributary 3"]
    assert doc.warnings == ["only the first 3 of 5 slides were read"]


# --- hostile files -------------------------------------------------------------------------------------------------


def test_random_bytes_are_refused():
    with pytest.raises(NoteError):
        reader.read(bytes((i * 31 + 7) % 256 for i in range(4000)), "slides.pptx")


def test_a_zip_that_is_not_a_deck_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("photo.txt", "a heron by the river")
    with pytest.raises(NoteError, match="not a real PowerPoint"):
        reader.read(out.getvalue(), "slides.pptx")


def test_a_zip_bomb_is_refused_fast():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        with z.open("ppt/presentation.xml", "w", force_zip64=True) as part:
            chunk = b"\0" * 1_000_000
            for _ in range(200):
                part.write(chunk)
    start = time.perf_counter()
    with pytest.raises(NoteError, match="zip bomb"):
        reader.read(out.getvalue(), "slides.pptx")
    assert time.perf_counter() - start < 2


def test_a_damaged_presentation_part_is_refused_with_a_reason():
    src = zipfile.ZipFile(io.BytesIO(rivers_deck()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            z.writestr(info, b"<p:presentation><" if info.filename == "ppt/presentation.xml" else src.read(info))
    with pytest.raises(NoteError, match="could not be read as PowerPoint"):
        reader.read(out.getvalue(), "slides.pptx")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=3000))
def test_arbitrary_bytes_give_a_document_or_a_note_error(data):
    try:
        doc = reader.read(data, "x.pptx")
    except NoteError:
        return
    assert isinstance(doc, Document)


SECTION_HEADER = 2  # the default template's "Section Header" layout


def test_section_header_slides_head_the_slides_after_them():
    deck = pptx.Presentation()
    for section, slides in (("Ionic", ("Melting points", "Conductivity")), ("Covalent", ("Melting points",))):
        head = deck.slides.add_slide(deck.slide_layouts[SECTION_HEADER])
        head.shapes.title.text = section
        for title in slides:
            slide = deck.slides.add_slide(deck.slide_layouts[TITLE_AND_CONTENT])
            slide.shapes.title.text = title
            slide.placeholders[1].text_frame.text = f"{section} substances: a fact about {title.lower()} here."
    facts = {s.text: s.topic for s in segment(reader.read(_save(deck), "bonding.pptx"))}
    assert facts["Ionic substances: a fact about conductivity here."] == "Ionic › Conductivity"
    assert facts["Covalent substances: a fact about melting points here."] == "Covalent › Melting points"


def test_opendocument_slides_read_as_the_same_deck_does():
    """The rivers deck saved by LibreOffice Impress (.odp): the title slide names it, each slide's title heads its
    outline, text boxes (drawn as shapes, one in a group), table and speaker notes; H₂O-style superscripts kept."""
    odp = Path(__file__).parent.parent.parent / "data" / "layouts" / "rivers.odp"
    doc = READERS[".odp"](odp.read_bytes(), "rivers.odp")
    assert doc.title == "Rivers"
    facts = {s.text: s.topic for s in segment(doc)}
    assert facts == {s.text: s.topic for s in segment(reader.read(rivers_deck(), "rivers.pptx"))}
