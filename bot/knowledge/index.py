"""The search index: BM25 over stemmed words (bm25s + PyStemmer), typo correction and fuzzy
scoring with rapidfuzz, the teacher's aliases, and the rule that decides when to abstain.

How an answer is chosen (documented for teachers in README.md):
1. The question's key words are its words minus filler ("what", "did", "the", "think" ...).
   A key word the notes do not contain is corrected to the closest word of the notes' own
   vocabulary when the spelling is close enough (spelling.py).
2. BM25 ranks the snippets by the key words, their stems and their alias groups; each snippet is
   indexed with its text, its topic and the note's title.
3. Confidence of a snippet = the share of the question's key words it covers, each word weighted
   by how rare it is in the facts' own words (a key word found nowhere in the notes weighs as the rarest;
   one close in form or negated, "unlimited" for "limited", counts KIN_CREDIT).
   The final order mixes that coverage with the BM25 score.
4. The bot answers when the best snippet's confidence is at least ANSWER_THRESHOLD; otherwise it
   says the question is not in the notes and offers the closest topics.
5. When the best two are close, the top candidates are reordered by meaning too (paraphrase.py), if the
   optional sentence model is installed, never bringing a fact far behind in words first; a weak answer
   whose fact is far in meaning is refused.
6. A fact shown is read with its neighbour when it needs it: one that only restates the question, or one
   that points back ("This can cause ...") or is pointed back to.
"""

from __future__ import annotations

import gc
import logging
import math
import re
import threading
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TypeVar

import numpy as np
import Stemmer
from rapidfuzz import fuzz, process

from bot.knowledge.aliases import AliasTable
from bot.knowledge.bm25 import FlatBM25
from bot.knowledge.lexicon import STOPWORDS, lemma, word_zipf
from bot.knowledge.model import MAX_SNIPPET_CHARS, Answer, Hit, Snippet
from bot.knowledge.paraphrase import BEHIND, DOUBT, NEAR, Paraphrases
from bot.knowledge.phrasing import (
    ASIDE,
    CLAUSE,
    DEFINE,
    KIND_ASKED,
    LABEL,
    MONTHS,
    POINTS_BACK,
    SAID_OTHERWISE,
    lead_terms,
    measured,
    negations,
    of_phrases,
    question_parts,
    read_on,
)
from bot.knowledge.smalltalk import small_talk
from bot.knowledge.spelling import LETTER_FILTER_FROM, Speller, letter_counts
from bot.knowledge.termrows import (
    FactStems,
    GroupRows,
    KeyedRows,
    PairRows,
    PairSet,
    PartStems,
    StemRows,
    Terms,
    Weights,
    sorted_unique,
)
from bot.text import clean, squash, words

log = logging.getLogger(__name__)
_T = TypeVar("_T")
# bm25s logs every index build at DEBUG level on its own handler; keep chat logs readable.
logging.getLogger("bm25s").setLevel(logging.WARNING)

ANSWER_THRESHOLD = 0.43
MAX_QUESTION_CHARS = 300
CANDIDATES = 40
REPEATED_MIN_LENGTH = 4  # shorter words are too often abbreviations for the notes' terms
STEMMER_LANGUAGE = "english"


@dataclass(frozen=True, slots=True)
class _Term:
    word: str  # the (corrected) key word
    stem: str
    groups: frozenset[int]  # alias groups this word belongs to
    weight: float  # idf; the rarest weight when the notes do not contain the word
    kin: frozenset[str] = frozenset()  # related stems in the notes, matched at KIN_CREDIT
    pos: int = 0  # where the word stands in the question
    # the stems matched at KIN_CREDIT: the kin, and the word negated or not as the notes use it ("unlimited" for
    # "limited"), which is never searched for
    alike: frozenset[str] = frozenset()


KIN_CREDIT = 0.8
RELATED_ENDING = 3  # letters after the common part, for two stems parting at the shorter one's last letter
LONE_UNKNOWN = 0.0  # with one key word matched, any missing word makes it another subject ("berlin wall")
SECTION_CREDIT = 0.5  # a key word found only in another snippet of the same topic section
UNKNOWN_RARE_ZIPF, UNKNOWN_COMMON_ZIPF, UNKNOWN_MIN_SHARE = 2.0, 5.0, 0.25
# A question anchored by one term of the subject (rarer than this in everyday English) may add everyday words
# (at least this common) the notes do not use: they paraphrase, they do not change the subject.
SUBJECT_TERM_ZIPF, EVERYDAY_ZIPF = 3.5, 4.5
MISSING_NAME_SHARE = 1.0  # a capitalised name the notes never use ("Truman Doctrine") weighs as the rarest word
WRONG_KIND = 0.6  # "when ...?" answered by a fact with no date ("how many" with no number, "formula for" none)
HEADING_MATCH = 75  # rapidfuzz ratio at which a question restates a heading or a note's title
CONTEXT_CREDIT = 0.9  # a key word found in the snippet's topic or its note's title, not its text
PHRASE_BONUS = 0.1  # for key words that follow each other in the snippet as in the question
DEFINITION_BONUS = 0.15  # "what is X" / "define X" / "X?": the fact that defines X ("X: ...", "X is ...") first
# a fact whose subject (its lead term) the question names, before facts that name it in passing; any value from
# 0.03 to 0.08 gives the same answers on the nine corpus subjects, their mixed folders and the Cold War sets
SUBJECT_BONUS = 0.05
OWN_SECTION_BONUS = 0.08  # a fact under X's own heading, before passing mentions of X elsewhere
COVER_WEIGHT = 0.7  # the final order: mostly coverage, BM25 to break near-ties
BM25_K1, BM25_B = 1.5, 0.75


