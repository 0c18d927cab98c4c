"""Plain-text rendering of the core's results, for the console and the command line."""

from __future__ import annotations

from adapters.console.answer import render_answer
from bot.commands import CommandSpec
from bot.knowledge.model import plural
from bot.quiz.values import (
    AnswerResult,
    DailySettings,
    DailyStatus,
    Leaderboard,
    QuizPrompt,
    Report,
    ScoreCard,
    SeasonInfo,
    StudentRow,
)


def render_help(commands: list[CommandSpec]) -> str:
    lines = ["Ask me anything about the notes: type a question, or use a command:"]
    for c in commands:
        usage = f"/{c.name} {c.args}".strip()
        lines.append(f"  {usage:40s} {c.summary}" + (" (teachers)" if c.teacher_only else ""))
    return "\n".join(lines)


LETTERS = "abcdefgh"


def render_prompt(prompt: QuizPrompt) -> str:
    q = prompt.question
    head = f"Daily quiz, question {prompt.number}/{prompt.total}" if prompt.mode == "daily" else "Practice"
    lines = [f"{head} ({q.topic})" if q.topic else head]
    if prompt.note:
        lines.append(prompt.note)
    lines.append(q.prompt)
    if q.options:
        lines += [f"  {LETTERS[i]}) {opt}" for i, opt in enumerate(q.options)]
        lines.append("Answer with a letter or the option.")
    else:
        lines.append("Type your answer.")
    return "\n".join(lines)


STILL_OPEN = "Your quiz question is still open: send your answer when you are ready."


# Reasons that add nothing to "Not quite. The answer is ...".
_PLAIN_WRONG = frozenset({"not the expected answer", "no answer given", "wrong"})


def render_result(result: AnswerResult) -> str:
    if result.problem == "empty":
        return "Type an answer (or /help)."
    if result.problem == "question":
        notes = render_answer(result.asked) if result.asked is not None else ""
        return f"{notes}\n\n{STILL_OPEN}" if notes else STILL_OPEN
    if result.problem == "option":
        letters = ", ".join(LETTERS[i] for i in range(len(result.options)))
        return f"Pick one of the options ({letters}), by its letter or its words. The question is still open."
    if result.problem == "expired":
        return "That was an earlier day's quiz question: it no longer counts. Try /daily for today's."
    if result.problem:
        return "That question is no longer open. Try /daily or /quiz for a new one."
    if result.already:
        lines = [f"You have already answered that one: it counted once. The answer is {result.correct_answer}."]
    elif result.correct:
        lines = [f"Right! ({result.reason})" if result.reason and result.reason != "correct" else "Right!"]
    elif result.close:
        why = result.reason.removeprefix("close: ") or "check the spelling"
        lines = [f"Close: {why}. The answer is {result.correct_answer}."]
    else:
        lines = [f"Not quite. The answer is {result.correct_answer}."]
        if result.reason and result.reason not in _PLAIN_WRONG:
            lines[0] += f" ({result.reason.removeprefix('not quite: ')})"
    if result.explanation and not result.already:
        lines.append(f"From the notes ({result.source}): {result.explanation}")
    if result.finished_daily and not result.already:
        score = f": {result.day_score[0]}/{result.day_score[1]} right" if result.day_score else ""
        days = f"{result.streak} day{'s' if result.streak != 1 else ''}"
        lines.append(f"That's today's quiz done{score}. Streak: {days}.")
    return "\n".join(line for line in lines if line)


def render_daily(status: DailyStatus) -> str:
    if not status.enabled:
        return "The daily quiz is switched off for this class."
    if status.total == 0:
        return "There are no quiz questions yet: ask your teacher to add notes."
    if status.finished:
        return (
            f"You've done today's quiz ({status.day}): {status.correct}/{status.total} right. "
            f"Streak: {status.streak}. Come back tomorrow, or /quiz to practise."
        )
    return render_prompt(status.next) if status.next else "Today's quiz is not available."


def render_score(card: ScoreCard) -> str:
    lines = [f"{card.name}: {plural(card.points, 'point')} this season ({card.points_today} today)"]
    if card.earlier_today:
        lines.append(
            f"Season {card.season} began today: your points from earlier today ({card.earlier_today}) count in "
            f"season {card.season - 1} (/leaderboard season {card.season - 1})."
        )
    lines += [
        f"Daily quiz: {card.correct}/{card.answered} right ({card.accuracy:.0%}), streak {card.streak}",
        f"Practice: {card.practice_correct}/{card.practice_answered} right, {card.due} due now",
    ]
    if card.weakest:
        lines.append("To revise: " + "; ".join(f"{t.topic} ({t.correct}/{t.answered})" for t in card.weakest))
    if card.hidden:
        lines.append("You are hidden from leaderboards (/hideme to show).")
    return "\n".join(lines)


