"""One bot process of several sharing a database; tests/test_multiprocess.py drives it through stdin.

    python tests/procs/quiz_worker.py URL ISO_TIME NAME [--classes 2] [--students 40] [--wrong]

Prints {"ready": ...} once the service is up, then runs one command per stdin line and ends each with
{"done": "<command>"}. Commands (every process gets the same one at about the same moment):

  daily   every student asks for the daily quiz (all at once); prints {"quiz": class, "daily_id", "ids"}
          per class and {"daily": user, "class", "ref"} per student
  answer  every student submits its 5 answers in order (all students at once); prints
          {"answer": user, "daily_id", "position", "recorded", "already", "points"} per answer
  due     prints {"due": [class keys]} from classes_due(platform)
  claim N claim_daily_post for every class, N rounds; prints {"claim": class, "round", "won"}
  quit

Answers are right, or wrong with --wrong, so which process recorded an answer shows in the points.
Anything unexpected is printed as {"error": "..."} and the process carries on.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import traceback
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.app import bootstrap  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.refs import ClassRef, UserRef  # noqa: E402
from tests.procs.common import emit, given_for  # noqa: E402

PLATFORM = "mp"


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("now")
    ap.add_argument("name")
    ap.add_argument("--classes", type=int, default=2)
    ap.add_argument("--students", type=int, default=40)
    ap.add_argument("--wrong", action="store_true")
    args = ap.parse_args()
    now = datetime.fromisoformat(args.now)
    service = await bootstrap(Settings(database_url=args.url, rate_limit_per_minute=0), clock=lambda: now)
    classes = [ClassRef(PLATFORM, f"class{c}") for c in range(args.classes)]
    students = [(classes[n % args.classes], UserRef(PLATFORM, f"s{n}", f"Student {n}")) for n in range(args.students)]
    daily_ids: dict[str, int] = {}
    questions: dict[str, list] = {}  # class key -> today's questions, in order
    emit({"ready": args.name})

    async def guarded(coro) -> None:  # noqa: ANN001
        try:
            await coro
        except Exception:  # noqa: BLE001 - reported to the test, which fails on it
            emit({"error": traceback.format_exc()})

    async def daily(cls: ClassRef, user: UserRef) -> None:
        status = await service.daily(cls, user)
        ref = status.next.ref if status.next else None
        if ref:
            daily_ids[cls.key] = int(ref.split(":")[1])
        emit({"daily": user.user_id, "class": cls.key, "ref": ref, "answered": status.answered})

    async def answers(cls: ClassRef, user: UserRef) -> None:
        did = daily_ids[cls.key]
        for position in range(5):
            ref = f"d:{did}:{position}"
            question = questions[cls.key][position]
            res = await service.answer(cls, user, ref, given_for(question, right=not args.wrong))
            if res.problem:
                emit({"error": f"{user.user_id} {ref}: {res.problem}"})
                continue
            emit(
                {
                    "answer": user.user_id,
                    "daily_id": did,
                    "position": position,
                    "recorded": not res.already,
                    "already": res.already,
                    "points": res.points,
                }
            )

    async def claims(rounds: int) -> None:
        for r in range(rounds):
            won = await asyncio.gather(*(service.claim_daily_post(cls) for cls in classes))
            for cls, status in zip(classes, won):
                emit({"claim": cls.key, "round": r, "won": status is not None})

    loop = asyncio.get_running_loop()
    try:
        while True:
            line = (await loop.run_in_executor(None, sys.stdin.readline)).strip()
            if not line or line == "quit":
                break
            cmd, *rest = line.split()
            if cmd == "daily":
                await asyncio.gather(*(guarded(daily(c, u)) for c, u in students))
                for cls in classes:
                    did = daily_ids.get(cls.key)
                    questions[cls.key] = [await service.question_for(f"d:{did}:{p}") for p in range(5)] if did else []
                    emit({"quiz": cls.key, "daily_id": did, "ids": [q.id for q in questions[cls.key]]})
            elif cmd == "answer":
                await asyncio.gather(*(guarded(answers(c, u)) for c, u in students))
            elif cmd == "due":
                due = await service.classes_due(PLATFORM)
                emit({"due": sorted(c.key for c, _settings in due)})
            elif cmd == "claim":
                await guarded(claims(int(rest[0]) if rest else 1))
            else:
                emit({"error": f"unknown command {line!r}"})
            emit({"done": cmd})
    finally:
        await service.close()


if __name__ == "__main__":
    asyncio.run(main())
