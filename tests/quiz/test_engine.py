"""The quiz engine on a real SQLite database: daily quiz, one attempt, streaks, practice, seasons, privacy."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from adapters.console.render import around_blank, render_report
from bot.app import bootstrap
from bot.config import Settings
from bot.quiz.daily import pick_daily, streak_from
from bot.quiz.export import report_csv, safe_cell
from bot.quiz.model import Question
from bot.quiz.values import NotAllowed, Report, StudentRow
from bot.refs import ClassRef, UserRef
from bot.storage.models import (
    Base,
    ClassStaff,
    DailyAnswer,
    DailyCompletion,
    DailyQuiz,
    PracticePrompt,
    ReviewCard,
    SchoolClass,
    SeasonResult,
    Student,
)

CLS = ClassRef("console", "7b")


def user(n: int | str, name: str | None = None) -> UserRef:
    return UserRef("console", str(n), name or f"Student {n}")


def right(q: Question) -> str:
    return q.answer


def wrong(q: Question) -> str:
    if q.options:
        return next(o for o in q.options if o != q.answer)
    return "zzzz"


async def finish_daily(service, u: UserRef, correct: bool = True) -> None:
    status = await service.daily(CLS, u)
    while status.next is not None:
        q = status.next.question
        res = await service.answer(CLS, u, status.next.ref, right(q) if correct else wrong(q))
        assert not res.already
        status = await service.daily(CLS, u)


# --- the daily pick --------------------------------------------------------------------------------


def test_daily_pick_is_deterministic_and_avoids_recent_questions(service):
    qs = service.bank.questions
    a = pick_daily(qs, "console:7b", "2026-11-24", 5, {}, set())
    assert a == pick_daily(list(reversed(qs)), "console:7b", "2026-11-24", 5, {}, set())
    assert len(a) == 5 and len(set(a)) == 5
    assert a != pick_daily(qs, "console:7b", "2026-11-25", 5, {}, set())
    assert a != pick_daily(qs, "console:8a", "2026-11-24", 5, {}, set())
    b = pick_daily(qs, "console:7b", "2026-11-25", 5, {}, set(a))
    assert not set(a) & set(b)
    snippets = [service.bank.get(i).snippet_id for i in a if service.bank.get(i).snippet_id]
    assert len(snippets) == len(set(snippets)), "two questions from one snippet give each other away"


def test_daily_pick_puts_the_teachers_questions_first(service):
    qs = service.bank.questions
    authored = {q.id for q in qs if q.authored}
    assert 5 < len(authored) < len(qs)
    day1 = pick_daily(qs, "console:7b", "2026-11-24", 5, {}, set())
    assert set(day1) <= authored
    # once the recent days have used most of them, the notes' questions fill the quiz
    recent = set(list(authored)[:-2])
    day2 = pick_daily(qs, "console:7b", "2026-11-25", 5, {}, recent)
    assert len(set(day2) & authored) == 2 and day2[:2] == [i for i in day2 if i in authored]


async def test_practice_brings_the_teachers_questions_first(service):
    u = user(5)
    for _ in range(3):
        p = await service.practice(CLS, u)
        assert p.question.authored
        await service.answer(CLS, u, p.ref, right(p.question))


def test_daily_pick_favours_the_classes_weakest_topic(service):
    qs = [q for q in service.bank.questions if not q.authored]  # the teacher's own come first regardless
    weak = "Cuts in the Red Army (from mid 1950s)"
    acc = {t: 1.0 for t in service.bank.topics()} | {weak: 0.0}
    share = lambda accuracy: sum(  # noqa: E731
        service.bank.get(i).topic == weak
        for d in range(60)
        for i in pick_daily(qs, "console:7b", f"day{d}", 5, accuracy, set())
    )
    assert share(acc) > 2 * share({t: 1.0 for t in service.bank.topics()})


async def test_questions_are_answered_while_the_bank_is_built(knowledge, db_url, clock):
    import threading

    from bot.app import load_bank

    gate = threading.Event()

    def slow_build():  # noqa: ANN202 - a bank that takes as long as the test wants
        gate.wait(30)
        return load_bank(knowledge)

    svc = await bootstrap(Settings(database_url=db_url), clock=clock, knowledge=knowledge, bank=None)
    await svc.bank_built()
    svc.build_bank_in_background(slow_build)
    try:
        assert (await svc.ask("yalta conference")).answered  # not held back by the bank
        daily = asyncio.create_task(svc.daily(CLS, user(1)))
        await asyncio.sleep(0.2)
        assert not daily.done()  # a quiz command waits for the bank ...
        gate.set()
        status = await asyncio.wait_for(daily, 30)
        assert status.next is not None  # ... and then gets its questions
    finally:
        gate.set()
        await svc.close()


async def test_a_second_process_gets_the_same_daily_quiz(service, knowledge, db_url, clock):
    first = await service.daily(CLS, user(1))
    other = await bootstrap(Settings(database_url=db_url), clock=clock, knowledge=knowledge, bank=service.bank)
    try:
        second = await other.daily(CLS, user(2))
    finally:
        await other.close()
    assert first.next.ref == second.next.ref and first.next.question.id == second.next.question.id
    assert first.total == second.total == 5


# --- one attempt -------------------------------------------------------------------------------------


async def test_a_second_answer_never_scores_twice(service):
    status = await service.daily(CLS, user(1))
    q = status.next
    first = await service.answer(CLS, user(1), q.ref, right(q.question))
    again = await service.answer(CLS, user(1), q.ref, right(q.question))
    assert first.correct and not first.already
    assert again.already and not again.correct and again.points == 0
    card = await service.score(CLS, user(1))
    assert card.points == 1 and card.answered == 1


@pytest.mark.parametrize("position", ["-1", "-5", "+0", " 0", "0 ", "1e3", "99999999999999999999999", "٣"])
async def test_a_forged_position_is_no_question_and_scores_nothing(service, position):
    status = await service.daily(CLS, user(1))
    daily_id = status.next.ref.split(":")[1]
    forged = await service.answer(CLS, user(1), f"d:{daily_id}:{position}", right(status.next.question))
    assert forged.problem == "unknown" and not forged.correct and forged.points == 0
    assert (await service.score(CLS, user(1))).answered == 0
    huge = await service.answer(CLS, user(1), "p:99999999999999999999999", "x")
    assert huge.problem == "unknown"


async def test_fifty_students_answering_concurrently_with_duplicates_are_counted_exactly(service):
    students = [user(i) for i in range(50)]
    statuses = await asyncio.gather(*(service.daily(CLS, s) for s in students))
    quiz_id = statuses[0].next.ref.split(":")[1]
    questions = [service.bank.get(qid) for qid in await _quiz_ids(service)]
    jobs, expected_points = [], 0
    for n, s in enumerate(students):
        for pos, q in enumerate(questions):
            give = right(q) if (n + pos) % 3 else wrong(q)
            expected_points += give == right(q)
            jobs.append(service.answer(CLS, s, f"d:{quiz_id}:{pos}", give))
            if (n * 5 + pos) % 4 == 0:  # a double click, sometimes with another answer
                jobs.append(service.answer(CLS, s, f"d:{quiz_id}:{pos}", right(q)))
    results = await asyncio.gather(*jobs)
    assert len(results) > 250
    scored = [r for r in results if not r.already]
    assert len(scored) == 250
    async with service.sessions() as session:
        rows = (await session.execute(select(func.count()).select_from(DailyAnswer))).scalar_one()
        points = (await session.execute(select(func.sum(DailyAnswer.points)))).scalar_one()
        done = (await session.execute(select(func.count()).select_from(DailyCompletion))).scalar_one()
    assert rows == 250 and done == 50
    # the first recorded answer of each pair is the one that counts
    assert points == sum(r.points for r in scored)
    assert len((await service.leaderboard(CLS, None, "today")).rows) == 10  # a chat shows the top ten
    board = await service.quiz.leaderboard(CLS, None, "today", limit=100)
    assert sum(r.points for r in board.rows) == points and len(board.rows) == 50


async def _quiz_ids(service) -> list[str]:
    import json

    async with service.sessions() as session:
        return json.loads((await session.execute(select(DailyQuiz.question_ids))).scalar_one())


# --- streaks across days and time zones -------------------------------------------------------------


def test_streak_counts_consecutive_days_ending_today_or_yesterday():
    from datetime import date

    days = {"2026-11-20", "2026-11-21", "2026-11-22"}
    assert streak_from(days, date(2026, 11, 22)) == 3
    assert streak_from(days, date(2026, 11, 23)) == 3  # today is still open
    assert streak_from(days, date(2026, 11, 24)) == 0


async def test_streaks_follow_the_class_calendar_day_in_its_timezone(service, clock):
    await service.daily_settings(CLS, True, timezone="Pacific/Auckland")
    # 2026-11-24 09:00 UTC is 22:00 in Auckland (UTC+13): the class's day is the 24th
    for _ in range(3):
        await finish_daily(service, user(1))
        clock.advance(days=1)
    # the 27th, 22:00 in Auckland: today is still open, so the streak stands
    status = await service.daily(CLS, user(1))
    assert status.day == "2026-11-27" and status.streak == 3
    # three hours later it is only 12:00 UTC, but 01:00 on the 28th in Auckland: the 27th was missed
    clock.advance(hours=3)
    status = await service.daily(CLS, user(1))
    assert status.day == "2026-11-28" and status.answered == 0 and status.streak == 0


async def test_a_class_in_another_timezone_has_its_own_day(service, clock):
    clock.now = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)
    utc_day = (await service.daily(CLS, user(1))).day
    other = ClassRef("console", "tokyo")
    await service.daily_settings(other, True, timezone="Asia/Tokyo")
    assert utc_day == "2026-11-24"
    assert (await service.daily(other, user(1))).day == "2026-11-25"


# --- practice with spaced repetition ----------------------------------------------------------------


async def test_missed_facts_come_back_and_known_ones_fade(service, clock):
    u = user(1)
    first = await service.practice(CLS, u, "Cuts in the Red Army")
    assert first is not None and first.mode == "practice"
    res = await service.answer(CLS, u, first.ref, wrong(first.question))
    assert not res.correct and res.explanation
    assert (await service.answer(CLS, u, first.ref, right(first.question))).already
    async with service.sessions() as session:
        card = (await session.execute(select(ReviewCard))).scalar_one()
    assert card.due.tzinfo is not None
    assert timedelta(hours=12) <= card.due - clock() <= timedelta(days=2)  # days, not minutes
    clock.advance(days=2)
    back = await service.practice(CLS, u, "Cuts in the Red Army")
    assert back.question.id == first.question.id and "missed" in back.note
    await service.answer(CLS, u, back.ref, right(back.question))
    async with service.sessions() as session:
        card = (await session.execute(select(ReviewCard))).scalar_one()
    assert card.due - clock() >= timedelta(days=1)
    # the next question is a new one: the known fact is not due
    nxt = await service.practice(CLS, u, "Cuts in the Red Army")
    assert nxt.question.id != first.question.id


async def test_a_practice_answer_is_never_kept_without_its_review_card(service, monkeypatch):
    """The answer and its card are one transaction: a failure (or a kill) between them loses both, so the
    retry is taken and the question comes back, instead of "already answered" and no card for ever."""
    import bot.quiz.engine.practice as engine_module

    u = user(1)
    p = await service.practice(CLS, u)
    real_review = engine_module.review

    def broken(*args, **kwargs):
        raise RuntimeError("the process died here")

    monkeypatch.setattr(engine_module, "review", broken)
    with pytest.raises(RuntimeError):
        await service.quiz.answer(CLS, u, p.ref, wrong(p.question))
    monkeypatch.setattr(engine_module, "review", real_review)
    res = await service.answer(CLS, u, p.ref, wrong(p.question))
    assert not res.already and not res.correct
    async with service.sessions() as session:
        card = (await session.execute(select(ReviewCard))).scalar_one()
    assert card.question_id == p.question.id and card.lapses == 1


async def test_practice_is_kept_apart_from_the_daily_leaderboard(service):
    p = await service.practice(CLS, user(1))
    await service.answer(CLS, user(1), p.ref, right(p.question))
    card = await service.score(CLS, user(1))
    assert card.points == 0 and card.practice_answered == 1 and card.practice_correct == 1
    assert (await service.leaderboard(CLS, user(1), "season")).rows == ()


async def test_someone_elses_practice_question_cannot_be_answered(service):
    p = await service.practice(CLS, user(1))
    res = await service.answer(CLS, user(2), p.ref, right(p.question))
    assert res.problem == "not-yours"
    assert (await service.answer(CLS, user(1), "p:99999", "x")).problem == "unknown"
    assert (await service.answer(CLS, user(1), "garbage", "x")).problem == "unknown"


# --- leaderboards, seasons, teachers, privacy -------------------------------------------------------


async def test_leaderboard_periods_hide_and_season_reset(service, clock):
    await finish_daily(service, user(1, "Ana"))
    await finish_daily(service, user(2, "Ben"), correct=False)
    today = await service.leaderboard(CLS, user(2, "Ben"), "today")
    assert [r.name for r in today.rows] == ["Ana", "Ben"] and today.rows[0].points == 5
    clock.advance(days=7)
    assert (await service.leaderboard(CLS, None, "week")).rows == ()
    assert [r.name for r in (await service.leaderboard(CLS, None, "season")).rows] == ["Ana", "Ben"]
    assert await service.hideme(user(1, "Ana")) is True
    board = await service.leaderboard(CLS, user(1, "Ana"), "season")
    assert [r.name for r in board.rows] == ["Ben"] and board.you_hidden
    with pytest.raises(NotAllowed):
        await service.season_new(CLS, is_teacher=False)
    archived = await service.season_new(CLS, is_teacher=True)
    assert [r.name for r in archived.rows] == ["Ben"]  # hidden students stay hidden
    fresh = await service.leaderboard(CLS, None, "season")
    assert fresh.rows == () and fresh.season == 2
    async with service.sessions() as session:
        rows = (await session.execute(select(SeasonResult.season, SeasonResult.rank, SeasonResult.points))).all()
    assert sorted(rows) == [(1, 1, 5), (1, 2, 0)]


async def test_teacher_tools_are_refused_to_students(service):
    for call in (
        service.report(CLS, False),
        service.export_csv(CLS, False),
        service.season_new(CLS, False),
        service.daily_settings(CLS, False, count=3),
    ):
        with pytest.raises(NotAllowed):
            await call


async def test_report_shows_students_questions_topics_and_gaps(service):
    await finish_daily(service, user(1, "Ana"))
    await finish_daily(service, user(2, "Ben"), correct=False)
    await service.ask("who invented the telephone", CLS)
    report = await service.report(CLS, True)
    assert [s.name for s in report.students] == ["Ben", "Ana"]
    assert all(q.answered == 2 and q.first_try_correct == 1 for q in report.questions)
    typed = [q for q in report.questions if service.bank.get(q.question_id).typed]
    assert all(q.wrong_answers == (("zzzz", 1),) for q in typed)
    assert report.topics and report.gaps[0].text == "who invented the telephone"
    data = await service.export_csv(CLS, True)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "section" and {r[0] for r in rows[1:]} >= {"student", "question", "topic", "not in the notes"}
    # every question row says its right answer, in the report and in the CSV
    assert all(q.answer == service.bank.get(q.question_id).answer for q in report.questions)
    assert rows[0][-1] == "right answer"
    answers = {q.answer for q in report.questions}
    assert all(r[-1] in answers and r[-1] for r in rows if r[0] == "question")
    text = render_report(report)
    assert "practice answers" in text and all(f"-> {q.answer[:60]}" in text for q in report.questions[:10])


def test_a_long_question_in_the_report_keeps_its_blank_in_view():
    prompt = "Fill in the missing term: " + "word " * 40 + "_____ and the end of it " * 2
    cut = around_blank(prompt)
    assert "_____" in cut and len(cut) <= 120 and cut.startswith("…")
    assert around_blank("short _____ one") == "short _____ one"


def test_csv_cells_that_look_like_formulas_are_escaped():
    for bad in ('=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tx"):
        assert safe_cell(bad) == "'" + bad
    assert safe_cell("\rx") == " x"  # a line break is a space: no new row starts with a formula


@pytest.mark.parametrize("separator", [",", ";"])
def test_csv_export_has_no_formula_cell_whichever_separator_a_spreadsheet_uses(separator):
    names = ["Dan;=1+1", 'Eve,=HYPERLINK("x")', "Fay\r\n=2+2", "Gus; @SUM(A1)", "Hal\t-3", "=cmd|' /C calc'!A0"]
    students = tuple(StudentRow(n, 1, 1, 0, 0) for n in names)
    text = report_csv(Report("console:7b", 1, students, (), (), ())).decode("utf-8-sig")
    for line in text.split("\r\n"):
        for cell in line.split(separator):  # as a spreadsheet that ignores the quotes would split it
            assert not cell.strip().strip('"').startswith(("=", "+", "-", "@")), (separator, cell)
    rows = list(csv.reader(io.StringIO(text)))
    assert [r[1] for r in rows if r[0] == "student"] == [
        "Dan;'=1+1",
        'Eve,\'=HYPERLINK("x")',
        "Fay =2+2",
        "Gus; '@SUM(A1)",
        "Hal\t'-3",
        "'=cmd|' /C calc'!A0",
    ]
    assert safe_cell("Yalta") == "Yalta" and safe_cell(5) == "5"
    report = Report("console:7b", 1, (StudentRow("=cmd|' /C calc'!A0", 1, 1, 0, 0),), (), (), ())
    text = report_csv(report).decode("utf-8-sig")
    assert "'=cmd" in text and "\n=cmd" not in text


async def test_forgetme_deletes_every_row_of_the_student(service):
    u = user(1, "Ana")
    await finish_daily(service, u)
    p = await service.practice(CLS, u)
    await service.answer(CLS, u, p.ref, wrong(p.question))
    await finish_daily(service, user(2, "Ben"))
    await service.season_new(CLS, True)
    assert await service.forgetme(u) > 5
    async with service.sessions() as session:
        ana = (await session.execute(select(Student).where(Student.user_id == "1"))).scalar_one_or_none()
        assert ana is None
        for model in (DailyAnswer, DailyCompletion, PracticePrompt, ReviewCard):
            left = (await session.execute(select(func.count()).select_from(model))).scalar_one()
            assert left == (5 if model in (DailyAnswer, ReviewCard) else 1 if model is DailyCompletion else 0)
        assert (await session.execute(select(func.count()).select_from(SeasonResult))).scalar_one() == 1
        everything = [(await session.execute(select(t))).all() for t in Base.metadata.sorted_tables]
    assert "Ana" not in repr(everything) and "'1'" not in repr(everything)


@pytest.mark.parametrize("backend", ["sqlite"])  # about SQLite's files: PostgreSQL's are the server's
async def test_forgetme_leaves_nothing_of_the_student_in_the_database_files(service, db_url):
    """While the bot runs, the SQLite file and its write-ahead log hold no byte of a forgotten student."""
    from pathlib import Path

    from sqlalchemy.engine import make_url

    u = user("u-4417-zq", "Xanthippe Quarrington")
    await finish_daily(service, u)
    p = await service.practice(CLS, u)
    await service.answer(CLS, u, p.ref, "my answer qwxzyv")
    path = Path(make_url(db_url).database)
    stored = lambda: b"".join(f.read_bytes() for f in path.parent.glob(path.name + "*") if f.is_file())  # noqa: E731
    assert b"Xanthippe" in stored()  # it was there
    await service.forgetme(u)
    left = stored()
    for secret in (b"Xanthippe", b"Quarrington", b"u-4417-zq", b"qwxzyv"):
        assert secret not in left, secret


async def test_the_gaps_report_keeps_no_phone_numbers_addresses_or_classmates_names(service):
    await finish_daily(service, user(1, "Zebediah Okonkwo-Smith"))
    for q in (
        "what is zebediah's number 07700 900123",
        "email me at kid.name@example.com about okonkwo-smith",
        "what happened to the vikings in 1066",
    ):
        assert not (await service.ask(q, CLS, user=user(2, "Priya Ramaswamy"))).answered
    await service.ask("does priya ramaswamy know the telephone", CLS, user=user(2, "Priya Ramaswamy"))
    gaps = sorted(g.text for g in (await service.report(CLS, True)).gaps)
    text = " ".join(gaps)
    for private in ("zebediah", "okonkwo", "07700", "900123", "example", "priya", "ramaswamy"):
        assert private not in text, gaps
    assert "what happened to the vikings in 1066" in gaps  # a year is a question, not a phone number
    assert any("telephone" in g for g in gaps)


async def test_daily_settings_are_validated(service):
    s = await service.daily_settings(CLS, True, time="7:30", timezone="Europe/London", count=3, enabled=False)
    assert (s.time, s.timezone, s.count, s.enabled, s.errors) == ("07:30", "Europe/London", 3, False, ())
    bad = await service.daily_settings(CLS, True, time="25:99", timezone="Mars/Base", count="lots")
    assert len(bad.errors) == 3 and (bad.time, bad.timezone, bad.count) == ("07:30", "Europe/London", 3)
    assert not (await service.daily(CLS, user(1))).enabled


async def test_the_scheduled_daily_post_is_claimed_once(service, clock):
    other = ClassRef("console", "8a")
    clock.now = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # set up before the day's times
    await service.daily_settings(CLS, True, time="10:00", timezone="UTC")
    await service.daily_settings(other, True, time="08:30", timezone="UTC")
    clock.now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    due = await service.classes_due("console")
    assert [c.chat_id for c, _ in due] == ["8a"]
    claims = await asyncio.gather(*(service.claim_daily_post(other) for _ in range(5)))
    posted = [c for c in claims if c is not None]
    assert len(posted) == 1 and posted[0].next.number == 1
    assert await service.classes_due("console") == []
    clock.now = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    assert [c.chat_id for c, _ in await service.classes_due("console")] == ["7b"]


async def test_a_time_zone_stored_wrong_stops_nothing(service, clock):
    broken, other = ClassRef("console", "9c"), ClassRef("console", "8a")
    clock.now = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # set up before the day's times
    await service.daily_settings(broken, True, time="08:00", timezone="UTC")
    await service.daily_settings(other, True, time="08:30", timezone="UTC")
    async with service.sessions() as session:  # a value saved before time zones were checked
        await session.execute(update(SchoolClass).where(SchoolClass.key == broken.key).values(timezone="Europe/Londn"))
        await session.commit()
    clock.now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert {c.chat_id for c, _ in await service.classes_due("console")} == {"9c", "8a"}
    status = await service.daily(broken, user(1))
    assert (await service.answer(broken, user(1), status.next.ref, right(status.next.question))).correct
    assert (await service.score(broken, user(1))).points == 1
    assert (await service.leaderboard(broken, user(1))).rows


async def test_the_report_shows_the_option_picked_not_its_letter(service):
    status = await service.daily(CLS, user(1))
    while status.next is not None and not status.next.question.options:
        await service.answer(CLS, user(1), status.next.ref, "zzzz")
        status = await service.daily(CLS, user(1))
    q = status.next.question
    wrong_idx = next(i for i, o in enumerate(q.options) if o != q.answer)
    res = await service.answer(CLS, user(1), status.next.ref, "abcdefgh"[wrong_idx].upper())
    assert not res.correct
    row = next(r for r in (await service.report(CLS, True)).questions if r.question_id == q.id)
    from bot.text import normalise_question

    assert row.wrong_answers[0][0] == normalise_question(q.options[wrong_idx])


async def test_the_claimed_daily_post_carries_every_question_of_the_day(service, clock):
    clock.now = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    await service.daily_settings(CLS, True, time="08:00")
    clock.now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    status = await service.claim_daily_post(CLS)
    assert [p.number for p in status.prompts] == [1, 2, 3, 4, 5]
    mine = await service.daily(CLS, user(1))
    assert status.prompts[0].ref == mine.next.ref
    assert len({p.ref for p in status.prompts}) == 5


# --- a message that is not an answer --------------------------------------------------------------------


async def test_a_new_question_sent_while_a_quiz_question_waits_is_answered_not_marked(service):
    u = user(31)
    status = await service.daily(CLS, u)
    first = status.next
    res = await service.answer(CLS, u, first.ref, "who signed the treaty of friendship with finland?")
    assert res.problem == "question" and res.asked is not None and not res.correct
    again = await service.daily(CLS, u)
    assert again.answered == 0 and again.next.ref == first.ref  # the daily attempt was not spent
    res = await service.answer(CLS, u, first.ref, right(first.question))
    assert res.correct and not res.problem


async def test_text_naming_no_option_is_not_marked_but_a_guess_is(service):
    u = user(32)
    p = await service.practice(CLS, u)
    while not p.question.options:
        await service.answer(CLS, u, p.ref, right(p.question))
        p = await service.practice(CLS, u)
    res = await service.answer(CLS, u, p.ref, "hmm not sure about any of these really")
    assert res.problem == "option" and res.options == p.question.options
    res = await service.answer(CLS, u, p.ref, "is it " + wrong(p.question) + "?")  # a guess is an answer
    assert not res.problem and not res.correct


# --- the teacher's control over the class's questions -----------------------------------------------


async def test_a_hidden_question_is_never_asked_and_generated_ones_can_be_switched_off(service, clock):
    made = [q for q in service.bank.questions if not q.authored]
    listing = await service.class_questions(CLS, True)
    assert listing.total == len(service.bank.questions) and listing.authored == len(service.bank.questions) - len(made)
    assert listing.rows[0].authored and listing.generated_on
    with pytest.raises(NotAllowed):
        await service.class_questions(CLS, False)
    # hide every authored question but one: practice brings that one, then made ones
    authored = [q for q in service.bank.questions if q.authored]
    for q in authored[1:]:
        assert (await service.hide_question(CLS, True, q.id)).id == q.id
    assert await service.hide_question(CLS, True, "no-such-id") is None
    assert (await service.class_questions(CLS, True)).hidden == len(authored) - 1
    u = user(41)
    seen = []
    for _ in range(4):
        p = await service.practice(CLS, u)
        seen.append(p.question.id)
        await service.answer(CLS, u, p.ref, right(p.question))
    assert not set(seen) & {q.id for q in authored[1:]} and seen[0] == authored[0].id
    # the teacher keeps to their own questions: only the one not hidden is left
    assert await service.generated_questions(CLS, True, False) is False
    clock.advance(days=1)
    status = await service.daily(CLS, user(42))
    assert status.total == 1 and status.next.question.id == authored[0].id
    await service.hide_question(CLS, True, authored[1].id, hide=False)
    p = await service.practice(CLS, user(43))
    assert p.question.authored


async def test_an_earlier_days_daily_question_scores_nothing_today(service, clock):
    """A button or reply to yesterday's quiz question, used after midnight, must not add to today and this week."""
    status = await service.daily(CLS, user(1))
    old = status.next
    clock.advance(days=1)
    res = await service.answer(CLS, user(1), old.ref, right(old.question))
    assert res.problem == "expired" and not res.correct and res.points == 0
    board = await service.leaderboard(CLS, user(1), "today")
    assert all(row.points == 0 for row in board.rows)
    today = await service.daily(CLS, user(1))
    assert today.answered == 0  # today's quiz is untouched and still open


