"""Scores and leaderboards."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.quiz.daily import class_day, week_start
from bot.quiz.engine.core import PERIODS, EngineCore, _as_int, _students_only
from bot.quiz.values import Leaderboard, LeaderRow, ScoreCard, TopicScore
from bot.refs import ClassRef, UserRef
from bot.storage.models import DailyAnswer, PracticePrompt, ReviewCard, SchoolClass, Student


@dataclass(frozen=True, slots=True)
class _Standing:
    student_id: int
    name: str
    hidden: bool
    points: int
    answered: int
    correct: int


def _board(period: str, rows: list[_Standing], me: Student | None, season: int, limit: int) -> Leaderboard:
    """The visible leaderboard: hidden students left out, equal scores sharing a rank."""
    board: list[LeaderRow] = []
    you: LeaderRow | None = None
    rank, last = 0, None
    for r in rows:
        if r.hidden:
            continue
        if (r.points, r.correct) != last:
            rank, last = len(board) + 1, (r.points, r.correct)
        row = LeaderRow(rank, r.name, r.points, r.answered, r.correct)
        board.append(row)
        if me is not None and r.student_id == me.id:
            you = row
    return Leaderboard(period, tuple(board[:limit]), you, bool(me and me.hidden), season)


class StandingsPart(EngineCore):
    """A student's score card and the class's leaderboards."""

    # --- scores and boards ---------------------------------------------------------------------

    async def _topic_scores(self, session: AsyncSession, class_id: int, student_id: int | None = None):
        """Accuracy per topic: one student's, or the class's (its students', without its staff)."""
        q = select(DailyAnswer.topic, func.count(), func.sum(_as_int(DailyAnswer.correct))).where(
            DailyAnswer.class_id == class_id
        )
        p = select(PracticePrompt.topic, func.count(), func.sum(_as_int(PracticePrompt.correct))).where(
            PracticePrompt.class_id == class_id, PracticePrompt.answered_at.is_not(None)
        )
        if student_id is not None:
            q = q.where(DailyAnswer.student_id == student_id)
            p = p.where(PracticePrompt.student_id == student_id)
        else:
            q = q.where(_students_only(class_id, DailyAnswer.student_id))
            p = p.where(_students_only(class_id, PracticePrompt.student_id))
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for stmt in (q.group_by(DailyAnswer.topic), p.group_by(PracticePrompt.topic)):
            for topic, n, c in await session.execute(stmt):
                totals[topic][0] += n
                totals[topic][1] += int(c or 0)
        scores = [TopicScore(t, n, c) for t, (n, c) in totals.items()]
        return sorted(scores, key=lambda s: (s.accuracy, -s.answered, s.topic))

    async def score(self, cls: ClassRef, user: UserRef) -> ScoreCard:
        now = self.clock()
        async with self.sessions() as session:
            klass = await self._class(session, cls)
            student = await self._student(session, user)
            base = select(func.count(), func.sum(_as_int(DailyAnswer.correct)), func.sum(DailyAnswer.points)).where(
                DailyAnswer.class_id == klass.id,
                DailyAnswer.student_id == student.id,
                DailyAnswer.season == klass.season,
            )
            n, c, pts = (await session.execute(base)).one()
            (today_pts,) = (
                await session.execute(
                    select(func.sum(DailyAnswer.points)).where(
                        DailyAnswer.class_id == klass.id,
                        DailyAnswer.student_id == student.id,
                        DailyAnswer.day == self._today(klass),
                    )
                )
            ).one()
            pn, pc = (
                await session.execute(
                    select(func.count(), func.sum(_as_int(PracticePrompt.correct))).where(
                        PracticePrompt.student_id == student.id,
                        PracticePrompt.class_id == klass.id,
                        PracticePrompt.answered_at.is_not(None),
                    )
                )
            ).one()
            due = (
                await session.execute(
                    select(func.count()).where(ReviewCard.student_id == student.id, ReviewCard.due <= now)
                )
            ).scalar_one()
            weakest = [t for t in await self._topic_scores(session, klass.id, student.id) if t.correct < t.answered]
            streak = await self._streak(session, klass, student.id)
            await session.commit()
            return ScoreCard(
                student.display_name,
                int(pts or 0),
                int(today_pts or 0),
                int(n or 0),
                int(c or 0),
                streak,
                tuple(weakest[:3]),
                int(due),
                int(pn or 0),
                int(pc or 0),
                student.hidden,
                klass.season,
            )

    async def leaderboard(self, cls: ClassRef, user: UserRef | None, period: str = "week", limit: int = 10):
        period = period if period in PERIODS else "week"
        async with self.sessions() as session:
            klass = await self._class(session, cls)
            today = class_day(self.clock(), klass.timezone)
            cond = []
            if period == "today":
                cond.append(DailyAnswer.day == today.isoformat())
            elif period == "week":
                cond.append(DailyAnswer.day >= week_start(today).isoformat())
            rows = await self._standings(session, klass, *cond)
            me = await self._student(session, user, create=False) if user else None
            await session.commit()
        return _board(period, rows, me, klass.season, limit)

    async def _standings(self, session: AsyncSession, klass: SchoolClass, *cond) -> list[_Standing]:
        """Every student's daily-quiz totals this season (within `cond`), best first; the class's staff are not
        students here (a teacher trying the quiz is on no board, nor in an archived season)."""
        rows = (
            await session.execute(
                select(
                    Student.id,
                    Student.display_name,
                    Student.hidden,
                    func.sum(DailyAnswer.points),
                    func.count(),
                    func.sum(_as_int(DailyAnswer.correct)),
                )
                .join(Student, Student.id == DailyAnswer.student_id)
                .where(
                    DailyAnswer.class_id == klass.id,
                    DailyAnswer.season == klass.season,
                    _students_only(klass.id, DailyAnswer.student_id),
                    *cond,
                )
                .group_by(Student.id, Student.display_name, Student.hidden)
            )
        ).all()
        standings = [_Standing(r[0], r[1], r[2], int(r[3] or 0), int(r[4]), int(r[5] or 0)) for r in rows]
        return sorted(standings, key=lambda r: (-r.points, -r.correct, r.name.casefold(), r.student_id))
