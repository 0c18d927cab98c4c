"""Text normalisation shared by ingestion, search and marking."""

from __future__ import annotations

import re
import unicodedata

# Typographic noise that teachers' notes pick up from word processors and web pages.
_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": " - ",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\u2060": "",
        "\ufeff": "",
        "\u2026": "...",
    }
)
BULLET_GLYPHS = (
    "\u2022\u25cf\u25e6\u25aa\u25ab\u2023\u2043\u2219\u00b7\u25a0\u25a1\u27a2\u2192\u25ba\u25b8\u2013\u2014*+-"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[ \t\f\v]+")
_WORD = re.compile(r"[0-9]+(?:[.,][0-9]+)*%?|[^\W\d_]+(?:'[^\W\d_]+)*", re.UNICODE)


# Sub- and superscripts that NFKC would flatten ("1/d²" to "1/d2"): kept where text is shown.
_SCRIPTS = re.compile("([\u00b2\u00b3\u00b9\u2070-\u209f]+)")


def clean(text: str, keep_scripts: bool = False) -> str:
    """Normalise typographic noise: quotes, dashes, odd spaces, control characters, ligatures.

    `keep_scripts` keeps sub- and superscript characters (for text shown to people; search folds them)."""
    text = text.translate(_TRANSLATE)
    if text.isascii():  # nothing for NFKC to change: most notes, most of the time
        pass
    elif keep_scripts and _SCRIPTS.search(text):
        parts = _SCRIPTS.split(text)
        text = "".join(p if k % 2 else unicodedata.normalize("NFKC", p) for k, p in enumerate(parts))
    else:
        text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.isascii():
        text = _STACKED_MARKS.sub(r"\1", text)
        if _SURROGATE.search(text):  # UTF-16 halves a reader decoded one by one (RTF's \u escapes): paired up
            text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


_SURROGATE = re.compile("[\ud800-\udfff]")


# "Zalgo" text: more than two combining marks on one letter (no language needs more) are decoration.
_STACKED_MARKS = re.compile("([\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]{2})"
                            "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")  # fmt: skip


def squash(text: str) -> str:
    """Collapse runs of spaces and trim."""
    return _SPACES.sub(" ", text).strip()


def fold(text: str) -> str:
    """Lower-case and strip accents, for comparisons ("Descripción" -> "descripcion")."""
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """Folded word tokens: letters (with inner apostrophes) or numbers ("5.8", "1,000")."""
    if text.isascii():  # what clean() would change here (control characters, line ends) splits words anyway
        text = (text.replace("`", "'") if "`" in text else text).casefold()
    else:
        text = fold(clean(text))
    found = _WORD.findall(text)
    return [w.removesuffix("'s") for w in found] if "'" in text else found


def normalise_question(text: str) -> str:
    """The canonical form under which an unanswered question is counted."""
    return " ".join(words(text))
