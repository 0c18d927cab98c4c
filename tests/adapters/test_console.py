"""The console adapter: the whole conversation as a student sees it."""

import re

from bot.storage.gaps import list_gaps


async def test_plain_text_is_a_question(console):
    reply = await console.handle("what did churchill think about poland")
    assert reply.startswith("1. ") and "Poland" in reply and "from cold-war-" in reply


async def test_ask_topics_and_help(console):
    assert "Red Army" in await console.handle("/ask kruschev army cuts")
    topics = await console.handle("/topics")
    assert "The Yalta Conference - February 1945" in topics and "Cuts in the Red Army" in topics
    help_text = await console.handle("/help")
    assert "/ask QUESTION" in help_text and "/report" not in help_text


async def test_unanswered_questions_are_recorded_for_the_teacher(console, service):
    reply = await console.handle("who invented the telephone?")
    assert "not in the notes" in reply
    await console.handle("Who invented the telephone")
    await service.settled()
    gaps = await list_gaps(service.sessions, "console:7b")
    assert [(g.text, g.count) for g in gaps] == [("who invented the telephone", 2)]


async def test_bad_input_gets_a_short_clear_reply(console):
    assert "Ask me something" in await console.handle("/ask")
    assert "need some words" in await console.handle("🙂🙂")
    long_reply = await console.handle("yalta " * 2000)
    assert "first 300 characters" in long_reply and len(long_reply) < 3000
    assert "don't know /frobnicate" in await console.handle("/frobnicate")
    assert "for teachers" in await console.handle("/report")


async def test_a_whole_daily_quiz_in_the_console(console):
    reply = await console.handle("/daily")
    assert reply.startswith("Daily quiz, question 1/5")
    for n in range(2, 6):
        reply = await console.handle("a")
        assert ("Right!" in reply or "Not quite" in reply or "Close" in reply) and "From the notes" in reply
        assert f"question {n}/5" in reply
    reply = await console.handle("a")
    assert re.search(r"That's today's quiz done: [0-5]/5 right\. Streak: 1 day\.", reply), reply
    again = await console.handle("/daily")
    assert "You've done today's quiz" in again
    board = await console.handle("/leaderboard today")
    assert "1. Ana" in board
    assert "streak 1" in await console.handle("/score")


async def test_practice_quiz_topics_and_teacher_tools_in_the_console(console, teacher_console, tmp_path):
    assert (await console.handle("/quiz yalta")).startswith("Practice (The Yalta Conference")
    marked = await console.handle("zzzz")
    assert "Not quite" in marked and "From the notes" in marked
    none = await console.handle("/quiz photosynthesis")
    assert "No questions on 'photosynthesis'. Closest topics: " in none and "/topics lists them" in none
    assert "for teachers" in await console.handle("/export")
    assert "Class report" in await teacher_console.handle("/report")
    teacher_console.export_dir = tmp_path
    assert "Report written" in await teacher_console.handle("/export")
    assert list(tmp_path.glob("*.csv"))
    settings = await teacher_console.handle("/dailysettings time 7:15 timezone Europe/London count 3")
    assert "3 questions at 07:15 (Europe/London)" in settings
    assert "nothing to archive" in await teacher_console.handle("/seasonnew")  # no answers yet in this class
    assert "hidden" in await console.handle("/hideme")
    assert "/forgetme yes" in await console.handle("/forgetme")
    assert "deleted" in await console.handle("/forgetme yes")


def test_the_console_exports_into_the_data_folder_not_the_checkout(teacher_console):
    from bot.config import PACKAGE_ROOT

    assert PACKAGE_ROOT not in teacher_console.export_dir.parents and teacher_console.export_dir.name == "exports"


