"""Broken and hostile note files: refused with a reason a teacher understands, quickly, never a crash."""

import io
import time
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.knowledge.document import Document
from bot.knowledge.readers import READERS, NoteError

ZIPPED = [".docx", ".pptx", ".odt", ".odp"]


def zip_bomb() -> bytes:
    """One part that unpacks to 300 MB of zeros: a few hundred kilobytes packed."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z, z.open("word/document.xml", "w") as part:
        chunk = b"\0" * 1_000_000
        for _ in range(300):
            part.write(chunk)
    return out.getvalue()


@pytest.mark.parametrize("suffix", ZIPPED)
def test_a_zip_bomb_is_refused_before_it_is_unpacked(suffix):
    bomb = zip_bomb()
    start = time.perf_counter()
    with pytest.raises(NoteError, match="zip bomb|unpacks to"):
        READERS[suffix](bomb, f"notes{suffix}")
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize("suffix", ZIPPED)
def test_a_zip_that_is_not_a_document_is_refused(suffix):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("holiday.txt", "photos")
    with pytest.raises(NoteError, match="not a real"):
        READERS[suffix](out.getvalue(), f"notes{suffix}")


@pytest.mark.parametrize("suffix", sorted(READERS))
def test_random_bytes_with_a_document_extension_are_refused_or_read(suffix):
    data = bytes((i * 37 + 11) % 256 for i in range(5000))
    try:
        doc = READERS[suffix](data, f"x{suffix}")
    except NoteError as exc:
        assert str(exc)
    else:
        assert isinstance(doc, Document)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(suffix=st.sampled_from(sorted(READERS)), data=st.binary(max_size=3000))
def test_no_reader_crashes_on_arbitrary_bytes(suffix, data):
    try:
        doc = READERS[suffix](data, f"x{suffix}")
    except NoteError:
        return
    assert isinstance(doc, Document)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(suffix=st.sampled_from(ZIPPED), parts=st.dictionaries(st.sampled_from(
    ["word/document.xml", "ppt/presentation.xml", "content.xml", "meta.xml", "[Content_Types].xml"]),
    st.binary(max_size=500), min_size=1))  # fmt: skip
def test_no_reader_crashes_on_a_zip_of_junk_parts(suffix, parts):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    try:
        doc = READERS[suffix](out.getvalue(), f"x{suffix}")
    except NoteError:
        return
    assert isinstance(doc, Document)
