"""Office Math (OMML, in Word and PowerPoint files) as the plain notation used for every formula: a/b, x^2, x_i."""

from __future__ import annotations

M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"


def omml_text(node) -> str:  # noqa: ANN001 (an lxml element of the m: namespace)
    name = node.tag.removeprefix(M) if isinstance(node.tag, str) else ""
    if name == "t":
        return node.text or ""
    if name in ("rPr", "fPr", "sSupPr", "sSubPr", "radPr", "ctrlPr", "oMathParaPr", "naryPr", "dPr", "degHide"):
        return ""
    part = {k.tag.removeprefix(M): omml_text(k) for k in node if isinstance(k.tag, str)}
    if name == "f":
        return f"{_group(part.get('num', ''))}/{_group(part.get('den', ''))}"
    if name == "sSup":
        return f"{part.get('e', '')}^{_group(part.get('sup', ''))}"
    if name == "sSub":
        return f"{part.get('e', '')}_{_group(part.get('sub', ''))}"
    if name == "sSubSup":
        return f"{part.get('e', '')}_{_group(part.get('sub', ''))}^{_group(part.get('sup', ''))}"
    if name == "rad":
        return f"√({part.get('e', '')})"
    if name == "d":
        return "(" + "".join(omml_text(k) for k in node if k.tag == f"{M}e") + ")"
    return "".join(omml_text(k) for k in node if isinstance(k.tag, str))


def _group(text: str) -> str:
    return text if len(text) <= 1 or text.lstrip("-").isalnum() else f"({text})"
