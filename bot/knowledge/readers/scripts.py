"""Subscripts and superscripts as Unicode characters (H₂O, x², 10⁻³), shared by every reader that sees them."""

from __future__ import annotations

_SUB = str.maketrans("0123456789+-=()aeoxhklmnpstij", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼ")
_SUP = str.maketrans("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ")
_SUB_CHARS = set("0123456789+-=()aeoxhklmnpstij")
_SUP_CHARS = set("0123456789+-=()ni")


def to_subscript(text: str) -> str:
    """Subscript characters when every character has one, else "_text" (or "_(text)")."""
    text = text.strip()
    if text and all(c in _SUB_CHARS for c in text):
        return text.translate(_SUB)
    return f"_{text}" if len(text) <= 1 else f"_({text})"


def to_superscript(text: str) -> str:
    """Superscript characters when every character has one, else "^text" (or "^(text)")."""
    text = text.strip().replace("\u2212", "-")
    if text and all(c in _SUP_CHARS for c in text):
        return text.translate(_SUP)
    return f"^{text}" if len(text) <= 1 else f"^({text})"
