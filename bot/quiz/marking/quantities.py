"""Quantities compared by value and unit, as a science teacher marks them: "2000 g" is "2 kg", "3 metres per
second" is "3 m/s", "9.81" is "9.8" to the expected answer's significant figures; "2 g" is not "2 kg", and "3" for
"3 m/s" is close: give the unit. Fractions, decimals and percentages meet ("3/4" = "0.75" = "75%"); ratios keep
their order.

Units are read by pint (its registry, built once on the first quantity); this module only turns what students
type ("metres per second", "cm³", "ms^-1", "degrees C") into pint's notation.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache

from text_to_num import alpha2digit

from bot.quiz.marking.verdict import CLOSE, RIGHT, WRONG, Judgement
from bot.text import clean

MAX_CHARS = 80
MAX_EXPONENT = 60  # 10^60 is more than any school quantity; beyond it the text is not a quantity
# A value may be off by this share at most, whatever its significant figures ("2.4 kg" is not "2 kg").
MAX_RELATIVE_ERROR = 0.05
# Words around a quantity that change nothing: "about 3 m/s", "it is 20 cm3".
_FILLER = frozenset(
    "about approximately approx around roughly nearly almost it its is it's equals the answer =".split()
)
# Counting and calendar words are not units to insist on: "11 months" may be answered "11" (the general marker).
_NOT_UNITS = frozenset(
    """year years month months week weeks day days decade decades century centuries hundred hundreds thousand
    thousands million millions billion billions trillion bn mn people men women soldiers troops""".split()
)
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_SUPER = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+")
_NUMBER = re.compile(
    r"^(?P<num>[-+]?(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+(?!\d)|\d+)(?:[.,]\d+)?|[-+]?\.\d+)"
    r"(?:\s*(?:[x×*]\s*10\s*(?:\^|\*\*)\s*(?P<pow>[-+]?\d+)|[eE](?P<exp>[-+]?\d+)))?"
)
_FRACTION = re.compile(r"^(\d+)\s*/\s*(\d+)$")
_RATIO = re.compile(r"^(\d+(?:\.\d+)?)\s*(?::|\bto\b)\s*(\d+(?:\.\d+)?)$")
_PERCENT = re.compile(r"^(.*?)\s*(?:%|\bper\s*cent\b|\bpercent\b|\bpc\b)$")
_FRACTION_WORDS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5}
# Students' unit words in pint's notation, applied to whole words.
_UNIT_WORDS = [
    (re.compile(p, re.IGNORECASE), r)
    for p, r in (
        (r"\bms\s*(?:\^|\*\*)?\s*-\s*(\d)", r"m s**-\1"),  # "ms^-1" is metres per second, not milliseconds
        (r"°\s*c\b|\bdegrees? (?:c|celsius|centigrade)\b|\bcentigrade\b", "degC"),
        (r"°\s*f\b|\bdegrees? (?:f|fahrenheit)\b", "degF"),
        (r"\bamps?\b", "ampere"),
        (r"metre", "meter"),
        (r"litre", "liter"),
        (r"\bsquare (\w+)", r"\1**2"),
        (r"\bcubic (\w+)", r"\1**3"),
        (r"(\w+) squared\b", r"\1**2"),
        (r"(\w+) cubed\b", r"\1**3"),
        (r"\bper\b|\ban?\b(?= (?:second|minute|hour|day|year)\b)", "/"),  # "metres a second"
        (r"Ω", "ohm"),
        (r"µ", "u"),
    )
]
_UNIT_POWER = re.compile(r"(?<=[A-Za-z])(-?\d)\b")  # "m/s2", "cm3", "ms-1": a digit after a unit is its power
_UNIT_SAFE = re.compile(r"^[A-Za-z_ */()0-9.-]+$")

_TEMPERATURES = frozenset({"degree_Celsius", "kelvin", "degree_Fahrenheit"})
_LOCK = threading.Lock()
_REGISTRY = None


def warm_up() -> None:
    """Build pint's registry ahead of the first quantity (half a second), e.g. in a thread at start-up."""
    _registry()


def _registry():  # noqa: ANN202 - pint's registry type is generated
    global _REGISTRY
    with _LOCK:
        if _REGISTRY is None:
            import pint

            _REGISTRY = pint.UnitRegistry()
        return _REGISTRY


