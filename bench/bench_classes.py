"""Many classes, each with its own notes, in one process on one database (bot/classnotes).

    python bench/bench_classes.py [--classes 1000] [--words 5000] [--questions 1000] [--cache-mb 512]
                                  [--uploads 40] [--backend postgresql|sqlite] [--json out.json]

Every class gets its own notes of about `--words` words: sections of the development corpus's Markdown notes
(../shared/corpus/*/*.md) drawn at random per class until the length is reached, so no two classes have the same
notes. `--uploads` of them are added the way a teacher adds them (service.notes_add: read, checked, stored,
built), timed with the first question that follows; the rest are stored directly, as if added earlier or through
another process. Then `--questions` questions go to classes drawn at random, each a few words of one of its
class's own lines; each is a cache hit (the class's notes are built and kept) or a miss (they are read from the
database and built first). The naive baseline in the same run builds the class's notes for every question (no
cache). Memory: the process's resident set after the questions with the cache bound of `--cache-mb`, then with
every class's notes kept (no bound), and the cache's own estimate of its bytes. The lexical path (no sentence
model), as the cache's build cost is the subject here.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.app import bootstrap  # noqa: E402
from bot.classnotes.build import build_class_notes  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.refs import ClassRef, UserRef  # noqa: E402
from bot.storage import notes as store  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
TEACHER = UserRef("bench", "teacher", "Ms T")
NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def sections() -> list[str]:
    """The corpus's Markdown notes cut at their headings: the pieces each class's notes are drawn from."""
    out = []
    for path in sorted(CORPUS.glob("*/*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for part in re.split(r"\n(?=#{1,3} )", text):
            if len(part.split()) >= 30:
                out.append(part.strip())
    if not out:
        raise SystemExit(f"no notes found in {CORPUS}")
    return out


def class_notes(rng: random.Random, pieces: list[str], words: int) -> tuple[bytes, list[str]]:
    """A class's notes of about `words` words, and questions made of words of its lines."""
    chosen, n = [], 0
    while n < words:
        piece = rng.choice(pieces)
        chosen.append(piece)
        n += len(piece.split())
    lines = [ln for p in chosen for ln in p.splitlines() if len(re.findall(r"[A-Za-z]{4,}", ln)) >= 6]
    questions = []
    for line in rng.sample(lines, min(5, len(lines))):
        ws = re.findall(r"[A-Za-z]{4,}", line)
        start = rng.randrange(0, len(ws) - 4)
        questions.append("what about " + " ".join(ws[start : start + 4]))
    return "\n\n".join(chosen).encode("utf-8"), questions


def pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


async def database(backend: str, tmp: Path):  # noqa: ANN201
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp / 'classes.sqlite3'}", None
    from tests.pg import PostgresServer, find_bindir

    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL server binaries (initdb) not found")
    server = PostgresServer(bindir)
    server.start()
    return await server.create_database(f"c{uuid.uuid4().hex[:12]}"), server


async def run(args: argparse.Namespace) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="bench-classes-"))
    url, server = await database(args.backend, tmp)
    try:
        return await measure(args, url)
    finally:
        if server is not None:
            server.stop()


