"""One bot process of several sharing a database, for the class notes; tests/test_multiprocess_notes.py drives it.

    python tests/procs/notes_worker.py URL NAME

Prints {"ready": NAME} once the service is up, then runs one command per stdin line:

  add CLASS PATH        the teacher adds the file at PATH to CLASS; prints {"added": name, "facts", "problem"}
  remove CLASS NAME     prints {"removed": name, "problem"}
  ask CLASS QUESTION    prints {"asked": question, "answered", "source"}
  quit

Anything unexpected is printed as {"error": "..."} and the process carries on.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.app import bootstrap  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.refs import ClassRef, UserRef  # noqa: E402
from tests.procs.common import emit  # noqa: E402

TEACHER = UserRef("mp", "teacher", "Ms T")


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("name")
    args = ap.parse_args()
    service = await bootstrap(Settings(database_url=args.url, rate_limit_per_minute=0))
    await service.bank_built()
    emit({"ready": args.name})
    loop = asyncio.get_running_loop()
    try:
        while line := (await loop.run_in_executor(None, sys.stdin.readline)).strip():
            command, _, rest = line.partition(" ")
            if command == "quit":
                break
            try:
                key, _, arg = rest.partition(" ")
                cls = ClassRef("mp", key)
                if command == "add":
                    path = Path(arg)
                    change = await service.notes_add(cls, TEACHER, True, path.name, path.read_bytes())
                    emit(
                        {
                            "added": change.name,
                            "facts": change.note.facts if change.note else 0,
                            "problem": change.problem,
                        }
                    )
                elif command == "remove":
                    change = await service.notes_remove(cls, TEACHER, True, arg)
                    emit({"removed": change.name, "problem": change.problem})
                elif command == "ask":
                    answer = await service.ask(arg, cls)
                    source = answer.hits[0].snippet.source if answer.answered else ""
                    emit({"asked": arg, "answered": answer.answered, "source": source})
                else:
                    emit({"error": f"unknown command {command!r}"})
            except Exception:  # noqa: BLE001 - reported to the test, which fails on it
                emit({"error": traceback.format_exc()})
    finally:
        await service.close()


if __name__ == "__main__":
    asyncio.run(main())
