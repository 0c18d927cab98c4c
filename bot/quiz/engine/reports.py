"""The teacher's report on a class."""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.quiz.daily import class_day
from bot.quiz.engine.core import EngineCore, _practice_in_season, _students_only
from bot.quiz.values import GapRow, NotAllowed, QuestionRow, Report, StudentRow
from bot.refs import ClassRef
from bot.storage.models import DailyAnswer, PracticePrompt, SchoolClass, Student, UnansweredQuestion
from bot.text import normalise_question

MAX_GAPS = 50


class ReportsPart(EngineCore):
    """The class report: students, questions, topics and gaps in the notes."""

    # --- teachers ------------------------------------------------------------------------------

    async def report(self, cls: ClassRef, is_teacher: bool) -> Report:
        """The class's students and how they answer in its current season: daily answers, practice, topics and
        questions asked that the notes do not cover, all since the season began. Its staff's own tries are left
        out (not students, and a teacher checking the quiz would skew what the questions show)."""
        if not is_teacher:
            raise NotAllowed("report")
        async with self.sessions() as session:
            klass = await self._class(session, cls)
            answers = await self._season_answers(session, klass)
            practice = await self._season_practice(session, klass)
            ids = {r[0] for r in answers} | {r[0] for r in practice}
            students = {}
            if ids:
                students = {
                    s.id: s for s in (await session.execute(select(Student).where(Student.id.in_(ids)))).scalars()
                }
            streaks = {sid: await self._streak(session, klass, sid) for sid in students}
            topics = await self._topic_scores(session, klass.id, season_of=klass)
            gaps = await self._season_gaps(session, cls.key)
            await session.commit()
        per_student: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
        for sid, _qid, correct, _given, _topic in answers:
            per_student[sid][0] += 1
            per_student[sid][1] += int(correct)
        for sid, *_ in practice:
            per_student[sid][2] += 1
        student_rows = sorted(
            (
                StudentRow(students[sid].display_name, a, c, streaks.get(sid, 0), p)
                for sid, (a, c, p) in per_student.items()
                if sid in students
            ),
            key=lambda r: (r.accuracy, r.name.casefold()),
        )
        # First try of each student at each question: the daily attempt, else their first practice answer.
        first: dict[tuple[int, str], tuple[bool, str]] = {}
        for sid, qid, correct, given, _topic in answers:
            first[(sid, qid)] = (bool(correct), given)
        for sid, qid, correct, given, _asked in practice:
            first.setdefault((sid, qid), (bool(correct), given))
        per_q: dict[str, list] = defaultdict(lambda: [0, 0, Counter()])
        for (_sid, qid), (correct, given) in first.items():
            per_q[qid][0] += 1
            per_q[qid][1] += int(correct)
            if not correct and given:
                per_q[qid][2][normalise_question(given)[:60] or given[:60]] += 1
        q_rows = []
        bank, _context = await self._notes(cls.key)
        for qid, (n, c, wrong) in per_q.items():
            q = bank.get(qid)
            q_rows.append(
                QuestionRow(
                    qid,
                    q.prompt if q else "(question no longer in the bank)",
                    q.topic if q else "",
                    n,
                    c,
                    tuple(wrong.most_common(3)),
                    q.answer if q else "",
                )
            )
        q_rows.sort(key=lambda r: (r.accuracy, -r.answered, r.question_id))
        return Report(
            cls.key,
            klass.season,
            tuple(student_rows),
            tuple(q_rows),
            tuple(topics),
            gaps,
            class_day(klass.season_started, klass.timezone).isoformat(),
        )

    async def _season_answers(self, session: AsyncSession, klass: SchoolClass):  # noqa: ANN202
        """(student, question, correct, given, topic) of the season's daily answers, without the staff's."""
        rows = await session.execute(
            select(
                DailyAnswer.student_id,
                DailyAnswer.question_id,
                DailyAnswer.correct,
                DailyAnswer.given,
                DailyAnswer.topic,
            ).where(
                DailyAnswer.class_id == klass.id,
                DailyAnswer.season == klass.season,
                _students_only(klass.id, DailyAnswer.student_id),
            )
        )
        return rows.all()

    async def _season_practice(self, session: AsyncSession, klass: SchoolClass):  # noqa: ANN202
        """(student, question, correct, given, asked at) of the practice answered since the season began, oldest
        first, without the staff's."""
        rows = await session.execute(
            select(
                PracticePrompt.student_id,
                PracticePrompt.question_id,
                PracticePrompt.correct,
                PracticePrompt.given,
                PracticePrompt.asked_at,
            )
            .where(
                PracticePrompt.class_id == klass.id,
                _practice_in_season(klass),
                _students_only(klass.id, PracticePrompt.student_id),
            )
            .order_by(PracticePrompt.asked_at, PracticePrompt.id)
        )
        return rows.all()

    async def _season_gaps(self, session: AsyncSession, class_key: str) -> tuple[GapRow, ...]:
        """The questions the notes did not answer, asked this season: how often since it began, commonest first."""
        asked = UnansweredQuestion.count - UnansweredQuestion.earlier_count
        rows = await session.execute(
            select(UnansweredQuestion.text, asked, UnansweredQuestion.last_asked)
            .where(UnansweredQuestion.class_key == class_key, asked > 0)
            .order_by(asked.desc(), UnansweredQuestion.last_asked.desc())
            .limit(MAX_GAPS)
        )
        return tuple(GapRow(text, int(n), last.date().isoformat()) for text, n, last in rows)
