"""Plain results of the quiz side that adapters render: prompts, markings, scores, boards, reports."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.knowledge.model import Answer
from bot.quiz.model import Question


@dataclass(frozen=True, slots=True)
class QuizPrompt:
    """A question put to a student. `ref` is what an adapter stores (a button id, a reply marker):
    short ASCII ("d:12:3" = daily quiz 12, question 3; "p:57" = practice prompt 57), at most 24 bytes."""

    ref: str
    question: Question
    mode: str  # "daily" or "practice"
    number: int = 1  # 1-based position in the daily quiz
    total: int = 1
    note: str = ""  # e.g. "Nothing is due: here is a new one."


@dataclass(frozen=True, slots=True)
class AnswerResult:
    ref: str
    correct: bool
    close: bool = False
    already: bool = False  # this question had been answered before: nothing was scored this time
    correct_answer: str = ""
    explanation: str = ""
    source: str = ""
    reason: str = ""
    points: int = 0
    finished_daily: bool = False
    streak: int = 0
    next: QuizPrompt | None = None
    day_score: tuple[int, int] | None = None  # (right, questions) of the day's quiz, when this answer finished it
    # "unknown" (no such question), "expired" (an earlier day's daily question), "not-yours", "empty";
    # nothing recorded, the question stays open:
    # "question" (a new question was sent: `asked` is the notes' answer), "option" (no option named).
    problem: str = ""
    asked: Answer | None = None
    options: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DailyStatus:
    day: str
    total: int
    answered: int
    correct: int
    streak: int
    next: QuizPrompt | None = None
    enabled: bool = True
    prompts: tuple[QuizPrompt, ...] = ()  # every question of the day, for a post the whole class answers

    @property
    def finished(self) -> bool:
        return self.total > 0 and self.answered >= self.total


@dataclass(frozen=True, slots=True)
class LeaderRow:
    rank: int
    name: str
    points: int
    answered: int
    correct: int
    streak: int = 0


@dataclass(frozen=True, slots=True)
class SeasonInfo:
    """One of a class's seasons. Dates are the class's days (YYYY-MM-DD), "" where nothing tells them."""

    number: int
    started: str
    ended: str = ""  # the day it was archived; "" for the current season
    students: int = 0  # on its archived leaderboard (hidden students not counted)
    current: bool = False


@dataclass(frozen=True, slots=True)
class Leaderboard:
    period: str  # "today", "week", "season"
    rows: tuple[LeaderRow, ...]
    you: LeaderRow | None = None
    you_hidden: bool = False
    season: int = 1
    archived: SeasonInfo | None = None  # an earlier season's board, as it was archived
    missing: bool = False  # the class has no season of that number (`seasons` says which it has)
    seasons: tuple[SeasonInfo, ...] = ()  # with a season's board: every season of the class, oldest first
    # today's or this week's board when the season began within it: answers before then count in the season before
    season_began: str = ""


@dataclass(frozen=True, slots=True)
class TopicScore:
    topic: str
    answered: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True, slots=True)
class ScoreCard:
    name: str
    points: int  # this season's daily-quiz points
    points_today: int
    answered: int
    correct: int
    streak: int
    weakest: tuple[TopicScore, ...]
    due: int  # practice questions due now
    practice_answered: int
    practice_correct: int
    hidden: bool
    season: int
    earlier_today: int = 0  # today's points from before this season began: they count in the season before

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True, slots=True)
class StudentRow:
    name: str
    answered: int
    correct: int
    streak: int
    practice_answered: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True, slots=True)
class QuestionRow:
    question_id: str
    prompt: str
    topic: str
    answered: int
    first_try_correct: int
    wrong_answers: tuple[tuple[str, int], ...]  # commonest first
    answer: str = ""  # the right answer

    @property
    def accuracy(self) -> float:
        return self.first_try_correct / self.answered if self.answered else 0.0


@dataclass(frozen=True, slots=True)
class GapRow:
    text: str
    count: int
    last_asked: str


@dataclass(frozen=True, slots=True)
class Report:
    class_key: str
    season: int
    students: tuple[StudentRow, ...]
    questions: tuple[QuestionRow, ...]
    topics: tuple[TopicScore, ...]  # weakest first
    gaps: tuple[GapRow, ...]
    season_started: str = ""  # the day the season began (the class's day, YYYY-MM-DD): the report covers it


@dataclass(frozen=True, slots=True)
class DailySettings:
    enabled: bool
    time: str
    timezone: str
    count: int
    channel: str = ""
    teacher_role: str = ""
    changed: tuple[str, ...] = field(default_factory=tuple)
    errors: tuple[str, ...] = field(default_factory=tuple)
    note: str = ""  # e.g. "the first post is tomorrow"


class NotAllowed(PermissionError):
    """A student tried a teacher's command."""


@dataclass(frozen=True, slots=True)
class QuestionListRow:
    question_id: str
    kind: str
    prompt: str
    answer: str
    topic: str
    authored: bool
    hidden: bool


@dataclass(frozen=True, slots=True)
class QuestionList:
    """A class's questions as its teacher reviews them: counts, and the first rows."""

    topic: str  # "" for all
    total: int
    authored: int
    hidden: int
    generated_on: bool
    rows: tuple[QuestionListRow, ...]  # the first ones: the teacher's first, then the notes'
