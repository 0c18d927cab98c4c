"""Question bank benchmark: how the bank's build grows with the notes, against a naive generator.

    python bench/bench_bank.py [--sizes 2000,8000,32000] [--json out.json]

The notes: bench_search.py's synthetic facts (copies of knowledge/'s facts with words shuffled, substituted and
invented, so every fact is distinct and the notes' vocabulary grows with them, as a large textbook's would; the
ingestion benchmark's copies of real notes repeat whole lines, which the bank reads once). Each size runs in a
fresh process and measures `build_bank` (every generator: structured questions, prose questions with their wrong
options, and the /quiz TOPIC word index). The naive baseline, in the same process, makes one cloze per fact by
blanking its longest word: the floor of reading every fact once in Python.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def one_run(size: int) -> dict[str, float]:
    import logging

    logging.disable(logging.WARNING)
    from bench_search import synthetic_snippets

    from bot.knowledge.base import Knowledge
    from bot.quiz.bank import build_bank
    from bot.text import words

    k = Knowledge.load(ROOT / "knowledge")
    facts = synthetic_snippets(k.snippets, size, 1)
    t0 = time.perf_counter()
    bank = build_bank(facts, k.aliases, Path("/nonexistent"))
    bank.prepare_search()
    t1 = time.perf_counter()
    naive = []
    for f in facts:
        longest = max(words(f.text), key=len, default="")
        if longest:
            naive.append((f.text.replace(longest, "_____", 1), longest))
    t2 = time.perf_counter()
    return {"size": size, "bank_s": t1 - t0, "questions": len(bank.questions), "naive_s": t2 - t1}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="2000,8000,32000")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one_run(args.one)))
        return 0
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        out = subprocess.run([sys.executable, __file__, "--one", str(size)], capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print("| facts | bank (s) | ms per fact | questions | naive (s) | bank / naive |")
    print("|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['size']:,} | {r['bank_s']:.2f} | {1000 * r['bank_s'] / r['size']:.3f} | {r['questions']:,} "
            f"| {r['naive_s']:.3f} | {r['bank_s'] / max(r['naive_s'], 1e-9):.0f}x |"
        )
    growth = (rows[-1]["bank_s"] / rows[-1]["size"]) / (rows[0]["bank_s"] / rows[0]["size"])
    print(f"\ntime per fact at {rows[-1]['size']:,} facts / at {rows[0]['size']:,}: {growth:.2f} (1.0 is linear)")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
