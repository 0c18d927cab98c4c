"""The OpenDocument reader: headings, nested lists, tables, spaces and line breaks, sub/superscripts; hostile files.

Fixtures are written as ODF XML by hand: odfpy is not a dependency (the reader reads content.xml with lxml)."""

import io
import time
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.knowledge.document import Document
from bot.knowledge.readers.base import MAX_DEPTH, NoteError
from bot.knowledge.readers.odt import read
from bot.knowledge.segment import segment

_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"'
)
_STYLES = """<office:automatic-styles>
<style:style style:name="T1" style:family="text"><style:text-properties style:text-position="sub 58%"/></style:style>
<style:style style:name="T2" style:family="text"><style:text-properties style:text-position="33% 58%"/></style:style>
<style:style style:name="T3" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>
</office:automatic-styles>"""

WATER_CYCLE = """
<text:h text:outline-level="1">The water cycle</text:h>
<text:p>The sun heats the sea<text:s text:c="3"/>and water evaporates.<text:line-break/>Water vapour rises and
cools.</text:p>
<text:p></text:p>
<text:h text:outline-level="2">Stores</text:h>
<text:p>Water is H<text:span text:style-name="T1">2</text:span>O; the oceans hold about 1.3 x
10<text:span text:style-name="T2">9</text:span> km<text:span text:style-name="T2">3</text:span> of it.</text:p>
<text:p>Water moves between stores by:</text:p>
<text:list>
  <text:list-item><text:p>precipitation</text:p>
    <text:list><text:list-item><text:p>rain,<text:tab/>snow and hail</text:p></text:list-item></text:list>
  </text:list-item>
  <text:list-item><text:p>infiltration into the soil</text:p></text:list-item>
</text:list>
<text:p><text:span text:style-name="T3">Flows</text:span></text:p>
<table:table table:name="Flows">
  <table:table-column table:number-columns-repeated="2"/>
  <table:table-header-rows><table:table-row>
    <table:table-cell><text:p>Flow</text:p></table:table-cell><table:table-cell><text:p>Where</text:p></table:table-cell>
  </table:table-row></table:table-header-rows>
  <table:table-row>
    <table:table-cell><text:p>Surface run-off</text:p></table:table-cell>
    <table:table-cell><text:p>over saturated ground</text:p></table:table-cell>
  </table:table-row>
  <table:table-row>
    <table:table-cell><text:p>Throughflow</text:p></table:table-cell>
    <table:table-cell><text:p>through the soil</text:p></table:table-cell>
  </table:table-row>
</table:table>
<text:p>Transpiration: water lost from leaves as vapour.</text:p>
"""