def render_leaderboard(board: Leaderboard) -> str:
    if board.missing:
        return "\n".join([f"There is no season {board.season} in this class.", *render_seasons(board.seasons)])
    title = _board_title(board)
    if board.rows:
        lines = [f"{title}:"]
        lines += [f"{r.rank:>3}. {r.name} - {plural(r.points, 'point')} ({r.correct}/{r.answered})" for r in board.rows]
    elif board.archived or board.season_began:
        lines = [f"{title}: no answers."]
    else:
        lines = [f"{title}: no answers yet. /daily to start!"]
    if board.you_hidden:
        lines.append("(you are hidden from leaderboards)")
    elif board.you and board.you not in board.rows:
        lines.append(f"You: #{board.you.rank}, {plural(board.you.points, 'point')}")
    if board.season_began:
        before = board.season - 1
        when = "today" if board.period == "today" else "this week"
        lines.append(f"Answers from earlier {when} count in season {before} (/leaderboard season {before}).")
    if len(board.seasons) > 1:
        lines += render_seasons(board.seasons)
    return "\n".join(lines)


def _board_title(board: Leaderboard) -> str:
    if board.archived:
        return f"Season {board.season} ({season_dates(board.archived)}, archived)"
    if board.period == "season":
        return f"Season {board.season}"
    title = "Today" if board.period == "today" else "This week"
    if not board.season_began:
        return title
    on = "" if board.period == "today" else f" on {board.season_began}"
    return f"{title}, since season {board.season} began{on}"


def season_dates(season: SeasonInfo) -> str:
    """ "2026-09-01 to 2026-11-24", "since 2026-11-24", or what is known of them."""
    if season.current:
        return f"since {season.started}" if season.started else "the current season"
    if season.started and season.ended:
        return season.ended if season.started == season.ended else f"{season.started} to {season.ended}"
    if season.ended:
        return f"until {season.ended}"
    return f"from {season.started}" if season.started else "dates not recorded"


def render_seasons(seasons: tuple[SeasonInfo, ...]) -> list[str]:
    """The class's seasons, one a line, and how to see one."""
    lines = ["Seasons of this class (/leaderboard season N shows one):"]
    for s in seasons:
        if s.current:
            lines.append(f"  Season {s.number}: {season_dates(s)} (current)")
        else:
            who = plural(s.students, "student") if s.students else "no answers"
            lines.append(f"  Season {s.number}: {season_dates(s)}, {who}")
    return lines


PROMPT_IN_REPORT = 120
BLANK = "_____"


def around_blank(prompt: str, width: int = PROMPT_IN_REPORT) -> str:
    """A long question cut so that its blank (when it has one) stays in view."""
    if len(prompt) <= width:
        return prompt
    at = prompt.find(BLANK)
    if at < 0 or at + len(BLANK) <= width - 1:
        return prompt[: width - 1] + "…"
    start = max(0, min(at - width // 2, len(prompt) - width + 2))
    return "…" + prompt[start + 1 : start + width - 1] + ("…" if start + width - 1 < len(prompt) else "")


def render_report(report: Report) -> str:
    lines = [f"Class report (season {report.season})"]
    if report.season_started:
        lines.append(f"Since {report.season_started}, when season {report.season} began.")
    lines.append("Students (weakest first):")
    lines += [
        f"  {s.name}: {_daily_marks(s)}, streak {s.streak}, practice answers {s.practice_answered}"
        for s in report.students
    ] or ["  no answers yet"]
    lines.append("Questions (hardest first):")
    for q in report.questions[:10]:
        wrong = ", ".join(f"{w!r} x{n}" for w, n in q.wrong_answers)
        right = f" -> {q.answer[:60]}" if q.answer else ""
        lines.append(
            f"  {q.accuracy:.0%} first try ({q.answered}) {around_blank(q.prompt)}{right}"
            + (f" | wrong: {wrong}" if wrong else "")
        )
    if not report.questions:
        lines.append("  none answered yet")
    lines.append("Weakest topics:")
    lines += [f"  {t.topic}: {t.correct}/{t.answered} ({t.accuracy:.0%})" for t in report.topics[:5]] or ["  -"]
    lines.append("Asked but not in the notes:")
    lines += [f"  {g.text!r} x{g.count} (last {g.last_asked})" for g in report.gaps[:10]] or ["  -"]
    return "\n".join(lines)


def _daily_marks(student: StudentRow) -> str:
    if not student.answered:  # practice only, this season
        return "no daily quiz"
    return f"{student.correct}/{student.answered} ({student.accuracy:.0%})"


def render_settings(s: DailySettings) -> str:
    lines = []
    if s.errors:
        lines += [f"Not changed: {e}" for e in s.errors]
    state = "on" if s.enabled else "off"
    lines.append(f"Daily quiz: {state}, {s.count} questions at {s.time} ({s.timezone})")
    if s.note:
        lines.append(s.note)
    return "\n".join(lines)
