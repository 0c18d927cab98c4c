"""Is a message sent while a quiz question waits an answer to it, or something else?

A student who asks "who signed the treaty?" while a question is open, or types a sentence that names
none of the options, has not answered: marking it would spend the daily attempt on a misunderstanding.
Conservative: anything that could be an answer ("is it Stalin?", "maybe 1945") is taken as one.
"""

from __future__ import annotations

import re

from bot.knowledge.smalltalk import small_talk
from bot.quiz.model import Marking, Question
from bot.text import words

_ASKING = re.compile(
    r"^(?:who|whom|whose|what|whats|what's|when|where|why|how|which|explain|define|describe|tell me|can you|"
    r"could you|do you|does|did|is there|are there)\b",
    re.IGNORECASE,
)
_GUESS = re.compile(r"^(?:is it|was it|it's|its|it is|maybe|perhaps|probably|i think|is that)\b", re.IGNORECASE)
MIN_QUESTION_WORDS = 3


def not_an_answer(question: Question, given: str, marking: Marking) -> str:
    """ "" when `given` is an answer to mark; "question" when it is a new question for the notes; "option"
    when a multiple-choice question got text that names none of its options."""
    if marking.correct or marking.close:
        return ""
    text = given.strip()
    ws = words(text)
    if question.typed and small_talk(text):
        return "question"  # "thanks", "hello", "ok": never an answer; the student gets a friendly reply
    if _GUESS.match(text) or len(ws) < MIN_QUESTION_WORDS:
        return "" if question.typed else ("option" if marking.reason == "pick one of the options" else "")
    expected = set(words(question.answer))
    if expected and len(expected & set(ws)) * 2 >= len(expected):
        return ""  # it names (half of) the answer: an answer, however phrased
    if _ASKING.match(text):
        return "question"
    if not question.typed and marking.reason == "pick one of the options":
        return "option"
    return ""