async def test_a_class_moves_to_its_chats_new_id(service):
    """A Telegram group upgraded to a supergroup: the class, its settings and its answers follow it; a class the
    new chat already had is replaced only when nothing was answered there."""
    await finish_daily(service, user(1))
    await service.daily_settings(CLS, True, count=3)
    new = ClassRef("console", "upgraded")
    await service.daily(new, user(2))  # the new chat was used before the move was seen: an empty class
    assert await service.move_class(CLS, new)
    assert (await service.daily_settings(new, True)).count == 3
    board = await service.leaderboard(new, user(1), "today")
    assert [r.name for r in board.rows if r.points] == ["Student 1"]
    assert not await service.move_class(CLS, new)  # done already: the second service message changes nothing
    other = ClassRef("console", "other")
    status = await service.daily(other, user(3))
    await service.answer(other, user(3), status.next.ref, right(status.next.question))
    assert not await service.move_class(new, other)  # answers there: nothing is dropped


async def test_a_schedule_set_after_todays_time_starts_tomorrow(service, clock):
    """Setting up in the afternoon must not dump today's whole quiz in the chat within seconds."""
    clock.now = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    late = ClassRef("console", "late")
    await service.daily(late, user(1))  # the class begins at 14:00
    settings = await service.daily_settings(late, True, time="09:00")
    assert "first post is tomorrow at 09:00" in settings.note
    assert late not in [c for c, _ in await service.classes_due("console")]
    assert (await service.daily(late, user(1))).next is not None  # students still get today's quiz by asking
    clock.now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    assert late in [c for c, _ in await service.classes_due("console")]
    assert await service.claim_daily_post(late) is not None  # posted at 09:00 as set
    later = await service.daily_settings(late, True, time="07:00")  # today's post went already: nothing to say
    assert later.note == ""
    early = ClassRef("console", "early")
    clock.now = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
    await service.daily(early, user(2))
    assert (await service.daily_settings(early, True, time="07:30")).note == ""  # still to come today


