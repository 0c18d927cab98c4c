"""A bot process answering daily quizzes as fast as it can; the fault tests kill it with SIGKILL.

    python tests/procs/answer_burst.py URL ISO_TIME [--students 2000] [--classes 4] [--concurrency 100]

Prints one JSON line per ACKNOWLEDGED answer, after `service.answer()` returned it as recorded (flushed at
once): {"daily_id": 1, "user": "s12", "position": 3, "correct": true, "given": "..."}. Answers alternate
right and wrong by student. Anything unexpected is printed as {"error": "..."}.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.app import bootstrap  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.refs import ClassRef, UserRef  # noqa: E402
from tests.procs.common import emit, given_for  # noqa: E402

PLATFORM = "burst"


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("now")
    ap.add_argument("--students", type=int, default=2000)
    ap.add_argument("--classes", type=int, default=4)
    ap.add_argument("--concurrency", type=int, default=100)
    args = ap.parse_args()
    now = datetime.fromisoformat(args.now)
    service = await bootstrap(Settings(database_url=args.url, rate_limit_per_minute=0), clock=lambda: now)
    emit({"ready": True})
    sem = asyncio.Semaphore(args.concurrency)

    async def student(n: int) -> None:
        cls = ClassRef(PLATFORM, f"c{n % args.classes}")
        user = UserRef(PLATFORM, f"s{n}", f"Student {n}")
        async with sem:
            prompt = (await service.daily(cls, user)).next
            while prompt is not None:
                given = given_for(prompt.question, right=n % 2 == 0)
                res = await service.answer(cls, user, prompt.ref, given)
                if res.problem or res.already:
                    emit({"error": f"unexpected result for {user.user_id} {prompt.ref}: {res!r}"})
                    return
                _, daily_id, position = prompt.ref.split(":")
                emit(
                    {
                        "daily_id": int(daily_id),
                        "user": user.user_id,
                        "position": int(position),
                        "correct": res.correct,
                        "given": given,
                    }
                )
                prompt = res.next

    try:
        await asyncio.gather(*(student(n) for n in range(args.students)))
        emit({"done": True})
    finally:
        await service.close()


if __name__ == "__main__":
    asyncio.run(main())
