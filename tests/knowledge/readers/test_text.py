"""Plain-text notes: encodings a teacher's editor may save, Markdown in .txt files, and the inferred layout."""

import codecs

import pytest

from bot.knowledge.readers import NoteError
from bot.knowledge.readers.encoding import decode_text
from bot.knowledge.readers.text import read
from bot.knowledge.segment import segment

NOTE = (
    "Rivers\r\n\r\nErosion\r\nHydraulic action is the force of water against the bank.\r\n"
    "Caf\u00e9s and old mills line the banks of the lower course.\r\n"
)


@pytest.mark.parametrize(
    "data",
    [
        NOTE.encode("utf-8"),
        codecs.BOM_UTF8 + NOTE.encode("utf-8"),
        NOTE.encode("utf-16"),  # Windows Notepad's "Unicode": BOM + UTF-16-LE
        NOTE.encode("utf-16-le"),  # the same without a BOM
        NOTE.encode("cp1252"),  # Notepad's "ANSI"
    ],
    ids=["utf8", "utf8-bom", "utf16", "utf16-no-bom", "cp1252"],
)
def test_every_common_encoding_reads_the_same(data):
    facts = [(s.topic, s.text) for s in segment(read(data, "rivers.txt"))]
    assert facts == [
        ("Erosion", "Hydraulic action is the force of water against the bank."),
        ("Erosion", "Caf\u00e9s and old mills line the banks of the lower course."),
    ]


def test_binary_data_is_refused_with_a_reason():
    with pytest.raises(NoteError, match="binary"):
        decode_text(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" * 50)


def test_markdown_saved_as_txt_is_read_as_markdown():
    doc = read(
        b"# Coasts\n\n## Spits\n\n- A spit grows where the coast changes direction.\n- **Bar:** a spit across a bay\n",
        "c.txt",
    )
    assert [(b.kind, b.path) for b in doc.blocks if b.kind != "heading"] == [
        ("item", ("Coasts", "Spits")),
        ("definition", ("Coasts", "Spits")),
    ]


def test_a_deeply_nested_list_is_read_in_bounded_depth():
    text = "".join("  " * i + f"- level {i} item text\n" for i in range(600))
    doc = read(f"# Deep\n\n{text}".encode(), "deep.md")
    assert doc.blocks and max(b.depth for b in doc.blocks) <= 12


def test_bullets_after_prose_stand_alone_and_bullets_under_a_quotation_carry_it():
    """Lines as a slide's text box or a plain-text note gives them: a statement, then bullets under it."""
    from bot.knowledge.document import DocumentBuilder
    from bot.knowledge.readers.lines import add_lines

    b = DocumentBuilder("plans.pptx")
    b.heading("Military plans", 1)
    add_lines(b, ["New weapons meant new plans. Every nation jumped in with its own plan, so the war grew.",
                  "• 1903 Schlieffen Plan", "• France would attack Germany on their shared border"])  # fmt: skip
    b.heading("Key quotes", 1)
    add_lines(b, ['"Is this a dagger which I see before me"', "• Macbeth's guilt makes him see things"])
    facts = [s.text for s in segment(b.build())]
    assert "1903 Schlieffen Plan; France would attack Germany on their shared border" in facts  # not after the prose
    assert '"Is this a dagger which I see before me" Macbeth\'s guilt makes him see things' in facts
