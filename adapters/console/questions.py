"""/questions for every platform: the teacher lists the class's questions, hides or unhides one, and turns
the questions made from the notes on or off. Plain text; each adapter escapes it for its platform."""

from __future__ import annotations

from bot.commands import QUESTIONS_USAGE, parse_questions
from bot.quiz.values import QuestionList
from bot.refs import ClassRef
from bot.service import RevisionService

KIND_NAMES = {"typed": "typed", "cloze": "fill in", "choice": "choice", "truefalse": "true/false"}


def render_questions(ql: QuestionList) -> str:
    where = f" on {ql.topic!r}" if ql.topic else ""
    if not ql.total:
        return f"No questions{where}. /topics lists the topics."
    made = ql.total - ql.authored
    lines = [
        f"{ql.total} questions{where}: {ql.authored} yours, {made} from the notes"
        + ("" if ql.generated_on else " (switched off: only yours are asked)")
        + (f", {ql.hidden} hidden" if ql.hidden else "")
        + "."
    ]
    for r in ql.rows:
        mark = " [hidden]" if r.hidden else ""
        lines.append(f"{r.question_id} ({KIND_NAMES.get(r.kind, r.kind)}){mark}: {r.prompt[:160]} -> {r.answer[:60]}")
    if ql.total > len(ql.rows):
        lines.append(f"... and {ql.total - len(ql.rows)} more: /questions TOPIC narrows the list.")
    lines.append("Hide one with /questions hide ID; /questions generated off keeps to your own.")
    return "\n".join(lines)


async def questions_command(service: RevisionService, cls: ClassRef, is_teacher: bool, rest: str) -> str:
    action, value = parse_questions(rest)
    if action == "usage":
        return QUESTIONS_USAGE
    if action == "list":
        return render_questions(await service.class_questions(cls, is_teacher, str(value) or None))
    if action == "generated":
        on = await service.generated_questions(cls, is_teacher, bool(value))
        return (
            "Questions made from the notes are asked again in this class."
            if on
            else "From now on only your own questions are asked in this class."
        )
    question = await service.hide_question(cls, is_teacher, str(value), hide=action == "hide")
    if question is None:
        return f"No question has the id {str(value)[:40]!r}: /questions lists them with their ids."
    if action == "hide":
        return f"Hidden: {question.prompt[:120]!r} is no longer asked in this class (/questions unhide {question.id})."
    return f"Back in the quizzes: {question.prompt[:120]!r}."