async def measure(args: argparse.Namespace, url: str) -> dict:
    settings = Settings(database_url=url, rate_limit_per_minute=0, notes_cache_mb=args.cache_mb)
    service = await bootstrap(settings, clock=lambda: NOW)
    await service.bank_built()
    library = service.library
    rss_start = rss_mb()
    pieces = sections()
    rng = random.Random(args.seed)
    classes = [ClassRef("bench", f"c{n}") for n in range(args.classes)]
    notes, questions = {}, {}
    for cls in classes:
        notes[cls.key], questions[cls.key] = class_notes(rng, pieces, args.words)

    # Uploads as a teacher makes them, each followed by a student's question.
    upload_ms, first_answer_ms, answered_first = [], [], 0
    for cls in classes[: args.uploads]:
        t0 = time.perf_counter()
        change = await service.notes_add(cls, TEACHER, True, "notes.md", notes[cls.key])
        t1 = time.perf_counter()
        answer = await service.ask(questions[cls.key][0], cls)
        t2 = time.perf_counter()
        assert change.ok, change.problem
        upload_ms.append((t1 - t0) * 1000)
        first_answer_ms.append((t2 - t0) * 1000)
        answered_first += answer.answered
    for cls in classes[args.uploads :]:  # added earlier, or through another process
        await store.save(
            service.sessions, cls.key, "notes.md", notes[cls.key], "0" * 64, {}, "", NOW, replace=False, max_files=30
        )
    await library.refresh()

    # Questions to classes drawn at random: cache hits and misses.
    hit_ms, miss_ms, answered = [], [], 0
    for _ in range(args.questions):
        cls = rng.choice(classes)
        hit = library.cached(cls.key)
        t0 = time.perf_counter()
        answer = await service.ask(rng.choice(questions[cls.key]), cls)
        (hit_ms if hit else miss_ms).append((time.perf_counter() - t0) * 1000)
        answered += answer.answered
    rss_bounded = rss_mb()
    cached_bounded = sum(library.cached(c.key) for c in classes)
    bytes_bounded = library.cached_bytes

    # The naive baseline: the class's notes read and built for every question.
    naive_ms = []
    for _ in range(args.naive):
        cls = rng.choice(classes)
        t0 = time.perf_counter()
        revision, files = await store.files(service.sessions, cls.key)
        built = await asyncio.get_running_loop().run_in_executor(None, build_class_notes, files, settings, revision)
        built.knowledge.index.ask(rng.choice(questions[cls.key]))
        naive_ms.append((time.perf_counter() - t0) * 1000)

    # Every class's notes kept: the memory of the whole school.
    library.max_bytes = 1 << 62
    for cls in classes:
        await library.for_class(cls.key)
    rss_all = rss_mb()
    bytes_all = library.cached_bytes
    await service.close()
    return {
        "classes": args.classes,
        "words": args.words,
        "backend": args.backend,
        "cache_mb": args.cache_mb,
        "rss_start_mb": rss_start,
        "upload_ms_p50": statistics.median(upload_ms) if upload_ms else None,
        "first_answer_ms_p50": statistics.median(first_answer_ms) if first_answer_ms else None,
        "first_answer_ms_p99": pct(first_answer_ms, 0.99),
        "first_answered": f"{answered_first}/{len(first_answer_ms)}",
        "questions": args.questions,
        "answered": answered,
        "hits": len(hit_ms),
        "hit_ms_p50": pct(hit_ms, 0.5),
        "hit_ms_p99": pct(hit_ms, 0.99),
        "misses": len(miss_ms),
        "miss_ms_p50": pct(miss_ms, 0.5),
        "miss_ms_p99": pct(miss_ms, 0.99),
        "naive_ms_p50": pct(naive_ms, 0.5),
        "naive_over_hit_p50": pct(naive_ms, 0.5) / pct(hit_ms, 0.5) if hit_ms else None,
        "rss_bounded_mb": rss_bounded,
        "cached_bounded": cached_bounded,
        "cache_estimate_bounded_mb": bytes_bounded / 1e6,
        "rss_all_cached_mb": rss_all,
        "cache_estimate_all_mb": bytes_all / 1e6,
        "rss_per_class_kb": (rss_all - rss_start) * 1024 / args.classes,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--classes", type=int, default=1000)
    ap.add_argument("--words", type=int, default=5000)
    ap.add_argument("--questions", type=int, default=1000)
    ap.add_argument("--uploads", type=int, default=40)
    ap.add_argument("--naive", type=int, default=40)
    ap.add_argument("--cache-mb", type=int, default=512)
    ap.add_argument("--backend", default="postgresql", choices=("postgresql", "sqlite"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    result = asyncio.run(run(args))
    result["machine"] = f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()}"
    for k, v in result.items():
        print(f"{k:28} {v:.1f}" if isinstance(v, float) else f"{k:28} {v}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
