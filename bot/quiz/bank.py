"""The question bank: the teacher's authored questions first, then those generated from the notes."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.knowledge.aliases import AliasTable
from bot.knowledge.model import Snippet
from bot.quiz.authored import is_question_file, load_authored
from bot.quiz.generate import PER_SNIPPET, STOP, generate_questions
from bot.quiz.model import Question
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
        matching = {t for t in self.topics() if any(_topic_matches(v, t) for v in variants)}
        if matching:
            return [q for q in self.questions if q.topic in matching]
        return [q for q in self.questions if any(_text_matches(v, q) for v in variants)]

    def _variants(self, query: str) -> list[str]:
        """The query, and the other names the alias file gives what it names ("kanta" -> "yalta")."""
        out = [query]
        if self.aliases:
            for gid in self.aliases.groups_in(query) | self.aliases.group_of(query):
                out += [fold(n) for n in self.aliases.names(gid) if len(n) > 2]
        return list(dict.fromkeys(out))


def _key_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOP]


def _word_hits(want: str, have: list[str]) -> bool:
    if any(h.startswith(want) or (want.startswith(h) and len(h) >= 4) for h in have):
        return True
    return bool(len(want) >= 4 and difflib.get_close_matches(want, have, n=1, cutoff=FUZZY_CUTOFF))


def _topic_matches(query: str, topic: str) -> bool:
    folded = fold(topic)
    if query in folded:
        return True
    want = _key_words(query)
    have = _key_words(topic)
    return bool(want) and all(_word_hits(w, have) for w in want)


def _text_matches(query: str, q: Question) -> bool:
    want = _key_words(query)
    have = _key_words(" ".join((q.prompt, q.answer, q.explanation)))
    return bool(want) and all(_word_hits(w, have) for w in want)


def build_bank(
    snippets: Sequence[Snippet],
    aliases: AliasTable | None,
    folder: Path,
    seed: int = 0,
    per_snippet: int = PER_SNIPPET,
) -> QuestionBank:
    """Authored questions from `folder` (first), then generated ones; deterministic for a seed, ids unique."""
    authored, errors = load_authored(folder)
    notes = [s for s in snippets if not is_question_file(s.source)]
    generated = generate_questions(notes, aliases, seed=seed, per_snippet=per_snippet)
    questions: list[Question] = []
    seen: set[str] = set()
    for q in (*authored, *generated):
        if q.id not in seen:
            seen.add(q.id)
            questions.append(q)
    return QuestionBank(questions=questions, errors=errors, aliases=aliases)
