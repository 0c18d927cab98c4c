"""Words and names in a sentence, for questions made from prose: the word lists, tokens, and runs of
capitalised words that may be names ("Treaty of Versailles", "Stalin").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from bot.knowledge.aliases import AliasTable
from bot.text import fold

BLANK = "_____"
PER_SNIPPET = 3  # generated questions per snippet: enough variety without drowning the authored ones
MAX_SENTENCE_CHARS = 240  # longer run-on lines make a question hard to read on a phone
MIN_CONTEXT_WORDS = 5  # content words left around the blank, so the student has something to go on
MAX_BLANK_SHARE = 0.4  # a blank longer than this share of the sentence leaves nothing to recall from
KEYWORD_MIN_CHARS = 5
SAME_NAME_RATIO = 80  # names this alike (rapidfuzz ratio) are taken for spellings of one name
# Words after which a noun follows (a verb such as "admires" or "acknowledges" never comes after these).
_NOUN_BEFORE = set(
    "the a an of for with by in on into from its their his her our some many more any each every".split()
)
KEYWORD_MAX_ZIPF = 3.4  # rarer than this in everyday English ("firewall" 3.1, "osmosis" 1.8; "tissue" 4.0 is not)

# Function words: never an answer, and not counted as context around a blank.
STOP = set(
    """a an the of to and or but nor with by from between that which who whom whose is are was were be been being
    his her its their our your my as in on at for into onto than then had has have did do does would could should
    will can may might must not no this these those such very more most less so if when while where after before
    because since until about over under against during without within upon per via also both either neither each
    every some any many much few several other another own same whether once though although how what why there
    here he she it they them him we us i you me all just only even still yet again already however consequently
    therefore thus hence perhaps shortly like up down out off too further""".split()
)
# A sentence that opens with one of these leans on an earlier sentence for its subject.
PRONOUNS = set("he she it they this that these those his her its their them him we our such".split())
# Answers too vague to test anything: compass points and words every note uses.
GENERIC = set(
    """west east north south western eastern northern southern central world war wars allies leaders leader
    government conference treaty summit state states party army people country countries nation nations summary
    result""".split()
)
# Last words that make a name an institution or an event, never a person or a place ("Red Army", "United Nations").
ORG_HEADS = set(
    """army party conference treaty war wars organization organisation nations aid plan summit pact council
    committee doctrine agreement alliance bloc""".split()
)
MONTHS = set(
    """january february march april may june july august september october november december jan feb mar apr
    jun jul aug sep sept oct nov dec""".split()
)
# Cues that the name next to them is a person: a title before it, or a verb of saying, wanting or deciding after it.
TITLES = set(
    """president premier prime minister chancellor general marshal mr mrs ms dr secretary leader leaders tsar king
    queen emperor senator comrade chairman""".split()
)
PERSON_VERBS = set(
    """said says wrote writes stated states wanted wants feared fears felt feels believed believes hoped hopes
    promised promises decided decides disagreed lobbied tried tries considered proceeded summed favoured favored
    opposed insisted demanded argued claimed thought knew died resigned accompanied initially himself herself
    ordered announced refused""".split()
)
SPEECH_BEFORE = {"wrote", "said", "stated", "asked", "replied"}
# Nouns that only a person owns ("Stalin's death") or only a place has ("Germany's capital").
PERSON_POSSESSIONS = set(
    "death birth wife husband son daughter father mother life career memoirs funeral successor resistance".split()
)
PLACE_POSSESSIONS = set("capital zone territory borders border coast population cities regions".split())
LOCATIVES = {"in", "into", "at", "to", "from", "throughout", "across", "within", "inside", "near", "towards", "toward"}

_YEAR = re.compile(r"(?<![\w$£€.,-])(1[5-9]\d\d|20\d\d)(?![\w%-]|\.\d|,\d)")
# Units of measurement after a figure ("340 m/s", "25°C", "10 kg"). A one-letter unit needs its space: "5 m" is
# metres, but "£5m" is money and "1960s" a decade.
_UNITS = r"°C|°F|km/h|m/s\^?-?2?|m/s|kWh|kPa|kHz|MHz|kJ|kW|MW|km|cm|mm|nm|μm|kg|mg|ms|min|mol|ml|mL|Hz|Pa|eV|Ω"
_ONE_LETTER_UNITS = r"m|g|s|N|J|W|V|A|K|L"
_NUMBER = re.compile(
    r"(?<![\w.,\-–])(?P<cur>[$£€])?(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:(?P<pct>%|\s?per ?cent\b)|(?P<sp>\s?)(?P<scale>million|mil|bn|billion|thousand)\b"
    rf"|(?P<usp>\s?)(?P<unit>{_UNITS})(?![\w/°^])|(?P<usp1>\s)(?P<unit1>{_ONE_LETTER_UNITS})(?![\w/°^'’-]))?"
)
_SCALES = {"million": 1e6, "mil": 1e6, "bn": 1e9, "billion": 1e9, "thousand": 1e3}
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9'.\-]*|\d[\d,.]*%?|[^\sA-Za-z\d]")
_ABBREVIATION = re.compile(r"^(?:[A-Z]\.)+[A-Z]?\.?$|^[A-Z]\.[A-Z]$")


# --------------------------------------------------------------------------- tokens and name chunks


class _Tok(NamedTuple):  # a tuple: sentences are tokenised several times over, on every note
    text: str  # without a possessive "'s" or a sentence's full stop
    start: int
    end: int
    possessive: bool
    low: str  # text in lower case
    cap: bool  # text starts with a capital


def _tokens(sentence: str) -> list[_Tok]:
    """The sentence's words with their places; a sentence is read several times while the bank is built (its
    lexicon, its names, its facts): split once."""
    return list(_split(sentence))


def forget_split_sentences() -> None:
    """Empty the cache of split sentences (a question bank's build fills it, and is done with it)."""
    _split.cache_clear()


@lru_cache(maxsize=16384)
def _split(sentence: str) -> tuple[_Tok, ...]:
    out: list[_Tok] = []
    for m in _TOKEN.finditer(sentence):
        text, start, end = m.group(), m.start(), m.end()
        possessive = False
        if text[0].isalpha():
            if text.endswith(("'s", "s'")) and len(text) > 3:
                possessive = True
                cut = 2 if text.endswith("'s") else 1
                text, end = text[:-cut], end - cut
            if text.endswith(".") and not _ABBREVIATION.match(text):
                text = text.rstrip(".")
            text = text.rstrip("-'")
            if not text:
                continue
            end = start + len(text)
        out.append(_Tok(text, start, end, possessive, text.lower(), text[0].isupper()))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class _Chunk:
    """A run of capitalised words in a sentence: a candidate name ("Treaty of Versailles", "Stalin", "K")."""

    text: str
    start: int
    end: int
    first: int  # token index of the first word
    last: int  # token index of the last word
    title: bool  # a title ("President") stood in front of it
    possessive: bool


def _chunks(
    toks: list[_Tok], sentence: str, mid_caps: set[str] | None, aliases: AliasTable, common: set[str] | None = None
) -> list[_Chunk]:
    """Capitalised runs, joined by "of" ("Treaty of Versailles"); leading function words and titles dropped.

    `mid_caps` holds words seen capitalised inside a sentence somewhere in the notes: a word capitalised only
    because it opens a sentence ("Armistice", "Consequently") is not a name, unless a person's verb follows it
    ("Churchill said") and the notes never write it in lower case (`common`). None skips that test.
    """
    out: list[_Chunk] = []
    i = 0
    n = len(toks)
    while i < n:
        if not _name_word(toks, i):
            i += 1
            continue
        j = i
        while j + 1 < n:
            nxt = toks[j + 1]
            if toks[j].possessive:
                break
            if _name_word(toks, j + 1) and sentence[toks[j].end : nxt.start].strip() == "":
                j += 1
            elif nxt.low == "of" and j + 2 < n and _name_word(toks, j + 2) and toks[j + 2].low not in STOP:
                j += 2
            else:
                break
        run = list(range(i, j + 1))
        title = False
        while run and (toks[run[0]].low in STOP or toks[run[0]].low in TITLES or toks[run[0]].low == "of"):
            title = title or toks[run[0]].low in TITLES
            run.pop(0)
        if run and run[0] == _first_word(toks) and mid_caps is not None:
            # A sentence's first word is a name only if the notes also capitalise it elsewhere.
            w = toks[run[0]].text
            nxt = toks[run[0] + 1].low if run[0] + 1 < len(toks) else ""
            speaks = (
                nxt in PERSON_VERBS
                and w.lower() not in (common or set())
                and w.lower() not in STOP
                and not w.lower().endswith("ly")  # "Initially believes ...": an adverb, not a name
            )
            if w not in mid_caps and not aliases.group_of(w) and not speaks:
                run.pop(0)
                while run and (toks[run[0]].low in STOP or toks[run[0]].low == "of"):
                    run.pop(0)
        while len(run) > 1 and toks[run[-1]].low in STOP:  # "Reflection The angle": a sentence ran on
            run.pop()
        if i > 0 and toks[i - 1].low in TITLES and toks[i - 1].cap is False:
            title = True
        if run:
            a, b = toks[run[0]], toks[run[-1]]
            text = sentence[a.start : b.end]
            if len(text) > 1 or aliases.group_of(text):
                out.append(_Chunk(text, a.start, b.end, run[0], run[-1], title, b.possessive))
        i = j + 1
    return out


def _first_word(toks: list[_Tok]) -> int:
    return next((k for k, t in enumerate(toks) if t.text[:1].isalnum()), 0)


def _name_word(toks: list[_Tok], i: int) -> bool:
    t = toks[i]
    if not t.cap or not t.text[:1].isalpha():
        return False
    if "-" in t.text[1:] and not t.text.isupper():  # "Anglo-Soviet-American" is an adjective, not a name
        return False
    if t.low in MONTHS:  # "July 24", "17 July 1945" are dates; "Operation August Storm" keeps its month
        near = [toks[k].text for k in (i - 1, i + 1) if 0 <= k < len(toks)]
        ordinal = i >= 2 and toks[i - 1].low in ("st", "nd", "rd", "th") and toks[i - 2].text[:1].isdigit()
        if ordinal or any(x[:1].isdigit() for x in near):  # "29th July" too
            return False
    return True


_SHAPES = (("ing", "ing"), ("ed", "ed"), ("ly", "ly"), ("ous", "adj"), ("ive", "adj"), ("al", "adj"), ("ic", "adj"))


@lru_cache(maxsize=16384)
def _word_shape(word: str) -> str:
    """A rough part of speech from the ending, so options are alike: "engulfing" / "diffusing", not "valves"."""
    for ending, shape in _SHAPES:
        if word.endswith(ending):
            return shape
    return "plural" if word.endswith("s") and not word.endswith(("ss", "is", "us")) else "noun"


_NUMERAL = re.compile(r"^(?:[ivx]+|\d+|one|two|three)$")


def _head(term: str) -> str:
    """The kind of thing a term names: "Treaty of Versailles" -> treaty, "World War II" -> war."""
    ws = [fold(w) for w in term.split()]
    if len(ws) > 2 and ws[1] == "of":
        return ws[0]
    while len(ws) > 1 and _NUMERAL.match(ws[-1]):
        ws.pop()
    return ws[-1]
