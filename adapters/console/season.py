"""/seasonnew on every platform: a new season is asked to be confirmed, and an empty one is not archived."""

from __future__ import annotations

from bot.quiz.values import Leaderboard, NotAllowed
from bot.refs import ClassRef
from bot.service import RevisionService

CONFIRM_WORDS = frozenset({"yes", "confirm", "y"})


async def season_command(
    service: RevisionService, cls: ClassRef, is_teacher: bool, rest: str, confirm_with: str = "/seasonnew yes"
) -> tuple[str, Leaderboard | None]:
    """(the reply, the archived board when the season was archived). `rest` is what followed the command;
    `confirm_with` how the teacher confirms on this platform."""
    if not is_teacher:
        raise NotAllowed("seasonnew")
    board = await service.leaderboard(cls, None, "season")
    if not any(row.answered for row in board.rows):
        return f"Season {board.season} has no answers yet: there is nothing to archive.", None
    if rest.strip().lower() not in CONFIRM_WORDS:
        students = len(board.rows)
        return (
            f"This archives season {board.season} ({students} student{'s' if students != 1 else ''} on its "
            f"leaderboard) and starts season {board.season + 1}: a fresh leaderboard and report for the whole "
            f"class (/export first keeps this season's report). To go ahead: {confirm_with}",
            None,
        )
    final = await service.season_new(cls, True)
    return (
        f"Season archived; season {final.season + 1} starts now, with a fresh leaderboard and report. "
        f"/leaderboard season {final.season} shows the archived one.",
        final,
    )
