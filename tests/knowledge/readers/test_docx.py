"""The Word reader: headings, lists with their levels, tables and glossaries in reading order; hostile files."""

import io
import time
import zipfile

import docx
import pytest
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from bot.knowledge.document import Document
from bot.knowledge.readers.base import MAX_DEPTH, NoteError
from bot.knowledge.readers.docx import read
from bot.knowledge.segment import segment


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(out, "PNG")
    return out.getvalue()


def _numbered(paragraph, level: int) -> None:  # noqa: ANN001
    """Give a plain paragraph Word list numbering (w:numPr) at `level`, as pasted lists have."""
    ppr = paragraph._p.get_or_add_pPr()
    num = OxmlElement("w:numPr")
    ilvl, num_id = OxmlElement("w:ilvl"), OxmlElement("w:numId")
    ilvl.set(qn("w:val"), str(level))
    num_id.set(qn("w:val"), "1")
    num.append(ilvl)
    num.append(num_id)
    ppr.append(num)


def _save(d) -> bytes:  # noqa: ANN001
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def _bold_header_table(d, rows: list[tuple[str, ...]]) -> None:  # noqa: ANN001
    table = d.add_table(rows=len(rows), cols=len(rows[0]))
    for row, cells in zip(table.rows, rows):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    for cell in table.rows[0].cells:
        cell.paragraphs[0].runs[0].bold = True


def photosynthesis_note() -> bytes:
    d = docx.Document()
    d.add_paragraph("Photosynthesis", style="Title")
    d.add_heading("Inputs", level=1)
    p = d.add_paragraph("Plants take in CO")
    p.add_run("2").font.subscript = True
    p.add_run(" through their stomata and water through their roots.")
    d.add_paragraph("")  # an empty line the teacher left: nothing to read
    d.add_paragraph("A leaf is adapted by having:")
    d.add_paragraph("a large surface area", style="List Bullet")
    d.add_paragraph("chloroplasts in the palisade layer", style="List Bullet")
    d.add_paragraph("most chloroplasts near the upper surface", style="List Bullet 2")
    d.add_heading("Rate", level=2)
    p = d.add_paragraph("Light intensity follows an inverse square law: intensity is proportional to 1/d")
    p.add_run("2").font.superscript = True
    p.add_run(".")
    _bold_header_table(
        d,
        [
            ("Factor", "Effect", "Limit"),
            ("Light", "more light, faster rate", "chlorophyll saturates"),
            ("Temperature", "warmer, faster rate", "enzymes denature above 45 C"),
        ],
    )
    d.add_heading("Key words", level=2)
    _bold_header_table(
        d,
        [
            ("Keyword", "Meaning"),
            ("Chlorophyll", "the green pigment that absorbs light"),
            ("Stomata", "pores that let gases in and out of a leaf"),
        ],
    )
    d.add_picture(io.BytesIO(_png()))
    return _save(d)


def test_title_headings_and_paths():
    doc = read(photosynthesis_note(), "photosynthesis.docx")
    assert doc.title == "Photosynthesis"
    headings = [(b.text, b.level, b.path) for b in doc.blocks if b.kind == "heading"]
    assert headings == [("Inputs", 1, ()), ("Rate", 2, ("Inputs",)), ("Key words", 2, ("Inputs",))]


def test_core_properties_title_wins_over_nothing():
    d = docx.Document()
    d.core_properties.title = "The water cycle"
    d.add_paragraph("Water evaporates from the sea when the sun heats it.")
    doc = read(_save(d), "cycle.docx")
    assert doc.title == "The water cycle"


def test_list_items_depth_and_parent():
    doc = read(photosynthesis_note(), "photosynthesis.docx")
    items = [(b.text, b.depth, b.parent) for b in doc.blocks if b.kind == "item"]
    assert items == [
        ("a large surface area", 0, "A leaf is adapted by having:"),
        ("chloroplasts in the palisade layer", 0, "A leaf is adapted by having:"),
        ("most chloroplasts near the upper surface", 1, "chloroplasts in the palisade layer"),
    ]


def test_numbered_paragraphs_take_their_level_from_ilvl():
    d = docx.Document()
    d.add_paragraph("Stages of the water cycle:")
    for text, level in [("evaporation", 0), ("water vapour rises", 1), ("condensation", 0)]:
        _numbered(d.add_paragraph(text), level)
    _numbered(d.add_paragraph("an absurdly deep step"), 40)
    doc = read(_save(d), "cycle.docx")
    assert [(b.text, b.depth) for b in doc.blocks if b.kind == "item"] == [
        ("evaporation", 0),
        ("water vapour rises", 1),
        ("condensation", 0),
        ("an absurdly deep step", MAX_DEPTH),
    ]


def test_tables_glossaries_scripts_and_images():
    doc = read(photosynthesis_note(), "photosynthesis.docx")
    table = next(b for b in doc.blocks if b.kind == "table")
    assert table.header == ("Factor", "Effect", "Limit")
    assert table.rows[0] == ("Light", "more light, faster rate", "chlorophyll saturates")
    assert table.path == ("Inputs", "Rate")
    definitions = {b.term: b.text for b in doc.blocks if b.kind == "definition"}
    assert definitions == {
        "Chlorophyll": "the green pigment that absorbs light",
        "Stomata": "pores that let gases in and out of a leaf",
    }
    texts = [b.text for b in doc.blocks if b.kind == "paragraph"]
    assert "Plants take in CO\u2082 through their stomata and water through their roots." in texts
    assert any(t.endswith("proportional to 1/d\u00b2.") for t in texts)
    assert doc.skipped == {"images": 1}