@dataclass(frozen=True, slots=True)
class Amount:
    value: Fraction
    places: int | None  # the expected answer's precision: 10**places is its last significant place; None: exact
    unit: str = ""  # pint's notation; "" for a pure number
    kind: str = "number"  # number, fraction, percent, ratio, quantity
    shown: str = ""


def _decimal(text: str) -> tuple[Fraction, int | None] | None:
    """A number as typed ("3,000", "2,5", "300 000 000", "3 × 10^8", "6.02e23") and its last significant place."""
    m = _NUMBER.match(text)
    if not m or m.end() != len(text):
        return None
    num = m.group("num").replace(" ", "")
    if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?", num):
        num = num.replace(",", "")
    else:
        num = num.replace(",", ".")  # a decimal comma: "2,5"
    power = int(m.group("pow") or m.group("exp") or 0)
    if abs(power) > MAX_EXPONENT:
        return None
    try:
        d = Decimal(num)
    except InvalidOperation:
        return None
    sign, digits, exponent = d.as_tuple()
    if not isinstance(exponent, int):
        return None
    if exponent == 0 and "." not in num:  # trailing zeros of a whole number are not significant: "2000"
        stripped = len(num.rstrip("0")) if d else 0
        exponent = len(num.lstrip("+-")) - stripped if stripped else 0
    return Fraction(d) * Fraction(10) ** power, exponent + power


def _unit(text: str) -> str | None:
    """The pint notation of a unit as typed, or None when pint does not know it."""
    text = text.strip()
    if not text:
        return ""
    text = _SUPER.sub(lambda m: "**" + m.group().translate(_SUPERSCRIPTS), text)
    for pattern, repl in _UNIT_WORDS:
        text = pattern.sub(repl, text)
    text = text.replace("^", "**")
    text = _UNIT_POWER.sub(r"**\1", text)
    text = re.sub(r"\*\*\*\*", "**", text)
    words_only = re.sub(r"[^A-Za-z ]", " ", text).split()
    if not words_only or any(w.lower() in _NOT_UNITS for w in words_only):
        return None
    if not _UNIT_SAFE.match(text) or len(text) > 40 or re.search(r"\*\*\s*-?\d{2,}", text):
        return None
    text = re.sub(r"(?<=[A-Za-z0-9)])\s+(?=[A-Za-z(])", " * ", text.strip())  # "kilowatt hour", "m s**-1"
    try:
        units = _registry().parse_units(text)
    except Exception:  # noqa: BLE001 - pint raises many kinds for text that is not a unit
        return None
    if units.dimensionless:  # "degrees" of angle, "percent": not a physical unit here
        return None
    return str(units)


@lru_cache(maxsize=4096)
def read(text: str, celsius: bool = False) -> Amount | None:
    """The amount written in `text`, or None when it is not just an amount. `celsius`: a C after a number is
    degrees Celsius (when a temperature is expected), not coulombs."""
    raw = clean(text or "", keep_scripts=True).strip().rstrip(".").replace("\u2212", "-")
    if not raw or len(raw) > MAX_CHARS:
        return None
    raw = " ".join(w for w in raw.split() if w.lower() not in _FILLER)
    if not raw:
        return None
    spelled = raw
    if not raw[0].isdigit() and re.search(r"[a-z]{3}", raw, re.IGNORECASE):
        # A number in words ("two kilograms"); "second" stays a unit, not "2nd".
        spelled = alpha2digit(re.sub(r"\bsecond", "SECOND", raw), "en", threshold=0).replace("SECOND", "second")
    if not re.search(r"\d|half|third|quarter|fifth", spelled, re.IGNORECASE):
        return None
    if celsius:
        spelled = re.sub(r"(?<=\d)\s*C$", " degC", spelled)
    m = _PERCENT.match(spelled)
    if m and (number := _decimal(m.group(1).strip())):
        value, places = number
        return Amount(value / 100, None if places is None else places - 2, kind="percent", shown=raw)
    m = _FRACTION.match(spelled)
    if m and int(m.group(2)):
        return Amount(Fraction(int(m.group(1)), int(m.group(2))), None, kind="fraction", shown=raw)
    m = re.match(r"^(?:(\d+)|a|an|one)\s+(half|halves|thirds?|quarters?|fifth)$", spelled, re.IGNORECASE)
    if m:
        count = int(m.group(1) or 1)
        return Amount(Fraction(count, _FRACTION_WORDS[m.group(2).lower()]), None, kind="fraction", shown=raw)
    m = re.match(r"^(\d+)\s+(\d+)(?:st|nd|rd|th)s?$", spelled)  # "one fifth", "two thirds" as alpha2digit reads them
    if m and int(m.group(2)) > 2:
        return Amount(Fraction(int(m.group(1)), int(m.group(2))), None, kind="fraction", shown=raw)
    m = _RATIO.match(spelled)
    if m and float(m.group(2)):
        return Amount(Fraction(m.group(1)) / Fraction(m.group(2)), None, kind="ratio", shown=raw)
    m = _NUMBER.match(spelled)
    if not m:
        return None
    number = _decimal(m.group().strip())
    if number is None:
        return None
    value, places = number
    rest = spelled[m.end() :].strip()
    if not rest:
        return Amount(value, places, shown=raw)
    unit = _unit(rest)
    if not unit:
        return None
    return Amount(value, places, unit, kind="quantity", shown=raw)