_CAPS_TOKEN = re.compile(r"\b[A-Z][A-Z0-9]{0,2}\b")
_CAPS_RUN = re.compile(r"\b[A-Z][\w'-]*(?:\s+(?:of\s+the\s+|of\s+)?[A-Z][\w'-]*)+")
_MENTION = re.compile(r"(?<![\w.@])@\w+")
_KEPT = (-1).__ne__  # a term number, not a stopword's -1
_NONE: frozenset[str] = frozenset()


def unknown_weight(word: str, rarest: float) -> float:
    """How much a key word the notes never use counts against answering.

    A rare or unheard-of word ("Pythagorean", "Sputnik") is a subject of its own: the rarest weight.
    An everyday word ("weak", "react", "worry") is more often a paraphrase: it weighs less.
    """
    zipf = word_zipf(word)
    if zipf is None:
        return rarest
    share = min(1.0, max(UNKNOWN_MIN_SHARE, (UNKNOWN_COMMON_ZIPF - zipf) / (UNKNOWN_COMMON_ZIPF - UNKNOWN_RARE_ZIPF)))
    return rarest * share


def related(a: str, b: str) -> bool:
    """Two stems of one family the stemmer keeps apart: one starts the other ("premier"/"premiership"), or the two
    part at the last letter of the shorter with a short ending each ("democrat"/"democraci"). Not two words
    that only share a beginning ("photon"/"photosynthesi")."""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    p = 0
    for x, y in zip(short, long_):
        if x != y:
            break
        p += 1
    return p >= 5 and (p == len(short) or (p == len(short) - 1 and len(long_) - p <= RELATED_ENDING))


