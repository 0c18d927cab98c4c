"""Plain-text rendering of an answer to a question: its own module, so `revisionbot ask` loads nothing of the
quiz to print one."""

from __future__ import annotations

from bot.knowledge.model import Answer

PROBLEMS = {
    "empty": "Ask me something about the notes, e.g. /ask what was decided at Yalta?",
    "no-words": "I need some words to search the notes with, e.g. /ask who was Clement Attlee?",
    "no-notes": "There are no notes loaded yet: ask your teacher to add some to the knowledge folder.",
    "thanks": "You're welcome! Ask me anything else about the notes.",
    "greeting": "Hi! Ask me a question about the notes, or try /quiz.",
    "bye": "Bye! Good luck with your revision.",
    "ack": "OK! Ask me a question about the notes whenever you like.",
}


def render_answer(answer: Answer) -> str:
    lines: list[str] = []
    if answer.notice:
        lines.append(f"({answer.notice})")
    if answer.problem:
        lines.append(PROBLEMS.get(answer.problem, "I could not read that question."))
        return "\n".join(lines)
    if not answer.answered:
        lines.append("That is not in the notes.")
        if answer.suggestions:
            lines.append("Closest topics: " + "; ".join(answer.suggestions))
        return "\n".join(lines)
    for n, hit in enumerate(answer.hits, 1):
        s = hit.snippet
        lines.append(f"{n}. {s.text}")
        lines.append(f"   from {s.source}, {s.where} (confidence {hit.score:.2f})")
    return "\n".join(lines)
