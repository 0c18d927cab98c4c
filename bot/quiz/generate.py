"""Quiz questions made from the notes by rules, with no model: cloze, multiple choice and true/false.
Facts (years, figures, people, places, named terms) are found in the snippets; the same seed gives the same list."""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple, TypeVar

from rapidfuzz import fuzz

from bot.knowledge.aliases import AliasTable
from bot.knowledge.index import word_zipf
from bot.knowledge.model import Snippet
from bot.knowledge.segment import split_sentences
from bot.quiz.model import Question, question_id
from bot.text import fold, words

BLANK = "_____"
PER_SNIPPET = 3  # generated questions per snippet: enough variety without drowning the authored ones
MAX_SENTENCE_CHARS = 300
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
_NUMBER = re.compile(
    r"(?<![\w.,])(?P<cur>[$£€])?(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:(?P<pct>%|\s?per ?cent\b)|(?P<sp>\s?)(?P<scale>million|mil|bn|billion|thousand)\b)?"
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
    return out


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


# --------------------------------------------------------------------------- the notes' vocabulary


@dataclass(slots=True)
class _Name:
    key: str
    surfaces: Counter[str] = field(default_factory=Counter)
    noun_surfaces: Counter[str] = field(default_factory=Counter)  # uses not followed by a noun ("Soviet troops")
    located: Counter[str] = field(default_factory=Counter)  # spellings seen after "in", "at", "to" ...
    sources: set[str] = field(default_factory=set)
    person: float = 0.0
    place: float = 0.0
    not_person: float = 0.0
    kind: str = ""  # "person", "place" or "" (unknown)


@dataclass(slots=True)
class _Number:
    value: float  # in units, scale applied ("5.8mil" -> 5_800_000)
    base: float  # as written ("5.8")
    decimals: int  # as written: "33%" stays "33%" next to "1.95%"
    unit: str  # "%" or currency + scale, e.g. "$million", "million"
    source: str


@dataclass(slots=True)
class _Pools:
    """Where distractors are drawn from: every name, term and number of the notes by its kind, and again by
    note. Each question looks at its own note's pool and a bounded random draw from the rest, so a
    question costs the same whatever the size of the notes."""

    names: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # kind -> keys
    names_in: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))  # kind, note
    terms: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # head -> folded terms
    terms_in: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    keywords: list[str] = field(default_factory=list)
    keywords_in: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # note -> words
    numbers: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))  # unit -> indexes
    numbers_in: dict[tuple[str, str], list[int]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def of(cls, lex: _Lexicon) -> _Pools:
        pools = cls()
        for key, name in lex.names.items():
            if name.kind:
                pools.names[name.kind].append(key)
                for source in sorted(name.sources):
                    pools.names_in[name.kind, source].append(key)
        for term, (display, sources) in lex.terms.items():
            head = _head(display)
            pools.terms[head].append(term)
            for source in sorted(sources):
                pools.terms_in[head, source].append(term)
        for w, sources in lex.keywords.items():
            pools.keywords.append(w)
            for source in sorted(sources):
                pools.keywords_in[source].append(w)
        for i, n in enumerate(lex.numbers):
            pools.numbers[n.unit].append(i)
            pools.numbers_in[n.unit, n.source].append(i)
        return pools


T = TypeVar("T", bound=Hashable)
SCAN_ALL = 64  # a pool up to this size is read whole, in a random order; a larger one is sampled


def _draw(own: Sequence[T], rest: Sequence[T], rng: random.Random) -> Iterator[T]:
    """Candidates in a random order: those of the question's own note first, then the others; each pool read
    whole when small, else at most 2 x SCAN_ALL random picks of it (no candidate given twice)."""
    given: set[T] = set()
    for pool in (own, rest):
        if len(pool) <= SCAN_ALL:
            order: Iterable[T] = rng.sample(list(pool), len(pool))
        else:
            order = (pool[rng.randrange(len(pool))] for _ in range(2 * SCAN_ALL))
        for item in order:
            if item not in given:
                given.add(item)
                yield item


@dataclass(slots=True)
class _Lexicon:
    """What the notes as a whole say about their names and numbers: the pool that distractors come from."""

    aliases: AliasTable
    names: dict[str, _Name] = field(default_factory=dict)
    terms: dict[str, tuple[str, set[str]]] = field(default_factory=dict)  # folded term -> display, sources
    years: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    numbers: list[_Number] = field(default_factory=list)
    mid_caps: set[str] = field(default_factory=set)
    common: set[str] = field(default_factory=set)  # words the notes write in lower case: common nouns
    keywords: dict[str, set[str]] = field(default_factory=dict)  # the subject's own words -> their notes
    # Terms by their first word, and the short alias forms of terms ("P.C"): built once the terms are known,
    # so finding the terms of a sentence costs its own words, not the size of the notes.
    _by_first: dict[str, list[str]] | None = None
    _order: dict[str, int] = field(default_factory=dict)
    _pools: _Pools | None = None
    _short_forms: list[tuple[str, str, tuple[str, ...]]] | None = None

    def terms_in(self, folded: str) -> list[str]:
        """The terms that may occur in `folded` text (their first word does), in the order of `terms`."""
        if self._by_first is None:
            self._by_first = _first_word_index(self.terms)
            self._order = {t: i for i, t in enumerate(self.terms)}
        found = {k for w in set(_WORD_RUN.findall(folded)) for k in self._by_first.get(w, ())}
        found.update(self._by_first.get("", ()))
        return sorted(found, key=self._order.__getitem__)

    def pools(self) -> _Pools:
        """Names, terms and numbers filed by kind (and by note), for drawing distractors."""
        if self._pools is None:
            self._pools = _Pools.of(self)
        return self._pools

    def short_forms(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """(short form, full term, alternatives) for alias groups that name a term."""
        if self._short_forms is None:
            self._short_forms = []
            for group in self.aliases.groups:
                long = next((n for n in group if fold(n) in self.terms), None)
                if long:
                    alts = tuple(x for x in group if x != long)
                    self._short_forms += [(n, long, alts) for n in group if len(n) <= 4 and n != long]
        return self._short_forms

    def key(self, surface: str) -> str:
        gids = self.aliases.group_of(surface)
        return f"#{min(gids)}" if gids else fold(surface)

    def display(self, name: _Name) -> str:
        """How a person or place is shown as an option: the alias file's first name, else the usual spelling."""
        if name.key.startswith("#"):
            first = self.aliases.names(int(name.key[1:]))[0]
            if name.kind == "person" or first in name.noun_surfaces:
                return first
        pool = name.noun_surfaces or name.surfaces
        return sorted(pool.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0]


_OPEN_QUOTE = re.compile(r"(?:^|(?<=[\s(\[]))['\"](?=\S)")
_CLOSE_QUOTE = re.compile(r"(?<=[^\s(\[])['\"](?=[\s.,;:!?)\]]|$)")
_PLURAL_POSSESSIVE = re.compile(r"s'(?=\s+[a-z])")


def _open_quotes(text: str) -> int:
    """Quotes opened but not closed in `text` (a plural possessive, "the Germans' defeat", is no quote)."""
    return len(_OPEN_QUOTE.findall(text)) - (len(_CLOSE_QUOTE.findall(text)) - len(_PLURAL_POSSESSIVE.findall(text)))


def _sentences(snippet: Snippet) -> list[str]:
    """Sentences of a snippet, long ones also cut at semicolons, for one fact per prompt."""
    out: list[str] = []
    merged: list[str] = []
    for s in split_sentences(snippet.text):
        # A quotation of several sentences stays whole: half a quotation misleads.
        if merged and _open_quotes(merged[-1]) > 0:
            merged[-1] += " " + s
        else:
            merged.append(s)
    for s in merged:
        parts = [p.strip() for p in s.split("; ")]
        if len(parts) > 1 and all(len(p.split()) >= 5 for p in parts):
            for p in parts:
                p = re.sub(r"^(?:and|but)\s+", "", p)
                out.append(p[:1].upper() + p[1:])
        else:
            out.append(s)
    return out


_WORD_RUN = re.compile(r"\w+")
_WORD_CHAR = re.compile(r"\w")


def _first_word_index(phrases: Iterable[str]) -> dict[str, list[str]]:
    """Phrases by their first run of word characters ("" for a phrase that starts with another character).

    A phrase matched with no word character on either side starts where the text has that same run, so
    only the phrases filed under the text's own runs can occur in it."""
    index: dict[str, list[str]] = defaultdict(list)
    for p in phrases:
        m = _WORD_RUN.match(p)
        index[m.group() if m else ""].append(p)
    return index


def _phrases_in(phrases: set[str], text: str) -> set[str]:
    """Those of `phrases` (folded) found in the folded `text` as whole words, in one pass over the text."""
    index = _first_word_index(phrases)
    found = {p for p in index.get("", ()) if re.search(r"(?<!\w)" + re.escape(p) + r"(?!\w)", text)}
    for m in _WORD_RUN.finditer(text):
        for p in index.get(m.group(), ()):
            if p not in found and text.startswith(p, m.start()):
                if not _WORD_CHAR.match(text, m.start() + len(p)):
                    found.add(p)
    return found


def _build_lexicon(snippets: Sequence[Snippet], aliases: AliasTable) -> _Lexicon:
    lex = _Lexicon(aliases)
    texts: list[tuple[str, str, bool]] = []  # (sentence or topic, source, is a topic)
    seen_topics: set[tuple[str, str]] = set()
    for sn in snippets:
        for s in _sentences(sn):
            texts.append((s, sn.source, False))
        if (sn.topic, sn.source) not in seen_topics:
            seen_topics.add((sn.topic, sn.source))
            texts.append((sn.topic, sn.source, True))
    uses: Counter[str] = Counter()
    keyword_sources: dict[str, set[str]] = defaultdict(set)
    named: set[str] = set()  # words seen after "the", "a", "of" ...: nouns, so things a blank can ask for
    for s, source, is_topic in texts:
        if is_topic:
            continue  # headings capitalise every word: no evidence of names
        toks = _tokens(s)
        first = _first_word(toks)
        for k, t in enumerate(toks):
            if k != first and t.cap and t.text[:1].isalpha():
                lex.mid_caps.add(t.text)
            elif t.text[:1].islower():
                lex.common.add(t.text)
                if len(t.text) >= KEYWORD_MIN_CHARS and t.text.isalpha():
                    uses[t.text] += 1
                    keyword_sources[t.text].add(source)
                    if k > 0 and toks[k - 1].low in _NOUN_BEFORE:
                        named.add(t.text)
    # The subject's own words: written in lower case, used more than once, rare in everyday English
    # ("osmosis", "firewall", "hamartia"): a blank a student should be able to fill.
    for w, n in uses.items():
        zipf = word_zipf(w)
        if n >= 2 and w in named and w not in STOP and (zipf is None or zipf < KEYWORD_MAX_ZIPF):
            lex.keywords[w] = keyword_sources[w]
    prose = " \n ".join(fold(s) for s, _, topic in texts if not topic)
    # Headings are title case throughout ("Other Soviet Initiatives"): their multi-word runs count as terms
    # only where the prose uses them too; all of them checked against the prose in one pass.
    heading_runs = {
        fold(ch.text)
        for s, _, is_topic in texts
        if is_topic
        for ch in _chunks(_tokens(s), s, lex.mid_caps, aliases, lex.common)
        if len(ch.text.split()) > 1
    }
    in_prose = _phrases_in(heading_runs, prose)
    links: list[tuple[str, str]] = []
    for s, source, is_topic in texts:
        for m in _YEAR.finditer(s):
            lex.years[int(m.group(1))].add(source)
        for m in _NUMBER.finditer(s):
            num = _parse_number(m)
            if num:
                lex.numbers.append(_Number(num[0], num[1], _decimals(m.group("num")), num[2], source))
        toks = _tokens(s)
        chunks = _chunks(toks, s, lex.mid_caps, aliases, lex.common)
        for cid, ch in enumerate(chunks):
            if len(ch.text.split()) > 1 and not aliases.group_of(ch.text):
                if all(aliases.group_of(w) for w in ch.text.split()):
                    continue  # "Finnish Soviet (treaty)": adjectives side by side, not a name
                # A multi-word name nobody listed as a person or place: a key term. Headings are title case
                # throughout ("Other Soviet Initiatives"), so a heading's run counts only if the prose uses it too.
                if not is_topic or fold(ch.text) in in_prose:
                    lex.terms.setdefault(fold(ch.text), (ch.text, set()))[1].add(source)
                continue
            key = lex.key(ch.text)
            name = lex.names.setdefault(key, _Name(key))
            name.surfaces[ch.text] += 1
            name.sources.add(source)
            _score_cues(name, ch, toks, s)
            if cid > 0:
                # "A and B", or "A, B and C": a bare comma links names only inside such a list.
                between = s[chunks[cid - 1].end : ch.start].strip().lower()
                after = s[ch.end : chunks[cid + 1].start].strip().lower() if cid + 1 < len(chunks) else ""
                if re.fullmatch(r"(?:and|or|&|, and)(?:\s+the)?", between) or (
                    between in (",", ", the") and re.fullmatch(r"(?:,\s*)?and(?:\s+the)?", after)
                ):
                    links.append((lex.key(chunks[cid - 1].text), key))
    # Names listed together ("Churchill and Roosevelt", "Turkey and Iran") are of one kind: one round of that.
    direct = {k: (n.person, n.place) for k, n in lex.names.items()}
    for a, b in links:
        for x, y in ((a, b), (b, a)):
            if x not in lex.names or y not in direct:
                continue
            p, q = direct[y]
            if p > q:
                lex.names[x].person += 1
            elif q > p:
                lex.names[x].place += 1
    # Alias groups naming someone with a title ("Truman = President Truman") mark a person too.
    for gid, group in enumerate(aliases.groups):
        titled = [n.split(maxsplit=1) for n in group if len(n.split()) > 1 and n.split()[0].lower() in TITLES]
        if f"#{gid}" in lex.names and any(rest in group for _, rest in titled):
            lex.names[f"#{gid}"].person += 1
    for name in lex.names.values():
        person = name.person - name.not_person
        if fold(lex.display(name)).split()[-1] in ORG_HEADS:
            continue
        if person >= 1 and person > name.place:
            name.kind = "person"
        elif name.place >= 1 and name.place > person and name.noun_surfaces:
            name.kind = "place"
    # Terms named in the alias file ("Marshall Aid = Marshall Plan") count even when used once.
    typed = {k for k, n in lex.names.items() if n.kind}
    for group in aliases.groups:
        for n in group:
            if len(n.split()) > 1 and any(c.isupper() for c in n) and lex.key(n) not in typed:
                lex.terms.setdefault(fold(n), (n, set()))
    return lex


def _score_cues(name: _Name, ch: _Chunk, toks: list[_Tok], s: str) -> None:
    prev = [t.low for t in toks[max(0, ch.first - 3) : ch.first] if t.text[:1].isalnum()]
    just_before = toks[ch.first - 1].low if ch.first > 0 else ""  # punctuation included: "stated, Poland" is no cue
    after = [t.low for t in toks[ch.last + 1 : ch.last + 3]]
    nxt = after[0] if after else ""
    if ch.title:
        name.person += 1
    if just_before in SPEECH_BEFORE or prev[-2:] == ["according", "to"]:
        name.person += 1
    adverb = nxt in ("also", "then", "again", "initially")
    if nxt in PERSON_VERBS or (adverb and after[1:2] and after[1] in PERSON_VERBS):
        name.person += 1
    if re.match(r"\s*,\s*who\b", s[ch.end :]):
        name.person += 1
    if ch.possessive and nxt in PERSON_POSSESSIONS:
        name.person += 1
    if prev and prev[-1] == "the":
        name.not_person += 1  # "the USSR", "the West": people are not named with an article
    loc = [w for w in prev if w != "the"]
    adjective = _adjectival(toks, ch)
    if loc and loc[-1] in LOCATIVES and prev[-2:] != ["according", "to"] and not adjective:
        name.place += 1
        name.located[ch.text] += 1
    if ch.possessive and nxt in PLACE_POSSESSIONS:
        name.place += 1
    if re.match(r"\s*,?\s*where\b", s[ch.end :]):
        name.place += 1
    if not adjective:
        name.noun_surfaces[ch.text] += 1


def _adjectival(toks: list[_Tok], ch: _Chunk) -> bool:
    """ "Soviet troops": a name followed by a lower-case noun is used as an adjective, not as a place."""
    if ch.possessive or ch.last + 1 >= len(toks):
        return False
    nxt = toks[ch.last + 1]
    if not nxt.text[:1].isalpha() or nxt.cap:
        return False
    return nxt.low not in STOP and nxt.low not in PERSON_VERBS and not nxt.low.endswith(("ed", "ly"))


# --------------------------------------------------------------------------- numbers


def _parse_number(m: re.Match[str]) -> tuple[float, float, str] | None:
    """(value, number as written, unit) of a figure with a unit; bare numbers ("2 months", "big 4") are skipped."""
    cur, pct, scale = m.group("cur") or "", m.group("pct"), (m.group("scale") or "").lower()
    if not (cur or pct or scale):
        return None
    base = float(m.group("num").replace(",", ""))
    if pct:
        return base, base, "%"
    return base * _SCALES.get(scale, 1.0), base, cur + ("million" if scale == "mil" else scale)


def _decimals(num: str) -> int:
    return len(num.split(".")[1]) if "." in num else 0


def _format_number(base: float, like: re.Match[str], decimals: int | None = None) -> str:
    """`base` written the way the answer is ("20 million" -> "5.8 million", "5.8mil" -> "20mil").

    Without `decimals` (a made-up figure) it is rounded to the answer's precision, trailing zeros dropped.
    """
    num = like.group("num")
    made_up = decimals is None
    decimals = _decimals(num) if decimals is None else decimals
    text = f"{base:,.{decimals}f}" if "," in num else f"{base:.{decimals}f}"
    if made_up and "." in text:
        text = text.rstrip("0").rstrip(".")
    if like.group("pct"):
        return (like.group("cur") or "") + text + like.group("pct")
    scale = like.group("scale") or ""
    return (like.group("cur") or "") + text + (like.group("sp") or "") + scale


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
        for m in re.finditer(r"(?<![\w])" + re.escape(term) + r"(?![\w])", folded):
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
            for m in re.finditer(r"(?<![\w.])" + re.escape(n) + r"(?![\w])", sentence):
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
    elif scale:
        word = "million" if scale == "mil" else scale
        alts += [f"{cur}{num} {word}", f"{cur}{num}{word}", f"{num} {word}", f"{cur}{num}{scale}"]
        if scale in ("million", "mil"):
            alts += [f"{cur}{num}m", f"{cur}{num}mil", f"{cur}{num} mil"]
    else:
        alts += [num]
    return tuple(a for a in dict.fromkeys(alts) if a != m.group())


# --------------------------------------------------------------------------- what makes a fragment usable


_OPINION = re.compile(r"\bI(?:'d| would| think| believe| feel)\b|\bwe (?:just|have just|now)\b|\bin this case\b")


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
    if s[:1] in '"“' and s.rstrip(".!")[-1:] in '"”':
        return False
    first = [w for w in re.findall(r"[A-Za-z']+", s)[:3]]
    if not first:
        return True
    w0 = first[0].lower()
    # A step that leans on the one before ("Next, to balance the hydrogens we just added, ...").
    if w0 in PRONOUNS or w0 in {"also", "then", "and", "but", "so", "was", "were", "is", "are", "had", "has", "next"}:
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


def _blank_ok(sentence: str, fact: _Fact, snippet: Snippet, lex: _Lexicon) -> bool:
    """Reject blanks that give nothing to go on, that give the answer away, or whose answer is too vague."""
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
    # The answer, or another name for it, must not stand elsewhere in the prompt or in the topic shown with it.
    return not (_mentions(rest, fact, lex) or _mentions(snippet.topic, fact, lex) or _mentions_raw(rest, surface))


def _mentions_raw(text: str, surface: str) -> bool:
    return bool(re.search(r"(?<![\w])" + re.escape(surface) + r"(?![\w])", text, flags=re.IGNORECASE))


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


# --------------------------------------------------------------------------- distractors


def _distractors(fact: _Fact, snippet: Snippet, lex: _Lexicon, rng: random.Random) -> list[str]:
    """Wrong options of the answer's type, from the same notes, none of which the source snippet states."""
    source_text = snippet.text + "\n" + snippet.topic
    if fact.kind == "year":
        return _year_distractors(int(fact.answer), snippet, lex, rng, source_text)
    if fact.kind == "number":
        return _number_distractors(fact, snippet, lex, rng, source_text)
    if fact.kind in ("person", "place"):
        return _name_distractors(fact, snippet, lex, rng, source_text)
    if fact.kind == "keyword":
        return _keyword_distractors(fact, snippet, lex, rng, source_text)
    return _term_distractors(fact, snippet, lex, rng, source_text)


_SHAPES = (("ing", "ing"), ("ed", "ed"), ("ly", "ly"), ("ous", "adj"), ("ive", "adj"), ("al", "adj"), ("ic", "adj"))


def _word_shape(word: str) -> str:
    """A rough part of speech from the ending, so options are alike: "engulfing" / "diffusing", not "valves"."""
    for ending, shape in _SHAPES:
        if word.endswith(ending):
            return shape
    return "plural" if word.endswith("s") and not word.endswith(("ss", "is", "us")) else "noun"


def _keyword_distractors(fact: _Fact, snippet: Snippet, lex: _Lexicon, rng: random.Random, text: str) -> list[str]:
    """Other words of the subject, of a similar shape (length, plural), that the snippet does not use."""
    pools = lex.pools()
    answer = fact.answer
    used = set(words(text))
    out: list[str] = []
    shape = _word_shape(answer)
    for w in _draw(pools.keywords_in.get(snippet.source, ()), pools.keywords, rng):
        if w in used or w[:5] == answer[:5] or _word_shape(w) != shape:
            continue
        if not 0.6 * len(answer) <= len(w) <= 1.6 * len(answer):
            continue
        out.append(w)
        if len(out) == 3:
            break
    return out


def _year_distractors(year: int, snippet: Snippet, lex: _Lexicon, rng: random.Random, text: str) -> list[str]:
    def ok(y: int) -> bool:
        return y != year and not _year_in(y, text) and y <= 2030

    near = [y for y in lex.years if abs(y - year) <= 10 and ok(y)]
    # Nearest first, ties broken by the seed, so a different seed can give a different mix.
    near.sort(key=lambda y: (abs(y - year) + rng.random() * 3, y))
    out = near[:3]
    offsets = [d for k in range(1, 11) for d in (k, -k)]
    rng.shuffle(offsets)
    offsets.sort(key=lambda d: abs(d) // 4)  # keep made-up years close to the real one
    for d in offsets:
        if len(out) >= 3:
            break
        if ok(year + d) and year + d not in out:
            out.append(year + d)
    return [str(y) for y in out]


def _number_distractors(fact: _Fact, snippet: Snippet, lex: _Lexicon, rng: random.Random, text: str) -> list[str]:
    assert fact.match is not None
    present = _values_in(text)

    def fresh(value: float) -> bool:
        return all(abs(value - v) > 1e-9 * max(1.0, abs(v)) for v in present)

    scale = fact.value / float(fact.match.group("num").replace(",", "")) if fact.value else 1.0
    seen: set[float] = set()
    out: list[str] = []
    pools = lex.pools()
    for i in _draw(pools.numbers_in.get((fact.key, snippet.source), ()), pools.numbers.get(fact.key, ()), rng):
        n = lex.numbers[i]
        if n.value not in seen and fresh(n.value):
            seen.add(n.value)
            out.append(_format_number(n.value / scale, fact.match, n.decimals))
            if len(out) == 3:
                break
    base = fact.value / scale
    # Made-up figures near the real one: far-off ones are too easy to rule out.
    factors = [0.5, 0.75, 1.25, 1.5, 2.0, 0.6, 1.75, 2.5, 3.0, 0.25]
    rng.shuffle(factors)
    factors.sort(key=lambda f: abs(math.log(f)) > math.log(2.01))
    for f in factors:
        if len(out) >= 3:
            break
        b = base * f
        text_b = _format_number(b, fact.match)
        parsed = _parse_number(_NUMBER.search(text_b))  # type: ignore[arg-type]
        value = parsed[0] if parsed else b * scale
        if value in seen or not fresh(value) or (fact.key == "%" and b > 100) or b <= 0:
            continue
        seen.add(value)
        out.append(text_b)
    return [o for o in out if o != fact.answer]


def _name_distractors(fact: _Fact, snippet: Snippet, lex: _Lexicon, rng: random.Random, text: str) -> list[str]:
    aliases = lex.aliases
    in_source = aliases.groups_in(text)
    answer_words = set(words(fact.answer)) | {w for a in fact.alternatives for w in words(a)}
    pools = lex.pools()
    out: list[str] = []
    for key in _draw(pools.names_in.get((fact.kind, snippet.source), ()), pools.names.get(fact.kind, ()), rng):
        name = lex.names[key]
        if key == fact.key:
            continue
        shown = lex.display(name)
        if fold(shown) in GENERIC or len(shown) < 3 or shown in out:
            continue
        every = set(name.surfaces) | {shown}
        if key.startswith("#"):
            gid = int(key[1:])
            if gid in in_source:
                continue
            every |= set(aliases.names(gid))
        # Never a name the snippet itself uses, or one sharing a word with the answer ("Germany" for "West Germany").
        if any(_mentions_raw(text, n) for n in every if len(n) > 2 or n.isupper()):
            continue
        if set(words(shown)) & answer_words:
            continue
        if fuzz.ratio(fold(shown), fold(fact.answer)) >= SAME_NAME_RATIO:
            continue  # "Balcans" for "Balkans": another spelling of the answer, not a wrong option
        out.append(shown)
        if len(out) == 3:
            break
    return out


_NUMERAL = re.compile(r"^(?:[ivx]+|\d+|one|two|three)$")


def _head(term: str) -> str:
    """The kind of thing a term names: "Treaty of Versailles" -> treaty, "World War II" -> war."""
    ws = [fold(w) for w in term.split()]
    if len(ws) > 2 and ws[1] == "of":
        return ws[0]
    while len(ws) > 1 and _NUMERAL.match(ws[-1]):
        ws.pop()
    return ws[-1]


def _term_distractors(fact: _Fact, snippet: Snippet, lex: _Lexicon, rng: random.Random, text: str) -> list[str]:
    aliases = lex.aliases
    head = _head(fact.answer)
    # Only terms that name a kind of thing (a treaty, a war, a conference) have rivals of the same kind;
    # "East Germany" and "Eastern Germany" are the same place, not alternatives.
    if head not in ORG_HEADS and head not in lex.common:
        return []
    own = aliases.groups_in(fact.answer) | aliases.group_of(fact.answer)
    in_source = aliases.groups_in(text)
    pools = lex.pools()
    out: list[str] = []
    picked: list[set[int]] = []
    for term in _draw(pools.terms_in.get((head, snippet.source), ()), pools.terms.get(head, ()), rng):
        display = lex.terms[term][0]
        if term == fold(fact.answer) or _mentions_raw(text, display):
            continue
        groups = aliases.groups_in(display) | aliases.group_of(display)
        if groups & (own | in_source):  # "Yalta Conference" is the "Kanta Conference": not wrong
            continue
        groups = aliases.group_of(display)
        ws = set(words(display))
        # Two options meaning one thing ("Second World War", "World War II"), or one inside the other
        # ("Pacific War", "American Pacific War"), would make the question unfair.
        if any(groups & g for g in picked) or any(ws <= set(words(o)) or ws >= set(words(o)) for o in out):
            continue
        out.append(display)
        picked.append(groups)
        if len(out) == 3:
            break
    return out


# --------------------------------------------------------------------------- questions


@dataclass(slots=True)
class _Candidate:
    sentence: str
    fact: _Fact
    distractors: list[str]

    @property
    def blanked(self) -> str:
        return self.sentence[: self.fact.start] + BLANK + self.sentence[self.fact.end :]


# Which facts make the best questions, when a snippet offers several: dates and people first.
_PRIORITY = {"person": 0, "year": 1, "number": 1, "term": 2, "place": 3, "keyword": 4}


def _rng(seed: int, *parts: str) -> random.Random:
    digest = hashlib.blake2s("\x1f".join((str(seed), *parts)).encode("utf-8"), digest_size=8).digest()
    return random.Random(int.from_bytes(digest, "big"))


def generate_questions(
    snippets: Sequence[Snippet], aliases: AliasTable | None = None, seed: int = 0, per_snippet: int = PER_SNIPPET
) -> list[Question]:
    """Cloze, multiple-choice and true/false questions from the snippets, in snippet order; same seed, same list."""
    aliases = aliases or AliasTable()
    lex = _build_lexicon(snippets, aliases)
    out: list[Question] = []
    seen: set[str] = set()
    for sn in snippets:
        if sn.kind in ("row", "list"):
            # A table row is asked cell by cell, a list by its items (bot/quiz/structured.py); a blank among a
            # list's items could be any of them.
            continue
        for q in _for_snippet(sn, lex, seed, per_snippet):
            if q.id not in seen:
                seen.add(q.id)
                out.append(q)
    return out


def _for_snippet(sn: Snippet, lex: _Lexicon, seed: int, limit: int) -> list[Question]:
    rng = _rng(seed, sn.id)
    candidates: list[_Candidate] = []
    for sentence in _sentences(sn):
        if not usable_sentence(sentence, lex.mid_caps):
            continue
        for fact in _facts(sentence, lex):
            if _blank_ok(sentence, fact, sn, lex):
                candidates.append(_Candidate(sentence, fact, _distractors(fact, sn, lex, rng)))
    if not candidates:
        return []
    candidates.sort(key=lambda c: (_PRIORITY[c.fact.kind], rng.random()))
    used: set[tuple[str, int]] = set()
    questions: list[Question] = []

    def take(pred) -> _Candidate | None:  # the best unused blank that fits the question kind
        for c in candidates:
            k = (c.sentence, c.fact.start)
            if k not in used and pred(c):
                used.add(k)
                return c
        return None

    kinds = ["choice", "cloze", "truefalse"]
    rng.shuffle(kinds)  # the seed decides which kind gets the snippet's best blank
    for kind in kinds:
        if len(questions) >= limit:
            break
        if kind == "choice":
            c = take(lambda c: len(c.distractors) >= 3)
            if c:
                questions.append(_choice(sn, c, rng))
        elif kind == "cloze":
            c = take(lambda c: True)
            if c:
                questions.append(_cloze(sn, c))
        else:
            # A swapped subject word may well be true too ("cache" for "memory"): no true/false from those.
            c = take(lambda c: bool(c.distractors) and c.fact.kind != "keyword" and statement_like(c.sentence))
            if c:
                questions.append(_truefalse(sn, c, rng))
    return questions


def _common(sn: Snippet) -> dict[str, str]:
    return {"topic": sn.topic, "explanation": sn.text, "source": sn.source, "snippet_id": sn.id}


def _cloze(sn: Snippet, c: _Candidate) -> Question:
    prompt = f"Fill in the missing {LABELS[c.fact.kind]}: {c.blanked}"
    return Question(
        id=question_id("g", "cloze", sn.id, c.fact.answer, prompt),
        kind="cloze",
        prompt=prompt,
        answer=c.fact.answer,
        alternatives=c.fact.alternatives,
        **_common(sn),
    )


def _choice(sn: Snippet, c: _Candidate, rng: random.Random) -> Question:
    options = [c.fact.answer, *c.distractors[:3]]
    rng.shuffle(options)
    prompt = f"Choose the missing {LABELS[c.fact.kind]}: {c.blanked}"
    return Question(
        id=question_id("g", "choice", sn.id, c.fact.answer, prompt),
        kind="choice",
        prompt=prompt,
        answer=c.fact.answer,
        alternatives=c.fact.alternatives,  # a student who types "K" instead of picking is still right
        options=tuple(options),
        **_common(sn),
    )


def _truefalse(sn: Snippet, c: _Candidate, rng: random.Random) -> Question:
    if rng.random() < 0.5:
        statement, answer = c.sentence, "True"
    else:
        # Swap the fact for one of the same type that the snippet does not state: a false statement.
        wrong = c.distractors[0]
        statement, answer = c.sentence[: c.fact.start] + wrong + c.sentence[c.fact.end :], "False"
    prompt = f"True or false? {statement}"
    return Question(
        id=question_id("g", "truefalse", sn.id, answer, prompt),
        kind="truefalse",
        prompt=prompt,
        answer=answer,
        options=("True", "False"),
        **_common(sn),
    )
