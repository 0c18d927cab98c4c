"""Start-up benchmark: `revisionbot ask "..."` from process start to its printed answer, against a bare interpreter.

    python bench/bench_startup.py [--runs 10] [--question "what was agreed at yalta"]

Each run is a fresh process on the default notes (knowledge/) with the cache folder as the bot leaves it (the
notes' lemmas kept from an earlier run: one warm-up run first). The baseline, alternated with it, is the same
interpreter starting and exiting (`python -c pass`): the floor no command can beat. Medians are reported.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 0.35


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--question", default="what was agreed at yalta")
    args = ap.parse_args()
    ask = [sys.executable, "-m", "adapters.cli", "ask", args.question]
    bare = [sys.executable, "-c", "pass"]
    timed(ask)  # the cache folder warm, as after the bot's first start
    ours, floor = [], []
    for _ in range(args.runs):
        ours.append(timed(ask))
        floor.append(timed(bare))
    m, f = statistics.median(ours), statistics.median(floor)
    print(f"ask: median {m:.3f} s (fastest {min(ours):.3f}); bare interpreter: median {f:.3f} s; {m / f:.1f}x")
    print(f"{'PASS' if m <= TARGET_SECONDS else 'OVER'}: ask answers in {m:.3f} s (target {TARGET_SECONDS} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