# --- teachers trying the quizzes --------------------------------------------------------------------------


async def standing_names(service, cls: ClassRef = CLS, viewer: UserRef | None = None) -> dict[str, list[str]]:
    boards = {p: await service.leaderboard(cls, viewer, p) for p in ("today", "week", "season")}
    return {p: [r.name for r in b.rows] for p, b in boards.items()}


async def test_a_teacher_trying_the_quizzes_is_on_no_board_and_no_student_in_the_report(service):
    teacher, ana = user("t", "Mr K"), user(1, "Ana")
    assert (await service.daily(CLS, teacher, is_teacher=True)).next is not None
    await finish_daily(service, teacher)  # all right
    await finish_daily(service, ana, correct=False)  # all wrong
    p = await service.practice(CLS, teacher, is_teacher=True)
    assert not (await service.answer(CLS, teacher, p.ref, right(p.question))).problem

    assert await standing_names(service, viewer=teacher) == {"today": ["Ana"], "week": ["Ana"], "season": ["Ana"]}
    assert (await service.leaderboard(CLS, teacher, "today")).you is None
    card = await service.score(CLS, teacher)  # their own tries are kept, one each
    assert (card.answered, card.correct, card.practice_answered) == (5, 5, 1)
    report = await service.report(CLS, True)
    assert [s.name for s in report.students] == ["Ana"] and report.students[0].practice_answered == 0
    assert len(report.questions) == 5 and all((q.answered, q.first_try_correct) == (1, 0) for q in report.questions)
    assert report.topics and all(t.correct == 0 for t in report.topics)  # the class's weak topics are its students'
    assert "Mr K" not in report_csv(report).decode("utf-8-sig")
    archived = await service.season_new(CLS, True)
    assert [r.name for r in archived.rows] == ["Ana"]
    async with service.sessions() as session:
        assert (await session.execute(select(func.count()).select_from(SeasonResult))).scalar_one() == 1


