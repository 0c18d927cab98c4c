"""Ingestion benchmark: ~10 MB of mixed-format notes read, segmented and indexed, against a naive baseline.

    python bench/bench_ingest.py [--mb 10] [--runs 3] [--corpus ../shared/corpus] [--json out.json]

The notes: every file of the development corpus (Markdown, .docx, .pdf, .html) and of knowledge/ (.txt),
plus the format-fidelity fixtures (.odt, .pptx ...) under tests/data/fidelity when present, copied
round-robin under new names into a temporary folder until it holds --mb megabytes.

Each run is a fresh process (so peak RSS is its own) and measures:
  * the pipeline: `load_knowledge(folder)` (every reader, the segmenter; above 3 MB of notes the files are read
    in a pool of up to 4 processes) then `SearchIndex(snippets)` (ready to answer), then the question bank
    as the bot builds it (generated questions and the /quiz TOPIC word index; ready to quiz): for 5,000 facts or
    more in another process, started before the index and waited for after it (`bot/classnotes/bankprocess.py`),
    so "question bank" is the wait after the index; and again with every file read and the bank made in the one
    process, whose peak RSS then covers the readers too;
  * the naive baseline in the same process: every file's bytes decoded as UTF-8 (errors ignored), split
    into lines, the readable ones kept, the same SearchIndex built over those lines (the floor: I/O and
    indexing, no parsing; binary formats give it little).
The table shows the median of each figure over the runs and the ratio pipeline / baseline.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 10.0  # 10 MB of notes ready to answer and to quiz, on this machine


def build_folder(dest: Path, corpus: Path, megabytes: float) -> dict[str, int]:
    sources = sorted(
        p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() != ".jsonl" and p.name != "README.md"
    )
    sources = [p for p in sources if p.name != "SOURCES.md"]
    sources += sorted((ROOT / "knowledge").glob("cold-war-*.txt"))
    fidelity = ROOT / "tests" / "data" / "fidelity"
    if fidelity.is_dir():
        sources += sorted(p for p in fidelity.rglob("*") if p.suffix.lower() in (".odt", ".pptx"))
    if not sources:
        raise SystemExit(f"no notes found under {corpus}")
    by_kind: dict[str, list[Path]] = {}
    for p in sources:
        by_kind.setdefault(p.suffix.lower(), []).append(p)
    # Each format gets the same share of the bytes: PDFs are big files, Markdown notes small ones.
    share = int(megabytes * 1_000_000 / len(by_kind))
    n = 0
    kinds: dict[str, int] = {}
    for kind, files in sorted(by_kind.items()):
        got = 0
        k = 0
        while got < share:
            src = files[k % len(files)]
            shutil.copyfile(src, dest / f"{n:05d}-{src.stem[:40]}{src.suffix}")
            got += src.stat().st_size
            k += 1
            n += 1
        kinds[kind] = got
    return {"files": n, "bytes": sum(kinds.values()), **{f"bytes{k}": v for k, v in kinds.items()}}


def one_run(folder: Path) -> dict[str, float]:
    """In this process: the pipeline, then the naive baseline."""
    import logging

    logging.disable(logging.WARNING)
    from bot.classnotes.bankprocess import BankMaker
    from bot.knowledge.aliases import AliasTable
    from bot.knowledge.base import Knowledge
    from bot.knowledge.index import SearchIndex
    from bot.knowledge.ingest import load_knowledge
    from bot.knowledge.model import Snippet

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    kb = load_knowledge(folder)
    t1 = time.perf_counter()
    # As the bot starts: large notes' bank is made in another process while the index is built here.
    making = BankMaker(folder)
    making(kb.snippets, AliasTable())
    index = SearchIndex(kb.snippets)
    t2 = time.perf_counter()
    bank = making.bank(Knowledge(folder, kb, AliasTable(), index))
    t2b = time.perf_counter()
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    t3 = time.perf_counter()
    lines: list[Snippet] = []
    for path in sorted(folder.iterdir()):
        text = path.read_bytes().decode("utf-8", errors="ignore")
        for line in text.splitlines():
            line = line.strip()
            if sum(c.isalpha() or c == " " for c in line) > 0.8 * len(line) > 10:  # readable text only
                k = len(lines)
                lines.append(
                    Snippet(id=f"{path.name}#{k}", text=line[:500], topic=path.stem, source=path.name, position=k)
                )
    t4 = time.perf_counter()
    SearchIndex(lines)
    t5 = time.perf_counter()
    return {
        "read_s": t1 - t0,
        "index_s": t2 - t1,
        "answer_ready_s": t2 - t0,
        "bank_s": t2b - t2,
        "total_s": t2b - t0,
        "questions": len(bank.questions),
        "snippets": len(kb.snippets),
        "files_refused": sum(1 for r in kb.reports if r.error),
        "peak_rss_mb": rss1 / 1024,
        "rss_growth_mb": (rss1 - rss0) / 1024,
        "naive_read_s": t4 - t3,
        "naive_index_s": t5 - t4,
        "naive_total_s": t5 - t3,
        "naive_lines": len(lines),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=10.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--one-run", type=Path, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--serial", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serial:
        import bot.classnotes.bankprocess
        import bot.knowledge.ingest

        bot.knowledge.ingest.MAX_WORKERS = 1  # every note read in this process, so its peak RSS is all of it
        bot.classnotes.bankprocess.PROCESS_FACTS = 2**62  # and the question bank made here, after the index
    if args.one_run:
        print(json.dumps(one_run(args.one_run)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        info = build_folder(folder, args.corpus, args.mb)
        runs, serial_runs = [], []
        for _ in range(args.runs):
            for extra, into in (([], runs), (["--serial"], serial_runs)):
                out = subprocess.run(
                    [sys.executable, __file__, "--one-run", str(folder), *extra],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                into.append(json.loads(out.stdout.strip().splitlines()[-1]))
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    serial = {k: statistics.median(r[k] for r in serial_runs) for k in serial_runs[0]}
    mix = ", ".join(f"{k[5:]} {v / 1e6:.1f} MB" for k, v in info.items() if k.startswith("bytes."))
    print(f"{info['files']} files, {info['bytes'] / 1e6:.1f} MB ({mix}); median of {len(runs)} runs")
    print()
    print(
        "| | read + segment (s) | index (s) | ready to answer (s) | question bank (s) | ready to quiz (s) "
        "| facts or lines | questions | peak RSS (MB) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for label, m in (("pipeline", med), ("pipeline, one process", serial)):
        print(
            f"| {label} | {m['read_s']:.2f} | {m['index_s']:.2f} | {m['answer_ready_s']:.2f} | {m['bank_s']:.2f} "
            f"| {m['total_s']:.2f} | {m['snippets']:.0f} | {m['questions']:.0f} | {m['peak_rss_mb']:.0f} |"
        )
    print(
        f"| naive lines | {med['naive_read_s']:.2f} | {med['naive_index_s']:.2f} | {med['naive_total_s']:.2f} "
        f"| | | {med['naive_lines']:.0f} | | |"
    )
    print()
    ratio = med["answer_ready_s"] / max(med["naive_total_s"], 1e-9)
    print(f"ready to answer / naive: {ratio:.1f}x; files refused: {med['files_refused']:.0f}")
    target = TARGET_SECONDS * args.mb / 10
    for what, key in (("answer", "answer_ready_s"), ("quiz", "total_s")):
        verdict = "PASS" if med[key] <= target else "OVER"
        print(f"{verdict}: {args.mb:g} MB ready to {what} in {med[key]:.2f} s (target {target:.1f} s)")
    print("(the bot answers as soon as the index is built; the question bank is made meanwhile, in another process)")
    if args.json:
        args.json.write_text(json.dumps({"info": info, "runs": runs, "median": med}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
