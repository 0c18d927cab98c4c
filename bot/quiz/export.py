"""The teacher's report as CSV: UTF-8 with a BOM (so spreadsheets read accents), safe from formula injection."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from bot.quiz.values import Report

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A formula after a separator: a spreadsheet that splits on ";" (German, French locales) or "," starts a new
# cell there ("Dan;=1+1"), whatever the cell's quotes say to another program.
_SEPARATED_FORMULA = re.compile(r"([,;\t|])(\s*)(?=[=+\-@])")


def safe_cell(value: object) -> str:
    """A cell every spreadsheet shows as text (OWASP's CSV-injection advice): line breaks become spaces, a cell
    that starts like a formula gets a leading apostrophe, and so does a formula after a separator inside it."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    text = _SEPARATED_FORMULA.sub(r"\1\2'", text)
    return "'" + text if text.startswith(_FORMULA_START) else text


def report_file_name(chat_id: str, day: date) -> str:
    """revisionbot-report-7b-2026-12-04.csv: which class, and which day's report."""
    safe_id = re.sub(r"[^\w.-]+", "-", str(chat_id)).strip("-") or "class"
    return f"revisionbot-report-{safe_id}-{day.isoformat()}.csv"


def report_csv(report: Report) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)  # every cell quoted: separators inside stay
    w.writerow(["section", "name", "topic", "answered", "correct", "accuracy", "streak", "detail", "right answer"])
    since = f"since {report.season_started}" if report.season_started else ""
    w.writerow(_row("season", f"season {report.season}", "", "", "", "", "", since))  # what the rows cover
    for s in report.students:
        w.writerow(
            _row(
                "student",
                s.name,
                "",
                s.answered,
                s.correct,
                s.accuracy,
                s.streak,
                f"practice answers: {s.practice_answered}",
            )
        )
    for q in report.questions:
        wrong = "; ".join(f"{text} ({n})" for text, n in q.wrong_answers)
        w.writerow(
            _row(
                "question",
                q.prompt,
                q.topic,
                q.answered,
                q.first_try_correct,
                q.accuracy,
                "",
                f"commonest wrong answers: {wrong}" if wrong else "",
                q.answer,
            )
        )
    for t in report.topics:
        w.writerow(_row("topic", t.topic, t.topic, t.answered, t.correct, t.accuracy, "", ""))
    for g in report.gaps:
        w.writerow(_row("not in the notes", g.text, "", g.count, "", "", "", f"last asked {g.last_asked}"))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _row(*cells: object) -> list[str]:
    return [safe_cell(f"{c:.2f}" if isinstance(c, float) else c) for c in cells]