def odt(body: str, title: str = "") -> bytes:
    """A minimal OpenDocument text file: the mimetype first and stored, a manifest, content and meta."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS} office:version="1.3">'
        f"{_STYLES}<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    meta = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {_NS} office:version="1.3">'
        f"<office:meta>{f'<dc:title>{title}</dc:title>' if title else ''}</office:meta></office:document-meta>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)
        z.writestr("meta.xml", meta)
    return out.getvalue()


def test_title_comes_from_the_metadata():
    assert read(odt(WATER_CYCLE, title="Hydrology"), "water.odt").title == "Hydrology"
    assert read(odt(WATER_CYCLE), "water.odt").title == ""


def test_headings_and_their_paths():
    doc = read(odt(WATER_CYCLE), "water.odt")
    headings = [(b.text, b.level, b.path) for b in doc.blocks if b.kind == "heading"]
    assert headings[:2] == [("The water cycle", 1, ()), ("Stores", 2, ("The water cycle",))]
    # a paragraph that is only bold words is a label heading over what follows
    assert headings[2] == ("Flows", 6, ("The water cycle", "Stores"))


def test_spaces_tabs_line_breaks_and_scripts():
    doc = read(odt(WATER_CYCLE), "water.odt")
    paragraphs = [b.text for b in doc.blocks if b.kind == "paragraph"]
    assert paragraphs[0] == "The sun heats the sea and water evaporates."
    assert paragraphs[1] == "Water vapour rises and cools."
    assert "Water is H\u2082O; the oceans hold about 1.3 x 10\u2079 km\u00b3 of it." in paragraphs


def test_nested_lists_give_depth_and_parent():
    doc = read(odt(WATER_CYCLE), "water.odt")
    items = [(b.text, b.depth, b.parent) for b in doc.blocks if b.kind == "item"]
    assert items == [
        ("precipitation", 0, "Water moves between stores by:"),
        ("rain, snow and hail", 1, "precipitation"),
        ("infiltration into the soil", 0, "Water moves between stores by:"),
    ]


def test_tables_and_definitions():
    doc = read(odt(WATER_CYCLE), "water.odt")
    table = next(b for b in doc.blocks if b.kind == "table")
    assert table.header == ("Flow", "Where")
    assert table.rows == (("Surface run-off", "over saturated ground"), ("Throughflow", "through the soil"))
    assert [(b.term, b.text) for b in doc.blocks if b.kind == "definition"] == [
        ("Transpiration", "water lost from leaves as vapour.")
    ]


def test_snippets():
    facts = {s.text: s.topic for s in segment(read(odt(WATER_CYCLE), "water.odt"))}
    assert facts["The sun heats the sea and water evaporates."] == "The water cycle"
    assert facts["Throughflow - Where: through the soil"] == "Stores › Flows"
    assert facts["Transpiration: water lost from leaves as vapour."] == "Stores › Flows"
    assert any("rain, snow and hail" in t for t in facts)


def test_deep_lists_are_capped():
    deep = "<text:list><text:list-item><text:p>level</text:p>" * 40 + "</text:list-item></text:list>" * 40
    doc = read(odt(deep), "deep.odt")
    assert doc.blocks and max(b.depth for b in doc.blocks) == MAX_DEPTH


# --- hostile files -------------------------------------------------------------------------------------------------


def test_random_bytes_are_refused():
    with pytest.raises(NoteError):
        read(bytes((i * 53 + 3) % 256 for i in range(4000)), "notes.odt")


def test_a_zip_that_is_not_an_opendocument_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("map.txt", "the Nile delta")
    with pytest.raises(NoteError, match="not a real OpenDocument"):
        read(out.getvalue(), "notes.odt")


def test_a_zip_bomb_is_refused_fast():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        with z.open("content.xml", "w", force_zip64=True) as part:
            chunk = b"\0" * 1_000_000
            for _ in range(200):
                part.write(chunk)
    start = time.perf_counter()
    with pytest.raises(NoteError, match="zip bomb"):
        read(out.getvalue(), "notes.odt")
    assert time.perf_counter() - start < 2


@pytest.mark.parametrize(
    "body",
    [
        "<text:p>unclosed",
        '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><text:p>&b;</text:p>',
        "<text:p>" + "<text:span>" * 5000 + "deep" + "</text:span>" * 5000 + "</text:p>",
    ],
    ids=["malformed", "entities", "deep-spans"],
)
def test_damaged_content_is_refused_with_a_reason(body):
    with pytest.raises(NoteError, match="could not be read as an OpenDocument"):
        read(odt(body), "notes.odt")


def test_a_spreadsheet_says_so():
    out = io.BytesIO()
    src = zipfile.ZipFile(io.BytesIO(odt("")))
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            raw = src.read(info)
            if info.filename == "content.xml":
                raw = raw.replace(b"office:text>", b"office:spreadsheet>")
            z.writestr(info, raw)
    with pytest.raises(NoteError, match="holds no text"):
        read(out.getvalue(), "sheet.odt")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=3000))
def test_arbitrary_bytes_give_a_document_or_a_note_error(data):
    try:
        doc = read(data, "x.odt")
    except NoteError:
        return
    assert isinstance(doc, Document)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.text(alphabet="<>/&;:= \"'abtextpslhi-", max_size=400))
def test_arbitrary_content_xml_gives_a_document_or_a_note_error(body):
    try:
        doc = read(odt(body), "x.odt")
    except NoteError:
        return
    assert isinstance(doc, Document)
