"""The web page reader: structure from markup, the site around the notes dropped, encodings, hostile nesting."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.knowledge.document import Document
from bot.knowledge.readers.base import MAX_DEPTH, MAX_TEXT_BYTES, NoteError
from bot.knowledge.readers.html import read
from bot.knowledge.segment import segment

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Volcanoes</title>
<style>h1 { color: red }</style><script>document.write("not a fact")</script></head><body>
<header><p>Geography revision site</p></header>
<nav><ul><li><a href="/">Home</a></li><li><a href="/rivers">Rivers</a></li></ul></nav>
<h1>Volcanoes</h1>
<h2>Types</h2>
<p>Shield volcanoes have gentle slopes.<br>Composite volcanoes are steep and cone shaped.</p>
<div>Runny basalt lava flows a long way before it cools.</div>
<p>Hazards near a volcano:</p>
<ul>
  <li>lava flows<ul><li>slow but destroy buildings</li></ul></li>
  <li>ash clouds</li>
</ul>
<h2>Gases</h2>
<p>Volcanoes release SO<sub>2</sub> and CO<sub>2</sub>; an eruption can release 10<sup>12</sup> kg of magma.</p>
<table><thead><tr><th>Volcano</th><th>Type</th></tr></thead>
<tbody><tr><td>Mauna Loa</td><td>shield</td></tr><tr><td>Mount Fuji</td><td>composite</td></tr></tbody></table>
<table><tr><th>Plate margin</th><th>Volcanoes?</th></tr><tr><td>Conservative</td><td>no</td></tr></table>
<dl><dt>Magma</dt><dd>molten rock below the surface</dd><dt>Lava</dt><dd>molten rock at the surface</dd></dl>
<form><button>Subscribe</button><input name="email"></form>
<aside>Advert: buy a volcano poster</aside>
<footer><p>Made by a teacher</p></footer>
</body></html>"""


def test_title_headings_and_paths():
    doc = read(PAGE.encode(), "volcanoes.html")
    assert doc.title == "Volcanoes"
    headings = [(b.text, b.level, b.path) for b in doc.blocks if b.kind == "heading"]
    assert headings == [("Volcanoes", 1, ()), ("Types", 2, ("Volcanoes",)), ("Gases", 2, ("Volcanoes",))]


def test_title_falls_back_to_the_first_h1():
    page = b"<p>Intro line for the page.</p><h1>Earthquakes</h1><p>The focus is where the rocks slip.</p>"
    doc = read(page, "quakes.html")
    assert doc.title == "Earthquakes"


def test_paragraphs_line_breaks_and_divs():
    doc = read(PAGE.encode(), "volcanoes.html")
    paragraphs = [b.text for b in doc.blocks if b.kind == "paragraph"]
    assert paragraphs[:3] == [
        "Shield volcanoes have gentle slopes.",
        "Composite volcanoes are steep and cone shaped.",
        "Runny basalt lava flows a long way before it cools.",
    ]


def test_list_items_depth_and_parent():
    doc = read(PAGE.encode(), "volcanoes.html")
    items = [(b.text, b.depth, b.parent) for b in doc.blocks if b.kind == "item"]
    assert items == [
        ("lava flows", 0, "Hazards near a volcano:"),
        ("slow but destroy buildings", 1, "lava flows"),
        ("ash clouds", 0, "Hazards near a volcano:"),
    ]


def test_tables_definitions_and_scripts():
    doc = read(PAGE.encode(), "volcanoes.html")
    tables = [b for b in doc.blocks if b.kind == "table"]
    assert tables[0].header == ("Volcano", "Type")  # from thead
    assert tables[0].rows == (("Mauna Loa", "shield"), ("Mount Fuji", "composite"))
    assert tables[1].header == ("Plate margin", "Volcanoes?")  # a first row of th
    assert tables[1].rows == (("Conservative", "no"),)
    definitions = {b.term: b.text for b in doc.blocks if b.kind == "definition"}
    assert definitions == {"Magma": "molten rock below the surface", "Lava": "molten rock at the surface"}
    assert any("SO\u2082 and CO\u2082" in b.text and "10\u00b9\u00b2 kg" in b.text for b in doc.blocks)


def test_scripts_styles_navigation_and_page_furniture_are_dropped():
    doc = read(PAGE.encode(), "volcanoes.html")
    text = " ".join(b.text + " " + " ".join(c for row in b.rows for c in row) for b in doc.blocks)
    for unwanted in ("not a fact", "color", "Home", "revision site", "Subscribe", "Advert", "Made by"):
        assert unwanted not in text
    assert doc.skipped == {"navigation, headers and footers": 4}


def test_a_list_of_links_only_is_navigation():
    doc = read(b"<h1>Links</h1><ul><li><a href='a'>Rivers</a></li><li><a href='b'>Coasts</a></li></ul>", "l.html")
    assert [b.kind for b in doc.blocks] == ["heading"] and doc.skipped == {"navigation links": 1}


