"""Draw a seeded sample of generated quiz questions per subject, for a person to review.

    .venv/bin/python scripts/sample_questions.py [--corpus ../shared/corpus] [--per-subject 8] [--seed 1]
                                                 [--out review.tsv]

Each subject folder of the corpus is loaded as a class's notes would be; its question bank is built as the
bot builds it, and `--per-subject` of the questions made from the notes (not the teacher's own) are drawn
with the seed. The output is a tab-separated table with empty `verdict` and `reason` columns to fill in:
keep, tolerable or bad (see docs/question_review.md for the gates a question is judged against).
"""

from __future__ import annotations

import argparse
import csv
import logging
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.knowledge.base import Knowledge  # noqa: E402
from bot.quiz.bank import build_bank  # noqa: E402

COLUMNS = ["subject", "id", "kind", "prompt", "options", "answer", "from", "verdict", "reason"]


def sample(corpus: Path, per_subject: int, seed: int) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for folder in sorted(p for p in corpus.iterdir() if p.is_dir()):
        knowledge = Knowledge.load(folder)
        bank = build_bank(knowledge.snippets, knowledge.aliases, folder)
        made = sorted((q for q in bank.questions if not q.authored), key=lambda q: q.id)
        for q in random.Random(f"{seed}:{folder.name}").sample(made, min(per_subject, len(made))):
            rows.append(
                {
                    "subject": folder.name,
                    "id": q.id,
                    "kind": q.kind,
                    "prompt": q.prompt,
                    "options": " | ".join(q.options),
                    "answer": q.answer,
                    "from": q.explanation[:300],
                    "verdict": "",
                    "reason": "",
                }
            )
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--per-subject", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=None, help="write here (default: standard output)")
    args = ap.parse_args()
    logging.disable(logging.WARNING)
    rows = sample(args.corpus, args.per_subject, args.seed)
    out = args.out.open("w", newline="", encoding="utf-8") if args.out else sys.stdout
    writer = csv.DictWriter(out, COLUMNS, delimiter="\t", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    if args.out:
        out.close()
        print(f"{len(rows)} questions written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
