"""The quiz engine: daily class quizzes, practice with spaced repetition, scores, boards, reports and
class settings. One class assembled from its parts, one file per concern (core.py holds what they share).
"""

from __future__ import annotations

from bot.quiz.engine.classes import ClassesPart
from bot.quiz.engine.daily_quiz import DailyPart
from bot.quiz.engine.practice import PracticePart
from bot.quiz.engine.questions import QuestionsPart
from bot.quiz.engine.reports import ReportsPart
from bot.quiz.engine.standings import StandingsPart
from bot.quiz.engine.students import StudentsPart


class QuizEngine(DailyPart, PracticePart, StandingsPart, StudentsPart, ReportsPart, ClassesPart, QuestionsPart):
    """Everything the service asks of quizzes (see the parts for each concern)."""


__all__ = ["QuizEngine"]
