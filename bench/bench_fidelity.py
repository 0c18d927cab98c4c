"""Format fidelity on the development corpus: the same Markdown notes converted to .docx, .odt, .html, .pptx,
.pdf and .rtf (pandoc and LibreOffice, needed here only) answer the same questions as the original.

    python bench/bench_fidelity.py [--corpus ../shared/corpus] [--subjects biology,physics]

For each subject with .md notes, its questions whose gold phrases occur in those .md files (and its
out-of-scope ones) are asked of a folder holding only the .md notes, then of folders holding their
conversions; the table shows hit@1 per format and the difference to Markdown, and the out-of-scope
questions answered (they should stay 0)."""

from __future__ import annotations

import argparse
import json
import logging
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FORMATS = ["docx", "odt", "html", "pptx", "pdf", "rtf"]


def norm(s: str) -> str:  # ../shared/eval/score_qa.py's normalisation
    s = (s or "").lower().replace("\u2019", "'").replace("`", "'")
    return re.sub(r"\s+", " ", re.sub(r"[^0-9a-z]+", " ", s)).strip()


def convert(md: Path, fmt: str, out: Path) -> None:
    target = out / f"{md.stem}.{fmt}"
    if fmt in ("pdf", "rtf"):  # LibreOffice's conversion of the Word copy
        docx = out / f"{md.stem}.docx"
        subprocess.run(
            ["pandoc", "-f", "gfm+tex_math_dollars", str(md), "-o", str(docx)], check=True, capture_output=True
        )
        subprocess.run(
            ["soffice", "--headless", "--convert-to", fmt, "--outdir", str(out), str(docx)],
            check=True,
            capture_output=True,
        )
        docx.unlink()
        return
    extra = {"html": ["-s", "--metadata", f"title={md.stem}"], "pptx": ["--slide-level=2"]}.get(fmt, [])
    subprocess.run(
        ["pandoc", "-f", "gfm+tex_math_dollars", *extra, str(md), "-o", str(target)], check=True, capture_output=True
    )


def score(folder: Path, questions: list[dict]) -> tuple[float, int]:
    from bot.knowledge.base import Knowledge

    index = Knowledge.load(folder).index
    hits = answerable = wrong = 0
    for q in questions:
        answer = index.ask(q["q"], top=1)
        if not q["gold"]:
            wrong += answer.answered
            continue
        answerable += 1
        top = answer.hits[0].snippet if answer.hits else None
        hay = norm(f"{top.text} {top.where}") if top else ""
        hits += bool(answer.answered and any(norm(g) in hay for g in q["gold"]))
    return hits / max(answerable, 1), wrong


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--subjects", default="")
    args = ap.parse_args()
    if not (shutil.which("pandoc") and shutil.which("soffice")):
        print("pandoc and LibreOffice (soffice) are needed to make the conversions; skipped.")
        return 0
    logging.disable(logging.WARNING)
    subjects = [s for s in args.subjects.split(",") if s] or sorted(p.name for p in args.corpus.iterdir() if p.is_dir())
    print("| subject | questions | md | " + " | ".join(FORMATS) + " |")
    print("|---|---|---|" + "---|" * len(FORMATS))
    worst = 0.0
    for subject in subjects:
        mds = sorted((args.corpus / subject).glob("*.md"))
        if not mds:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            folders = {fmt: Path(tmp) / fmt for fmt in ["md", *FORMATS]}
            for folder in folders.values():
                folder.mkdir()
            kept = []
            for p in mds:  # a note pandoc cannot convert to every format is left out of every format
                try:
                    for fmt in FORMATS:
                        convert(p, fmt, folders[fmt])
                    kept.append(p)
                except subprocess.CalledProcessError:
                    print(f"  ({subject}/{p.name}: a conversion failed; left out)", file=sys.stderr)
                    for fmt in FORMATS:
                        for made in folders[fmt].glob(f"{p.stem}.*"):
                            made.unlink()
            for p in kept:
                shutil.copy(p, folders["md"])
            text = norm(" ".join(p.read_text(encoding="utf-8", errors="replace") for p in kept))
            lines = (args.corpus / f"{subject}.jsonl").read_text().splitlines()
            qs = [json.loads(line) for line in lines if line.strip()]
            qs = [q for q in qs if not q["gold"] or any(norm(g) in text for g in q["gold"])]
            md_hit, md_wrong = score(folders["md"], qs)
            cells = [f"{md_hit:.2f} ({md_wrong} oos)"]
            for fmt in FORMATS:
                hit, wrong = score(folders[fmt], qs)
                worst = min(worst, hit - md_hit)
                cells.append(f"{hit:.2f} ({hit - md_hit:+.2f}; {wrong} oos)")
        print(f"| {subject} | {len(qs)} | " + " | ".join(cells) + " |")
    print(f"\nlargest drop from Markdown: {worst:+.2f} (target: no more than -0.05)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
