"""HTML rendering of the core's results for Telegram; every string from users or notes is escaped."""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass

from telegram.constants import PollLimit

from adapters.console import render as plain
from adapters.telegram.send import tg_len
from bot.commands import CommandSpec
from bot.knowledge.model import Answer, plural
from bot.quiz.values import AnswerResult, DailySettings, DailyStatus, Leaderboard, QuizPrompt, Report, ScoreCard
from bot.service import TopicInfo

LETTERS = plain.LETTERS
MAX_ALERT = 200  # answerCallbackQuery text limit
MAX_BUTTON = 60  # longer button labels are cut off by the clients anyway


def escape(text: str) -> str:
    """For text between tags: & < > escaped; quotes stay readable (they only matter inside attributes)."""
    return html.escape(text, quote=False)


NOT_YOURS = "That question was asked to someone else: /quiz gets you your own."
# To a student whose vote in a quiz poll came after its day was over (problem "expired"): Telegram showed a mark.
LATE_VOTE = (
    "Your vote came after that quiz poll's day was over, so it does not count. "
    "Today's questions are in the group's latest daily post, or /daily there."
)


# The plain-text wording is shared with the console; these results have no structure worth marking up.
def render_score(card: ScoreCard) -> str:
    return escape(plain.render_score(card))


def render_leaderboard(board: Leaderboard) -> str:
    return escape(plain.render_leaderboard(board))


def render_report(report: Report) -> str:
    return escape(plain.render_report(report))


def render_settings(settings: DailySettings) -> str:
    return escape(plain.render_settings(settings))


def mention(user_id: int, name: str) -> str:
    return f'<a href="tg://user?id={int(user_id)}">{escape(name)}</a>'


def render_answer(answer: Answer) -> str:
    if answer.problem or not answer.answered:  # a sentence or two, worded as in the console
        return escape(plain.render_answer(answer))
    lines = [f"<i>({escape(answer.notice)})</i>"] if answer.notice else []
    for n, hit in enumerate(answer.hits, 1):
        s = hit.snippet
        lines.append(f"<b>{n}.</b> {escape(s.text)}")
        lines.append(f"<i>from {escape(s.source)}, {escape(s.where)} (confidence {hit.score:.2f})</i>")
    return "\n".join(lines)


def render_help(commands: Iterable[CommandSpec], private: bool) -> str:
    how = "type a question" if private else "use /ask QUESTION or reply to one of my messages"
    lines = [f"Ask me anything about the notes: {how}. Commands:"]
    for c in commands:
        usage = escape(f"/{c.name} {c.args}".strip())
        lines.append(f"{usage} - {escape(c.summary)}" + (" <i>(teachers)</i>" if c.teacher_only else ""))
    return "\n".join(lines)


def render_topics(topics: list[TopicInfo]) -> str:
    if not topics:
        return "No notes are loaded yet."
    lines = ["<b>Topics in the notes:</b>"]
    lines += [f"• {escape(t.name)} ({plural(t.snippets, 'fact')}, {escape(t.source)})" for t in topics]
    return "\n".join(lines)


# --- quizzes ---------------------------------------------------------------------------------------


def render_prompt(prompt: QuizPrompt) -> str:
    q = prompt.question
    head = f"Daily quiz, question {prompt.number}/{prompt.total}" if prompt.mode == "daily" else "Practice"
    lines = [f"<b>{escape(head)}</b>" + (f" ({escape(q.topic)})" if q.topic else "")]
    if prompt.note:
        lines.append(f"<i>{escape(prompt.note)}</i>")
    lines.append(escape(q.prompt))
    if q.options:
        lines += [f"{LETTERS[i]}) {escape(opt)}" for i, opt in enumerate(q.options)]
        lines.append(TAP_HINT)
    else:
        lines.append("<i>Reply to this message with your answer (one try).</i>")
    return "\n".join(lines)


TAP_HINT = "<i>Tap your answer (one try).</i>"


@dataclass(frozen=True, slots=True)
class QuizPoll:
    """A question as Telegram's native quiz poll: plain text (never parsed), within the poll limits."""

    question: str
    options: tuple[str, ...]
    correct: int
    explanation: str


MIN_POLL_OPTIONS = 2


def quiz_poll(prompt: QuizPrompt) -> QuizPoll | None:
    """The poll for a choice or true/false question, or None when it does not fit Telegram's limits
    (question 300 characters, options 1-100 characters and 2-12 of them, as PollLimit says)."""
    q = prompt.question
    if not MIN_POLL_OPTIONS <= len(q.options) <= PollLimit.MAX_OPTION_NUMBER or q.answer not in q.options:
        return None
    if any(not opt.strip() or tg_len(opt) > PollLimit.MAX_OPTION_LENGTH for opt in q.options):
        return None
    text = f"{prompt.number}/{prompt.total}. {q.prompt}" if prompt.mode == "daily" else q.prompt
    if tg_len(text) > PollLimit.MAX_QUESTION_LENGTH:
        text = q.prompt  # without the number, it may still fit
    if not q.prompt.strip() or tg_len(text) > PollLimit.MAX_QUESTION_LENGTH:
        return None
    return QuizPoll(text, q.options, q.options.index(q.answer), clip(" ".join(q.explanation.split())))


def clip(text: str, limit: int = PollLimit.MAX_EXPLANATION_LENGTH) -> str:
    """Plain text cut to `limit` characters as Telegram counts them, between words when it can, with "…"."""
    if tg_len(text) <= limit:
        return text
    n = min(len(text), limit)
    while n and tg_len(text[:n]) > limit - 1:
        n -= 1
    cut = text[:n]
    space = cut.rfind(" ")
    if space > n * 3 // 4:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + "…"


def button_label(index: int, option: str) -> str:
    """Button text is plain text (never parsed as HTML), so it is cut but not escaped."""
    label = f"{LETTERS[index]}) {option}"
    return label if len(label) <= MAX_BUTTON else label[: MAX_BUTTON - 1] + "…"


def render_result(result: AnswerResult) -> str:
    if result.problem == "not-yours":
        return NOT_YOURS
    return escape(plain.render_result(result))


def short_result(result: AnswerResult) -> str:
    """The first line of the result, for a button's pop-up (plain text, at most 200 characters)."""
    text = NOT_YOURS if result.problem == "not-yours" else plain.render_result(result)
    first = text.split("\n", 1)[0]
    return first if len(first) <= MAX_ALERT else first[: MAX_ALERT - 1] + "…"


def render_daily(status: DailyStatus) -> str:
    """The daily quiz when there is no question to put: switched off, empty or done for today."""
    return escape(plain.render_daily(status))


def render_daily_post(status: DailyStatus) -> str:
    """The group's daily post: this line, then every question of the day, each a message or a quiz poll."""
    return (
        f"<b>Today's quiz is here</b>: {status.total} question{'s' if status.total != 1 else ''} below, one try "
        "each. Vote in the quiz polls; reply to the other questions with your answer. /daily puts your next one here."
    )


def render_next_hint(prompt: QuizPrompt) -> str:
    """In a group the next daily question is not posted after each answer (the whole class would see it)."""
    return f"<i>Next for you: question {prompt.number}/{prompt.total}, in today's quiz post or with /daily.</i>"


def render_finished(name: str, streak: int) -> str:
    """One line in the group when a student finishes the daily quiz by voting (no marks: those are private)."""
    return f"{escape(name)} has done today's quiz. Streak: {streak} day{'s' if streak != 1 else ''}."
