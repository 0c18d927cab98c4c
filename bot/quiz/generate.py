"""Quiz questions made from the notes' sentences by rules, with no model: cloze, multiple choice, true/false.

The steps are in bot/quiz/prose/: words.py (tokens, runs of capitals that may be names) -> lexicon.py (what
the notes as a whole say about names, terms, figures and their own words) -> facts.py (the facts of one
sentence, and the gates a blank must pass) -> distractors.py (wrong options of the same kind). This module
turns them into questions; the same seed gives the same list."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.knowledge.aliases import AliasTable
from bot.knowledge.model import Snippet
from bot.quiz.model import Question, question_id
from bot.quiz.prose.distractors import Stated, _distractors
from bot.quiz.prose.facts import LABELS, _blank_ok, _Fact, _facts, statement_like, usable_sentence
from bot.quiz.prose.lexicon import _build_lexicon, _Lexicon, _sentences
from bot.quiz.prose.words import BLANK, PER_SNIPPET, STOP
from bot.quiz.sampling import seeded_rng
from bot.text import fold

__all__ = ["BLANK", "PER_SNIPPET", "STOP", "generate_questions", "statement_like", "usable_sentence"]


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


class _Blanks:
    """The fair blanks of each sentence under each topic, and what each snippet states (which rules options
    out). They depend on the text, its topic and the notes as a whole only, so they are worked out once however
    often the notes repeat a line; the wrong options, drawn at random for each snippet, are not."""

    def __init__(self, lex: _Lexicon):
        self.lex = lex
        self._facts: dict[str, list[_Fact]] = {}
        self._fair: dict[tuple[str, str], tuple[_Fact, ...]] = {}
        self._stated: dict[tuple[str, str], Stated] = {}

    def of(self, sentence: str, topic: str) -> tuple[_Fact, ...]:
        fair = self._fair.get((sentence, topic))
        if fair is None:
            facts = self._facts.get(sentence)
            if facts is None:
                usable = usable_sentence(sentence, self.lex.mid_caps)
                facts = self._facts[sentence] = _facts(sentence, self.lex) if usable else []
            fair = tuple(f for f in facts if _blank_ok(sentence, f, topic, self.lex))
            self._fair[sentence, topic] = fair
        return fair

    def stated(self, sn: Snippet) -> Stated:
        """What the snippet states (no option may be one of those)."""
        found = self._stated.get((sn.text, sn.topic))
        if found is None:
            found = self._stated[sn.text, sn.topic] = Stated(sn, self.lex.aliases)
        return found


def generate_questions(
    snippets: Sequence[Snippet], aliases: AliasTable | None = None, seed: int = 0, per_snippet: int = PER_SNIPPET
) -> list[Question]:
    """Cloze, multiple-choice and true/false questions from the snippets, in snippet order; same seed, same list."""
    aliases = aliases or AliasTable()
    lex = _build_lexicon(snippets, aliases)
    blanks = _Blanks(lex)
    out: list[Question] = []
    seen: set[str] = set()
    for sn in snippets:
        if sn.kind in ("row", "list"):
            # A table row is asked cell by cell, a list by its items (bot/quiz/structured.py); a blank among a
            # list's items could be any of them.
            continue
        for q in _for_snippet(sn, lex, blanks, seed, per_snippet):
            # The same fact can stand in two snippets (a Q&A answer and a note): asked once.
            m = _ASKED.search(q.prompt)
            fact = f"{m.group(1) if m else q.prompt}\x1f{q.answer}"
            if q.id not in seen and fact not in seen:
                seen.update((q.id, fact))
                out.append(q)
    return out


def _for_snippet(sn: Snippet, lex: _Lexicon, blanks: _Blanks, seed: int, limit: int) -> list[Question]:
    rng = seeded_rng(seed, sn.id)
    candidates: list[_Candidate] = []
    for sentence in _sentences(sn):
        for fact in blanks.of(sentence, sn.topic):
            candidates.append(_Candidate(sentence, fact, _distractors(fact, sn, lex, rng, blanks.stated(sn))))
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
            c = take(
                lambda c: (
                    bool(c.distractors)
                    and c.fact.kind != "keyword"
                    and not _ABBREVIATION_LIKE.match(c.distractors[0])  # "A-H" may well be the answer's short form
                    and _surely_of_kind(c.distractors[0], c.fact.kind, lex)
                    and statement_like(c.sentence)
                )
            )
            if c:
                questions.append(_truefalse(sn, c, rng))
    return questions


def _common(sn: Snippet) -> dict[str, str]:
    return {"topic": sn.topic, "explanation": sn.text, "source": sn.source, "snippet_id": sn.id}


def _surely_of_kind(name: str, kind: str, lex: _Lexicon) -> bool:
    """A false statement swaps in a person only with more than one sign in the notes of being one. (A place
    option is always one the notes write as a place: see _name_distractors.)"""
    if kind != "person":
        return True
    known = lex.names.get(lex.key(name))
    return known is not None and known.person - known.not_person >= 2


_ASKED = re.compile(r"(?:(?:Fill in|Choose) the missing \w+: |True or false\? )(.*)$")


def _in_context(sn: Snippet, sentence: str, prompt: str) -> str:
    """The prompt with the section it comes from in front ("Photosynthesis: Fill in ..."), unless the
    sentence opens with it already. The section never gives the answer away: such blanks are refused."""
    context = sn.topic.rsplit(" › ", 1)[-1].strip()
    if not context or fold(sentence[: len(context) + 20]).startswith(fold(context)):
        return prompt
    return f"{context}: {prompt}"


_ABBREVIATION_LIKE = re.compile(r"^[A-Z][A-Z.&-]{0,5}$")


def _label(c: _Candidate) -> str:
    """What the blank asks for; an acronym taken for a place ("RAM", "TNCs") is asked as a name."""
    if c.fact.kind == "place" and c.fact.answer.rstrip("s").isupper():
        return "name"
    return LABELS[c.fact.kind]


def _cloze(sn: Snippet, c: _Candidate) -> Question:
    prompt = _in_context(sn, c.sentence, f"Fill in the missing {_label(c)}: {c.blanked}")
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
    prompt = _in_context(sn, c.sentence, f"Choose the missing {_label(c)}: {c.blanked}")
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
    prompt = _in_context(sn, c.sentence, f"True or false? {statement}")
    return Question(
        id=question_id("g", "truefalse", sn.id, answer, prompt),
        kind="truefalse",
        prompt=prompt,
        answer=answer,
        options=("True", "False"),
        **_common(sn),
    )
