"""The `revisionbot` command: ask, chat, run, mark, questions, notes, db."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence

from adapters.console.answer import render_answer
from bot.config import ConfigError, Settings
from bot.config import check as check_settings
from bot.knowledge.base import Knowledge
from bot.knowledge.lexicon import save_lemma_cache

# The database and quiz stack (SQLAlchemy, Alembic) is imported only by the commands that use it: `ask`
# and `mark` start in a fraction of the time.

log = logging.getLogger("revisionbot")


def _answer_json(answer, top: int) -> dict:  # noqa: ANN001
    return {
        "question": answer.question,
        "answered": answer.answered,
        "confidence": round(answer.confidence, 3),
        "answers": [
            {"text": h.snippet.text, "topic": h.snippet.where, "source": h.snippet.source, "score": h.score}
            for h in answer.hits[:top]
        ],
        **({"suggestions": list(answer.suggestions)} if answer.suggestions else {}),
    }


def load_knowledge(settings: Settings, paraphrase: bool = False) -> Knowledge:
    return Knowledge.load_and_report(settings.knowledge_dir, paraphrase, settings.cache_dir)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    knowledge = load_knowledge(settings, paraphrase=settings.paraphrase)
    index = knowledge.index
    top = max(1, min(args.top, 10))
    if args.question == ["-"] or (not args.question and args.json):
        questions: Sequence[str] = (line.rstrip("\n") for line in sys.stdin)
    else:
        questions = [" ".join(args.question)]
    for q in questions:
        answer = index.ask(q, top=top)
        if args.json:
            print(json.dumps(_answer_json(answer, top), ensure_ascii=False), flush=True)
        else:
            print(render_answer(answer))
    if index.paraphrases is not None:  # the vectors made for these questions serve the next run too
        index.paraphrases.cache.flush()
    save_lemma_cache()  # and the lemmas of their words
    return 0


async def _chat(settings: Settings, args: argparse.Namespace) -> int:
    from adapters.console.repl import run_console
    from bot.app import bootstrap
    from bot.storage.db import DatabaseError

    try:
        service = await bootstrap(settings)
    except DatabaseError as exc:
        print(f"revisionbot: {exc}", file=sys.stderr)
        return 2
    try:
        await run_console(service, name=args.name, class_name=args.class_name, is_teacher=args.teacher)
    finally:
        await service.close()
    return 0


def cmd_notes(args: argparse.Namespace, settings: Settings) -> int:
    """What each note gave (facts, topics, what was left out), or how one file was split."""
    from pathlib import Path

    from bot.knowledge.ingest import display_name, read_note
    from bot.knowledge.ingest import load_knowledge as read_folder
    from bot.knowledge.model import plural

    folder = Path(settings.knowledge_dir)
    if not args.file:
        kb = read_folder(folder)
        if not kb.reports:
            print(f"No notes in {folder}." if folder.is_dir() else f"The notes folder {folder} does not exist.")
            return 1
        read = sum(not r.error for r in kb.reports)
        print(f"Notes in {folder}: {plural(len(kb.snippets), 'fact')} from {plural(read, 'file')}")
        for r in kb.reports:
            print(f"  {r.line}")
        return 0
    path = Path(args.file)
    if not path.exists() and (folder / args.file).exists():
        path = folder / args.file
    if not path.is_file():
        print(f"No such note: {args.file}", file=sys.stderr)
        return 1
    snippets, report = read_note(path, display_name(path, folder))
    print(report.line)
    topic = None
    for s in snippets:
        if s.topic != topic:
            topic = s.topic
            print(f"\n{s.where}")
        print(f"  - {s.text}")
    return 0 if not report.error else 1


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    return asyncio.run(_chat(settings, args))


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from adapters.runner import run_configured

    return asyncio.run(run_configured(settings, args))


def cmd_mark(args: argparse.Namespace, settings: Settings) -> int:
    from dataclasses import replace

    from bot.app import marking_context
    from bot.quiz.marking import judge
    from bot.quiz.marking.lists import asked_count

    context = marking_context(load_knowledge(settings), settings)
    if args.json:
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                asked = asked_count(str(item.get("question", "")))
                v = judge(
                    str(item.get("expected", "")),
                    str(item.get("given", "")),
                    context=replace(context, asked=asked) if asked else context,
                )
                row = {"correct": v.correct, "close": v.verdict == "close", "verdict": v.verdict, "reason": v.why}
            except (json.JSONDecodeError, AttributeError) as exc:
                row = {"correct": False, "close": False, "error": f"not a JSON object: {exc}"}
            print(json.dumps(row, ensure_ascii=False), flush=True)
        return 0
    if len(args.pair) != 2:
        print("usage: revisionbot mark EXPECTED GIVEN  (or --json - to read JSON lines)", file=sys.stderr)
        return 2
    asked = asked_count(args.question or "")
    v = judge(*args.pair, context=replace(context, asked=asked) if asked else context)
    why = f"the same answer as {args.pair[0].strip()}" if v.why == "correct" else v.why
    print(f"{v.verdict}: {why}" if why else v.verdict)  # "right: 2500 metres = 2.5 km"
    return 0


def cmd_questions(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import load_bank
    from bot.quiz.model import Question

    bank = load_bank(load_knowledge(settings))
    questions = bank.for_topic(args.topic)
    if args.json:  # one JSON object per line, for review tools
        for error in bank.errors:
            print(json.dumps({"problem": error}, ensure_ascii=False))
        for q in questions:
            row = {f: getattr(q, f) for f in Question.__slots__}
            row |= {"authored": q.authored, "alternatives": list(q.alternatives), "options": list(q.options)}
            print(json.dumps(row, ensure_ascii=False))
        return 0 if questions or not args.topic else 1
    for error in bank.errors:
        print(f"problem: {error}")
    if args.topic and not questions:
        print(f"No questions on {args.topic!r}. Topics: " + "; ".join(bank.topics()))
        return 1
    for q in questions:
        print(f"[{q.id}] {q.kind} | {q.topic} | {q.source}")
        print(f"  Q: {q.prompt}")
        if q.options:
            print("  options: " + " / ".join(q.options))
        print(f"  A: {q.answer}" + (f"  (also: {'; '.join(q.alternatives)})" if q.alternatives else ""))
        if q.explanation:
            print(f"  from: {q.explanation}")
    print(f"{len(questions)} questions")
    return 0


def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    from bot.storage.db import DatabaseError, run_upgrade_sync

    try:
        run_upgrade_sync(settings.database_url, args.revision)
    except DatabaseError as exc:
        print(f"revisionbot: {exc}", file=sys.stderr)
        return 2
    print(f"database at revision {args.revision}: {settings.database_url}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="revisionbot", description="A revision chatbot for school classes.")
    p.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = p.add_subparsers(dest="command", required=True)

    a = sub.add_parser("ask", help="answer a question from the notes")
    a.add_argument("question", nargs="*", help="the question, or '-' to read one per line from stdin")
    a.add_argument("--json", action="store_true", help="one JSON object per question")
    a.add_argument("--top", type=int, default=3, help="at most this many snippets (default 3)")
    a.set_defaults(func=cmd_ask)

    for name, helptext in (("chat", "talk to the bot in this terminal"), ("run", "start the configured platforms")):
        c = sub.add_parser(name, help=helptext)
        c.add_argument("--name", default="", help="your display name in the console")
        c.add_argument("--class", dest="class_name", default="console", help="console class name")
        c.add_argument("--teacher", action="store_true", help="use the console as a teacher")
        c.set_defaults(func=cmd_chat if name == "chat" else cmd_run)

    m = sub.add_parser("mark", help="how a typed quiz answer would be marked")
    m.add_argument("pair", nargs="*", help="EXPECTED GIVEN")
    m.add_argument("--json", action="store_true", help='read {"expected","given"[,"question"]} JSON lines from stdin')
    m.add_argument("--question", help='the question, when it asks for some items of a list ("name two of ...")')
    m.set_defaults(func=cmd_mark)

    q = sub.add_parser("questions", help="list the quiz question bank for review")
    q.add_argument("--topic", default=None, help="only this topic (fuzzy)")
    q.add_argument("--json", action="store_true", help="one JSON object per question (and per problem)")
    q.set_defaults(func=cmd_questions)

    n = sub.add_parser("notes", help="what each note gave, or how one note was split into facts")
    n.add_argument("file", nargs="?", default="", help="a note in the notes folder (or any path)")
    n.set_defaults(func=cmd_notes)

    d = sub.add_parser("db", help="database maintenance")
    d.add_argument("action", choices=["upgrade"])
    d.add_argument("revision", nargs="?", default="head")
    d.set_defaults(func=cmd_db)
    return p


def _text_streams() -> None:
    """Bytes that are not text in the terminal's encoding become "?" or "\ufffd" instead of stopping the
    command: a stray Latin-1 byte on stdin, an answer with "₂" printed under a Latin-1 locale."""
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")


def _valid_text(value: str) -> str:
    """A command-line argument as valid Unicode (one given in another encoding than the locale's)."""
    return value.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    _text_streams()
    args = build_parser().parse_args(argv)
    for key, value in vars(args).items():
        if isinstance(value, str):
            setattr(args, key, _valid_text(value))
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            setattr(args, key, [_valid_text(v) for v in value])
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        settings = Settings.from_env()
        check_settings(settings)
    except ConfigError as exc:
        print(f"revisionbot: {exc}", file=sys.stderr)
        return 2
    try:
        return args.func(args, settings)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