def test_snippets_carry_their_topics():
    facts = {s.text: s.topic for s in segment(read(photosynthesis_note(), "photosynthesis.docx"))}
    assert facts["Plants take in CO\u2082 through their stomata and water through their roots."] == "Inputs"
    assert facts["Chlorophyll: the green pigment that absorbs light"] == "Inputs › Key words"
    assert any(t.startswith("Temperature") and "enzymes denature above 45 C" in t for t in facts)
    assert any("a large surface area" in t for t in facts)


def test_a_header_row_marked_in_word_is_the_header():
    d = docx.Document()
    table = d.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, [("1", "2"), ("Mercury", "Venus")]):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    block = next(b for b in read(_save(d), "planets.docx").blocks if b.kind == "table")
    # numbers would never be guessed as a header: the mark decides
    assert block.header == ("1", "2") and block.rows == (("Mercury", "Venus"),)


def test_tables_and_paragraphs_stay_in_reading_order():
    d = docx.Document()
    d.add_paragraph("Before the table.")
    d.add_table(rows=1, cols=2).rows[0].cells[0].text = "inside"
    d.add_paragraph("After the table.")
    assert [b.kind for b in read(_save(d), "order.docx").blocks] == ["paragraph", "table", "paragraph"]


# --- hostile files -------------------------------------------------------------------------------------------------


def test_random_bytes_are_refused():
    with pytest.raises(NoteError):
        read(bytes((i * 73 + 5) % 256 for i in range(4000)), "notes.docx")


def test_a_zip_that_is_not_a_word_file_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("recipe.txt", "flour and eggs")
    with pytest.raises(NoteError, match="not a real Word"):
        read(out.getvalue(), "notes.docx")


def test_a_zip_bomb_is_refused_fast():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = b"\0" * 1_000_000
            for _ in range(200):
                part.write(chunk)
    start = time.perf_counter()
    with pytest.raises(NoteError, match="zip bomb"):
        read(out.getvalue(), "notes.docx")
    assert time.perf_counter() - start < 2


def test_a_damaged_main_part_is_refused_with_a_reason():
    src = zipfile.ZipFile(io.BytesIO(photosynthesis_note()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            z.writestr(info, b"<w:document" if info.filename == "word/document.xml" else src.read(info))
    with pytest.raises(NoteError, match="could not be read as a Word document"):
        read(out.getvalue(), "notes.docx")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=3000))
def test_arbitrary_bytes_give_a_document_or_a_note_error(data):
    try:
        doc = read(data, "x.docx")
    except NoteError:
        return
    assert isinstance(doc, Document)


def test_paragraphs_inside_content_controls_are_read():
    d = docx.Document()
    d.add_heading("Enzymes", 1)
    inside = d.add_paragraph("Amylase breaks down starch into sugars.")
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Protease", "breaks down proteins into amino acids"
    sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    sdt.append(content)
    inside._p.addprevious(sdt)
    content.append(inside._p)  # a content control wrapping a paragraph and a table, as templates make them
    content.append(table._tbl)
    d.add_paragraph("Lipase breaks down lipids.")
    facts = [s.text for s in segment(read(_save(d), "enzymes.docx"))]
    assert facts[0] == "Amylase breaks down starch into sugars."
    assert any("Protease" in f and "amino acids" in f for f in facts)
    assert facts[-1] == "Lipase breaks down lipids."


def test_a_table_inside_a_table_cell_is_read():
    d = docx.Document()
    d.add_heading("Digestion", 1)
    outer = d.add_table(rows=2, cols=2)
    outer.cell(0, 0).text, outer.cell(0, 1).text = "Organ", "Enzymes"
    outer.cell(1, 0).text = "Small intestine"
    inner = outer.cell(1, 1).add_table(rows=2, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "Lipase", "lipids"
    inner.cell(1, 0).text, inner.cell(1, 1).text = "Protease", "proteins"
    facts = [s.text for s in segment(read(_save(d), "digestion.docx"))]
    assert any("Small intestine" in f and "Lipase - lipids" in f and "Protease - proteins" in f for f in facts)


_MATH = (
    '<m:oMathPara xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"><m:oMath>'
    "<m:sSub><m:e><m:r><m:t>E</m:t></m:r></m:e><m:sub><m:r><m:t>k</m:t></m:r></m:sub></m:sSub>"
    "<m:r><m:t>=</m:t></m:r><m:f><m:num><m:r><m:t>1</m:t></m:r></m:num><m:den><m:r><m:t>2</m:t></m:r></m:den></m:f>"
    "<m:r><m:t>m</m:t></m:r><m:sSup><m:e><m:r><m:t>v</m:t></m:r></m:e><m:sup><m:r><m:t>2</m:t></m:r></m:sup></m:sSup>"
    "</m:oMath></m:oMathPara>"
)


def test_an_equation_on_its_own_line_is_a_formula_fact():
    """As pandoc writes a Markdown display formula ($$E_k = ...$$) to Word: a paragraph holding only Office Math."""
    d = docx.Document()
    d.add_heading("Energy", level=1)
    d.add_heading("Kinetic energy", level=2)
    d.add_paragraph()._p.append(parse_xml(_MATH))
    d.add_paragraph("A moving object has kinetic energy, which grows with the square of its speed.")
    facts = {s.text: (s.topic, s.kind) for s in segment(read(_save(d), "energy.docx"))}
    assert facts["E_k=1/2mv^2"] == ("Kinetic energy", "formula")  # (a single top heading is the title)
