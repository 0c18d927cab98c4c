"""Word, OpenDocument and PowerPoint notes: structure kept, in reading order."""

import io
from pathlib import Path

import docx
import pptx
from pptx.util import Inches

from bot.knowledge.readers import READERS
from bot.knowledge.segment import segment

FIDELITY = Path(__file__).parent.parent.parent / "data" / "fidelity"


def word_note() -> bytes:
    d = docx.Document()
    d.core_properties.title = "Rivers"
    d.add_paragraph("Rivers", style="Title")
    d.add_heading("Erosion", level=1)
    d.add_paragraph("Rivers wear away their bed and banks in four ways.")
    d.add_paragraph("The processes of erosion are:")
    d.add_paragraph("hydraulic action", style="List Bullet")
    d.add_paragraph("abrasion", style="List Bullet")
    d.add_paragraph("attrition", style="List Bullet")
    d.add_heading("Load", level=2)
    p = d.add_paragraph("Limestone reacts with CO")
    p.add_run("2").font.subscript = True
    p.add_run(" in the water and dissolves.")
    table = d.add_table(rows=3, cols=2)
    for row, cells in zip(table.rows, [("Term", "Definition"), ("Traction", "boulders rolled along the bed"),
                                       ("Saltation", "pebbles bounced along the bed")]):  # fmt: skip
        for cell, text in zip(row.cells, cells):
            cell.text = text
    for cell in table.rows[0].cells:
        cell.paragraphs[0].runs[0].bold = True
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def test_word_headings_lists_tables_and_subscripts():
    doc = READERS[".docx"](word_note(), "rivers.docx")
    assert doc.title == "Rivers"
    facts = {s.text: s.topic for s in segment(doc)}
    assert facts == {
        "Rivers wear away their bed and banks in four ways.": "Erosion",
        "The processes of erosion are: hydraulic action; abrasion; attrition": "Erosion",
        "Limestone reacts with CO\u2082 in the water and dissolves.": "Erosion › Load",
        "Traction: boulders rolled along the bed": "Erosion › Load",
        "Saltation: pebbles bounced along the bed": "Erosion › Load",
    }


def slides() -> bytes:
    deck = pptx.Presentation()
    title = deck.slides.add_slide(deck.slide_layouts[0])
    title.shapes.title.text = "Waves"
    title.placeholders[1].text = "Year 9 physics"
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "Sound"
    body = slide.placeholders[1].text_frame
    body.text = "Sound is a longitudinal wave that needs a medium."
    sub = body.add_paragraph()
    sub.text = "It cannot travel through a vacuum."
    sub.level = 1
    slide.notes_slide.notes_text_frame.text = "Sound travels at about 340 m/s in air."
    table_slide = deck.slides.add_slide(deck.slide_layouts[5])
    table_slide.shapes.title.text = "Speeds"
    table = table_slide.shapes.add_table(3, 2, Inches(1), Inches(2), Inches(6), Inches(2)).table
    for r, row in enumerate([("Medium", "Speed of sound"), ("Air", "340 m/s"), ("Water", "1500 m/s")]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    deck.slides.add_slide(deck.slide_layouts[6])  # an empty slide
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def test_slides_titles_outline_levels_notes_and_tables():
    doc = READERS[".pptx"](slides(), "waves.pptx")
    assert doc.title == "Waves"
    items = [(b.text, b.depth, b.path) for b in doc.blocks if b.kind == "item"]
    assert items == [
        ("Sound is a longitudinal wave that needs a medium.", 0, ("Sound",)),
        ("It cannot travel through a vacuum.", 1, ("Sound",)),
    ]
    facts = {s.text: s.topic for s in segment(doc)}
    assert facts["Sound travels at about 340 m/s in air."] == "Sound"  # the speaker notes
    assert facts["Air - Speed of sound: 340 m/s"] == "Speeds"
    assert doc.skipped == {"slides with no text": 1}


def test_opendocument_keeps_headings_lists_and_tables():
    doc = READERS[".odt"]((FIDELITY / "odt" / "rivers.odt").read_bytes(), "rivers.odt")
    facts = {s.text: s.topic for s in segment(doc)}
    assert facts[
        "Hydraulic action: the force of the water hitting the river bed and banks, forcing air into cracks."
    ] == ("Erosion processes")
    assert facts["The hard rock is undercut and left as an overhang."] == "Waterfalls"
    assert facts["Urban areas - Effect on flood risk: concrete and tarmac are impermeable, so rain cannot soak in"] == (
        "Flooding"
    )
