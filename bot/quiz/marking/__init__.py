"""Marking of typed and multiple-choice quiz answers as a fair teacher of any subject would."""

from bot.quiz.marking.choice import mark_choice
from bot.quiz.marking.names import default_known_names
from bot.quiz.marking.typed import Context, judge, mark

__all__ = ["Context", "default_known_names", "judge", "mark", "mark_choice"]