async def test_export_never_overwrites_a_file(teacher_console, tmp_path):
    teacher_console.export_dir = tmp_path / "exports"  # made when needed
    first = await teacher_console.handle("/export")
    second = await teacher_console.handle("/export")
    day = teacher_console.service.clock().date().isoformat()
    assert f"revisionbot-report-7b-{day}.csv" in first and f"revisionbot-report-7b-{day}-2.csv" in second
    assert str(tmp_path / "exports") in first  # it says where
    kept = tmp_path / "marks.csv"
    kept.write_text("the teacher's own file")
    assert "already exists" in await teacher_console.handle(f"/export {kept}")
    assert kept.read_text() == "the teacher's own file"
    assert "Could not write" in await teacher_console.handle(f"/export {tmp_path}/no/such/folder/r.csv")
    assert "Report written" in await teacher_console.handle(f"/export {tmp_path}/mine.csv")


async def test_a_question_that_could_not_be_shown_takes_no_answer(console, monkeypatch):
    import adapters.console.bot as console_bot

    def broken(prompt):  # noqa: ANN001, ANN202 - a renderer that fails on this question
        raise IndexError("no letter for option 9")

    monkeypatch.setattr(console_bot, "render_prompt", broken)
    assert "Sorry" in await console.handle("/quiz yalta")
    reply = await console.handle("yalta")  # a question, not an answer to a question never shown
    assert "Not quite" not in reply and "Right" not in reply and reply.startswith("1. ")


async def test_a_question_asked_during_the_daily_quiz_is_answered_and_the_quiz_waits(console, service):
    first = await console.handle("/daily")
    assert "question 1/" in first
    reply = await console.handle("what did churchill think about poland?")
    assert "Poland" in reply and "still open" in reply and "Not quite" not in reply
    status = await service.daily(console.cls, console.user)
    assert status.answered == 0 and console.pending == status.next.ref
    q = await service.question_for(status.next.ref)
    assert "Right!" in await console.handle(q.answer)


async def test_the_teacher_lists_and_hides_questions_in_the_console(teacher_console, console, service):
    listing = await teacher_console.handle("/questions")
    assert "questions:" in listing and "yours" in listing and "/questions hide ID" in listing
    qid = listing.splitlines()[1].split(" ", 1)[0]
    assert "no longer asked" in await teacher_console.handle(f"/questions hide {qid}")
    assert "[hidden]" in (await teacher_console.handle("/questions")).splitlines()[1]
    assert "No question has the id" in await teacher_console.handle("/questions hide zzz")
    assert "Use: /questions" in await teacher_console.handle("/questions generated maybe")
    assert "for teachers" in await console.handle("/questions")


async def test_a_new_season_is_confirmed_first_and_an_empty_one_is_not_archived(console, teacher_console):
    teacher, student = teacher_console, console
    assert "nothing to archive" in await teacher.handle("/seasonnew yes")
    await student.handle("/daily")
    await student.handle("zzzz")  # one answer: now there is something to archive
    asked = await teacher.handle("/seasonnew")
    assert "To go ahead: /seasonnew yes" in asked and "Season archived" not in asked
    assert "Season archived" in await teacher.handle("/seasonnew yes")
    assert "nothing to archive" in await teacher.handle("/seasonnew yes")  # run twice: no empty season
    assert "for teachers" in await student.handle("/seasonnew yes")


async def take_the_daily_quiz(bot) -> str:  # noqa: ANN001
    """Answer every question of today's quiz with "a"; the last reply."""
    reply = await bot.handle("/daily")
    for _ in range(5):
        reply = await bot.handle("a")
    return reply