_local = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    """This thread's stemmer, shared by every index (a class's each): its cache of stems is the same for all, and
    a PyStemmer object is not to be used by two threads at once."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer(STEMMER_LANGUAGE)
    return stemmer


class SearchIndex:
    """Answers questions from snippets. Build once at start-up; `ask` is read-only and thread-safe."""

    def knows(self, word: str) -> bool:
        """Whether the notes (or the aliases) use this folded word."""
        i = bisect_left(self._words, word)
        return i < len(self._words) and self._words[i] == word

    def __init__(self, snippets: Sequence[Snippet], aliases: AliasTable | None = None):
        self.snippets = list(snippets)
        self.aliases = aliases or AliasTable()
        self.paraphrases: Paraphrases | None = None  # set by Knowledge.load when the sentence model is installed
        self._paraphrase_failed = False
        # Every set of stems below is kept compact (termrows.py): term numbers end to end, not sets of strings.
        gc_was_on = gc.isenabled()
        gc.disable()  # millions of small objects are made and none is garbage: collecting would only cost time
        self._id_memo: dict[str, int] = {}  # while building: each word's stem's number, found once
        try:
            self._build()
        finally:
            del self._id_memo
            if gc_was_on:
                gc.enable()

    def _build(self) -> None:
        terms = Terms()
        # every fact's term numbers end to end, and how many each: BM25 indexes them with this index's dictionary
        doc_terms, doc_lengths = array("i"), array("q")
        own_seq, own_lengths = array("i"), array("q")  # each fact's own stems, in order: its rows below, at once
        text_rows = StemRows(terms)  # the snippet's own words
        part_rows = StemRows(terms)  # topics, titles and deepest headings: they repeat, stemmed once each
        lead_rows = StemRows(terms)  # the term a fact defines, if it reads as a definition
        bigrams = PairRows(terms)
        topic_of, title_of, deepest_of = array("i"), array("i"), array("i")
        self._opens_section = bytearray()  # the first fact under its heading (where a definition usually is)
        self._doc_groups = GroupRows()
        vocab: Counter[str] = Counter()
        part_row: dict[str, int] = {}
        part_seq: dict[str, list[int]] = {}  # a heading's stems as numbers, in order, repeats kept (for BM25)
        part_codes = PairRows(terms)  # the neighbouring pairs of topics and titles, for _has_phrase

        part_groups: dict[str, set[int]] = {}

        def part(text: str) -> int:
            row = part_row.get(text)
            if row is None:
                toks = words(text)
                ids = part_seq[text] = self._ids_of(toks, vocab, terms)
                row = part_row[text] = part_rows.add(ids)
                part_codes.add(ids)
                part_groups[text] = self.aliases.groups_in(text, toks)
            return row

        group_term: dict[int, int] = {}  # an alias group's term number ("alias3"), for BM25

        def alias_term(group: int) -> int:
            t = group_term.get(group)
            if t is None:
                t = group_term[group] = terms.intern([f"alias{group}"])[0]
            return t

        opened: set[tuple[str, str]] = set()
        deepest_row: dict[str, int] = {}  # a topic's deepest heading's row
        for s, lead in zip(self.snippets, lead_terms(self.snippets)):
            text_toks = words(s.text)
            own_ids = self._ids_of(text_toks, vocab, terms)
            topic_of.append(part(s.topic))
            title_of.append(part(s.title))
            # "The apparent magnitude (m) of an object is ...": an aside in brackets is not part of the term
            term = ASIDE.sub(" ", lead) if "(" in lead else lead
            # a term of a few words, not a clause ("the process by which a fossil ...")
            short = len(term.split()) <= 7 and not CLAUSE.search(term)
            lead_keys = [t for t in words(term) if t not in STOPWORDS] if term and short else []
            lead_rows.add(self._ids_of(lead_keys, None, terms) if len(lead_keys) <= 4 else [])  # in the text already
            # the deepest heading names the section ("Triple Entente: Britain, France..." is about the Entente)
            deepest = deepest_row.get(s.topic)
            if deepest is None:
                deepest = deepest_row[s.topic] = part(s.topic.rsplit(" › ", 1)[-1].split(": ", 1)[0])
            deepest_of.append(deepest)
            place = (s.source, s.topic)
            first = place not in opened
            self._opens_section.append(first)
            if first:
                opened.add(place)
            own_seq.extend(own_ids)
            own_lengths.append(len(own_ids))
            # the topic counts twice: in a mind map it often says more than the fragment under it
            groups = self.aliases.groups_in(s.text, text_toks) | part_groups[s.topic] | part_groups[s.title]
            alias_ids = [alias_term(g) for g in sorted(groups)]
            topic_ids, title_ids = part_seq[s.topic], part_seq[s.title]
            doc_terms.extend(own_ids)
            doc_terms.extend(topic_ids)
            doc_terms.extend(topic_ids)
            doc_terms.extend(title_ids)
            doc_terms.extend(alias_ids)
            doc_lengths.append(len(own_ids) + 2 * len(topic_ids) + len(title_ids) + len(alias_ids))
            self._doc_groups.add(groups)
        for w in STOPWORDS.intersection(vocab):  # counted with every text's words, never key words
            del vocab[w]
        text_rows.add_many(own_seq, own_lengths)
        bigrams.add_many(own_seq, own_lengths)
        del own_seq
        for name in self.aliases.all_names():
            vocab.update(t for t in words(name) if t not in STOPWORDS)
        self._speller = Speller([w for w in vocab if len(w) > 2 and not w[0].isdigit()])
        # Every word, sorted: what the notes know, and the words that start alike (a sorted tuple is a fifth of a
        # set's size, and a dictionary of prefixes would cost as much again).
        self._words = tuple(sorted(vocab))
        # The notes' own terms (used more than once: once may be a slip of the notes): marking never takes a
        # student's word that is one of them for a misspelling of another.
        self.repeated_words = frozenset(
            w for w, c in vocab.items() if c >= 2 and len(w) >= REPEATED_MIN_LENGTH and w.isalpha()
        )
        self._text_stems = text_rows
        self._lead_stems = lead_rows
        self._text_bigrams = bigrams
        self._doc_stems = FactStems(text_rows, part_rows, topic_of, title_of)
        self._section_of = PartStems(part_rows, deepest_of)
        self._topic_stems = PartStems(part_rows, topic_of)
        self._all_bigrams = PairSet(terms, [bigrams.codes(), part_codes.codes()])
        n = max(len(self.snippets), 1)
        # the stems of facts, topics and titles (every lead stem is one of its fact's), with their weights
        self._bm25 = FlatBM25(k1=BM25_K1, b=BM25_B)
        df: list[int] = []  # how many facts hold each stem (in their text, topic or title) and each alias group
        if doc_lengths:  # the same dictionary, not a second one of every word (a class's index is small)
            df = self._bm25.index_flat(doc_terms, doc_lengths, terms.ids).tolist()
        del doc_terms
        alias_terms = set(group_term.values())
        idf_of = lru_cache(maxsize=None)(lambda c: self._idf_of(c, n))  # a few distinct counts, many stems
        facts, stems = text_rows.entries()  # every (fact, stem of its own words)
        if df:
            # A key word's weight counts the facts that use it in their own words. A heading's word is in every
            # fact under it: that makes it the section's subject ("Duncan", "Motivation"), not a common word.
            # A word only headings use is counted where it is.
            said = np.bincount(stems, minlength=len(df)).tolist()
            df = [own or c for own, c in zip(said, df)]
        self._idf = Weights(terms, {t: idf_of(c) for t, c in enumerate(df) if c and t not in alias_terms})
        self._group_idf = {g: idf_of(df[t]) for g, t in group_term.items()}  # every group a fact names
        self._max_idf = self._idf_of(0, n)
        self._topics = list(dict.fromkeys(s.topic for s in self.snippets))
        # What an unanswered question with no word in the notes is offered: the closest topics, or on notes with
        # thousands of topics the closest notes' titles (a fuzzy scan of every topic cost more than the rest of
        # such a question, for topics that share no word with it).
        if len(self._topics) >= LETTER_FILTER_FROM:
            self._offered = list(dict.fromkeys(s.title or s.topic for s in self.snippets))
        else:
            self._offered = self._topics
        self._correct = lru_cache(maxsize=4096)(self._correct_uncached)
        # What each topic section, and each note, says as a whole: a mind-map fragment is read in its branch's
        # context; a term only another note uses is that note's subject.
        sections: dict[str, int] = {}  # topic -> its section's number, in the notes' order
        sources: dict[str, int] = {}
        section_of, source_of = array("q"), array("q")
        # Headings and titles, as plain words, for questions that restate one ("why did the ... break down").
        self._headings: dict[str, array] = {}
        plain = {h: " ".join(words(h)) for h in {*(s.topic for s in self.snippets), *(s.title for s in self.snippets)}}
        for i, s in enumerate(self.snippets):
            section_of.append(sections.setdefault(s.topic, len(sections)))
            source_of.append(sources.setdefault(s.source, len(sources)))
            for h in {s.topic, s.title}:
                self._headings.setdefault(plain[h], array("i")).append(i)
        # A section's (or note's) stems: its facts' own, their topics' and titles', all at once.
        area_rows = StemRows(terms)
        for area_of, count in ((section_of, len(sections)), (source_of, len(sources))):
            area = np.frombuffer(area_of, dtype=np.int64)
            rows, ids = [area[facts]], [stems]
            for part_of in (topic_of, title_of):  # each (area, heading) once: headings repeat
                pairs = sorted_unique(area << 32 | np.frombuffer(part_of, dtype=np.int32).astype(np.int64))[0]
                for code in pairs.tolist():
                    part_ids = part_rows.ids(code & 0xFFFFFFFF)
                    rows.append(np.full(len(part_ids), code >> 32, dtype=np.int64))
                    ids.append(np.frombuffer(part_ids, dtype=np.int32))
            area_rows.add_unions(np.concatenate(rows), np.concatenate(ids), count)
        self._section_row = dict(sections)  # a section's stems and groups
        self._section_stems = KeyedRows(area_rows, self._section_row)
        self._source_stems = KeyedRows(area_rows, {k: len(sections) + j for k, j in sources.items()})
        self._section_groups = GroupRows()
        facts, groups = self._doc_groups.entries()
        self._section_groups.add_unions(np.frombuffer(section_of, dtype=np.int64)[facts], groups, len(sections))
        self._heading_keys = [h for h in self._headings if len(h.split()) >= 3]
        many = len(self._heading_keys) >= LETTER_FILTER_FROM
        self._heading_counts = letter_counts(self._heading_keys) if many else None
        self._heading_lengths = np.array([len(h) for h in self._heading_keys], dtype=np.int32) if many else None

    @staticmethod
    def _idf_of(df: int, n: int) -> float:
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def _stem_all(self, toks: list[str]) -> list[str]:
        return _stemmer().stemWords([lemma(t) for t in toks])

    def _stem(self, word: str) -> str:
        return _stemmer().stemWord(lemma(word))

    def _ids_of(self, toks: list[str], vocab: Counter[str] | None, terms: Terms) -> list[int]:
        """While building: the numbers of the stems of a text's key words, in order; the words join the notes'
        vocabulary (`vocab`). A word is stemmed once however often the notes use it."""
        memo = self._id_memo  # a stopword's number is -1: left out
        if vocab is not None:
            vocab.update(toks)  # stopwords too: taken out of the vocabulary once all is read
        out = list(map(memo.get, toks))
        if None in out:
            new = [t for t in dict.fromkeys(toks) if t not in memo and t not in STOPWORDS]
            memo.update(zip(new, terms.intern(self._stem_all(new))))
            memo.update((t, -1) for t in toks if t in STOPWORDS)
            out = list(map(memo.__getitem__, toks))
        return list(filter(_KEPT, out)) if -1 in out else out  # type: ignore[arg-type]

    @property
    def topics(self) -> list[str]:
        return self._topics

    # --- question analysis -------------------------------------------------------------------

    def _correct_uncached(self, word: str) -> str | None:
        """The notes' word closest to a misspelt one (spelling.py), the word itself when the notes use it."""
        if self.knows(word) or self._stem(word) in self._idf:
            return word
        return self._speller.correct(word)

    def _terms(self, question: str) -> list[_Term]:
        terms: list[_Term] = []
        seen: set[str] = set()
        # Short all-capitals names ("STM", "K") count only as written: look them up before folding.
        caps = {m.lower(): self.aliases.group_of(m) for m in _CAPS_TOKEN.findall(question)}
        # A function word in capitals in a question not typed in capitals is a name: "US", "IT", "WHO".
        acronyms = set(caps) if any(c.islower() for c in question) else set()
        toks = words(question)
        for pos, tok in enumerate(toks):
            # a letter in capitals is a name too ("the M in SMART"), except the pronoun and the article
            letter = tok in acronyms and tok not in ("i", "a")
            if (
                (tok in STOPWORDS and tok not in acronyms)
                or tok in seen
                or (len(tok) < 2 and not tok.isdigit() and not letter)
            ):
                continue
            seen.add(tok)
            fixed = self._correct(tok)
            if fixed in STOPWORDS and tok not in acronyms:
                continue  # a misspelt filler word ("descibe", "presentd")
            word = fixed or tok
            stem = self._stem(word)
            named = self.aliases.group_of(word)
            if named and self.aliases.ends_longer_name(question, tok):  # "South America" is not "America"
                named = set()
            groups = frozenset(named | caps.get(tok, set()))
            kin = frozenset(self._kin(word)) - {stem}
            # "how fast": a speed, as the notes name it ("Speed of Sound: 340 m/s in air")
            kin |= frozenset(q for q in self._stem_all(list(measured(toks, pos))) if q in self._idf) - {stem}
            weight = self._idf.get(stem) or unknown_weight(tok, self._max_idf)
            if kin and stem not in self._idf:
                weight = min(self._idf.get(k, self._max_idf) for k in kin)
            if groups:
                weight = min(weight, min(self._group_idf.get(g, self._max_idf) for g in groups))
            alike = kin | (frozenset(self._contrary(word)) - {stem})
            terms.append(_Term(word, stem, groups, weight, kin, pos, alike))
        # Multi-word alias names ("Second World War", "cross elasticity of demand") match as a whole too.
        said = self.aliases.groups_in(" ".join(t.word for t in terms))  # spelling corrected, filler left out
        said |= self.aliases.groups_in(" ".join(words(question)))  # as written, small words in
        phrase_groups = said - {g for t in terms for g in t.groups}
        if phrase_groups:
            terms = [
                replace(t, groups=t.groups | frozenset(g for g in phrase_groups if t.word in self._group_words(g)))
                for t in terms
            ]
        return terms

    def _elsewhere(self, t: _Term) -> float:
        """What a key word weighs for a fact whose note never uses it: as much as a word no note uses (an everyday
        word less; a term of a subject, rare in everyday English, keeps its weight), so an answer does not depend
        on which other notes share the folder. Worked out only when a candidate's note lacks the word: the
        everyday-English dictionary is not loaded for questions every note answers in its own words."""
        if t.groups or (word_zipf(t.word) or 0.0) < SUBJECT_TERM_ZIPF:
            return t.weight
        return min(t.weight, unknown_weight(t.word, self._max_idf))

    def _kin(self, word: str) -> list[str]:
        if len(word) < 5:
            return []
        return self._stem_all([w for w in self._starting(word[:5]) if w != word and related(w, word)])

    def _contrary(self, word: str) -> list[str]:
        """The word negated, or not, as the notes use it: "unlimited" liability answers whether owners have
        "limited" liability."""
        return self._stem_all([w for w in negations(word) if self.knows(w)])

    def _starting(self, prefix: str) -> tuple[str, ...]:
        """The notes' words of five letters or more (not numbers) that start with `prefix`."""
        lo = bisect_left(self._words, prefix)
        hi = bisect_left(self._words, prefix + "\U0010ffff", lo)
        return tuple(w for w in self._words[lo:hi] if len(w) >= 5 and not w[0].isdigit())

    @lru_cache(maxsize=1024)  # noqa: B019 - the index lives as long as the process
    def _group_words(self, gid: int) -> frozenset[str]:
        return frozenset(w for name in self.aliases.names(gid) for w in words(name))

    # --- answering -----------------------------------------------------------------------------

    def ask(self, question: str, top: int = 3) -> Answer:
        raw = clean(question or "")
        notice = ""
        if len(raw) > MAX_QUESTION_CHARS:
            raw = raw[:MAX_QUESTION_CHARS].rsplit(" ", 1)[0]
            notice = f"Your question was long, so only its first {MAX_QUESTION_CHARS} characters were used."
        typed = squash(raw.replace("\n", " "))  # the question as typed, for the answer to say
        # "@everyone", "@Sam": a mention names who is asked, never what (an e-mail address is left as it is)
        text = squash(_MENTION.sub(" ", typed)) or typed
        if not text:
            return Answer(question=typed, answered=False, problem="empty", notice=notice)
        if not any(ch.isalnum() for ch in text):
            return Answer(question=typed, answered=False, problem="no-words", notice=notice)
        chat = small_talk(text)
        if chat:
            return Answer(question=typed, answered=False, problem=chat, notice=notice)
        terms = self._terms(text)
        if not terms or not self.snippets:
            return Answer(
                question=typed,
                answered=False,
                suggestions=self._suggest(text, []),
                notice=notice,
                problem="" if self.snippets else "no-notes",
            )
        query = [t.stem for t in terms if t.stem in self._idf]
        query += [k for t in terms for k in sorted(t.kin)]
        query += [f"alias{g}" for t in terms for g in sorted(t.groups) if g in self._group_idf]
        candidates = self._candidates(query)
        restated = self._restated_headings(text)
        if restated:
            seen = {i for i, _ in candidates}
            candidates += [(i, 0.0) for i in restated if i not in seen]
        total = sum(t.weight for t in terms) + MISSING_NAME_SHARE * self._max_idf * self._missing_names(text)
        needs = next((fact for asks, fact in KIND_ASKED if asks.search(text)), None)  # "when ...?": a date
        if needs is not None:  # a number the question gives is not the one it asks for ("how much ... in 1900?")
            given = re.compile("|".join(rf"\b{n}\b" for n in set(re.findall(r"[0-9]+", text))) or r"(?!)")
        scored: list[tuple[float, float, int]] = []
        definitions: set[int] = set()  # the facts that define the term asked, as it is named in the question
        best_bm25 = max((s for _, s in candidates), default=0.0) or 1.0
        pairs = set(zip((t.stem for t in terms), (t.stem for t in terms[1:])))
        asked = frozenset(t.stem for t in terms)
        otherwise = [(asked & stems, says) for stems, says in SAID_OTHERWISE if asked & stems]
        defined = asked if DEFINE.search(text) or len(terms) <= 2 else frozenset()
        # the term asked about under each of its names ("MDR": "Memory Data Register (MDR) - holds ..." defines it)
        named = (
            [defined]
            + [
                (defined - {t.stem for t in terms if g in t.groups})
                | frozenset(self._stem_all([w for w in words(name) if w not in STOPWORDS]))
                for g in sorted({g for t in terms for g in t.groups})
                for name in self.aliases.names(g)
            ]
            # a letter asked about is the term ("the M in SMART": "M: Measurable; ...")
            + [frozenset({t.stem}) for t in terms if len(t.word) == 1 and t.word.isalpha()]
            if defined
            else []
        )
        # An everyday word a fact's note never uses weighs for it as if no note used it ("wrong" in "how do veins
        # stop blood going the wrong way" is not a word of the biology note, whatever the history note says).
        lighter: dict[str, float] = {}  # per note: how much less the question's words weigh for its facts
        said_somehow = {t.stem for t in terms}.union(*(t.alike for t in terms))
        for idx, bm in candidates:
            source = self.snippets[idx].source
            less = lighter.get(source)
            if less is None:
                own = self._source_stems.holding(source, said_somehow)
                less = lighter[source] = sum(
                    t.weight - self._elsewhere(t) for t in terms if t.stem not in own and not (t.alike & own)
                )
            # "the job of ribosomes": "... are mainly for synthesising proteins" says what they are for
            said = self._said(idx, otherwise) if otherwise else _NONE
            cover = max(self._coverage(idx, terms, said) / (total - less), restated.get(idx, 0.0))
            if needs is not None and not needs.search(given.sub(" ", self.snippets[idx].text)):
                cover *= WRONG_KIND
            phrase = len(pairs & self._text_bigrams[idx]) / len(pairs) if pairs else 0.0
            rank = COVER_WEIGHT * cover + (1 - COVER_WEIGHT) * bm / best_bm25 + PHRASE_BONUS * phrase
            heading = self._section_of[idx]
            # "Methanol: ..." opening the section "Uses" is not what "what is ethanol used for" asks (but any fact
            # opening the section "The Witches" says what "the witches" asks)
            defines_other = False
            if defined and self._lead_stems[idx]:
                defines = max(self._defines(self._lead_stems[idx], d) for d in named)
                if defines == 1:
                    definitions.add(idx)
                rank += DEFINITION_BONUS * defines
                defines_other = defines == 0 and heading != defined
            elif not defined and self._lead_stems[idx] and self._lead_stems[idx] <= asked:
                rank += SUBJECT_BONUS  # "Dreadnought was a class of ships ..." is about what "why was the
                # Dreadnought such a big deal" asks; "Kaiser sees the ship ... the most Dreadnoughts" mentions it
            elif defined and self._opens_section[idx] and heading == defined:
                rank += DEFINITION_BONUS  # under the heading "Firewalls", "Hardware and/or software placed ..."
                definitions.add(idx)
            if heading and heading <= asked and len(heading) >= max(1, len(asked) // 2):
                rank += OWN_SECTION_BONUS
                if defined and self._opens_section[idx] and not defines_other:
                    rank += OWN_SECTION_BONUS
            scored.append((rank, cover, idx))
        scored.sort(key=lambda x: (-x[0], x[2]))
        cover = {i: c for _, c, i in scored}
        shown = self._distinct([i for _, _, i in scored], top)
        hits = tuple(Hit(self.snippets[i], round(cover[i], 3)) for i in shown)
        confidence = hits[0].score if hits else 0.0
        if scored:
            # More words the notes never use than words the best fact has: it is about something else
            # ("how do plants make food" is not about the hydroelectric plant).
            # Each missing word counts by how much of a subject it names: "germs" or "Browning" fully,
            # an everyday word ("job", "wrong", "cut") a quarter, as paraphrases more often use them.
            best = scored[0][2]
            said = self._said(best, otherwise) if otherwise else _NONE  # "the function of ...", "test for ..."
            missing = [
                t for t in terms if t.stem not in self._idf and not t.alike and not t.groups and t.stem not in said
            ]
            # A word only other notes use counts as missing: a term of their subject in full, the question being
            # about their subject ("who wrote Macbeth" is not answered from a computing note that mentions
            # writing), an everyday word as one no note uses.
            own = self._source_stems.holding(self.snippets[best].source, said_somehow)
            missing += [t for t in terms if t.stem in self._idf and t.stem not in own and not (t.alike & own)]
            unknown = sum(self._elsewhere(t) / self._max_idf for t in missing)
            matched = self._matched(best, terms, said)
            # One key word matched is enough when it is a term of the subject ("ribosomes", "platelets") and
            # what else the question says is everyday words ("what job do platelets do when you get cut").
            lone = unknown
            anchors = self._anchors(scored[0][2], terms) if matched == 1 else []
            if anchors:  # but not a word that makes a name with the term ("berlin wall")
                lone = sum(
                    t.weight / self._max_idf
                    for t in missing
                    if (word_zipf(t.word) or 0.0) < EVERYDAY_ZIPF or any(abs(t.pos - a.pos) == 1 for a in anchors)
                )
            # What the question asks about, named after "of" ("the boiling point of water"), that the fact's note
            # never names: the fact is about something else (the boiling points of covalent substances). Not a rare
            # word no note uses ("the danger of nukes"): that is more likely the notes' term said another way.
            absent = {t.pos for t in missing if t.stem in self._idf or (word_zipf(t.word) or 0.0) >= SUBJECT_TERM_ZIPF}
            keyed = {t.pos for t in terms}  # where the key words stand in the question
            stranger = any(
                all(p in absent for p in phrase if p in keyed) and any(p in keyed for p in phrase)
                for phrase in of_phrases(words(text), STOPWORDS)
            )
            if unknown > matched or (lone > LONE_UNKNOWN and matched <= 1) or stranger:
                confidence = min(confidence, round(ANSWER_THRESHOLD * matched / (matched + unknown), 3))
        answered = confidence >= ANSWER_THRESHOLD
        # The fact that defines the very term asked ("Levees: ...", "M: Measurable; ..."), first by words, stays
        # first: the sentence model does not read a fact's form, only its meaning.
        defined_first = len(scored) >= 2 and scored[0][2] in definitions and scored[1][2] not in definitions
        near = len(scored) >= 2 and scored[1][1] >= NEAR * scored[0][1]
        if answered and self.paraphrases is not None and near and not defined_first:
            # facts far behind in words are not brought forward by meaning alone: they stay after the others
            behind = {i for r, _, i in scored if r < BEHIND * scored[0][0]}
            fused = [i for i in self._by_meaning(text, [i for _, _, i in scored]) if i not in behind]
            shown = self._distinct(fused + [i for _, _, i in scored if i in behind], top)
            hits = tuple(Hit(self.snippets[i], round(cover[i], 3)) for i in shown)
        if answered and self.paraphrases is not None and confidence < DOUBT and self._far(text, shown[0]):
            answered = False  # a weak match of words that is far in meaning too: not in the notes
        if answered:
            hits = self._continued(hits, shown, terms)
        if not answered and (parts := question_parts(text)):
            # Two questions in one message: answered by the part the notes answer ("Why does the speaker kill
            # Porphyria - what point is Browning making?"), each part held to every rule above.
            best = max((self.ask(part, top) for part in parts), key=lambda a: (a.answered, a.confidence))
            if best.answered:
                return replace(best, question=typed, notice=notice)
        suggestions = () if answered else self._suggest(text, [i for _, _, i in scored[:10]])
        return Answer(
            question=typed,
            answered=answered,
            hits=hits,
            confidence=confidence,
            suggestions=suggestions,
            notice=notice,
        )

    def _continued(self, hits: tuple[Hit, ...], shown: list[int], terms: list[_Term]) -> tuple[Hit, ...]:
        """Facts that need their neighbour to be understood are shown with it (and the neighbour is not shown again
        further down):
        - a fact that only restates the question ("Unsex me here", "1903 Schlieffen Plan") is followed by the next
          fact of its section, which in quotation, flashcard and timeline notes says what it means;
        - a fact is followed by the next one when that one points back to it ("... overclocked. — This can cause
          CPUs to overheat"), and one that points back itself is read after the fact before it."""
        asked = {t.stem for t in terms} | {k for t in terms for k in t.kin}
        asked |= {self._stem(w) for t in terms for g in t.groups for w in self._group_words(g)}
        out: list[Hit] = []
        dropped: set[int] = set()
        for rank, (h, i) in enumerate(zip(hits, shown)):
            if i in dropped:
                continue
            s = h.snippet
            before = self._beside(i, -1)
            if (
                before is not None
                and before not in shown[:rank]
                and POINTS_BACK.match(s.text)
                and len(s.text) + len(self.snippets[before].text) + 1 <= MAX_SNIPPET_CHARS
            ):
                dropped.add(before)
                s = replace(s, text=read_on(self.snippets[before].text, s.text))
            after = self._beside(i, 1)
            if (
                after is not None
                and after not in shown[:rank]
                and len(s.text) + len(self.snippets[after].text) + 3 <= MAX_SNIPPET_CHARS
            ):
                if POINTS_BACK.match(self.snippets[after].text):
                    dropped.add(after)
                    s = replace(s, text=read_on(s.text, self.snippets[after].text))
                elif self._restates(i, asked):
                    dropped.add(after)
                    s = replace(s, text=f"{s.text} — {self.snippets[after].text}")
            out.append(Hit(s, h.score))
        return tuple(out)

    def _beside(self, idx: int, step: int) -> int | None:
        """The fact just before (step -1) or after (step 1) this one in its section, if there is one."""
        j = idx + step
        if not 0 <= j < len(self.snippets):
            return None
        s, n = self.snippets[idx], self.snippets[j]
        return j if (n.source, n.topic, n.position) == (s.source, s.topic, s.position + step) else None

    def _distinct(self, order: list[int], top: int) -> list[int]:
        """The first `top` facts of `order` that say different things: a fact the notes repeat word for word, also
        under a label ("Melting/Boiling: When a substance ..." in a flashcard section, "When a substance ..." in
        its own), takes one place, so the next places go to other facts."""
        out: list[int] = []
        said: set[tuple[str, ...]] = set()
        for i in order:
            key = tuple(words(LABEL.sub("", self.snippets[i].text, count=1)))
            if key in said:
                continue
            said.add(key)
            out.append(i)
            if len(out) == top:
                break
        return out

    def _restates(self, idx: int, asked: set[str]) -> bool:
        """Whether a fact says nothing the question did not: past a leading label, its key words are the
        question's, its heading's, numbers or months."""
        said = LABEL.sub("", self.snippets[idx].text, count=1)
        toks = [t for t in words(said) if t not in STOPWORDS and not t[0].isdigit() and t not in MONTHS]
        if not toks:
            return False
        context = self._topic_stems[idx]
        return all(st in asked or st in context for st in self._stem_all(toks))

    def _by_meaning(self, text: str, ranked: list[int]) -> list[int]:
        """The close candidates reordered by meaning too (paraphrase.py); the lexical order if that fails."""
        p = self.paraphrases
        assert p is not None
        return self._model(lambda: p.reorder(text, ranked), ranked)

    def _far(self, text: str, idx: int) -> bool:
        p = self.paraphrases
        assert p is not None
        return self._model(lambda: p.far(text, idx), False)

    def _model(self, call: Callable[[], _T], fallback: _T) -> _T:
        """A call to the optional sentence model; a fault of it must not cost the answer (said once)."""
        try:
            return call()
        except Exception:
            if not self._paraphrase_failed:
                self._paraphrase_failed = True
                log.exception("paraphrase matching failed; answering from the words alone")
            return fallback

    @staticmethod
    def _defines(lead: frozenset[str], asked: frozenset[str]) -> float:
        """How much the fact's lead term is what the question asks about: 1 for the same words (singular or
        plural, any order), 0.5 for one word more or less ("epidermal tissue" for "tissue"), else 0."""
        if lead == asked:
            return 1.0
        if (len(asked) >= 2 and lead <= asked) or (len(lead) >= 2 and asked <= lead and len(lead) - len(asked) <= 1):
            return 0.5
        return 0.0

    def _missing_names(self, text: str) -> int:
        """How many capitalised names of two or more words ("Warsaw Pact") the notes never mention."""
        missing = 0
        for m in _CAPS_RUN.finditer(text):
            toks = [t for t in words(m.group(0)) if t not in STOPWORDS]
            if len(toks) < 2:
                continue
            if self.aliases.group_of(m.group(0)) or self._has_phrase(toks):
                continue
            missing += 1
        return missing

    def _has_phrase(self, toks: list[str]) -> bool:
        stems = self._stem_all(toks)
        pairs = list(zip(stems, stems[1:]))
        return all(p in self._all_bigrams for p in pairs)

    def _restated_headings(self, text: str) -> dict[int, float]:
        """Snippets under a heading (or in a note) whose title the question restates, with the likeness."""
        q = " ".join(words(text))
        if len(q.split()) < 3 or not self._heading_keys:
            return {}
        keys = self._heading_keys
        if self._heading_counts is not None:
            # fuzz.ratio >= HEADING_MATCH needs at most (100 - HEADING_MATCH)% of both lengths inserted or deleted,
            # and a heading whose letter counts differ from the question's by more needs more: not scanned.
            far = np.abs(self._heading_counts - letter_counts([q])[0]).sum(axis=1, dtype=np.int32)
            near = np.flatnonzero(far * 100 <= (100 - HEADING_MATCH) * (self._heading_lengths + len(q)))
            keys = [keys[i] for i in near]
        out: dict[int, float] = {}
        for key, score in _best(q, keys, fuzz.ratio, HEADING_MATCH):
            for i in self._headings[key]:
                out[i] = max(out.get(i, 0.0), score / 100)
        return out

    def _candidates(self, query: list[str]) -> list[tuple[int, float]]:
        if not query:
            return []
        k = min(CANDIDATES, len(self.snippets))
        scores = self._bm25.get_scores(query)
        # The best k among the snippets that share a word with the question: selecting over every score (most
        # of them zero) costs more than all the rest of a question on a large index.
        hits = np.flatnonzero(scores > 0)
        if len(hits) > k:
            hits = hits[np.argpartition(-scores[hits], k - 1)[:k]]
        ranked = sorted(hits.tolist(), key=lambda d: (-scores[d], d))
        return [(int(d), float(scores[d])) for d in ranked]

    def _anchors(self, idx: int, terms: list[_Term]) -> list[_Term]:
        """The key words the snippet's section holds that are terms of the subject, rare in everyday English
        ("phagocytes", "Biuret"), not everyday words ("large", "system")."""
        stems = self._section_stems[self.snippets[idx].topic]
        return [t for t in terms if t.stem in stems and (word_zipf(t.word) or 0.0) < SUBJECT_TERM_ZIPF]

    def _said(self, idx: int, otherwise: list[tuple[frozenset[str], re.Pattern[str]]]) -> frozenset[str]:
        """The question's stems this fact answers in other words (see SAID_OTHERWISE)."""
        text = self.snippets[idx].text
        return frozenset().union(*(stems for stems, says in otherwise if says.search(text)))

    def _matched(self, idx: int, terms: list[_Term], said: frozenset[str] = _NONE) -> int:
        """How many of the key words this snippet, read in its section, contains (or says in other words)."""
        topic = self.snippets[idx].topic
        stems, groups = self._section_stems[topic], self._section_groups[self._section_row[topic]]
        return sum(1 for t in terms if t.stem in stems or t.groups & groups or t.alike & stems or t.stem in said)

    def _coverage(self, idx: int, terms: list[_Term], said: frozenset[str] = _NONE) -> float:
        """The weight of the key words this fact covers (`said`: stems its text satisfies in other words)."""
        stems = self._doc_stems[idx]
        groups = self._doc_groups[idx]
        topic = self.snippets[idx].topic
        near_stems = self._section_stems[topic]
        near_groups = self._section_groups[self._section_row[topic]]
        own = self._text_stems[idx] | said if said else self._text_stems[idx]
        got = 0.0
        for t in terms:
            if t.stem in own:
                got += t.weight
            elif t.stem in stems or (t.groups & groups):
                # in the topic or the note's title, or through an alias
                got += CONTEXT_CREDIT * t.weight if t.stem in stems else t.weight
            elif t.alike & stems:  # a form of the word, in this very fact, before the word elsewhere in its section
                got += KIN_CREDIT * t.weight
            elif t.stem in near_stems or (t.groups & near_groups):
                got += SECTION_CREDIT * t.weight
            elif len(t.word) >= 6 and any(fuzz.ratio(t.stem, s) >= 88 for s in stems if abs(len(s) - len(t.stem)) <= 2):
                # A near spelling of a long word in this very snippet ("programme"/"program").
                got += 0.8 * t.weight
        return got

    def _suggest(self, text: str, ranked: list[int]) -> tuple[str, ...]:
        """Closest topics: those of the best partial matches, else fuzzy matches on topic names."""
        out: list[str] = []
        for i in ranked:
            topic = self.snippets[i].topic
            if topic not in out:
                out.append(topic)
            if len(out) == 3:
                return tuple(out)
        if not out and self._offered:
            out = [topic for topic, _score in _best(text, self._offered, fuzz.token_set_ratio)]
        return tuple(out[:3])


def _best(query: str, choices: Sequence[str], scorer, cutoff: float = 0, limit: int = 3) -> list[tuple[str, float]]:  # noqa: ANN001
    """The `limit` choices most like `query` (at least `cutoff`), best first, ties in the choices' order: what
    rapidfuzz's process.extract gives, from one cdist row, which costs a third as much on thousands of choices."""
    row = process.cdist([query], choices, scorer=scorer, score_cutoff=cutoff or None, dtype=np.float64)[0]
    found = np.flatnonzero(row >= cutoff) if cutoff else np.arange(len(row))
    if len(found) > limit:
        found = found[np.argpartition(-row[found], limit - 1)[:limit]]  # the best `limit` (ties sorted below)
        ties = np.flatnonzero(row == row[found].min())
        found = np.union1d(found, ties)
    best = sorted(found.tolist(), key=lambda i: (-row[i], i))[:limit]
    return [(choices[i], float(row[i])) for i in best]
