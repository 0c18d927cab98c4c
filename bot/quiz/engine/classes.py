"""A class's settings, its seasons, and the schedule of its daily post."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select, update

from bot.quiz.bank import QuestionBank
from bot.quiz.daily import canonical_zone, zone
from bot.quiz.engine.core import _TIME, EngineCore
from bot.quiz.engine.standings import _board
from bot.quiz.values import DailySettings, DailyStatus, Leaderboard, NotAllowed
from bot.refs import ClassRef
from bot.storage.models import ChatRef, DailyAnswer, DailyQuiz, SchoolClass, SeasonResult, UnansweredQuestion


class ClassesPart(EngineCore):
    """Class settings, new seasons, and which classes' daily posts are due."""

    async def settings(self, cls: ClassRef) -> DailySettings:
        async with self.sessions() as session:
            k = await self._class(session, cls)
            await session.commit()
            return DailySettings(
                k.daily_enabled, k.daily_time, k.timezone, k.daily_count, k.daily_channel, k.teacher_role
            )

    async def update_settings(
        self,
        cls: ClassRef,
        is_teacher: bool,
        *,
        time: str | None = None,
        timezone: str | None = None,
        count: int | str | None = None,
        enabled: bool | None = None,
        channel: str | None = None,
        teacher_role: str | None = None,
    ) -> DailySettings:
        if not is_teacher:
            raise NotAllowed("dailysettings")
        changed, errors = [], []
        bank, _context = await self._notes(cls.key)  # before a connection is held: it may read the database
        async with self.sessions() as session:
            k = await self._class(session, cls)
            if time is not None:
                m = _TIME.match(time.strip())
                if m:
                    k.daily_time = f"{int(m.group(1)):02d}:{m.group(2)}"
                    changed.append("time")
                else:
                    errors.append(f"time must look like 08:00, not {time[:20]!r}")
            if timezone is not None:
                proper = canonical_zone(timezone)
                if proper:
                    k.timezone = proper
                    changed.append("timezone")
                else:
                    errors.append(f"unknown timezone {timezone[:40]!r} (try Europe/London)")
            if count is not None:
                try:
                    n = int(count)
                    if not 1 <= n <= 20:
                        raise ValueError
                    k.daily_count = n
                    changed.append("count")
                except (TypeError, ValueError):
                    errors.append("count must be a whole number from 1 to 20")
            if enabled is not None:
                k.daily_enabled = enabled
                changed.append("on" if enabled else "off")
            if channel is not None:
                k.daily_channel = channel[:100]
                changed.append("channel")
            if teacher_role is not None:
                k.teacher_role = teacher_role[:100]
                changed.append("teacher role")
            self._class_cache.pop(cls.key, None)
            await session.commit()
            note = ""
            rescheduled = {"time", "timezone", "on"} & set(changed)
            if k.daily_enabled and rescheduled and await self._skip_today(session, k, bank):
                note = f"Today's time has passed: the first post is tomorrow at {k.daily_time}."
            return DailySettings(
                k.daily_enabled,
                k.daily_time,
                k.timezone,
                k.daily_count,
                k.daily_channel,
                k.teacher_role,
                tuple(changed),
                tuple(errors),
                note,
            )

    async def new_season(self, cls: ClassRef, is_teacher: bool) -> Leaderboard:
        """Archive the season's standings and start a fresh leaderboard and report (the questions the notes did not
        answer are counted afresh). Returns the archived board."""
        if not is_teacher:
            raise NotAllowed("seasonnew")
        now = self.clock()
        async with self.sessions() as session:
            klass = await self._class(session, cls)
            rows = await self._standings(session, klass)
            final = _board("season", rows, None, klass.season, limit=len(rows))
            current = (await self._seasons(session, klass))[-1]
            archived = replace(current, ended=self._today(klass), students=len(final.rows), current=False)
            for rank, r in enumerate(rows, 1):  # hidden students are archived too, just not shown
                session.add(
                    SeasonResult(
                        class_id=klass.id,
                        season=klass.season,
                        student_id=r.student_id,
                        rank=rank,
                        points=r.points,
                        answered=r.answered,
                        correct=r.correct,
                        ended_at=now,
                    )
                )
            await session.execute(
                update(UnansweredQuestion)
                .where(UnansweredQuestion.class_key == cls.key)
                .values(earlier_count=UnansweredQuestion.count)
            )
            self._class_cache.pop(cls.key, None)
            klass.season += 1
            klass.season_started = now
            await session.commit()
        return replace(final, archived=archived)

    async def _skip_today(self, session, klass: SchoolClass, bank: QuestionBank) -> bool:  # noqa: ANN001
        """A schedule set after today's time has passed starts tomorrow: today's post is marked done unposted, so
        the whole quiz is not dumped in the chat within seconds (students still get it with /daily)."""
        local = self.clock().astimezone(zone(klass.timezone))
        if local.strftime("%H:%M") < klass.daily_time:
            return False
        quiz = await self._daily_quiz(session, klass, self._today(klass), bank)
        await session.commit()
        res = await session.execute(
            update(DailyQuiz).where(DailyQuiz.id == quiz.id, DailyQuiz.posted.is_(False)).values(posted=True)
        )
        await session.commit()
        return res.rowcount == 1

    async def move_class(self, old: ClassRef, new: ClassRef) -> bool:
        """The class of chat `old` now lives in chat `new` (a Telegram group upgraded to a supergroup gets a
        new id): its settings, answers, standings and stored question references move with it. A class the
        new chat already has is dropped only when nothing was answered in it; returns whether it moved."""
        async with self.sessions() as session:
            moving = (await session.execute(select(SchoolClass).where(SchoolClass.key == old.key))).scalar_one_or_none()
            if moving is None or old.key == new.key:
                return False  # nothing to move, or moved already (both migration messages arrive)
            there = (await session.execute(select(SchoolClass).where(SchoolClass.key == new.key))).scalar_one_or_none()
            if there is not None:
                used = await session.execute(select(DailyAnswer.id).where(DailyAnswer.class_id == there.id).limit(1))
                if used.first() is not None:
                    return False
                await session.delete(there)
                await session.flush()
            moving.key = new.key
            await session.execute(
                update(UnansweredQuestion).where(UnansweredQuestion.class_key == old.key).values(class_key=new.key)
            )
            await session.execute(update(ChatRef).where(ChatRef.class_key == old.key).values(class_key=new.key))
            await session.commit()
        self._class_cache.pop(old.key, None)
        self._class_cache.pop(new.key, None)
        return True

    # --- scheduling (used by the platform adapters) --------------------------------------------

    async def classes_due(self, platform: str) -> list[tuple[ClassRef, DailySettings]]:
        """Classes of a platform whose daily quiz time has come today and whose quiz is not posted yet."""
        now = self.clock()
        out = []
        async with self.sessions() as session:
            rows = (
                (
                    await session.execute(
                        select(SchoolClass).where(SchoolClass.key.like(f"{platform}:%"), SchoolClass.daily_enabled)
                    )
                )
                .scalars()
                .all()
            )
            # One query for the posted flags of every class, not one per class and tick.
            days = {(now + timedelta(days=d)).date().isoformat() for d in (-1, 0, 1)}  # every zone's today
            posted = set(
                (
                    await session.execute(
                        select(DailyQuiz.class_id, DailyQuiz.day).where(
                            DailyQuiz.posted, DailyQuiz.day.in_(days), DailyQuiz.class_id.in_([k.id for k in rows])
                        )
                    )
                ).all()
            )
            for k in rows:
                local = now.astimezone(zone(k.timezone))
                if local.strftime("%H:%M") < k.daily_time or (k.id, local.date().isoformat()) in posted:
                    continue
                settings = DailySettings(
                    k.daily_enabled, k.daily_time, k.timezone, k.daily_count, k.daily_channel, k.teacher_role
                )
                out.append((ClassRef(platform, k.key.split(":", 1)[1]), settings))
            await session.commit()
        return out

    async def claim_daily_post(self, cls: ClassRef) -> DailyStatus | None:
        """Mark today's quiz of the class as posted; only the one caller that flips the flag gets it."""
        bank, _context = await self._notes(cls.key)  # before a connection is held: it may read the database
        async with self.sessions() as session:
            klass = await self._class(session, cls)
            quiz = await self._daily_quiz(session, klass, self._today(klass), bank)
            await session.commit()
            res = await session.execute(
                update(DailyQuiz).where(DailyQuiz.id == quiz.id, DailyQuiz.posted.is_(False)).values(posted=True)
            )
            await session.commit()
            if res.rowcount != 1:
                return None
            ids = json.loads(quiz.question_ids)
            prompts = tuple(p for i in range(len(ids)) if (p := self._daily_prompt(bank, quiz.id, ids, i)) is not None)
            return DailyStatus(quiz.day, len(ids), 0, 0, 0, prompts[0] if prompts else None, prompts=prompts)

    async def release_daily_post(self, cls: ClassRef) -> None:
        """Give back a claimed post that could not be sent (the platform failed), so the next tick retries."""
        async with self.sessions() as session:
            klass = await self._class(session, cls)
            await session.execute(
                update(DailyQuiz)
                .where(DailyQuiz.class_id == klass.id, DailyQuiz.day == self._today(klass))
                .values(posted=False)
            )
            await session.commit()
