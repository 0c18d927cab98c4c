"""What the notes as a whole say about their names, terms, numbers and own words: the vocabulary that
facts are found with and wrong options drawn from; how figures are read and written.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from bot.knowledge.aliases import AliasTable
from bot.knowledge.lexicon import word_zipf
from bot.knowledge.model import Snippet
from bot.knowledge.segment import split_sentences
from bot.quiz.prose.words import (
    _NOUN_BEFORE,
    _NUMBER,
    _SCALES,
    _YEAR,
    GENERIC,
    KEYWORD_MAX_ZIPF,
    KEYWORD_MIN_CHARS,
    LOCATIVES,
    ORG_HEADS,
    PERSON_POSSESSIONS,
    PERSON_VERBS,
    PLACE_POSSESSIONS,
    SPEECH_BEFORE,
    STOP,
    TITLES,
    _Chunk,
    _chunks,
    _first_word,
    _head,
    _Tok,
    _tokens,
)
from bot.text import fold, words

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


@dataclass(frozen=True, slots=True)
class _NameOption:
    """A person or place as a wrong option: how it is shown, and every spelling that would give it away."""

    shown: str
    folded: str
    words: frozenset[str]
    spellings: tuple[str, ...]  # the snippet must use none of these
    group: int | None  # its alias group
    located: bool  # written as a place somewhere in the notes
    generic: bool  # too vague or too short to be an option


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
    _name_options: dict[str, _NameOption] = field(default_factory=dict)
    _patterns: dict[tuple[str, str], re.Pattern[str]] = field(default_factory=dict)

    def terms_in(self, folded: str) -> list[str]:
        """The terms that may occur in `folded` text (their first word does), in the order of `terms`."""
        if self._by_first is None:
            self._by_first = _first_word_index(self.terms)
            self._order = {t: i for i, t in enumerate(self.terms)}
        # (a term that is not in the text at all is left out at once: common first words start many terms)
        found = {k for w in set(_WORD_RUN.findall(folded)) for k in self._by_first.get(w, ()) if k in folded}
        found.update(k for k in self._by_first.get("", ()) if k in folded)
        return sorted(found, key=self._order.__getitem__)

    def whole_words(self, phrase: str, before: str = r"\w") -> re.Pattern[str]:
        """`phrase` with no word character (nor any of `before`'s class, just before it) on either side,
        compiled once per lexicon: re's own cache holds 512 patterns, and the notes have thousands of terms."""
        key = (phrase, before)
        pattern = self._patterns.get(key)
        if pattern is None:
            pattern = self._patterns[key] = re.compile(rf"(?<![{before}])" + re.escape(phrase) + r"(?![\w])")
        return pattern

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

    def name_option(self, key: str) -> _NameOption:
        """The name filed under `key` as a wrong option (once the lexicon is built: its kind decides its display)."""
        option = self._name_options.get(key)
        if option is None:
            name = self.names[key]
            shown = self.display(name)
            every = set(name.surfaces) | {shown}
            group = int(key[1:]) if key.startswith("#") else None
            if group is not None:
                every |= set(self.aliases.names(group))
            option = self._name_options[key] = _NameOption(
                shown=shown,
                folded=fold(shown),
                words=frozenset(words(shown)),
                spellings=tuple(n for n in every if len(n) > 2 or n.isupper()),
                group=group,
                located=sum(name.located.values()) > 0,
                generic=fold(shown) in GENERIC or len(shown) < 3,
            )
        return option

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


def _sentences(snippet: Snippet) -> tuple[str, ...]:
    """Sentences of a snippet, long ones also cut at semicolons, for one fact per prompt."""
    return _sentences_of(snippet.text)


@lru_cache(maxsize=8192)
def _sentences_of(text: str) -> tuple[str, ...]:
    """(Memoised: the lexicon and the questions both read every snippet, and notes repeat their lines.)"""
    out: list[str] = []
    merged: list[str] = []
    for s in split_sentences(text):
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
    return tuple(out)


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


@dataclass(frozen=True, slots=True)
class _Casing:
    """How one sentence writes its words: the evidence for names (capitals) and the subject's own words."""

    mid_caps: tuple[str, ...]  # capitalised inside the sentence
    common: tuple[str, ...]  # written in lower case
    uses: tuple[str, ...]  # lower-case words that may be the subject's own, once per use
    named: tuple[str, ...]  # those of them after "the", "a", "of" ...


def _casing(s: str) -> _Casing:
    toks = _tokens(s)
    first = _first_word(toks)
    mid_caps: list[str] = []
    common: list[str] = []
    uses: list[str] = []
    named: list[str] = []
    for k, t in enumerate(toks):
        if k != first and t.cap and t.text[:1].isalpha():
            mid_caps.append(t.text)
        elif t.text[:1].islower():
            common.append(t.text)
            if len(t.text) >= KEYWORD_MIN_CHARS and t.text.isalpha():
                uses.append(t.text)
                if k > 0 and toks[k - 1].low in _NOUN_BEFORE:
                    named.append(t.text)
    return _Casing(tuple(mid_caps), tuple(common), tuple(uses), tuple(named))


@dataclass(frozen=True, slots=True)
class _Cues:
    """What the words around one use of a name say it is (see _score_cues)."""

    person: int = 0
    place: int = 0
    not_person: int = 0
    located: bool = False  # written as a place ("in Germany")
    noun: bool = False  # not used as an adjective ("Soviet troops")


@dataclass(frozen=True, slots=True)
class _Reading:
    """What one sentence (or heading) adds to the lexicon, each time the notes write it."""

    years: tuple[int, ...]
    numbers: tuple[tuple[float, float, int, str], ...]  # value, as written, decimals, unit
    terms: tuple[tuple[str, str], ...]  # folded, as written
    names: tuple[tuple[str, str, _Cues], ...]  # key, as written, cues
    links: tuple[tuple[str, str], ...]  # names listed together ("Churchill and Roosevelt")


def _reading(s: str, is_topic: bool, lex: _Lexicon, in_prose: set[str]) -> _Reading:
    aliases = lex.aliases
    years = tuple(int(m.group(1)) for m in _YEAR.finditer(s))
    numbers = []
    for m in _NUMBER.finditer(s):
        num = _parse_number(m)
        if num:
            numbers.append((num[0], num[1], _decimals(m.group("num")), num[2]))
    toks = _tokens(s)
    chunks = _chunks(toks, s, lex.mid_caps, aliases, lex.common)
    terms: list[tuple[str, str]] = []
    names: list[tuple[str, str, _Cues]] = []
    links: list[tuple[str, str]] = []
    for cid, ch in enumerate(chunks):
        if len(ch.text.split()) > 1 and not aliases.group_of(ch.text):
            if all(aliases.group_of(w) for w in ch.text.split()):
                continue  # "Finnish Soviet (treaty)": adjectives side by side, not a name
            # A multi-word name nobody listed as a person or place: a key term. Headings are title case
            # throughout ("Other Soviet Initiatives"), so a heading's run counts only if the prose uses it too.
            if not is_topic or fold(ch.text) in in_prose:
                terms.append((fold(ch.text), ch.text))
            continue
        key = lex.key(ch.text)
        names.append((key, ch.text, _score_cues(ch, toks, s)))
        if cid > 0:
            # "A and B", or "A, B and C": a bare comma links names only inside such a list.
            between = s[chunks[cid - 1].end : ch.start].strip().lower()
            after = s[ch.end : chunks[cid + 1].start].strip().lower() if cid + 1 < len(chunks) else ""
            if re.fullmatch(r"(?:and|or|&|, and)(?:\s+the)?", between) or (
                between in (",", ", the") and re.fullmatch(r"(?:,\s*)?and(?:\s+the)?", after)
            ):
                links.append((lex.key(chunks[cid - 1].text), key))
    return _Reading(years, tuple(numbers), tuple(terms), tuple(names), tuple(links))


def _build_lexicon(snippets: Sequence[Snippet], aliases: AliasTable) -> _Lexicon:
    """The lexicon of the notes. Notes repeat their lines (a point in a summary, the same handout in two
    folders): each distinct sentence is read once, and what it says is counted each time it is written."""
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
    casings: dict[str, _Casing] = {}
    for s, source, is_topic in texts:
        if is_topic:
            continue  # headings capitalise every word: no evidence of names
        casing = casings.get(s)
        if casing is None:  # the sets learn nothing more from the sentence's copies; its uses are counted
            casing = casings[s] = _casing(s)
            lex.mid_caps.update(casing.mid_caps)
            lex.common.update(casing.common)
            named.update(casing.named)
        for w in casing.uses:
            uses[w] += 1
            keyword_sources[w].add(source)
    # The subject's own words: written in lower case, used more than once, rare in everyday English
    # ("osmosis", "firewall", "hamartia"): a blank a student should be able to fill.
    for w, n in uses.items():
        zipf = word_zipf(w)
        if n >= 2 and w in named and w not in STOP and (zipf is None or zipf < KEYWORD_MAX_ZIPF):
            lex.keywords[w] = keyword_sources[w]
    prose = " \n ".join(fold(s) for s in casings)  # each distinct sentence once
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
    readings: dict[tuple[str, bool], _Reading] = {}
    for s, source, is_topic in texts:
        reading = readings.get((s, is_topic))
        if reading is None:
            reading = readings[s, is_topic] = _reading(s, is_topic, lex, in_prose)
        for year in reading.years:
            lex.years[year].add(source)
        for value, base, decimals, unit in reading.numbers:
            lex.numbers.append(_Number(value, base, decimals, unit, source))
        for folded, written in reading.terms:
            lex.terms.setdefault(folded, (written, set()))[1].add(source)
        for key, written, cues in reading.names:
            name = lex.names.get(key)
            if name is None:
                name = lex.names[key] = _Name(key)
            name.surfaces[written] += 1
            name.sources.add(source)
            name.person += cues.person
            name.place += cues.place
            name.not_person += cues.not_person
            if cues.located:
                name.located[written] += 1
            if cues.noun:
                name.noun_surfaces[written] += 1
        links += reading.links
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


def _score_cues(ch: _Chunk, toks: list[_Tok], s: str) -> _Cues:
    prev = [t.low for t in toks[max(0, ch.first - 3) : ch.first] if t.text[:1].isalnum()]
    just_before = toks[ch.first - 1].low if ch.first > 0 else ""  # punctuation included: "stated, Poland" is no cue
    after = [t.low for t in toks[ch.last + 1 : ch.last + 3]]
    nxt = after[0] if after else ""
    person = place = not_person = 0
    if ch.title:
        person += 1
    if just_before in SPEECH_BEFORE or prev[-2:] == ["according", "to"]:
        person += 1
    adverb = nxt in ("also", "then", "again", "initially")
    if nxt in PERSON_VERBS or (adverb and after[1:2] and after[1] in PERSON_VERBS):
        person += 1
    if re.match(r"\s*,\s*who\b", s[ch.end :]):
        person += 1
    if ch.possessive and nxt in PERSON_POSSESSIONS:
        person += 1
    if prev and prev[-1] == "the":
        not_person += 1  # "the USSR", "the West": people are not named with an article
    loc = [w for w in prev if w != "the"]
    adjective = _adjectival(toks, ch)
    located = bool(loc and loc[-1] in LOCATIVES and prev[-2:] != ["according", "to"] and not adjective)
    if located:
        place += 1
    if ch.possessive and nxt in PLACE_POSSESSIONS:
        place += 1
    if re.match(r"\s*,?\s*where\b", s[ch.end :]):
        place += 1
    return _Cues(person, place, not_person, located, not adjective)


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
    unit = m.group("unit") or m.group("unit1") or ""
    if not (cur or pct or scale or unit) or (cur and unit):
        return None
    base = float(m.group("num").replace(",", ""))
    if pct:
        return base, base, "%"
    if unit:
        return base, base, "unit:" + unit
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
    unit = like.group("unit") or like.group("unit1")
    if unit:
        return text + (like.group("usp") or like.group("usp1") or "") + unit
    scale = like.group("scale") or ""
    return (like.group("cur") or "") + text + (like.group("sp") or "") + scale
