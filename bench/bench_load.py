"""Load benchmark of the daily class quiz: 300 students in 10 classes answer 5 questions each.

    python bench/bench_load.py [--reps 3] [--backends sqlite,postgresql] [--json out.json] [--breakdown]

Workload (deterministic per repetition, --seed): 10 classes of 30 students; each student first asks for
the daily quiz (`service.daily`, not timed: it creates the student and the class's quiz), then submits its
5 answers (about 70% right). 10% of the 1,500 answers (exactly 150) are submitted twice: the second
submission of the same question comes right after the first, half of the time with a different answer;
it must be reported `already` and score nothing. 1,650 submissions in all.

Scenarios, each on a fresh database (a temp SQLite file, or a new database on a throwaway PostgreSQL
server started from the local binaries by tests.pg.PostgresServer, fsync=off):

  * saturation: all 300 students at once, each a coroutine submitting its answers in order and waiting
    for each reply -> recorded answers per second (1,500 / wall time of the whole burst);
  * open loop at 300/s, 600/s and 1,500/s: submissions arrive as a Poisson process (seeded), each one taken by a
    random student who still has answers to give and is not waiting for a reply (when all of them are
    waiting, near the end, one of them sends its next answer anyway, as a fast double tap would) -> p50/p99
    latency per submission, measured from its scheduled arrival time (so a stalled server is charged for
    the arrivals it delays) to the reply;
  * afterwards, exact counts read from the database: rows in daily_answers == 1500, every duplicate
    reported `already` (recorded 0 times), sum(points) == the points of the non-duplicate results,
    daily_completions == 300 -> OK/FAIL.

The same scenarios run against a naive baseline in the same run: one ORM session per answer (look up the
class, the student and the quiz, check for an earlier answer, insert, add the completion after the last
one, commit), retrying "database is locked" as any real implementation must. It does less work than the
service (no review card), so the ratio shown is conservative. Its check-then-insert is racy as such code
is: two answers of one student in flight at once each count 4 of 5 and neither adds the completion (the
counts column shows it when it happens).

Everything (clients and service) runs in one event loop in one process, as the bot does. Medians over
--reps repetitions are printed as a markdown table, with PASS/FAIL against the targets. --breakdown adds
one instrumented saturation run per backend: process CPU, CPU spent marking answers (on the event loop),
in the writer's transactions, and the CPU cost of one repeated submission.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import math
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.exc import IntegrityError, OperationalError  # noqa: E402

from bot.app import bootstrap, load_bank, load_knowledge  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.refs import ClassRef, UserRef  # noqa: E402
from bot.storage.models import DailyAnswer, DailyCompletion, DailyQuiz, SchoolClass, Student  # noqa: E402

N_CLASSES = 10
PER_CLASS = 30
N_STUDENTS = N_CLASSES * PER_CLASS
N_QUESTIONS = 5
DUP_SHARE = 0.10
P_RIGHT = 0.7
RATES = (300, 600, 1500)
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

THROUGHPUT_TARGET = {"sqlite": 1500.0, "postgresql": 3000.0}  # recorded answers/s at saturation, for the service
P99_TARGET_MS = 50.0  # for the service, at each offered load up to the backend's below
P99_UP_TO = {"sqlite": 600, "postgresql": 1500}


# --- the workload ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Submission:
    student: int
    position: int
    right: bool  # answer with the right answer (else a wrong one)
    duplicate: bool  # the second submission of this question


@dataclass(slots=True)
class Plan:
    per_student: list[list[Submission]]

    @property
    def submissions(self) -> int:
        return sum(len(s) for s in self.per_student)

    @property
    def duplicates(self) -> int:
        return sum(sub.duplicate for s in self.per_student for sub in s)


def make_plan(seed: int) -> Plan:
    rng = random.Random(seed)
    keys = [(s, p) for s in range(N_STUDENTS) for p in range(N_QUESTIONS)]
    dups = set(rng.sample(keys, round(len(keys) * DUP_SHARE)))
    per_student: list[list[Submission]] = []
    for s in range(N_STUDENTS):
        subs = []
        for p in range(N_QUESTIONS):
            right = rng.random() < P_RIGHT
            subs.append(Submission(s, p, right, False))
            if (s, p) in dups:
                same = rng.random() < 0.5
                subs.append(Submission(s, p, right if same else not right, True))
        per_student.append(subs)
    return Plan(per_student)


def class_of(student: int) -> ClassRef:
    return ClassRef("bench", f"class{student // PER_CLASS}")


def user_of(student: int) -> UserRef:
    return UserRef("bench", f"s{student}", f"Student {student}")


def right_answer(q) -> str:  # noqa: ANN001
    return q.answer


def wrong_answer(q) -> str:  # noqa: ANN001
    if q.options:
        return next(o for o in q.options if o != q.answer)
    return "zzzz"


@dataclass(slots=True)
class Outcome:
    recorded: bool
    already: bool
    points: int


@dataclass
class World:
    """A service on a fresh database with every student's daily quiz asked for."""

    service: object
    daily_ids: dict[int, int] = field(default_factory=dict)  # class number -> daily quiz id
    questions: dict[int, list] = field(default_factory=dict)  # class number -> its 5 questions

    def ref(self, sub: Submission) -> str:
        return f"d:{self.daily_ids[sub.student // PER_CLASS]}:{sub.position}"

    def given(self, sub: Submission) -> str:
        q = self.questions[sub.student // PER_CLASS][sub.position]
        return right_answer(q) if sub.right else wrong_answer(q)


# --- the two implementations -------------------------------------------------------------------------


async def service_answer(world: World, sub: Submission) -> Outcome:
    res = await world.service.answer(class_of(sub.student), user_of(sub.student), world.ref(sub), world.given(sub))
    if res.problem:
        raise RuntimeError(f"answer refused: {res.problem}")
    return Outcome(not res.already, res.already, res.points)


async def naive_answer(world: World, sub: Submission) -> Outcome:
    """One transaction per answer with the ORM: look up, check, insert, commit."""
    svc = world.service
    cls, user = class_of(sub.student), user_of(sub.student)
    daily_id, position, given = world.daily_ids[sub.student // PER_CLASS], sub.position, world.given(sub)
    for attempt in range(20):
        try:
            async with svc.sessions() as s:
                klass = (await s.execute(select(SchoolClass).where(SchoolClass.key == cls.key))).scalar_one()
                student = (
                    await s.execute(
                        select(Student).where(Student.platform == user.platform, Student.user_id == user.user_id)
                    )
                ).scalar_one()
                quiz = await s.get(DailyQuiz, daily_id)
                ids = json.loads(quiz.question_ids)
                question = svc.bank.get(ids[position])
                earlier = (
                    await s.execute(
                        select(DailyAnswer.id).where(
                            DailyAnswer.daily_id == daily_id,
                            DailyAnswer.student_id == student.id,
                            DailyAnswer.position == position,
                        )
                    )
                ).first()
                if earlier is not None:
                    return Outcome(False, True, 0)
                marking = svc.quiz.mark(question, given)
                points = 1 if marking.correct else 0
                s.add(
                    DailyAnswer(
                        daily_id=daily_id,
                        class_id=klass.id,
                        student_id=student.id,
                        position=position,
                        question_id=question.id,
                        topic=question.topic[:200],
                        given=given[:200],
                        correct=marking.correct,
                        points=points,
                        season=klass.season,
                        day=quiz.day,
                        answered_at=NOW,
                    )
                )
                await s.flush()
                done = (
                    await s.execute(
                        select(func.count()).where(
                            DailyAnswer.daily_id == daily_id, DailyAnswer.student_id == student.id
                        )
                    )
                ).scalar_one()
                if done >= len(ids):
                    s.add(DailyCompletion(class_id=klass.id, student_id=student.id, day=quiz.day))
                await s.commit()
                return Outcome(True, False, points)
        except IntegrityError:  # a concurrent submission of the same answer won
            return Outcome(False, True, 0)
        except OperationalError:  # database is locked: back off and retry
            await asyncio.sleep(0.01 * (attempt + 1))
    raise RuntimeError("naive: the database stayed locked")


IMPLS = {"service": service_answer, "naive": naive_answer}


# --- databases -----------------------------------------------------------------------------------------


class Databases:
    def __init__(self, backend: str, tmp: Path):
        self.backend = backend
        self.tmp = tmp
        self.server = None

    def start(self) -> str | None:
        """None when usable, else the reason to skip the backend."""
        if self.backend == "sqlite":
            return None
        if self.backend != "postgresql":
            return f"unknown backend {self.backend!r}"
        try:
            import asyncpg  # noqa: F401
        except ImportError:
            return "asyncpg is not installed"
        from tests.pg import PostgresServer, find_bindir

        bindir = find_bindir()
        if bindir is None:
            return "PostgreSQL server binaries (initdb) not found"
        self.server = PostgresServer(bindir)
        try:
            self.server.start()
        except Exception as exc:  # noqa: BLE001
            self.server = None
            return f"could not start PostgreSQL: {exc}"
        return None

    async def fresh(self) -> str:
        name = f"b{uuid.uuid4().hex[:12]}"
        if self.backend == "sqlite":
            return f"sqlite+aiosqlite:///{self.tmp / (name + '.sqlite3')}"
        return await self.server.create_database(name)

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()


async def build_world(url: str, knowledge, bank) -> World:  # noqa: ANN001
    settings = Settings(database_url=url, rate_limit_per_minute=0, daily_questions=N_QUESTIONS)
    service = await bootstrap(settings, clock=lambda: NOW, knowledge=knowledge, bank=bank)
    world = World(service)
    sem = asyncio.Semaphore(20)

    async def ask(student: int) -> None:
        async with sem:
            status = await service.daily(class_of(student), user_of(student))
        world.daily_ids.setdefault(student // PER_CLASS, int(status.next.ref.split(":")[1]))

    for c in range(N_CLASSES):  # the first student of each class creates the class and its quiz
        await ask(c * PER_CLASS)
    await asyncio.gather(*(ask(s) for s in range(N_STUDENTS) if s % PER_CLASS))
    for c, did in world.daily_ids.items():
        world.questions[c] = [await service.question_for(f"d:{did}:{p}") for p in range(N_QUESTIONS)]
    return world


# --- the scenarios ---------------------------------------------------------------------------------------


async def saturation(world: World, plan: Plan, impl) -> tuple[float, list[tuple[Submission, Outcome]]]:  # noqa: ANN001
    results: list[tuple[Submission, Outcome]] = []

    async def student(subs: list[Submission]) -> None:
        for sub in subs:
            results.append((sub, await impl(world, sub)))

    t0 = time.perf_counter()
    await asyncio.gather(*(student(subs) for subs in plan.per_student))
    return time.perf_counter() - t0, results


async def open_loop(
    world: World,
    plan: Plan,
    impl,  # noqa: ANN001
    rate: float,
    seed: int,
) -> tuple[float, list[float], list[tuple[Submission, Outcome]]]:
    rng = random.Random(seed)
    n = plan.submissions
    arrivals, t = [], 0.0
    for _ in range(n):
        t += rng.expovariate(rate)
        arrivals.append(t)
    queues = [list(reversed(subs)) for subs in plan.per_student]  # pop() gives the next one
    waiting = set(range(N_STUDENTS))  # has answers left
    busy: set[int] = set()
    latencies: list[float] = []
    results: list[tuple[Submission, Outcome]] = []
    tasks = []

    async def one(student: int, sub: Submission, due: float) -> None:
        busy.add(student)
        try:
            out = await impl(world, sub)
        finally:
            busy.discard(student)
        latencies.append(time.perf_counter() - due)
        results.append((sub, out))

    loop_t0 = time.perf_counter()
    for at in arrivals:
        due = loop_t0 + at
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        free = [s for s in waiting if s not in busy] or list(waiting)
        student = rng.choice(sorted(free))
        sub = queues[student].pop()
        if not queues[student]:
            waiting.discard(student)
        busy.add(student)
        tasks.append(asyncio.create_task(one(student, sub, due)))
    await asyncio.gather(*tasks)
    return time.perf_counter() - loop_t0, latencies, results


async def check_counts(world: World, plan: Plan, results: list[tuple[Submission, Outcome]]) -> dict:
    async with world.service.sessions() as s:
        rows = (await s.execute(select(func.count()).select_from(DailyAnswer))).scalar_one()
        keys = (
            await s.execute(
                select(func.count()).select_from(
                    select(DailyAnswer.daily_id, DailyAnswer.student_id, DailyAnswer.position).distinct().subquery()
                )
            )
        ).scalar_one()
        points = (await s.execute(select(func.coalesce(func.sum(DailyAnswer.points), 0)))).scalar_one()
        completions = (await s.execute(select(func.count()).select_from(DailyCompletion))).scalar_one()
    recorded = sum(o.recorded for _, o in results)
    already = sum(o.already for _, o in results)
    result_points = sum(o.points for _, o in results if not o.already)
    expected = N_STUDENTS * N_QUESTIONS
    checks = {
        "rows": rows == expected and keys == expected,
        "duplicates_recorded_0": recorded == expected and already == plan.duplicates == len(results) - expected,
        "points": int(points) == result_points,
        "completions": completions == N_STUDENTS,
    }
    return {
        "rows": rows,
        "distinct_keys": keys,
        "recorded_results": recorded,
        "already_results": already,
        "duplicates_planned": plan.duplicates,
        "db_points": int(points),
        "result_points": result_points,
        "completions": completions,
        "ok": all(checks.values()),
        "checks": checks,
    }


def collect_garbage() -> None:
    """Collect, before the clock starts, what the earlier scenarios left (their services, engines and results):
    a bot runs one service for its whole life, so their collection is no part of its answers' latency."""
    gc.collect()


def pct(values: list[float], q: float) -> float:
    xs = sorted(values)
    return xs[max(0, math.ceil(q * len(xs)) - 1)]


async def run_scenario(dbs: Databases, knowledge, bank, impl_name: str, mode: str, seed: int) -> dict:  # noqa: ANN001
    plan = make_plan(seed)
    world = await build_world(await dbs.fresh(), knowledge, bank)
    impl = IMPLS[impl_name]
    collect_garbage()
    try:
        if mode == "saturation":
            elapsed, results = await saturation(world, plan, impl)
            out = {
                "elapsed_s": elapsed,
                "recorded_per_s": N_STUDENTS * N_QUESTIONS / elapsed,
                "submissions_per_s": plan.submissions / elapsed,
            }
        else:
            rate = float(mode.split("@")[1])
            elapsed, lat, results = await open_loop(world, plan, impl, rate, seed + 1)
            out = {
                "offered_per_s": rate,
                "elapsed_s": elapsed,
                "achieved_per_s": plan.submissions / elapsed,
                "p50_ms": pct(lat, 0.50) * 1000,
                "p99_ms": pct(lat, 0.99) * 1000,
                "max_ms": max(lat) * 1000,
            }
        out["counts"] = await check_counts(world, plan, results)
    finally:
        await world.service.close()
    return out


async def breakdown(dbs: Databases, knowledge, bank, seed: int) -> dict:  # noqa: ANN001
    """One more saturation run of the service, instrumented: where the CPU goes (a profiling aid).

    Wraps the engine's marking and the writer's transaction (instance attributes, this run only), then
    times 50 repeated submissions one by one (the `already` path) on the same database."""
    plan = make_plan(seed)
    world = await build_world(await dbs.fresh(), knowledge, bank)
    quiz = world.service.quiz
    writer = quiz.writer
    acc = {"mark_cpu_s": 0.0, "writer_thread_cpu_s": 0.0, "writer_busy_s": 0.0, "batches": 0}
    real_mark, real_transact, real_sync = quiz.mark, writer._transact, writer._transact_sync

    def mark(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        t = time.thread_time()
        try:
            return real_mark(*args, **kwargs)
        finally:
            acc["mark_cpu_s"] += time.thread_time() - t

    def transact_sync(items):  # noqa: ANN001, ANN202 - runs in the writer's worker thread (SQLite)
        t = time.thread_time()
        try:
            return real_sync(items)
        finally:
            acc["writer_thread_cpu_s"] += time.thread_time() - t

    async def transact(items):  # noqa: ANN001, ANN202
        t = time.perf_counter()
        try:
            return await real_transact(items)
        finally:
            acc["writer_busy_s"] += time.perf_counter() - t
            acc["batches"] += 1

    quiz.mark, writer._transact_sync, writer._transact = mark, transact_sync, transact
    collect_garbage()
    try:
        cpu0 = time.process_time()
        elapsed, _results = await saturation(world, plan, service_answer)
        acc["process_cpu_s"] = time.process_time() - cpu0
        acc["elapsed_s"] = elapsed
        acc["recorded_per_s"] = N_STUDENTS * N_QUESTIONS / elapsed
        repeats = [sub for subs in plan.per_student for sub in subs if not sub.duplicate][:50]
        cpu0 = time.process_time()
        for sub in repeats:
            await service_answer(world, sub)
        acc["repeat_cpu_ms_each"] = (time.process_time() - cpu0) / len(repeats) * 1000
    finally:
        await world.service.close()
    return acc


def print_breakdown(backend: str, b: dict) -> None:
    print(
        f"breakdown {backend}: saturation {b['recorded_per_s']:,.0f} recorded/s, wall {b['elapsed_s']:.2f} s,"
        f" process CPU {b['process_cpu_s']:.2f} s, of which marking {b['mark_cpu_s']:.2f} s (event loop)"
        + (f", writer thread {b['writer_thread_cpu_s']:.2f} s" if b["writer_thread_cpu_s"] else "")
        + f"; writer busy {b['writer_busy_s']:.2f} s of the wall in {b['batches']} transactions;"
        f" a repeated answer (`already`) costs {b['repeat_cpu_ms_each']:.1f} ms CPU",
        flush=True,
    )


# --- the report ------------------------------------------------------------------------------------------


def modes() -> list[str]:
    return ["saturation", *(f"open@{r}" for r in RATES)]


def median_of(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def summarise(raw: dict) -> dict:
    """raw[backend][impl][mode] = list of per-repetition dicts -> medians."""
    out: dict = {}
    for backend, impls in raw.items():
        out[backend] = {}
        for impl, ms in impls.items():
            row: dict = {}
            sat = ms["saturation"]
            row["recorded_per_s"] = median_of(sat, "recorded_per_s")
            for r in RATES:
                runs = ms[f"open@{r}"]
                row[f"p50_ms@{r}"] = median_of(runs, "p50_ms")
                row[f"p99_ms@{r}"] = median_of(runs, "p99_ms")
                row[f"achieved@{r}"] = median_of(runs, "achieved_per_s")
            row["counts_ok"] = all(run["counts"]["ok"] for m in ms.values() for run in m)
            row["counts_failed"] = sorted(
                {
                    f"{mode}: {name}"
                    + (f" {run['counts']['completions']}/{N_STUDENTS}" if name == "completions" else "")
                    for mode, m in ms.items()
                    for run in m
                    for name, ok in run["counts"]["checks"].items()
                    if not ok
                }
            )
            row["runs"] = sum(len(m) for m in ms.values())
            out[backend][impl] = row
    return out


def verdicts(summary: dict) -> list[tuple[str, bool]]:
    lines = []
    for backend, impls in summary.items():
        svc = impls.get("service")
        if svc is None:
            continue
        target = THROUGHPUT_TARGET.get(backend)
        if target is not None:
            lines.append(
                (
                    f"{backend}: >= {target:,.0f} recorded answers/s (got {svc['recorded_per_s']:,.0f})",
                    svc["recorded_per_s"] >= target,
                )
            )
        for r in (r for r in RATES if r <= P99_UP_TO.get(backend, 0)):
            p99 = svc[f"p99_ms@{r}"]
            lines.append(
                (f"{backend}: p99 <= {P99_TARGET_MS:.0f} ms at {r} answers/s (got {p99:.1f} ms)", p99 <= P99_TARGET_MS)
            )
        lines.append((f"{backend}: exact counts in all {svc['runs']} runs", svc["counts_ok"]))
    return lines


def table(summary: dict, reps: int) -> str:
    head = ["backend", "implementation", "saturation: recorded answers/s"]
    for r in RATES:
        head += [f"p50 @ {r}/s (ms)", f"p99 @ {r}/s (ms)"]
    head.append("counts")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for backend, impls in summary.items():
        for impl, row in impls.items():
            cells = [backend, impl, f"{row['recorded_per_s']:,.0f}"]
            for r in RATES:
                lat = f"{row[f'p50_ms@{r}']:.1f}", f"{row[f'p99_ms@{r}']:.1f}"
                if row[f"achieved@{r}"] < 0.9 * r:  # could not keep up: the queue grew for the whole run
                    lat = (lat[0] + " (behind)", lat[1] + " (behind)")
                cells += list(lat)
            cells.append("OK" if row["counts_ok"] else "FAIL (" + "; ".join(row["counts_failed"]) + ")")
            lines.append("| " + " | ".join(cells) + " |")
        if "service" in impls and "naive" in impls:
            s, n = impls["service"], impls["naive"]
            cells = [backend, "ratio service/naive", f"{s['recorded_per_s'] / n['recorded_per_s']:.1f}x"]
            for r in RATES:
                cells += [
                    f"{n[f'p50_ms@{r}'] / s[f'p50_ms@{r}']:.1f}x lower",
                    f"{n[f'p99_ms@{r}'] / s[f'p99_ms@{r}']:.1f}x lower",
                ]
            cells.append("")
            lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        f"Medians over {reps} repetition(s); 1,500 answers + 150 duplicates per run, fresh database each run;"
        " (behind): the implementation could not keep up with the offered load (achieved < 90% of it)."
    )
    return "\n".join(lines)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def load_average() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


async def main_async(args: argparse.Namespace) -> int:
    impls = [i.strip() for i in args.impls.split(",") if i.strip()]
    print(f"{os.cpu_count()} x {cpu_model()}; load average (1/5/15 min) at the start: {load_average()}", flush=True)
    knowledge = load_knowledge(Settings())
    bank = load_bank(knowledge)
    raw: dict = {}
    skipped: dict[str, str] = {}
    breakdowns: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="revisionbot-load-") as tmp:
        for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
            dbs = Databases(backend, Path(tmp))
            reason = dbs.start()
            if reason:
                print(f"skipping {backend}: {reason}", flush=True)
                skipped[backend] = reason
                continue
            try:
                raw[backend] = {impl: {m: [] for m in modes()} for impl in impls}
                for rep in range(args.reps):
                    for impl in impls:
                        for mode in modes():
                            seed = args.seed + rep
                            res = await run_scenario(dbs, knowledge, bank, impl, mode, seed)
                            raw[backend][impl][mode].append(res)
                            detail = (
                                f"{res['recorded_per_s']:,.0f} recorded/s"
                                if mode == "saturation"
                                else f"p50 {res['p50_ms']:.1f} ms p99 {res['p99_ms']:.1f} ms"
                                f" (achieved {res['achieved_per_s']:.0f}/s)"
                            )
                            c = res["counts"]
                            counts = (
                                "OK" if c["ok"] else "FAIL " + ", ".join(k for k, v in c["checks"].items() if not v)
                            )
                            print(
                                f"  rep {rep + 1} {backend:10} {impl:7} {mode:10} {detail}  counts {counts}", flush=True
                            )
                if args.breakdown:
                    b = await breakdown(dbs, knowledge, bank, args.seed)
                    breakdowns[backend] = b
                    print_breakdown(backend, b)
            finally:
                dbs.stop()
    summary = summarise(raw)
    print(f"\nload average (1/5/15 min) at the end: {load_average()}")
    print(table(summary, args.reps))
    print()
    results = verdicts(summary)
    for text, ok in results:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    if args.json:
        doc = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "python": sys.version.split()[0],
            "machine": platform.platform(),
            "cpu": f"{os.cpu_count()} x {cpu_model()}",
            "reps": args.reps,
            "skipped": skipped,
            "summary": summary,
            "breakdown": breakdowns,
            "verdicts": [{"target": t, "pass": ok} for t, ok in results],
            "raw": raw,
        }
        Path(args.json).write_text(json.dumps(doc, indent=2, default=str))
    return 0 if all(ok for _, ok in results) else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--impls", default="service,naive", help="service, naive or both (the baseline)")
    ap.add_argument("--json", default="")
    ap.add_argument("--seed", type=int, default=20261124)
    ap.add_argument("--breakdown", action="store_true", help="one more, instrumented run: where the CPU goes")
    args = ap.parse_args()
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
