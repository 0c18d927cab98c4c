"""Marking of typed and multiple-choice quiz answers as a fair history teacher would: typos, filler, aliases,
full names and number formats are forgiven; lists, other real names and wrong numbers are not."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein
from text_to_num import text2num

from bot.knowledge.aliases import AliasTable
from bot.quiz.model import Marking
from bot.text import clean, fold, words

# A misspelling one edit past the tolerance earns "close: check the spelling"; further off it is more likely
# another word than a slip.
NEAR_MARGIN = 1
# Answers are a few words; anything longer is not an answer, and capping keeps the work bounded.
MAX_CHARS = 200
MAX_WORDS = 20
# Cities at least this big count as real names: enough for the places a history class meets
# (Yalta, Potsdam, Versailles), few enough that a student's typo rarely lands on an obscure town.

# Words a student wraps an answer in; they carry no content on either side.
_FILLER = frozenset(
    """the a an it its it's was is were be been maybe perhaps probably possibly think thought guess believe
    reckon suppose um umm uh er erm hmm ah oh well so answer called named that this in on at to by for from with
    my would say sure pretty definitely certainly yes ok okay like just please im i'm i'd i've""".split()
)
# "I" is filler before these ("I think"), but a Roman numeral after a name ("World War I").
_I_FOLLOWERS = frozenset("think thought guess believe reckon suppose am m would d know remember".split())
# Generic words tolerated around the key word ("the Yalta conference", "President Truman").
_GENERIC = frozenset(
    """conference conferences treaty treaties agreement agreements pact summit meeting talks accord accords of
    city town country nation capital president prime minister pm premier general chairman secretary mr mrs ms sir dr
    mister marshal comrade leader king queen tsar czar emperor chancellor lord lady year ad
    january february march april may june july august september october november december""".split()
)
# Extra words that turn the answer into a different one ("East Germany" for "Germany", "not Yalta").
_MODIFIERS = frozenset("not no never non anti north south east west northern southern eastern western".split())
# Words that join several guesses into a list.
_CONJUNCTIONS = frozenset("and or nor vs versus plus also".split())
# A comma, slash, semicolon, ampersand or plus between words (not inside "5,800,000") joins guesses too.
_SEPARATOR = re.compile(r"[;/&+|]|,(?!\d)|(?<!\d),")

