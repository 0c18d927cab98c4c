"""Small PDFs with text placed exactly (runs of given type size and face), built with pypdf alone: the layouts
the PDF reader must read, without a word processor."""

import io

import pypdf
from pypdf.generic import DictionaryObject, NameObject, StreamObject

FACES = {
    "R": "Helvetica",
    "B": "Helvetica-Bold",
    "M": "Courier",
    "I": "Helvetica-Oblique",
    # bold named by a weight letter (Linux Libertine) and by TeX's "bold extended" (Computer Modern)
    "LR": "LinLibertine",
    "LB": "LinLibertineB",
    "TR": "CMR10",
    "TB": "CMBX10",
}

Run = tuple[float, float, float, str, str]  # x, y (points from the bottom left), type size, face key, text


def _font(base: str) -> DictionaryObject:
    font = DictionaryObject()
    for key, value in (("/Type", "/Font"), ("/Subtype", "/Type1"), ("/BaseFont", "/" + base)):
        font[NameObject(key)] = NameObject(value)
    font[NameObject("/Encoding")] = NameObject("/WinAnsiEncoding")
    return font


def text_pdf(pages: list[list[Run]]) -> bytes:
    """An A4 PDF with one page per list of runs."""
    writer = pypdf.PdfWriter()
    for runs in pages:
        page = writer.add_blank_page(width=595, height=842)
        fonts = DictionaryObject({NameObject("/" + key): _font(base) for key, base in FACES.items()})
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
        ops = []
        for x, y, size, face, text in runs:
            escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"BT /{face} {size} Tf 1 0 0 1 {x} {y} Tm ({escaped}) Tj ET")
        stream = StreamObject()
        stream.set_data("\n".join(ops).encode("latin-1"))
        page.replace_contents(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
