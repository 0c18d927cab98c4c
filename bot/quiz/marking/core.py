"""Marking a typed answer word by word: typos, filler, aliases, full names and number formats are forgiven;
guess-lists, other real names and words, and wrong numbers are not."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import DamerauLevenshtein

from bot.knowledge.aliases import AliasTable
from bot.quiz.marking.names import Known, is_place, names_index
from bot.quiz.marking.parse import FILLER, MAX_CHARS, MODIFIERS, Form, name_words, parse
from bot.quiz.marking.wordsense import other_word, same_word, subject_term, tolerance
from bot.quiz.model import Marking
from bot.text import clean, fold

# A misspelling one edit past the tolerance earns "close: check the spelling"; further off it is more likely
# another word than a slip.
NEAR_MARGIN = 1
_GENERIC = frozenset(
    """conference conferences treaty treaties agreement agreements pact summit meeting talks accord accords of
    city town country nation capital president prime minister pm premier general chairman secretary mr mrs ms sir dr
    mister marshal comrade leader king queen tsar czar emperor chancellor lord lady year ad river rivers lake mount
    mountain mountains
    january february march april may june july august september october november december""".split()
)
_THING_NOUNS = frozenset(
    """aid plan pact wall curtain union war wars crisis blockade airlift doctrine army navy air force bomb bombs
    coexistence nations states kingdom republic revolution rising uprising spring missile missiles race bloc front
    party government declaration charter act bill speech telegram deal policy programme program skies bay canal sea
    ocean river islands island line zone bridge movement federation empire council committee court agency
    organisation organization alliance axis powers allies forces trial trials camp reich state commission plot
    affair incident massacre famine purge purges terror thaw lift crossing summit""".split()
)
_SHORT_CAPS = re.compile(r"^[A-Z][A-Z0-9]{0,2}$")

# Units of one kind: "12 miles" is not "12 km", though "12" alone is fine for either.
_UNIT_FAMILIES = (
    frozenset("dollar pound mark reichsmark rouble ruble franc yen lira lire euro usd gbp".split()),
    frozenset("km kilometre kilometer mile metre meter yard foot feet".split()),
    frozenset("kg kilogram tonne ton pound".split()),
    frozenset("second minute hour day week month year decade century centuries".split()),
)
_VARIANT_CACHE: dict[tuple[tuple[str, ...], int], tuple[object, list]] = {}
_CACHE_SIZE = 4096


def _distance(a: str, b: str) -> int:
    return DamerauLevenshtein.distance(a, b)  # a swap ("Yatla") is one slip, not two


# ---------------------------------------------------------------------------------------------------------------
# Marking one accepted answer


@dataclass(frozen=True, slots=True)
class _Variant:
    """One accepted answer: the expected one, an alternative, or an alias of either."""

    text: str
    form: Form
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
    form = parse(text)
    if form.too_long or (not form.words and not form.nums):
        return None
    key = tuple(w for w in form.words if w not in _GENERIC) or tuple(form.words)
    letters = [w for w in re.findall(r"[^\W\d_]+", clean(text)) if fold(w) not in FILLER and fold(w) not in _GENERIC]
    person = (
        len(key) <= 2 and not form.nums and bool(letters) and all(w[0].isupper() for w in letters) and not is_place(key)
    )
    return _Variant(text, form, key, group, caps, person)


def _match_word(k: str, given: str, variant: _Variant, known: Known, terms: Collection[str] = ()) -> tuple[int, str]:
    """(edits, clashing name) for reading `given` as the key word `k`; a clashing name means never accept."""
    if given == k or same_word(k, given):
        return 0, ""
    d = _distance(given, k)
    if d > tolerance(k) + NEAR_MARGIN:
        return d, ""
    # A real word is never a misspelling of another one: "exhale" is not "inhale", "insoluble" not "soluble".
    # Nor is a term the notes use for something else ("meiosis" where the notes also have "mitosis").
    if (
        not variant.person
        and given not in variant.group
        and not known.contains((k,))
        and (other_word(k, given) or (given in terms and not same_word(k, given)))
    ):
        return d, "=" + given
    # A real name is never a misspelling of another one: "Malta" is not "Yalta".
    if given not in variant.group and known.contains((given,)):
        return d, given
    # Nor is a word nearer to another real name than to the answer ("Malte" for "Yalta").
    nearer = known.nearer_name(given, d, variant.group | {k})
    return d, ("~" + given) if nearer else ""


def _candidate(gw: list[str], i: int, extras: set[int], variant: _Variant, known: Known, strong: bool) -> str:
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
    if not strong and w not in variant.group and tolerance(w):
        return known.nearer_name(w, tolerance(w) + 1, variant.group, strong_only=True) or ""
    return ""


def _units(ws: Iterable[str]) -> dict[int, str]:
    found: dict[int, str] = {}
    for w in ws:
        base = w[:-1] if w.endswith("s") and len(w) > 3 else w
        for idx, family in enumerate(_UNIT_FAMILIES):
            if base in family or w in family:
                found[idx] = base
    return found


def _mark_variant(variant: _Variant, given: Form, known: Known, terms: Collection[str] = ()) -> _Result:
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
            d, name = _match_word(k, w, variant, known, terms)
            if name:
                clash = clash or name
            elif best is None or d < best[0]:
                best = (d, (j,))
            # A word typed in two pieces: "co existence", "chur chill".
            if d and j + 1 < len(gw) and j + 1 not in used:
                d2 = _distance(w + gw[j + 1], k)
                if d2 < d and (best is None or d2 < best[0]):
                    best = (d2, (j, j + 1))
        if best is not None and best[0] <= tolerance(k):
            used.update(best[1])
            typo |= best[0] > 0
            continue
        missing.append(k)
        if best is not None and best[0] <= tolerance(k) + NEAR_MARGIN:
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
            if d <= tolerance(joined_key):
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
        if any(_distance(w, k) <= tolerance(k) and not other_word(k, w) for k in variant.key):
            continue
        extras.add(j)
    for j in sorted(extras):
        if gw[j] in MODIFIERS and gw[j] not in exp.words:
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
    if not exp.nums and not variant.person:
        # Another subject term beside the answer is a second guess, whatever separates them
        # ("respiration digestion", "igneous sedimentary metamorphic"); everyday words are context ("war reparations").
        term = next((gw[j] for j in sorted(extras) if subject_term(gw[j])), "")
        if term:
            return _Result(False, kind="list", detail=term)
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
            own = tuple(parse(answer).words)
            for gid in aliases.groups_in(answer):
                if any(tuple(parse(n).words) == own for n in aliases.names(gid)):
                    gids.add(gid)
        names = [n for gid in sorted(gids) for n in aliases.names(gid)] if aliases is not None else []
        group = frozenset(w for n in names + [answer] for w in name_words(n))
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
            if len(surname) > 2 and surname not in _THING_NOUNS and not is_place((surname,)):
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
    if result.kind == "name" and result.detail.startswith("="):
        return Marking(False, reason=f"not the answer: {result.detail[1:]} is a different word")
    if result.kind == "name" and result.detail.startswith("~"):
        return Marking(False, reason=f"not the answer: {result.detail[1:]} looks like a different name")
    if result.kind == "name":
        return Marking(False, reason=f"not the answer: {result.detail.title()} is a different name")
    if result.kind == "number" and result.detail == "unit":
        return Marking(False, reason="check the unit")
    return Marking(result.correct, close=result.close, reason=_REASONS.get(result.kind, "not the expected answer"))


# ---------------------------------------------------------------------------------------------------------------
# Public API


def mark_words(
    expected: str,
    given: str,
    *,
    alternatives: Sequence[str] = (),
    aliases: AliasTable | None = None,
    known_names: Collection[str] = (),
    terms: Collection[str] = (),
) -> Marking:
    """Mark a typed answer word by word against `expected` (or any of `alternatives`): names, terms and numbers."""
    form = parse(given if isinstance(given, str) else "")
    if form.too_long:
        return Marking(False, reason="too long: give just the answer")
    if not form.words and not form.nums:
        return Marking(False, reason="no answer given")
    variants = _variants([expected, *alternatives], aliases)
    if not variants:
        return Marking(False, reason="no answer to compare with")
    known = names_index(aliases, known_names)
    # Any accepted reading makes it right; otherwise the most telling reason wins (a list or another real
    # name outweighs a near miss on another reading).
    best = min((_mark_variant(v, form, known, terms) for v in variants), key=lambda r: r.rank)
    return _to_marking(best, expected)
