"""The question bank: the teacher's authored questions first, then those generated from the notes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.knowledge.aliases import AliasTable
from bot.knowledge.model import Snippet
from bot.quiz.authored import authored_from_files, is_question_file, load_authored
from bot.quiz.generate import PER_SNIPPET, STOP, generate_questions
from bot.quiz.model import Question
from bot.quiz.prose.words import forget_split_sentences
from bot.quiz.structured import structured_questions
from bot.text import fold, words

# Words a student adds to "/quiz" that say "anything".
ANY_TOPIC = {"", "all", "any", "everything", "random", "mix", "mixed"}
FUZZY_CUTOFF = 0.8  # "yalts" finds "yalta", "potsdamm" finds "potsdam"


@dataclass(slots=True)
class QuestionBank:
    questions: list[Question] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # problems in the teacher's question files, for the teacher
    by_id: dict[str, Question] = field(default_factory=dict)
    aliases: AliasTable | None = None  # lets "/quiz russia" find the USSR's topics
    _topic_names: list[str] = field(default_factory=list, repr=False)  # the indexes below: built on first use
    _folded_topics: list[str] = field(default_factory=list, repr=False)
    _topic_index: _WordIndex | None = field(default=None, repr=False)
    _text_index: _WordIndex | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self.by_id:
            self.by_id = {q.id: q for q in self.questions}

    def topics(self) -> list[str]:
        """Distinct topics in bank order (authored first, then the notes' order)."""
        return list(dict.fromkeys(q.topic for q in self.questions if q.topic))

    def get(self, qid: str) -> Question | None:
        return self.by_id.get(qid)

    def for_topic(self, topic: str | None) -> list[Question]:
        """Questions on a topic, matched loosely: case, accents, part of the name, small typos, alias names.

        Falls back to questions whose text mentions the words ("/quiz stalin"); empty when nothing matches.
        """
        query = fold(topic or "").strip()
        if query in ANY_TOPIC:
            return list(self.questions)
        variants = self._variants(query)
        self.prepare_search()
        topics = self._topic_names
        matching = {topics[i] for v in variants for i in self._topic_index.matching(v)}
        matching |= {t for t, f in zip(topics, self._folded_topics) for v in variants if v in f}  # as typed
        if matching:
            return [q for q in self.questions if q.topic in matching]
        hits = {i for v in variants for i in self._text_index.matching(v)}
        return [q for i, q in enumerate(self.questions) if i in hits]

    def prepare_search(self) -> None:
        """Index topics and question texts by word for /quiz TOPIC (done once, in time proportional to the bank)."""
        if self._topic_index is not None:
            return
        self._topic_names = self.topics()
        self._folded_topics = [fold(t) for t in self._topic_names]
        self._text_index = _WordIndex([" ".join((q.prompt, q.answer, q.explanation)) for q in self.questions])
        self._topic_index = _WordIndex(self._topic_names)

    def _variants(self, query: str) -> list[str]:
        """The query, and the other names the alias file gives what it names ("kanta" -> "yalta")."""
        out = [query]
        if self.aliases:
            for gid in self.aliases.groups_in(query) | self.aliases.group_of(query):
                out += [fold(n) for n in self.aliases.names(gid) if len(n) > 2]
        return list(dict.fromkeys(out))


class _WordIndex:
    """Texts by their key words, so "/quiz TOPIC" costs the vocabulary, not a fuzzy match per question."""

    def __init__(self, texts: Sequence[str]):
        found: dict[str, dict[int, None]] = {}
        for i, text in enumerate(texts):
            for w in _key_words(text):
                found.setdefault(w, {})[i] = None
        # Kept as tuples: a class's bank lives as long as its notes are cached, and a set costs four times more.
        self.by_word: dict[str, tuple[int, ...]] = {w: tuple(ids) for w, ids in found.items()}
        self.vocab = list(self.by_word)

    def matching(self, query: str) -> set[int]:
        """The texts holding every key word of `query` (each as a prefix, a longer word, or a small typo)."""
        want = _key_words(query)
        if not want:
            return set()
        found: set[int] | None = None
        for w in want:
            hits: set[int] = set()
            for h in self._words_for(w):
                hits.update(self.by_word[h])
            found = hits if found is None else found & hits
            if not found:
                return set()
        return found or set()

    def _words_for(self, want: str) -> list[str]:
        near = [h for h in self.vocab if h.startswith(want) or (want.startswith(h) and len(h) >= 4)]
        if near or len(want) < 4:
            return near
        close = process.extract(want, self.vocab, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF * 100, limit=10)
        return [c[0] for c in close]


def _key_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOP]


def build_bank(
    snippets: Sequence[Snippet],
    aliases: AliasTable | None,
    folder: Path,
    seed: int = 0,
    per_snippet: int = PER_SNIPPET,
    files: list[tuple[str, bytes]] | None = None,
) -> QuestionBank:
    """Authored questions from `folder`, or from the question files among `files` (a class's notes given as
    (name, bytes)), first, then generated ones; deterministic for a seed, ids unique."""
    authored, errors = load_authored(folder) if files is None else authored_from_files(files)
    notes = [s for s in snippets if not is_question_file(s.source)]
    # Questions from the notes' structure (definitions, tables, lists, Q&A) first, then from their prose.
    try:
        generated = structured_questions(notes, seed=seed) + generate_questions(
            notes, aliases, seed=seed, per_snippet=per_snippet
        )
    finally:
        # The sentences split while making them (tens of megabytes on large notes) are not needed after.
        forget_split_sentences()
    questions: list[Question] = []
    seen: set[str] = set()
    for q in (*authored, *generated):
        if q.id not in seen:
            seen.add(q.id)
            questions.append(q)
    return QuestionBank(questions=questions, errors=errors, aliases=aliases)
