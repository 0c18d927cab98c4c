"""Marking of typed and multiple-choice quiz answers as a fair teacher would."""

from bot.quiz.marking.choice import mark_choice
from bot.quiz.marking.core import mark
from bot.quiz.marking.names import default_known_names

__all__ = ["default_known_names", "mark", "mark_choice"]
