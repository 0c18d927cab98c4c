"""Facts in a sentence (years, figures, people, places, terms, the subject's own words), and the gates a
sentence and a blank must pass to make a fair question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.quiz.prose.lexicon import _adjectival, _Lexicon, _Name, _parse_number
from bot.quiz.prose.words import (
    _NUMBER,
    _YEAR,
    GENERIC,
    MAX_BLANK_SHARE,
    MAX_SENTENCE_CHARS,
    MIN_CONTEXT_WORDS,
    PERSON_VERBS,
    PRONOUNS,
    STOP,
    _Chunk,
    _chunks,
    _Tok,
    _tokens,
    _word_shape,
)
from bot.text import fold, words

# --------------------------------------------------------------------------- facts in a sentence


@dataclass(frozen=True, slots=True)
class _Fact:
    kind: str  # "year", "number", "person", "place", "term"
    start: int
    end: int
    answer: str
    alternatives: tuple[str, ...] = ()
    key: str = ""  # the name's key in the lexicon, the term, or the number's unit
    value: float = 0.0
    match: re.Match[str] | None = None


LABELS = {"year": "year", "number": "figure", "person": "person", "place": "place", "term": "term", "keyword": "term"}


def _facts(sentence: str, lex: _Lexicon) -> list[_Fact]:
    aliases = lex.aliases
    out: list[_Fact] = []
    for m in _YEAR.finditer(sentence):
        out.append(_Fact("year", m.start(1), m.end(1), m.group(1), value=float(m.group(1))))
    for m in _NUMBER.finditer(sentence):
        num = _parse_number(m)
        if num:
            out.append(_Fact("number", m.start(), m.end(), m.group(), _number_alternatives(m), num[2], num[0], m))
    toks = _tokens(sentence)
    taken: list[tuple[int, int]] = []
    for ch in _chunks(toks, sentence, lex.mid_caps, aliases, lex.common):
        key = lex.key(ch.text)
        name = lex.names.get(key)
        if name and name.kind == "person":
            gids = aliases.group_of(ch.text)
            names = aliases.names(min(gids)) if gids else (ch.text,)
            answer = lex.display(name)
            alts = tuple(dict.fromkeys(n for n in (ch.text, *names) if n != answer))
            out.append(_Fact("person", ch.start, ch.end, answer, alts, key))
            taken.append((ch.start, ch.end))
        elif name and name.kind == "place" and _place_blank(name, ch, toks, lex):
            gids = aliases.group_of(ch.text)
            names = aliases.names(min(gids)) if gids else ()
            answer = ch.text if len(ch.text) > 2 else lex.display(name)
            alts = tuple(dict.fromkeys(n for n in (ch.text, *names) if n != answer))
            start = ch.start
            if sentence[:start].lower().endswith("the "):
                # "security to the USSR": the article goes into the blank, or "to the Britain" would be an option.
                start -= 4
                alts = (f"the {answer}", *alts)
            out.append(_Fact("place", start, ch.end, answer, alts, key))
            taken.append((ch.start, ch.end))
    folded = sentence.lower()
    for term in lex.terms_in(folded):
        display = lex.terms[term][0]
        for m in lex.whole_words(term).finditer(folded):
            a, b = m.start(), m.end()
            if any(a < y and x < b for x, y in taken):
                continue
            surface = sentence[a:b]
            gids = aliases.group_of(surface)
            names = aliases.names(min(gids)) if gids else ()
            alts = tuple(dict.fromkeys(n for n in (display, *names) if fold(n) != fold(surface)))
            out.append(_Fact("term", a, b, surface, alts, term))
    # The subject's own words, where no name or term covers them: each once per sentence.
    seen_keywords: set[str] = set()
    for t in toks:
        if t.text in lex.keywords and t.text not in seen_keywords and not t.possessive:
            seen_keywords.add(t.text)
            if not any(t.start < y and x < t.end for x, y in taken) and not any(
                f.start < t.end and t.start < f.end for f in out
            ):
                if _word_shape(t.text) in ("noun", "plural"):  # a thing to name, not "fertilized" or "reducing"
                    out.append(_Fact("keyword", t.start, t.end, t.text, (), t.text))
    # Short alias forms of terms ("P.C" for Peaceful Coexistence) are blanked as the full term.
    for n, long, alts in lex.short_forms():
        if n in sentence:
            for m in lex.whole_words(n, r"\w.").finditer(sentence):
                out.append(_Fact("term", m.start(), m.end(), long, alts, fold(long)))
    return out


def _place_blank(name: _Name, ch: _Chunk, toks: list[_Tok], lex: _Lexicon) -> bool:
    """A place is blanked only where it is written as a place: "Germany", "USSR", "to Kanta", not "the
    Germans' defeat" or "French, British, Soviet and American" (nationalities would not match the options)."""
    if len(ch.text.split()) > 1 or _adjectival(toks, ch):
        return False
    return ch.text == lex.display(name) or ch.text.isupper() or name.located[ch.text] > 0


