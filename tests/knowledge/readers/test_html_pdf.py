"""Web pages and PDFs: structure read from markup, and from type size and layout."""

import io
import time
from pathlib import Path

import pypdf
import pytest

from bot.knowledge.readers import READERS, NoteError
from bot.knowledge.readers.base import MAX_PAGES
from bot.knowledge.segment import segment

FIDELITY = Path(__file__).parent.parent.parent / "data" / "fidelity"

PAGE = """<!doctype html><html><head><meta charset="windows-1252"><title>Cells</title>
<style>p { color: red }</style><script>var x = "not a fact";</script></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/bio">Biology</a></li></ul></nav>
<h1>Cells</h1><h2>Organelles</h2>
<p>The nucleus holds the genetic material.<br>The ribosomes make proteins.</p>
<ul><li>Found in plant cells:<ul><li>cell wall</li><li>chloroplasts</li></ul></li></ul>
<table><thead><tr><th>Organelle</th><th>Job</th></tr></thead>
<tbody><tr><td>Mitochondria</td><td><ol><li>respiration</li><li>release energy</li></ol></td></tr></tbody></table>
<dl><dt>Diffusion</dt><dd>net movement of particles from high to low concentration</dd></dl>
<p>Water is H<sub>2</sub>O and a cell is about 10<sup>-5</sup> m across. Caf\xe9 break!</p>
<footer>Made by a student</footer></body></html>"""


def test_html_structure_scripts_navigation_and_encoding():
    doc = READERS[".html"](PAGE.encode("cp1252"), "cells.html")
    assert doc.title == "Cells" and doc.skipped == {"navigation, headers and footers": 2}
    facts = {s.text: s.topic for s in segment(doc)}
    assert facts == {
        "The nucleus holds the genetic material.": "Organelles",
        "The ribosomes make proteins.": "Organelles",
        "Found in plant cells: cell wall; chloroplasts": "Organelles",
        "Mitochondria - Job: respiration; release energy": "Organelles",
        "Diffusion: net movement of particles from high to low concentration": "Organelles",
        "Water is H\u2082O and a cell is about 10\u207b\u2075 m across. Caf\xe9 break!": "Organelles",
    }


def test_deeply_nested_html_is_read_without_crashing():
    page = "<ul><li>level" * 5000 + "</li></ul>" * 5000
    doc = READERS[".html"](f"<h1>Deep</h1>{page}".encode(), "deep.html")
    assert doc.blocks and max(b.depth for b in doc.blocks) <= 12


def test_pdf_headings_lists_tables_and_wrapped_lines():
    doc = READERS[".pdf"]((FIDELITY / "pdf" / "rivers.pdf").read_bytes(), "rivers.pdf")
    facts = {s.text: s.topic for s in segment(doc)}
    assert facts[
        "Hydraulic action: the force of the water hitting the river bed and banks, forcing air into cracks."
    ] == ("Erosion processes")
    steps = [t for t, topic in facts.items() if topic == "Waterfalls"]
    assert "The hard rock is undercut and left as an overhang." in steps
    assert any(t.startswith("On the outside of a bend the water flows fastest") for t in facts)


def blank_pdf(pages: int, password: str = "") -> bytes:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_2000_page_pdf_is_read_up_to_the_cap_in_bounded_time():
    notes = pypdf.PdfReader(FIDELITY / "pdf" / "rivers.pdf")
    writer = pypdf.PdfWriter()
    for _ in range(2000):
        writer.add_page(notes.pages[0])
    out = io.BytesIO()
    writer.write(out)
    start = time.perf_counter()
    doc = READERS[".pdf"](out.getvalue(), "huge.pdf")
    assert time.perf_counter() - start < 120  # generous: this machine is shared; the benchmark measures speed
    assert doc.warnings == [f"only the first {MAX_PAGES} of 2000 pages were read"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (blank_pdf(3), "no text found in the PDF"),
        (blank_pdf(1, password="secret"), "password-protected"),
        (b"%PDF-1.4\n" + bytes(range(256)) * 20, "could not be read as a PDF"),
    ],
    ids=["scanned", "password", "damaged"],
)
def test_pdfs_that_cannot_be_used_say_why(data, reason):
    with pytest.raises(NoteError, match=reason):
        READERS[".pdf"](data, "x.pdf")
