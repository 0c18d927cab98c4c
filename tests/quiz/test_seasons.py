"""Seasons (/seasonnew): archived boards can be seen again, a season begun today splits the day the same way on
every board and score, and the teacher's report and its CSV cover the current season only."""

from __future__ import annotations

import csv
import io

from adapters.console.render import render_leaderboard, render_report, render_score
from bot.quiz.export import report_csv
from tests.quiz.test_engine import CLS, finish_daily, right, user, wrong

ANA, BEN, CAT = user(1, "Ana"), user(2, "Ben"), user(3, "Cat")


async def practise(service, u, correct: bool = True) -> str:
    """One practice question answered; its question id."""
    prompt = await service.practice(CLS, u)
    await service.answer(CLS, u, prompt.ref, right(prompt.question) if correct else wrong(prompt.question))
    return prompt.question.id


async def test_an_archived_season_is_shown_again_and_an_unknown_one_lists_the_seasons(service, clock):
    await finish_daily(service, ANA)
    await finish_daily(service, BEN, correct=False)
    clock.advance(days=3)
    await service.season_new(CLS, True)
    clock.advance(days=1)
    await finish_daily(service, CAT)

    old = await service.leaderboard(CLS, BEN, "season", season=1)
    assert [(r.rank, r.name, r.points) for r in old.rows] == [(1, "Ana", 5), (2, "Ben", 0)]
    assert old.season == 1 and old.you is not None and old.you.name == "Ben" and not old.missing
    assert (old.archived.started, old.archived.ended, old.archived.students) == ("2026-11-24", "2026-11-27", 2)
    assert "Season 1 (2026-11-24 to 2026-11-27, archived):" in render_leaderboard(old)

    current = await service.leaderboard(CLS, None, "season")  # the current season stays the default
    assert [r.name for r in current.rows] == ["Cat"] and current.season == 2 and current.archived is None
    assert [(s.number, s.started, s.ended, s.current) for s in current.seasons] == [
        (1, "2026-11-24", "2026-11-27", False),
        (2, "2026-11-27", "", True),
    ]
    assert (await service.leaderboard(CLS, None, "week", season=2)).rows == current.rows

    for number in (0, 3, 10**9):
        missing = await service.leaderboard(CLS, None, "season", season=number)
        assert missing.missing and missing.rows == () and len(missing.seasons) == 2
    text = render_leaderboard(missing)
    assert text.startswith(f"There is no season {10**9} in this class.")
    assert "Season 1: 2026-11-24 to 2026-11-27, 2 students" in text and "Season 2: since 2026-11-27 (current)" in text


async def test_a_hidden_or_forgotten_student_stays_off_an_archived_board(service):
    await finish_daily(service, ANA)
    await finish_daily(service, BEN, correct=False)
    await finish_daily(service, CAT, correct=False)
    await service.season_new(CLS, True)
    await service.hideme(ANA)
    await service.forgetme(CAT)
    board = await service.leaderboard(CLS, ANA, "season", season=1)
    assert [(r.rank, r.name) for r in board.rows] == [(1, "Ben")] and board.you_hidden
    assert board.archived.students == 1


async def test_after_a_new_season_begun_today_the_today_board_and_the_score_agree(service, clock):
    await finish_daily(service, ANA)  # 5 points, before the switch: season 1's
    clock.advance(hours=2)
    await service.season_new(CLS, True)
    card = await service.score(CLS, ANA)
    today = await service.leaderboard(CLS, ANA, "today")
    assert (card.points, card.points_today, card.earlier_today) == (0, 0, 5)
    assert today.rows == () and today.season == 2 and today.season_began == "2026-11-24"
    assert "your points from earlier today (5) count in season 1" in render_score(card)
    text = render_leaderboard(today)
    assert text.startswith("Today, since season 2 began: no answers.") and "count in season 1" in text
    assert "/daily to start" not in text  # the day's quiz was taken already

    await finish_daily(service, BEN)  # after the switch: season 2's, on today's board and in his score alike
    today = await service.leaderboard(CLS, BEN, "today")
    ben = await service.score(CLS, BEN)
    assert [(r.name, r.points) for r in today.rows] == [("Ben", 5)] and (ben.points_today, ben.earlier_today) == (5, 0)
    week = await service.leaderboard(CLS, None, "week")
    assert [r.name for r in week.rows] == ["Ben"] and week.season_began == "2026-11-24"

    clock.advance(days=1)  # the next day is wholly season 2's: nothing to explain
    assert (await service.leaderboard(CLS, None, "today")).season_began == ""
    assert (await service.score(CLS, ANA)).earlier_today == 0
    clock.advance(days=7)
    assert (await service.leaderboard(CLS, None, "week")).season_began == ""


async def test_the_first_season_says_nothing_of_seasons(service):
    await finish_daily(service, ANA)
    for period in ("today", "week"):
        assert (await service.leaderboard(CLS, None, period)).season_began == ""
    board = await service.leaderboard(CLS, None, "season")
    assert [s.number for s in board.seasons] == [1] and "Seasons of this class" not in render_leaderboard(board)


async def test_the_report_and_its_csv_cover_the_current_season_only(service, clock):
    await finish_daily(service, ANA, correct=False)
    old_question = await practise(service, ANA, correct=False)
    for q in ("who invented the telephone", "who invented the telephone", "what is a quasar"):
        await service.ask(q, CLS)
    await service.settled()
    clock.advance(days=2)
    await service.season_new(CLS, True)

    fresh = await service.report(CLS, True)
    assert fresh.season == 2 and fresh.season_started == "2026-11-26"
    assert (fresh.students, fresh.questions, fresh.topics, fresh.gaps) == ((), (), (), ())
    assert "Ana" not in render_report(fresh)  # no 0/0 line for season 1's practice

    clock.advance(hours=1)
    new_question = await practise(service, BEN)
    await service.ask("who invented the telephone", CLS)
    report = await service.report(CLS, True)
    assert [(s.name, s.answered, s.practice_answered) for s in report.students] == [("Ben", 0, 1)]
    assert [q.question_id for q in report.questions] == [new_question] != [old_question]
    assert [(t.answered, t.correct) for t in report.topics] == [(1, 1)]
    assert [(g.text, g.count) for g in report.gaps] == [("who invented the telephone", 1)]
    text = render_report(report)
    assert text.startswith("Class report (season 2)\nSince 2026-11-26, when season 2 began.")
    assert "Ben: no daily quiz, streak 0, practice answers 1" in text

    rows = list(csv.reader(io.StringIO(report_csv(report).decode("utf-8-sig"))))
    assert rows[1][:2] == ["season", "season 2"] and rows[1][7] == "since 2026-11-26"
    assert [r[1] for r in rows if r[0] == "student"] == ["Ben"]
    assert [(r[1], r[3]) for r in rows if r[0] == "not in the notes"] == [("who invented the telephone", "1")]
