"""Scores and leaderboards."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.quiz.daily import class_day, week_start
from bot.quiz.engine.core import PERIODS, EngineCore, _as_int, _practice_in_season, _students_only
from bot.quiz.values import Leaderboard, LeaderRow, ScoreCard, SeasonInfo, TopicScore
from bot.refs import ClassRef, UserRef
from bot.storage.models import DailyAnswer, PracticePrompt, ReviewCard, SchoolClass, SeasonResult, Student


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

    async def _topic_scores(
        self, session: AsyncSession, class_id: int, student_id: int | None = None, season_of: SchoolClass | None = None
    ):
        """Accuracy per topic: one student's, or the class's (its students', without its staff); with `season_of`,
        in that class's current season only."""
        q = select(DailyAnswer.topic, func.count(), func.sum(_as_int(DailyAnswer.correct))).where(
            DailyAnswer.class_id == class_id
        )
        p = select(PracticePrompt.topic, func.count(), func.sum(_as_int(PracticePrompt.correct))).where(
            PracticePrompt.class_id == class_id, PracticePrompt.answered_at.is_not(None)
        )
        if season_of is not None:
            q = q.where(DailyAnswer.season == season_of.season)
            p = p.where(_practice_in_season(season_of))
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
            today_pts, earlier_today = await self._points_today(session, klass, student.id)
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
                earlier_today,
            )

    async def _points_today(self, session: AsyncSession, klass: SchoolClass, student_id: int) -> tuple[int, int]:
        """A student's points today: (in this season, before it began). A season begun today leaves the day's earlier
        answers in the season before, on its board and not on today's."""
        rows = await session.execute(
            select(DailyAnswer.season, func.sum(DailyAnswer.points))
            .where(
                DailyAnswer.class_id == klass.id,
                DailyAnswer.student_id == student_id,
                DailyAnswer.day == self._today(klass),
            )
            .group_by(DailyAnswer.season)
        )
        by_season = {season: int(points or 0) for season, points in rows}
        this_season = by_season.pop(klass.season, 0)
        return this_season, sum(by_season.values())

    async def leaderboard(
        self, cls: ClassRef, user: UserRef | None, period: str = "week", limit: int = 10, season: int | None = None
    ) -> Leaderboard:
        """Today's, this week's or a season's board: the current season's unless `season` names another."""
        if season is not None:
            period = "season"
        elif period not in PERIODS:
            period = "week"
        async with self.sessions() as session:
            klass = await self._class(session, cls)
            me = await self._student(session, user, create=False) if user else None
            if period == "season":
                board = await self._season_board(session, klass, me, season, limit)
            else:
                board = await self._period_board(session, klass, me, period, limit)
            await session.commit()
        return board

    async def _period_board(
        self, session: AsyncSession, klass: SchoolClass, me: Student | None, period: str, limit: int
    ) -> Leaderboard:
        """Today's or this week's board in the current season; when the season began within the period, the board
        says so (the period's earlier answers are on the season before's board)."""
        today = class_day(self.clock(), klass.timezone)
        start = today if period == "today" else week_start(today)
        rows = await self._standings(session, klass, DailyAnswer.day >= start.isoformat())
        began = class_day(klass.season_started, klass.timezone)
        board = _board(period, rows, me, klass.season, limit)
        return replace(board, season_began=began.isoformat()) if klass.season > 1 and began >= start else board

    async def _season_board(
        self, session: AsyncSession, klass: SchoolClass, me: Student | None, number: int | None, limit: int
    ) -> Leaderboard:
        """The current season's standings, or an earlier season's as archived; a number the class never had gives
        an empty board marked missing. Every season board lists the class's seasons."""
        seasons = await self._seasons(session, klass)
        if number is None or number == klass.season:
            rows = await self._standings(session, klass)
            return replace(_board("season", rows, me, klass.season, limit), seasons=seasons)
        info = next((s for s in seasons if s.number == number), None)
        if info is None:
            return Leaderboard("season", (), season=number, missing=True, seasons=seasons)
        rows = await self._archived_standings(session, klass.id, number)
        return replace(_board("season", rows, me, number, limit), archived=info, seasons=seasons)

    async def _archived_standings(self, session: AsyncSession, class_id: int, season: int) -> list[_Standing]:
        """An earlier season's standings as /seasonnew archived them (a student who has since gone is not on it)."""
        rows = await session.execute(
            select(
                Student.id,
                Student.display_name,
                Student.hidden,
                SeasonResult.points,
                SeasonResult.answered,
                SeasonResult.correct,
            )
            .join(Student, Student.id == SeasonResult.student_id)
            .where(SeasonResult.class_id == class_id, SeasonResult.season == season)
            .order_by(SeasonResult.rank, SeasonResult.id)
        )
        return [_Standing(*row) for row in rows]

    async def _seasons(self, session: AsyncSession, klass: SchoolClass) -> tuple[SeasonInfo, ...]:
        """The class's seasons, oldest first, with their dates: a season ends when the next one begins (the current
        one's start, or an archive's date); the first one's start is its first answer's day."""
        archived = await session.execute(
            select(SeasonResult.season, func.max(SeasonResult.ended_at), func.sum(_as_int(~Student.hidden)))
            .join(Student, Student.id == SeasonResult.student_id)
            .where(SeasonResult.class_id == klass.id)
            .group_by(SeasonResult.season)
        )
        ended: dict[int, datetime] = {}
        students: dict[int, int] = {}
        for season, at, shown in archived:
            ended[season], students[season] = at, int(shown or 0)
        ended[klass.season - 1] = klass.season_started
        unknown_starts = [n for n in range(1, klass.season) if n - 1 not in ended]
        first_days = await self._first_days(session, klass.id, unknown_starts)

        def day(n: int) -> str:
            return class_day(ended[n], klass.timezone).isoformat() if n in ended else ""

        return tuple(
            SeasonInfo(n, day(n - 1) or first_days.get(n, ""), day(n), students.get(n, 0))
            for n in range(1, klass.season)
        ) + (SeasonInfo(klass.season, day(klass.season - 1), current=True),)

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

    async def _first_days(self, session: AsyncSession, class_id: int, seasons: list[int]) -> dict[int, str]:
        """The day of each season's first daily answer."""
        if not seasons:
            return {}
        rows = await session.execute(
            select(DailyAnswer.season, func.min(DailyAnswer.day))
            .where(DailyAnswer.class_id == class_id, DailyAnswer.season.in_(seasons))
            .group_by(DailyAnswer.season)
        )
        return dict(rows.all())