def _number_alternatives(m: re.Match[str]) -> tuple[str, ...]:
    num, cur, scale = m.group("num"), m.group("cur") or "", (m.group("scale") or "").lower()
    alts: list[str] = []
    if m.group("pct"):
        alts += [f"{num}%", f"{num} percent", f"{num} per cent", num]
    elif m.group("unit") or m.group("unit1"):
        unit = m.group("unit") or m.group("unit1")
        alts += [f"{num} {unit}", f"{num}{unit}"]
    elif scale:
        word = "million" if scale == "mil" else scale
        alts += [f"{cur}{num} {word}", f"{cur}{num}{word}", f"{num} {word}", f"{cur}{num}{scale}"]
        if scale in ("million", "mil"):
            alts += [f"{cur}{num}m", f"{cur}{num}mil", f"{cur}{num} mil"]
    else:
        alts += [num]
    return tuple(a for a in dict.fromkeys(alts) if a != m.group())


# --------------------------------------------------------------------------- what makes a fragment usable


# An opinion, or a step of a worked example that needs the steps before it ("we add 5 electrons", "in this
# case 8"): no fact to learn alone.
_OPINION = re.compile(
    r"\bI(?:'d| would| think| believe| feel)\b|\bwe\b|\bin this (?:case|example)\b", flags=re.IGNORECASE
)


_LEANING_VERBS = set(
    """can can't cannot could couldn't will won't would wouldn't may might must should shall does doesn't do don't
    did didn't isn't aren't wasn't weren't has hasn't have haven't""".split()
)
_SECTION_NUMBER = re.compile(r"^\d+(?:\.\d+)+\.?\s")


def usable_sentence(sentence: str, names: set[str] | frozenset[str] = frozenset()) -> bool:
    """A sentence that stands alone: no pronoun without a referent, not a question, not too long or too short.

    `names` are words the notes capitalise mid-sentence, so "United States ..." is not read as a verb.
    """
    s = sentence.strip()
    if not s or s.rstrip("\"' )").endswith("?") or len(s) > MAX_SENTENCE_CHARS or len(s.split()) < 6:
        return False
    # Web-page chatter addressed to the reader ("Here's your guide to ...") states no fact; nor does an
    # opinion ("I believe ..."); a quotation is learnt whole (bot/quiz/structured.py asks it).
    if re.search(r"\b(?:you|your|here's)\b", s, flags=re.IGNORECASE) or _OPINION.search(s):
        return False
    if _SECTION_NUMBER.match(s):  # "3.1.2 Economic Assumptions Economists make ...": a heading ran into it
        return False
    if s[:1] in '"“' and s.rstrip(".!")[-1:] in '"”':
        return False
    first = [w for w in re.findall(r"[A-Za-z']+", s)[:3]]
    if not first:
        return True
    w0 = first[0].lower()
    # A step that leans on the one before ("Next, to balance the hydrogens we just added, ...").
    if w0 in PRONOUNS or w0 in {"also", "then", "and", "but", "so", "was", "were", "is", "are", "had", "has", "next"}:
        return False
    # A bullet fragment whose subject is its parent line ("Can't conduct electricity as they ...", "-A foil; ...").
    if w0 in _LEANING_VERBS or s.startswith(("-", "–", "•")):
        return False
    # "In his view - ...": a possessive pronoun straight after an opening preposition has no referent either.
    if len(first) > 1 and w0 in STOP and first[1].lower() in {"his", "her", "its", "their", "this", "these"}:
        return False
    # "Succeeded Stalin as ...", "Hoped west would ...": a mind-map line whose subject is the branch title.
    return not (w0.endswith("ed") and len(w0) > 4 and first[0] not in names)


# Finite verbs that do not end in "-ed": a statement has one of these or a regular past tense.
_FINITE = (
    set(
        """is are was were be been has had have did does do will would could should can may might must shall met
        took led gave made saw felt put kept won lost sent began became went knew thought left held brought built
        fought ran said told wrote stood fell grew rose""".split()
    )
    | PERSON_VERBS
)


def statement_like(sentence: str) -> bool:
    """A true/false statement needs a subject and a verb: list items ("Stalin declaring war ...",
    "For Germany to be divided ...") are not statements on their own."""
    ws = [w.lower() for w in re.findall(r"[A-Za-z']+", sentence)]
    if not ws or ws[0].endswith("ing") or ws[0] in {"for", "to"}:
        return False
    return any(w in _FINITE or (w.endswith("ed") and len(w) > 3) for w in ws[1:])