def _in_unit(amount: Amount, unit: str) -> float | None:
    """The amount's value in another unit, or None when the two measure different things."""
    try:
        registry = _registry()
        return float(registry.Quantity(float(amount.value), amount.unit).to(unit).magnitude)
    except Exception:  # noqa: BLE001 - DimensionalityError, offset-unit errors
        return None


def _base(value: float, unit: str) -> float:
    try:
        return float(_registry().Quantity(value, unit).to_base_units().magnitude)
    except Exception:  # noqa: BLE001
        return value


def _close_enough(expected: Amount, value: float, given_places: int | None) -> bool:
    """Equal to the expected answer's precision (half its last significant place), and never far off."""
    target = float(expected.value)
    places = expected.places if expected.places is not None else given_places
    tolerance = 0.5 * 10.0**places if places is not None else 1e-9
    if abs(value - target) > tolerance + 1e-9 * max(1.0, abs(target)):
        return False
    unit = expected.unit or ""
    base_target, base_value = (_base(target, unit), _base(value, unit)) if unit else (target, value)
    return base_target == 0 or abs(base_value - base_target) <= MAX_RELATIVE_ERROR * abs(base_target) + 1e-12


def _claims(expected: Amount | None, given: Amount | None) -> bool:
    if expected is None:
        return False
    if expected.kind in ("quantity", "percent", "fraction", "ratio"):
        return True
    # A plain number is a count or a year for the general marker, unless the student wrote a fraction or percentage.
    return given is not None and given.kind in ("percent", "fraction") and "." in expected.shown


def judge(expected: str, given: str) -> Judgement | None:
    """Mark a quantity, fraction, percentage or ratio; None when `expected` is none of those."""
    exp = read(expected)
    if exp is None or (exp.kind == "number" and "." not in exp.shown):
        return None  # not a quantity; a whole number is a count or a year (read no further: no units loaded)
    got = read(given, celsius=exp.unit in _TEMPERATURES)
    if not _claims(exp, got):
        return None
    shown = exp.shown
    if got is None:
        return Judgement(WRONG, f"not the amount: {shown}")
    if exp.kind == "ratio" or got.kind == "ratio":
        if exp.kind == got.kind and exp.value == got.value:
            return Judgement(RIGHT, f"{got.shown} = {shown}")
        return Judgement(WRONG, f"{got.shown} is not {shown}")
    if exp.kind == "quantity":
        if not got.unit:
            if _close_enough(exp, float(got.value), got.places):
                return Judgement(CLOSE, f"give the unit: {shown}")
            return Judgement(WRONG, f"{got.shown} is not {shown}")
        value = _in_unit(got, exp.unit)
        if value is None:
            return Judgement(WRONG, f"wrong unit: {got.shown} is not {shown}")
        if _close_enough(exp, value, None if got.places is None else got.places):
            return Judgement(RIGHT, f"{got.shown} = {shown}")
        return Judgement(WRONG, f"{got.shown} is not {shown}")
    if got.unit:
        return Judgement(WRONG, f"{got.shown} is not {shown}")
    if _close_enough(exp, float(got.value), got.places):
        return Judgement(RIGHT, f"{got.shown} = {shown}")
    return Judgement(WRONG, f"{got.shown} is not {shown}")