async def test_a_teachers_answer_alone_keeps_them_off_the_board_until_they_are_a_student_again(service):
    """A vote in the class's poll is an answer with no /daily before it; a teacher no longer (is_teacher=False at
    /daily or /quiz) is a student again, with every answer; None (the platform could not tell) changes nothing."""
    teacher, ana = user("t", "Mrs Khan"), user(1, "Ana")
    status = await service.daily(CLS, ana)
    first = status.next
    await service.answer(CLS, ana, first.ref, right(first.question))
    assert not (await service.answer(CLS, teacher, first.ref, right(first.question), is_teacher=True)).problem
    assert (await standing_names(service))["today"] == ["Ana"]
    await service.daily(CLS, teacher)  # not known: still a teacher
    await service.practice(CLS, teacher, is_teacher=None)
    assert (await standing_names(service))["today"] == ["Ana"]
    await service.daily(CLS, teacher, is_teacher=False)
    assert (await standing_names(service))["today"] == ["Ana", "Mrs Khan"]
    assert [s.name for s in (await service.report(CLS, True)).students] == ["Ana", "Mrs Khan"]
    await service.practice(CLS, teacher, is_teacher=True)
    assert (await standing_names(service))["today"] == ["Ana"]


async def test_a_teacher_of_one_class_is_a_student_in_another(service):
    teacher, other = user("t", "Mr K"), ClassRef("console", "8a")
    await service.daily(CLS, teacher, is_teacher=True)
    await finish_daily(service, teacher)
    status = await service.daily(other, teacher, is_teacher=False)
    await service.answer(other, teacher, status.next.ref, right(status.next.question))
    assert (await standing_names(service))["today"] == []
    assert (await standing_names(service, other))["today"] == ["Mr K"]


async def test_forgetme_deletes_a_teachers_mark_too(service):
    teacher = user("t", "Mr K")
    await service.daily(CLS, teacher, is_teacher=True)
    await service.forgetme(teacher)
    async with service.sessions() as session:
        assert (await session.execute(select(func.count()).select_from(ClassStaff))).scalar_one() == 0
    await finish_daily(service, teacher)  # back as a new user, not known as a teacher: a student
    assert (await standing_names(service))["today"] == ["Mr K"]