_SCALES = {
    "hundred": 100,
    "hundreds": 100,
    "thousand": 10**3,
    "thousands": 10**3,
    "k": 10**3,
    "million": 10**6,
    "millions": 10**6,
    "m": 10**6,  # "5.8m": in history answers m after a number means million, not metres
    "mil": 10**6,
    "mill": 10**6,
    "mn": 10**6,
    "mln": 10**6,
    "billion": 10**9,
    "billions": 10**9,
    "bn": 10**9,
    "b": 10**9,
    "trillion": 10**12,
    "trillions": 10**12,
    "tn": 10**12,
}
_DIGIT_WORDS = {w: str(i) for i, w in enumerate("zero one two three four five six seven eight nine".split())}
_ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})
_PERCENT_WORDS = frozenset({"percent", "pc"})
_ROMAN = re.compile(r"^(x{0,3})(ix|iv|v?i{0,3})$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
# Units of one kind: "12 miles" is not "12 km", though "12" alone is fine for either.
_UNIT_FAMILIES = (
    frozenset("dollar pound mark reichsmark rouble ruble franc yen lira lire euro usd gbp".split()),
    frozenset("km kilometre kilometer mile metre meter yard foot feet".split()),
    frozenset("kg kilogram tonne ton pound".split()),
    frozenset("second minute hour day week month year decade century centuries".split()),
)
# Last words of capitalised names that are not people ("Marshall Aid", "Iron Curtain"): such a word alone is
# not the answer, whereas a surname alone is enough for a person ("Eisenhower" for "Dwight Eisenhower").
_THING_NOUNS = frozenset(
    """aid plan pact wall curtain union war wars crisis blockade airlift doctrine army navy air force bomb bombs
    coexistence nations states kingdom republic revolution rising uprising spring missile missiles race bloc front
    party government declaration charter act bill speech telegram deal policy programme program skies bay canal sea
    ocean river islands island line zone bridge movement federation empire council committee court agency
    organisation organization alliance axis powers allies forces trial trials camp reich state commission plot
    affair incident massacre famine purge purges terror thaw lift crossing summit""".split()
)
_HYPHENATED = re.compile(r"([^\W\d_]+)-([^\W\d_]+)")
_SHORT_CAPS = re.compile(r"^[A-Z][A-Z0-9]{0,2}$")
_RAW_TOKEN = re.compile(r"[A-Za-z0-9]+")


def _tolerance(word: str) -> int:
    """Edits forgiven in a word: none in short words, where one edit makes another word."""
    n = len(word)
    return 0 if n <= 3 else 1 if n <= 7 else 2


def _distance(a: str, b: str) -> int:
    return DamerauLevenshtein.distance(a, b)  # a swap ("Yatla") is one slip, not two


# ---------------------------------------------------------------------------------------------------------------
# Real names


@dataclass(frozen=True, slots=True)
class _Names:
    """A set of real names, folded to word tuples, with the one-word ones listed for fuzzy look-ups."""

    phrases: frozenset[tuple[str, ...]]
    singles: tuple[str, ...]
    longest: int

    @classmethod
    def build(cls, names: Iterable[str]) -> _Names:
        phrases = {key for key in (tuple(_name_words(n)) for n in names) if key}
        singles = tuple(sorted(p[0] for p in phrases if len(p) == 1 and len(p[0]) > 1))
        return cls(frozenset(phrases), singles, max((len(p) for p in phrases), default=1))


@dataclass(slots=True)
class _Known:
    """The real names in play for one marking: libraries' places, the alias table, the caller's names."""

    strong: list[_Names]  # countries, capitals, continents, alias names: never a first name in front of a surname
    weak: list[_Names]  # cities and the caller's names (which may include first names from the notes)
    caps: frozenset[str] = frozenset()  # short all-capitals alias names (US, UN): only count in capitals

    def contains(self, phrase: tuple[str, ...], *, strong_only: bool = False) -> bool:
        parts = self.strong if strong_only else self.strong + self.weak
        return any(phrase in p.phrases for p in parts)

    def longest(self) -> int:
        return max(p.longest for p in self.strong + self.weak)

    def nearer_name(self, word: str, than: int, exclude: frozenset[str], *, strong_only: bool = False) -> str | None:
        """A real name within `than - 1` edits of `word` (other than those in `exclude`), if any."""
        if than <= 0:
            return None
        parts = self.strong if strong_only else self.strong + self.weak
        for part in parts:
            for name, dist, _ in process.extract(
                word, part.singles, scorer=DamerauLevenshtein.distance, score_cutoff=than - 1, limit=5
            ):
                if name not in exclude and dist < than:
                    return name
        return None


def _before_comma(name: str) -> str:
    # pycountry writes "Korea, Republic of" and "USSR, Union of Soviet Socialist Republics"
    return name.split(",", 1)[0].strip()


PLACES = Path(__file__).resolve().parent.parent / "places.txt"


@lru_cache(maxsize=1)
def _library_names() -> tuple[frozenset[str], frozenset[str]]:
    """(countries, capitals and continents; big cities): pycountry, and GeoNames data in places.txt
    (generated by scripts/gen_places.py: a small file instead of a 180 MB dependency)."""
    import pycountry

    strong: set[str] = set()
    for country in list(pycountry.countries) + list(pycountry.historic_countries):
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                strong.add(_before_comma(value))
    cities: set[str] = set()
    target = strong
    for line in PLACES.read_text(encoding="utf-8").splitlines():
        if line.startswith("# cities"):
            target = cities
        elif line and not line.startswith("#"):
            target.add(line)
    return frozenset(strong), frozenset(cities - strong)


@lru_cache(maxsize=1)
def default_known_names() -> frozenset[str]:
    """Real proper names from pycountry and GeoNames (places.txt): countries (also historic ones), capitals, continents
    and cities of 75,000 people or more."""
    strong, cities = _library_names()
    return strong | cities


@lru_cache(maxsize=1)
def _library_index() -> tuple[_Names, _Names]:
    strong, cities = _library_names()
    return _Names.build(strong), _Names.build(cities)


@lru_cache(maxsize=32)
def _extra_index(names: frozenset[str]) -> _Names:
    return _Names.build(names)


_KNOWN_CACHE: dict[tuple[int, int], tuple[object, object, _Known]] = {}
_VARIANT_CACHE: dict[tuple[tuple[str, ...], int], tuple[object, list]] = {}
_CACHE_SIZE = 4096


def _known(aliases: AliasTable | None, known_names: Collection[str]) -> _Known:
    """The index of real names, built once per (alias table, names) pair: a quiz marks thousands of answers
    with the same two objects. Keyed by identity, and the objects are kept so that an id is never reused."""
    key = (id(aliases), id(known_names))
    hit = _KNOWN_CACHE.get(key)
    if hit is not None and hit[0] is aliases and hit[1] is known_names:
        return hit[2]
    built = _build_known(aliases, known_names)
    if len(_KNOWN_CACHE) > 64:
        _KNOWN_CACHE.clear()
    _KNOWN_CACHE[key] = (aliases, known_names, built)
    return built


def _build_known(aliases: AliasTable | None, known_names: Collection[str]) -> _Known:
    lib_strong, lib_cities = _library_index()
    strong, weak = [lib_strong], [lib_cities]
    caps: set[str] = set()
    if aliases is not None and aliases.groups:
        names = aliases.all_names()
        caps = {n for n in names if _SHORT_CAPS.match(n)}
        strong.append(_Names.build(n for n in names if n not in caps))
    if known_names:
        extra = frozenset(known_names) if not isinstance(known_names, frozenset) else known_names
        lib = default_known_names()
        if not extra <= lib:  # the library's own names are indexed already
            weak.append(_extra_index(frozenset(extra - lib)))
    return _Known(strong, weak, frozenset(caps))


def _is_place(phrase: tuple[str, ...]) -> bool:
    lib_strong, lib_cities = _library_index()
    return phrase in lib_strong.phrases or phrase in lib_cities.phrases


# ---------------------------------------------------------------------------------------------------------------
# Parsing an answer


@dataclass(frozen=True, slots=True)
class _Num:
    value: Decimal
    decade: bool = False  # "1950s" is a decade, not the year 1950

    def key(self) -> tuple[Decimal, bool]:
        return (self.value.normalize(), self.decade)


@dataclass(slots=True)
class _Form:
    """An answer taken apart: its numbers, its content words in order, and signs of a list."""

    nums: list[_Num] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    raw: frozenset[str] = frozenset()  # tokens as typed, for all-capitals aliases
    conj: set[str] = field(default_factory=set)
    separated: bool = False
    number_first: bool = False
    too_long: bool = False


@lru_cache(maxsize=4096)
def _number_word(tok: str) -> bool:
    """True for a spelled-out number word ("two", "twelve", "hundred")."""
    if not tok.isalpha() or tok in ("o", "oh"):
        return False
    try:
        text2num(tok, "en")
    except (ValueError, TypeError):
        return False
    return True


def _spelled_value(run: list[str]) -> list[Decimal]:
    """Values of a run of number words: text2num reads one number; "nineteen fifty five" is a year; else a list."""
    text = " ".join(run)
    try:
        return [Decimal(text2num(text, "en"))]
    except (ValueError, TypeError):
        pass
    if len(run) >= 2:
        for cut in range(1, len(run)):
            try:
                hi, lo = text2num(" ".join(run[:cut]), "en"), text2num(" ".join(run[cut:]), "en")
            except (ValueError, TypeError):
                continue
            if 10 <= hi <= 99 and 1 <= lo <= 99:
                return [Decimal(hi * 100 + lo)]
    # Several numbers one after the other ("two three"): read the longest number each time.
    values: list[Decimal] = []
    start = 0
    while start < len(run):
        for end in range(len(run), start, -1):
            try:
                values.append(Decimal(text2num(" ".join(run[start:end]), "en")))
            except (ValueError, TypeError):
                continue
            start = end
            break
        else:
            start += 1
    return values


def _digits_value(tok: str) -> Decimal | None:
    tok = tok.rstrip("%")
    if _THOUSANDS.match(tok):
        tok = tok.replace(",", "")
    elif tok.count(",") == 1 and "." not in tok:
        tok = tok.replace(",", ".")  # a decimal comma: "5,8 million"
    else:
        tok = tok.replace(",", "")
    try:
        return Decimal(tok)
    except InvalidOperation:
        return None


def _roman(tok: str) -> int | None:
    m = _ROMAN.match(tok)
    if not tok or not m:
        return None
    total, prev = 0, 0
    for ch in reversed(tok):
        val = _ROMAN_VALUES[ch]
        total += -val if val < prev else val
        prev = max(prev, val)
    return total or None


def _join_hyphenated(m: re.Match[str]) -> str:
    left, right = m.group(1), m.group(2)
    if _number_word(fold(left)) or _number_word(fold(right)):
        return f"{left} {right}"
    return left + right


def _name_words(text: str) -> list[str]:
    """A name's words as an answer's are read, so that "A-bomb" in the alias file meets "A-bomb" typed."""
    return words(_HYPHENATED.sub(_join_hyphenated, clean(text)))


def _parse(text: str) -> _Form:
    text = (text or "").strip()
    if len(text) > MAX_CHARS * 4:  # before any normalising, so a huge paste costs nothing
        return _Form(too_long=True)
    text = clean(text).strip()
    if len(text) > MAX_CHARS:
        return _Form(too_long=True)
    # One word with a hyphen, the same with or without it: "co-existence", "A-bomb" (not "fifty-eight").
    text = _HYPHENATED.sub(_join_hyphenated, text)
    toks = words(text)
    if len(toks) > MAX_WORDS:
        return _Form(too_long=True)
    form = _Form(raw=frozenset(_RAW_TOKEN.findall(text)), separated=bool(_SEPARATOR.search(text)))
    order: list[str] = []  # "n" or "w", to know whether the answer starts with a number
    i, n = 0, len(toks)
    while i < n:
        tok = toks[i]
        values: list[Decimal] = []
        if tok[0].isdigit():
            value = _digits_value(tok)
            if value is None:
                i += 1
                continue
            # Thousands written with spaces: "5 800 000".
            while len(tok) <= 3 and i + 1 < n and len(toks[i + 1]) == 3 and toks[i + 1].isdigit():
                value = value * 1000 + Decimal(toks[i + 1])
                i += 1
            values, i = [value], i + 1
        elif _number_word(tok) or (tok == "a" and i + 1 < n and toks[i + 1] in _SCALES and _number_word(toks[i + 1])):
            run = ["one" if tok == "a" else tok]
            i += 1
            while i < n and (_number_word(toks[i]) or (toks[i] == "and" and i + 1 < n and _number_word(toks[i + 1]))):
                run.append(toks[i])
                i += 1
            values = _spelled_value(run)
            # "five point eight million"
            if len(values) == 1 and i + 1 < n and toks[i] == "point" and toks[i + 1] in _DIGIT_WORDS:
                digits = ""
                i += 1
                while i < n and toks[i] in _DIGIT_WORDS:
                    digits += _DIGIT_WORDS[toks[i]]
                    i += 1
                values = [Decimal(f"{values[0]}.{digits}")]
        elif (
            order
            and (roman := _roman(tok)) is not None
            and not (tok == "i" and i + 1 < n and toks[i + 1] in _I_FOLLOWERS)
        ):
            # A Roman numeral after a word: "World War II", "Henry VIII".
            values, i = [Decimal(roman)], i + 1
        else:
            if tok == "not" and i + 1 < n and toks[i + 1] == "sure":
                i += 2  # "not sure" is hedging, not a negation
                continue
            if tok in _CONJUNCTIONS:
                form.conj.add(tok)
            elif tok not in _FILLER and tok != "i":
                form.words.append(tok)
                order.append("w")
            i += 1
            continue
        if not values:
            continue
        # A scale after the number: "5.8 million", "5.8m", "2bn" (spelled runs include theirs already).
        if i < n and toks[i] in _SCALES:
            values[-1] *= _SCALES[toks[i]]
            i += 1
        decade = False
        if i < n and toks[i] == "s":
            decade, i = True, i + 1
        elif i < n and toks[i] in _ORDINAL_SUFFIXES:
            i += 1
        if i < n and toks[i] in _PERCENT_WORDS:
            i += 1
        elif i + 1 < n and toks[i] == "per" and toks[i + 1] == "cent":
            i += 2
        form.nums.extend(_Num(v) for v in values[:-1])
        form.nums.append(_Num(values[-1], decade))
        order.extend("n" * len(values))
    form.number_first = bool(order) and order[0] == "n"
    return form


# ---------------------------------------------------------------------------------------------------------------
# Marking one accepted answer


@dataclass(frozen=True, slots=True)
class _Variant:
    """One accepted answer: the expected one, an alternative, or an alias of either."""

    text: str
    form: _Form
    key: tuple[str, ...]  # the words that must be there
    group: frozenset[str]  # folded words of the alias names of this answer: never "another candidate"
    caps: str = ""  # a short all-capitals alias ("US") that only counts when typed in capitals
    person: bool = False  # a proper name that is not a place: first names may come before it


@dataclass(frozen=True, slots=True)
class _Result:
    correct: bool
    close: bool = False
    kind: str = "wrong"  # exact, typo, list, name, number, modifier, close, extra, wrong
    detail: str = ""

    @property
    def rank(self) -> int:
        return ("exact", "typo", "list", "name", "number", "modifier", "close", "extra", "wrong").index(self.kind)


def _variant(text: str, group: frozenset[str], caps: str = "") -> _Variant | None:
    form = _parse(text)
    if form.too_long or (not form.words and not form.nums):
        return None
    key = tuple(w for w in form.words if w not in _GENERIC) or tuple(form.words)
    letters = [w for w in re.findall(r"[^\W\d_]+", clean(text)) if fold(w) not in _FILLER and fold(w) not in _GENERIC]
    person = (
        len(key) <= 2
        and not form.nums
        and bool(letters)
        and all(w[0].isupper() for w in letters)
        and not _is_place(key)
    )
    return _Variant(text, form, key, group, caps, person)


def _match_word(k: str, given: str, variant: _Variant, known: _Known) -> tuple[int, str]:
    """(edits, clashing name) for reading `given` as the key word `k`; a clashing name means never accept."""
    if given == k:
        return 0, ""
    d = _distance(given, k)
    if d > _tolerance(k) + NEAR_MARGIN:
        return d, ""
    # A real name is never a misspelling of another one: "Malta" is not "Yalta".
    if given not in variant.group and known.contains((given,)):
        return d, given
    # Nor is a word nearer to another real name than to the answer ("Malte" for "Yalta").
    nearer = known.nearer_name(given, d, variant.group | {k})
    return d, ("~" + given) if nearer else ""


def _candidate(gw: list[str], i: int, extras: set[int], variant: _Variant, known: _Known, strong: bool) -> str:
    """The real name starting at extra word i, when it is another candidate answer rather than filler."""
    for size in range(min(known.longest(), len(gw) - i), 0, -1):
        span = tuple(gw[i : i + size])
        if not all(j in extras for j in range(i, i + size)) or all(w in variant.group for w in span):
            continue
        if known.contains(span, strong_only=strong):
            return " ".join(span)
    w = gw[i]
    # A misspelt other candidate ("yalta potsdm") is still another candidate; not in front of a surname,
    # where a first name may be one letter from a capital ("Lyndon", "London").
    if not strong and w not in variant.group and _tolerance(w):
        return known.nearer_name(w, _tolerance(w) + 1, variant.group, strong_only=True) or ""
    return ""


def _units(ws: Iterable[str]) -> dict[int, str]:
    found: dict[int, str] = {}
    for w in ws:
        base = w[:-1] if w.endswith("s") and len(w) > 3 else w
        for idx, family in enumerate(_UNIT_FAMILIES):
            if base in family or w in family:
                found[idx] = base
    return found


def _mark_variant(variant: _Variant, given: _Form, known: _Known) -> _Result:
    if variant.caps and variant.caps not in given.raw:
        return _Result(False)
    exp = variant.form
    required = variant.key
    if exp.nums:
        # Numbers by value and never typo-tolerated: "58 million" is not "5.8 million", "1956" not "1955".
        if sorted(n.key() for n in given.nums) != sorted(n.key() for n in exp.nums):
            return _Result(False, kind="number" if given.nums else "wrong")
        exp_units, given_units = _units(exp.words), _units(given.words)
        if any(fam in given_units and given_units[fam] != unit for fam, unit in exp_units.items()):
            return _Result(False, kind="number", detail="unit")
        # Words after a number are its unit ("5.8 million people"), optional; words before it are not
        # ("World War 2", "Article 5").
        if exp.number_first:
            required = ()

    gw = given.words
    used: set[int] = set()
    typo = False
    missing: list[str] = []
    near = not exp.nums and not given.nums  # a number is never "nearly right"
    clash = ""
    for k in required:
        best: tuple[int, tuple[int, ...]] | None = None
        for j, w in enumerate(gw):
            if j in used:
                continue
            d, name = _match_word(k, w, variant, known)
            if name:
                clash = clash or name
            elif best is None or d < best[0]:
                best = (d, (j,))
            # A word typed in two pieces: "co existence", "chur chill".
            if d and j + 1 < len(gw) and j + 1 not in used:
                d2 = _distance(w + gw[j + 1], k)
                if d2 < d and (best is None or d2 < best[0]):
                    best = (d2, (j, j + 1))
        if best is not None and best[0] <= _tolerance(k):
            used.update(best[1])
            typo |= best[0] > 0
            continue
        missing.append(k)
        if best is not None and best[0] <= _tolerance(k) + NEAR_MARGIN:
            used.update(best[1])  # the misspelt word: not an extra word
        else:
            near = False
    if missing:
        content = [w for w in gw if w not in _GENERIC]
        # Split or run-together words: "chur chill", "sovietunion".
        joined_key, joined_given = "".join(required), "".join(content)
        # Not for initials: "us" is not "U.S.".
        if (
            joined_given
            and len(content) != len(required)
            and min(map(len, required)) > 1
            and (joined_given in variant.group or not known.contains((joined_given,)))
        ):
            d = _distance(joined_key, joined_given)
            if d <= _tolerance(joined_key):
                return _Result(True, kind="typo" if d else "exact")
        if clash:
            return _Result(False, kind="name", detail=clash)
        others = [j for j, w in enumerate(gw) if j not in used and w not in _GENERIC]
        if near and not others:
            return _Result(False, close=True, kind="close")
        return _Result(False)

    first_key = min(used, default=len(gw))
    extras: set[int] = set()
    for j, w in enumerate(gw):
        if j in used or w in _GENERIC or w in variant.group:
            continue
        # The key word again ("Yalta, yes Yalta") is not another guess.
        if any(_distance(w, k) <= _tolerance(k) for k in variant.key):
            continue
        extras.add(j)
    for j in sorted(extras):
        if gw[j] in _MODIFIERS and gw[j] not in exp.words:
            return _Result(False, kind="modifier", detail=gw[j])
    prefix = {j for j in extras if j < first_key}
    for j in sorted(extras):
        # A first name before a surname may share a city's name ("David", "George"): only the library's
        # countries and capitals and the alias names count there.
        name = _candidate(gw, j, extras, variant, known, strong=variant.person and j in prefix)
        if name:
            return _Result(False, kind="list", detail=name)
    extra_words = {gw[j] for j in extras}
    if any(tok in known.caps and fold(tok) in extra_words for tok in given.raw):
        return _Result(False, kind="list")
    if (given.conj - exp.conj or given.separated) and extras:
        return _Result(False, kind="list")
    if exp.nums:
        pass  # unit words and context around a number are fine ("5.8 million people")
    elif variant.person:
        # A full name for a surname: up to two first names or initials in front, nothing after.
        if extras - prefix or len(prefix) > 2:
            return _Result(False, kind="extra")
    elif len(extras) > 2 or (extras and typo):
        # A few words of context around an exact answer ("war reparations"), but not around a misspelt one,
        # where the extra word may be the real answer ("hydrogen bomb" is not a slip for "A-bomb").
        return _Result(False, kind="extra")
    return _Result(True, kind="typo" if typo else "exact")


def _variants(answers: Iterable[str], aliases: AliasTable | None) -> list[_Variant]:
    """The accepted forms of an answer (cached: the same question is marked for the whole class)."""
    answers = tuple(a for a in answers if isinstance(a, str))
    key = (answers, id(aliases))
    hit = _VARIANT_CACHE.get(key)
    if hit is not None and hit[0] is aliases:
        return hit[1]
    built = _build_variants(answers, aliases)
    if len(_VARIANT_CACHE) > _CACHE_SIZE:
        _VARIANT_CACHE.clear()
    _VARIANT_CACHE[key] = (aliases, built)
    return built


MAX_ALIAS_SWAPS = 6


def _aliased_parts(answer: str, aliases: AliasTable | None) -> list[tuple[re.Match[str], list[str]]]:
    """Names of alias groups written inside `answer` (not the whole of it), each with the group's other names."""
    if aliases is None or not aliases.groups:
        return []
    out = []
    for gid in sorted(aliases.groups_in(answer)):
        group = aliases.names(gid)
        for name in sorted(group, key=len, reverse=True):
            m = re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", answer, flags=re.IGNORECASE)
            if m and m.group().strip() != answer.strip():
                out.append((m, [n for n in group if fold(n) != fold(name)]))
                break
    return out


def _build_variants(answers: Iterable[str], aliases: AliasTable | None) -> list[_Variant]:
    out: list[_Variant] = []
    seen: set[tuple[str, str]] = set()

    def add(text: str, group: frozenset[str], caps: str = "") -> None:
        if (text, caps) in seen:
            return
        seen.add((text, caps))
        v = _variant(text, group, caps)
        if v is not None:
            out.append(v)

    swaps: list[tuple[str, frozenset[str]]] = []
    for answer in answers:
        if not isinstance(answer, str) or not answer.strip():
            continue
        answer = answer.strip()[: MAX_CHARS * 2]
        gids: set[int] = set()
        if aliases is not None and aliases.groups:
            gids = set(aliases.group_of(answer))
            own = tuple(_parse(answer).words)
            for gid in aliases.groups_in(answer):
                if any(tuple(_parse(n).words) == own for n in aliases.names(gid)):
                    gids.add(gid)
        names = [n for gid in sorted(gids) for n in aliases.names(gid)] if aliases is not None else []
        group = frozenset(w for n in names + [answer] for w in _name_words(n))
        add(answer, group)
        for name in names:
            add(name, group, caps=name if _SHORT_CAPS.match(name) else "")
        # A name inside a longer answer has the same other names there: "Kanta Conference" is also the
        # "Yalta Conference" when the teacher lists Yalta = Kanta (added last: no surname rule for them).
        for part, others in _aliased_parts(answer, aliases):
            swaps += [(answer[: part.start()] + other + answer[part.end() :], group) for other in others]
    # A surname alone is enough for a person's full name.
    for v in list(out):
        if v.person and 2 <= len(v.key) <= 3 and not v.caps:
            surname = v.key[-1]
            if len(surname) > 2 and surname not in _THING_NOUNS and not _is_place((surname,)):
                add(surname.title(), v.group)
    for text, group in swaps[:MAX_ALIAS_SWAPS]:
        add(text, group)
    return out


_REASONS = {
    "exact": "correct",
    "list": "give one answer, not a list of guesses",
    "number": "not the right number",
    "modifier": "not quite: the extra words change the answer",
    "close": "close: check the spelling",
    "extra": "not quite: give just the answer",
    "wrong": "not the expected answer",
}


def _to_marking(result: _Result, expected: str) -> Marking:
    if result.kind == "typo":
        return Marking(True, reason=f"correct (spelling: {expected.strip()})")
    if result.kind == "name" and result.detail.startswith("~"):
        return Marking(False, reason=f"not the answer: {result.detail[1:]} looks like a different name")
    if result.kind == "name":
        return Marking(False, reason=f"not the answer: {result.detail.title()} is a different name")
    if result.kind == "number" and result.detail == "unit":
        return Marking(False, reason="check the unit")
    return Marking(result.correct, close=result.close, reason=_REASONS.get(result.kind, "not the expected answer"))


# ---------------------------------------------------------------------------------------------------------------
# Public API


def mark(
    expected: str,
    given: str,
    *,
    alternatives: Sequence[str] = (),
    aliases: AliasTable | None = None,
    known_names: Collection[str] = (),
) -> Marking:
    """Mark a typed answer against `expected` (or any of `alternatives`)."""
    form = _parse(given if isinstance(given, str) else "")
    if form.too_long:
        return Marking(False, reason="too long: give just the answer")
    if not form.words and not form.nums:
        return Marking(False, reason="no answer given")
    variants = _variants([expected, *alternatives], aliases)
    if not variants:
        return Marking(False, reason="no answer to compare with")
    known = _known(aliases, known_names)
    # Any accepted reading makes it right; otherwise the most telling reason wins (a list or another real
    # name outweighs a near miss on another reading).
    best = min((_mark_variant(v, form, known) for v in variants), key=lambda r: r.rank)
    return _to_marking(best, expected)


_LETTER = re.compile(r"^(?:(?:option|answer|choice|letter)\s*:?\s*)?[(\[]?([a-z]|\d{1,2})(?:[)\].:]\s*(.*)|\s*)$")
_CHOICE_WORDS = frozenset({"i", "option", "answer", "choice", "letter", "number"})
_TRUE = frozenset({"t", "true", "yes", "y", "right", "correct"})
_FALSE = frozenset({"f", "false", "no", "n", "wrong", "incorrect"})


def mark_choice(options: Sequence[str], answer: str, given: str) -> Marking:
    """Mark a multiple-choice answer given as a letter ("b", "B)", "(c)"), a 1-based number or the option's text."""
    options = [o for o in options]
    if not options or not isinstance(given, str):
        return Marking(False, reason="no answer given")
    target = _resolve_answer(options, answer)
    text = clean(given).strip()
    if not text:
        return Marking(False, reason="no answer given")
    if len(text) > MAX_CHARS:
        return Marking(False, reason="too long: give just the letter or the option")
    chosen = _chosen_option(options, text)
    if chosen is None:
        return Marking(False, reason="pick one of the options")
    if chosen == target:
        return Marking(True, reason="correct")
    return Marking(False, reason="not the right option")


def _resolve_answer(options: list[str], answer: str) -> int:
    for i, option in enumerate(options):
        if option == answer:
            return i
    for i, option in enumerate(options):
        if fold(option.strip()) == fold(answer.strip()):
            return i
    index = _index_of(answer.strip(), len(options))
    return index if index is not None else -1


def _index_of(token: str, count: int) -> int | None:
    token = token.strip().lower()
    if len(token) == 1 and "a" <= token <= "z" and ord(token) - ord("a") < count:
        return ord(token) - ord("a")
    if token.isdigit() and 1 <= int(token) <= count:
        return int(token) - 1
    return None


def _chosen_option(options: list[str], text: str) -> int | None:
    """The option a student picked, or None when the answer names none or several."""
    folded = [fold(o.strip()) for o in options]
    simple = fold(text).strip(" .!?\"'")
    # The option's text exactly (also when an option is itself a number, such as "1955").
    if simple in folded:
        return folded.index(simple)
    # True/false questions: "t", "yes", "no".
    if set(folded) <= {"true", "false"}:
        if simple in _TRUE and "true" in folded:
            return folded.index("true")
        if simple in _FALSE and "false" in folded:
            return folded.index("false")
    # A letter or number, maybe wrapped: "b)", "(c)", "option 2", "I think it's b".
    m = _LETTER.match(simple)
    if m:
        index = _index_of(m.group(1), len(options))
        rest = (m.group(2) or "").strip()
        if index is not None and not words(rest):
            return index
        if index is not None:
            # "b) Potsdam": the letter and the text must name the same option.
            return index if _by_text(options, rest) == index else None
    tokens = words(simple)
    if 0 < len(tokens) <= 8:
        # "I think it's a": one letter or number among filler words ("a" is filler and a letter).
        singles = [t for t in tokens[:-1] if len(t) == 1 and t != "i" or t.isdigit()] + [tokens[-1]]
        singles = [t for t in singles if len(t) == 1 or t.isdigit()]
        others = [t for t in tokens if t not in singles and t not in _FILLER and t not in _CHOICE_WORDS]
        if len(singles) == 1 and not others and (index := _index_of(singles[0], len(options))) is not None:
            return index
    return _by_text(options, text)


def _by_text(options: list[str], text: str) -> int | None:
    """The one option the typed text matches, with the same tolerance as typed answers."""
    hits = [i for i, option in enumerate(options) if mark(option, text).correct]
    if len(hits) == 1:
        return hits[0]
    # Several options read alike ("1955", "1955-56"): prefer the exact one.
    exact = [i for i in hits if fold(options[i].strip()) == fold(text.strip())]
    return exact[0] if len(exact) == 1 else None