def test_snippets_carry_their_topics():
    facts = {s.text: s.topic for s in segment(read(PAGE.encode(), "volcanoes.html"))}
    assert facts["Shield volcanoes have gentle slopes."] == "Types"
    assert facts["Mount Fuji - Type: composite"] == "Gases"
    assert facts["Magma: molten rock below the surface"] == "Gases"
    assert any("lava flows" in t and "slow but destroy buildings" in t for t in facts)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ('<meta charset="windows-1252"><p>Caf\xe9 near the crater.</p>'.encode("cp1252"), "Caf\xe9 near the crater."),
        (
            '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"><p>\xc0 la lave.</p>'.encode(
                "latin-1"
            ),
            "\xc0 la lave.",
        ),
        ("<p>Lava at 1200 \xb0C melts na\xefve rock.</p>".encode(), "Lava at 1200 \xb0C melts na\xefve rock."),  # UTF-8
        (b'<meta charset="nonsense"><p>Plain words here.</p>', "Plain words here."),
    ],
    ids=["meta-charset", "http-equiv", "undeclared", "unknown-charset"],
)
def test_the_declared_charset_is_used(data, expected):
    assert [b.text for b in read(data, "e.html").blocks] == [expected]


# --- hostile pages -------------------------------------------------------------------------------------------------


def test_lists_nested_5000_deep_do_not_crash():
    page = "<h1>Deep</h1>" + "<ul><li>level" * 5000 + "</li></ul>" * 5000
    doc = read(page.encode(), "deep.html")
    assert doc.blocks and max(b.depth for b in doc.blocks) <= MAX_DEPTH


@pytest.mark.parametrize(
    "page",
    [
        "<p>" + "<b>bold" * 5000,
        "<div>block" * 5000,
        "<table><tr><td>cell" * 3000,
        "<ul><li>" + "<span>a" * 5000,
        "<dl><dt>term</dt><dd>" + "<i>a" * 5000,
        "<h2>" + "<em>a" * 5000,
        "<p>" + "<sub>2" * 5000,
    ],
    ids=["inline", "div", "table", "span-in-li", "dd", "heading", "sub"],
)
def test_any_deep_nesting_is_read_without_crashing(page):
    assert isinstance(read(page.encode(), "deep.html"), Document)


def test_a_page_over_the_limit_is_refused():
    with pytest.raises(NoteError, match="larger than"):
        read(b"<p>" + b"a" * (MAX_TEXT_BYTES + 1), "big.html")


def test_binary_junk_is_refused_or_read():
    try:
        doc = read(bytes(range(256)) * 20, "junk.html")
    except NoteError as exc:
        assert str(exc)
    else:
        assert isinstance(doc, Document)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=3000))
def test_arbitrary_bytes_give_a_document_or_a_note_error(data):
    try:
        doc = read(data, "x.html")
    except NoteError:
        return
    assert isinstance(doc, Document)


SOUP = "<ul> <li> </li> </ul> <p> <br> <table> <tr> <td> <th> <dl> <dt> <dd> <h2> <sub> <b> x Lava.".split()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page=st.lists(st.sampled_from(SOUP), max_size=300))
def test_arbitrary_tag_soup_gives_a_document(page):
    assert isinstance(read(" ".join(page).encode(), "soup.html"), Document)


MATH_PAGE = """<html><head><title>Energy</title></head><body>
<h2>Kinetic energy</h2>
<p><span class="math display">\\[E_k = \\frac{1}{2} mv^2\\]</span></p>
<p>A moving object of mass <span class="math inline">\\(m\\)</span> and speed <span class="math inline">$v$</span> has
kinetic energy.</p>
<h2>Motion</h2>
<p><span class="math display"><em>v</em><sup>2</sup> = <em>u</em><sup>2</sup> + 2<em>a</em><em>s</em></span></p>
<table><tr><th>Constant</th><th>Value</th></tr>
<tr><td>Planck constant</td><td><span class="math inline">6.63 * 10<sup>−34</sup></span></td></tr></table>
<h2>Waves</h2>
<math display="block"><semantics><mrow><mi>v</mi><mo>=</mo><mi>f</mi><mi>λ</mi></mrow>
<annotation encoding="application/x-tex">v = f \\lambda</annotation></semantics></math>
</body></html>"""


def test_formulas_in_tex_html_and_mathml_are_read_as_formulas():
    """As pandoc, MathJax and KaTeX pages carry them: TeX in a span of class "math", or written out in HTML, or
    MathML with its TeX."""
    facts = {s.text: (s.topic, s.kind) for s in segment(read(MATH_PAGE.encode(), "energy.html"))}
    assert facts["E_k = 1/2 mv^2"] == ("Kinetic energy", "formula")
    assert facts["v^2 = u^2 + 2as"] == ("Motion", "formula")
    assert facts["v = f λ"] == ("Waves", "formula")
    assert any("Planck constant" in t and "6.63 * 10^(-34)" in t for t in facts)
    assert "A moving object of mass m and speed v has kinetic energy." in facts