def _content_words(text: str) -> int:
    return sum(1 for w in words(text) if w not in STOP and not w.isdigit() and len(w) > 1)


_LABEL = re.compile(r"^(?:[^:.!?]|\.(?=\w))+?(?::|\s[-–—])\s")  # "3.2.1 Factors of PED: "


def _blank_ok(sentence: str, fact: _Fact, topic: str, lex: _Lexicon) -> bool:
    """Reject blanks that give nothing to go on, that give the answer away, or whose answer is too vague
    (`topic`: the section shown with the question)."""
    surface = sentence[fact.start : fact.end]
    if fold(fact.answer) in STOP or all(w in GENERIC or w in STOP for w in words(fact.answer)):
        return False
    if len(fact.answer) < 2:
        return False
    if (fact.end - fact.start) > MAX_BLANK_SHARE * len(sentence):
        return False
    rest = sentence[: fact.start] + " " + sentence[fact.end :]
    if _content_words(rest) < MIN_CONTEXT_WORDS:
        return False
    # Never in a leading label ("1914 July Crisis: ...", "3.2.2.1 Non-price Determinants of Supply: ..."): it
    # names where the fact sits, and changed for a true/false it makes nonsense of the rest.
    label = _LABEL.match(sentence)
    if label and fact.start < label.end():
        return False
    # The answer, or another name for it, or its plural or singular ("Waterfalls and gorges: ... top of the
    # _____"), must not stand elsewhere in the prompt or in the topic shown with it.
    if fact.kind in ("keyword", "term") and (
        _same_word_in(rest, fact.answer) or _same_word_in(topic, fact.answer)  # "Firewalls: ... a _____"
    ):
        return False
    # A blank glued to a symbol ("%_____") or an answer that starts with one is a formula's piece, not a word.
    if not fact.answer[:1].isalnum() or (
        fact.start and not (sentence[fact.start - 1].isspace() or sentence[fact.start - 1] in "(\"'“‘/-$£€")
    ):
        return False
    return not (_mentions(rest, fact, lex) or _mentions(topic, fact, lex) or _mentions_raw(rest, surface))


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _same_word_in(text: str, answer: str) -> bool:
    """A one-word answer whose singular or plural the text uses."""
    ws = words(answer)
    return len(ws) == 1 and _singular(ws[0]) in {_singular(w) for w in words(text)}


def _mentions_raw(text: str, surface: str) -> bool:
    return bool(_whole_word(surface).search(text))


@lru_cache(maxsize=4096)
def _whole_word(surface: str) -> re.Pattern[str]:
    """A name as a whole word in any case; compiled once (re's own cache holds 512 and the bank asks thousands)."""
    return re.compile(r"(?<![\w])" + re.escape(surface) + r"(?![\w])", re.IGNORECASE)


def _mentions(text: str, fact: _Fact, lex: _Lexicon) -> bool:
    """Does `text` state the fact's answer (any of its names, or the same figure in any form)?"""
    if fact.kind == "year":
        return _year_in(int(fact.answer), text)
    if fact.kind == "number":
        return any(abs(v - fact.value) < 1e-9 * max(1.0, fact.value) for v in _values_in(text))
    names = (fact.answer, *fact.alternatives)
    if any(_mentions_raw(text, n) for n in names if len(n) > 2 or n.isupper()):
        return True
    gids = lex.aliases.group_of(fact.answer)
    return bool(gids & lex.aliases.groups_in(text))


_FULL_NUMBER = re.compile(r"(?<!\d)\d+(?!\d)")
# Mind maps shorten years: "June 53", "in 55", "since 45".
_SHORT_YEAR = re.compile(r"(?<![\w$£€.,])(\d{2})(?![\w%.,])")


@lru_cache(maxsize=4096)
def _years_stated(text: str) -> tuple[frozenset[int], frozenset[int]]:
    """The numbers a text states, whole and as two-digit years: one pass, whatever the number of years asked."""
    whole = frozenset(int(m.group(0)) for m in _FULL_NUMBER.finditer(text) if len(m.group(0)) <= 6)
    return whole, frozenset(int(m.group(1)) for m in _SHORT_YEAR.finditer(text))


def _year_in(year: int, text: str) -> bool:
    whole, short = _years_stated(text)
    return year in whole or year % 100 in short


def _values_in(text: str) -> list[float]:
    vals = []
    for m in _NUMBER.finditer(text):
        num = _parse_number(m)
        vals.append(num[0] if num else float(m.group("num").replace(",", "")))
    return vals