async def test_a_teacher_may_try_the_quizzes_but_is_not_a_student_of_the_class(console, teacher_console, tmp_path):
    """--teacher takes the daily quiz and practises like anyone (one try each, their own /score), but is on no
    leaderboard, and the report, its CSV and an archived season count only the students."""
    assert "That's today's quiz done" in await take_the_daily_quiz(teacher_console)
    assert "That's today's quiz done" in await take_the_daily_quiz(console)
    assert "Practice" in await teacher_console.handle("/quiz yalta")
    assert "From the notes" in await teacher_console.handle("a")
    assert "You've done today's quiz" in await teacher_console.handle("/daily")  # one try still holds
    card = await teacher_console.handle("/score")
    assert "Mr K: " in card and "Daily quiz: " in card and "/5 right" in card and "/1 right" in card

    for period in ("today", "week", "season"):
        for viewer in (console, teacher_console):
            board = await viewer.handle(f"/leaderboard {period}")
            assert "1. Ana" in board and "Mr K" not in board and "You: #" not in board
    report = await teacher_console.handle("/report")
    students = report.split("Students (weakest first):\n", 1)[1].split("\nQuestions", 1)[0]
    assert students.startswith("  Ana: ") and students.count("\n") == 0  # Ana alone
    assert "Mr K" not in report and "practice answers 0" in students
    questions = [line for line in report.splitlines() if " first try (" in line]
    assert len(questions) == 5 and all(" first try (1) " in line for line in questions)  # Ana's tries only
    teacher_console.export_dir = tmp_path
    await teacher_console.handle("/export")
    (exported,) = tmp_path.glob("*.csv")
    rows = exported.read_text(encoding="utf-8-sig")
    assert '"student","Ana"' in rows and "Mr K" not in rows
    archived = await teacher_console.handle("/seasonnew yes")
    assert "Season archived" in archived and "Ana" in archived and "Mr K" not in archived


async def test_a_teacher_is_a_teacher_of_their_own_class_only(service, teacher_console):
    """The same person without --teacher in another class is one of its students."""
    from adapters.console.bot import ConsoleBot
    from bot.refs import ClassRef

    await take_the_daily_quiz(teacher_console)
    elsewhere = ConsoleBot(service, teacher_console.user, ClassRef("console", "8a"))
    await take_the_daily_quiz(elsewhere)
    assert "1. Mr K" in await elsewhere.handle("/leaderboard today")
    assert "no answers yet" in await teacher_console.handle("/leaderboard today")


async def take_the_daily_quiz_right(bot) -> None:  # noqa: ANN001
    """Answer every question of today's quiz right."""
    await bot.handle("/daily")
    while bot.pending:
        question = await bot.service.question_for(bot.pending)
        assert "Right!" in await bot.handle(question.answer)


async def start_a_second_season(student, teacher) -> None:  # noqa: ANN001
    """The student takes today's quiz (all right) and practises once; the teacher starts season 2."""
    await take_the_daily_quiz_right(student)
    assert "Practice" in await student.handle("/quiz yalta")
    assert "Right!" in await student.handle((await student.service.question_for(student.pending)).answer)
    assert "Season archived" in await teacher.handle("/seasonnew yes")


async def test_an_archived_season_is_shown_again_and_an_unknown_one_lists_the_seasons(console, teacher_console):
    await start_a_second_season(console, teacher_console)
    old = await console.handle("/leaderboard season 1")
    assert old.startswith("Season 1 (2026-11-24, archived):\n  1. Ana - 5 points (5/5)")
    current = await console.handle("/leaderboard season")  # the current season stays the default
    assert current.startswith("Season 2: no answers yet") and "Season 1: 2026-11-24, 1 student" in current
    missing = await console.handle("/leaderboard season 3")
    assert missing.startswith("There is no season 3") and "Season 2: since 2026-11-24 (current)" in missing
    assert "Which leaderboard?" in await console.handle("/leaderboard season three")


async def test_the_day_a_new_season_begins_todays_board_and_the_score_say_the_same(console, teacher_console):
    await start_a_second_season(console, teacher_console)
    today = await console.handle("/leaderboard today")
    score = await console.handle("/score")
    assert today.startswith("Today, since season 2 began: no answers.")
    assert "Answers from earlier today count in season 1 (/leaderboard season 1)." in today
    assert score.startswith("Ana: 0 points this season (0 today)\nSeason 2 began today: your points from earlier")
    assert "today (5) count in season 1" in score


async def test_after_a_new_season_the_report_starts_afresh_and_says_since_when(console, teacher_console):
    await start_a_second_season(console, teacher_console)
    report = await teacher_console.handle("/report")
    assert report.startswith("Class report (season 2)\nSince 2026-11-24, when season 2 began.\n")
    assert "Students (weakest first):\n  no answers yet\n" in report  # season 1's practice stays in season 1
    assert "Questions (hardest first):\n  none answered yet\n" in report and "Weakest topics:\n  -\n" in report
