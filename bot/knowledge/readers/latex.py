"""LaTeX formulas as readable text (pylatexenc): fractions as a/b, Greek letters as letters, powers as x^2."""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.latexwalker import LatexWalker
from pylatexenc.latexwalker import get_default_latex_context_db as walker_context

# pylatexenc reports unknown macros on its own logger; a teacher's odd macro is not an error.
logging.getLogger("pylatexenc").setLevel(logging.ERROR)

_FRAC_VARIANTS = re.compile(r"\\[dt]frac\b")
_SPACING = re.compile(r"\\[,:;! ]|\\q?quad\b|~")
_SCRIPT = re.compile(r"([_^])(\{[^{}]*\}|-?[A-Za-z0-9])")
MAX_LATEX_CHARS = 5_000


def _frac(node, l2tobj) -> str:  # pylatexenc passes its converter under this argument name
    """a/b, with brackets round a numerator or denominator of several terms: (u+v)/2, not u+v/2."""
    parts = [l2tobj.nodelist_to_text([arg]).strip() for arg in node.nodeargd.argnlist[-2:] if arg is not None]
    if len(parts) != 2:
        return "/".join(parts)
    return "/".join(f"({p})" if re.search(r"[\s+\-]", p) else p for p in parts)


@lru_cache(maxsize=1)
def _walker_context():  # noqa: ANN202 (pylatexenc's context database)
    return walker_context()


@lru_cache(maxsize=1)
def _converter() -> LatexNodes2Text:
    db = get_default_latex_context_db()
    db.add_context_category("readable-fractions", prepend=True, macros=[MacroTextSpec("frac", simplify_repl=_frac)])
    return LatexNodes2Text(latex_context=db, math_mode="text", strict_latex_spaces=True)


def latex_to_text(latex: str) -> str:
    latex = latex.strip()[:MAX_LATEX_CHARS]
    if not latex:
        return ""
    latex = _FRAC_VARIANTS.sub(r"\\frac", latex)
    latex = _SPACING.sub(" ", latex)
    latex = _SCRIPT.sub(_script, latex)  # before pylatexenc, which drops the braces that group an index
    try:
        # The parser's macro table built once: LatexWalker builds a fresh one on every call otherwise.
        nodes = LatexWalker(latex, latex_context=_walker_context(), tolerant_parsing=True).get_latex_nodes()[0]
        text = _converter().nodelist_to_text(nodes)
    except Exception:  # pylatexenc raises several kinds on malformed input; keep the source readable
        text = latex.replace("\\", "")
    text = text.replace("^∘", "°").replace("^(∘)", "°")
    text = re.sub(r"\s*([=→←⇌⟶⇒])\s*", r" \1 ", text)  # a macro eats the space after it: "→C₆" reads badly
    return re.sub(r"\s+", " ", text).strip()


def _script(m: re.Match[str]) -> str:
    """Powers and indices in the plain notation students type: mv^2, 10^-34, E_k, (u+v)^(n+1).

    Plain ASCII rather than Unicode superscripts: it survives copying, search and any text normaliser."""
    body = m.group(2).strip("{}").strip()
    if m.group(1) == "^" and body in ("\\circ", "o"):
        return "°"  # 30^{\circ}: degrees
    if not re.fullmatch(r"[-+]?[\w.]+", body):
        body = f"({body})"
    return "{}" + m.group(1) + body  # "{}" ends a macro name before it ("\\lambda_max")
