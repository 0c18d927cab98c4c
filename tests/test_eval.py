"""Answer quality on the development set, measured with its own scorer, and on an extra set of ours."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED_EVAL

EXTRA = Path(__file__).parent / "data" / "extra_qa.jsonl"
CMD = f"{sys.executable} -m adapters.cli ask --json -"
# The notes' sentence vectors (paraphrase matching, on as in production) kept between local runs, not in $HOME.
VECTORS = ROOT / ".pytest_cache" / "revisionbot-vectors"


def score(qa_file: Path, knowledge_dir: Path | None = None) -> dict[str, float]:
    env = {**os.environ, "REVISIONBOT_CACHE_DIR": str(VECTORS), "REVISIONBOT_PARAPHRASE": "on"}
    if knowledge_dir is not None:
        env["REVISIONBOT_KNOWLEDGE_DIR"] = str(knowledge_dir)
    else:
        env.pop("REVISIONBOT_KNOWLEDGE_DIR", None)
    p = subprocess.run(
        [sys.executable, str(SHARED_EVAL / "score_qa.py"), str(qa_file), "--cmd", CMD],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        env=env,
    )
    m = re.search(
        r"SUMMARY hit@1=([\d.]+) hit@3=([\d.]+) false_abstain=(\d+)/\d+ oos_abstain=(\d+)/(\d+) longest=(\d+)", p.stdout
    )
    assert m, p.stdout + p.stderr
    h1, h3, fa, oa, on, longest = m.groups()
    return {
        "hit1": float(h1),
        "hit3": float(h3),
        "false_abstain": int(fa),
        "oos_abstain": int(oa),
        "oos": int(on),
        "longest": int(longest),
    }


@pytest.mark.skipif(not (SHARED_EVAL / "dev_qa.jsonl").exists(), reason="../shared/eval is not beside the checkout")
def test_development_set_thresholds():
    s = score(SHARED_EVAL / "dev_qa.jsonl")
    assert s["hit1"] >= 0.85
    assert s["hit3"] >= 0.95
    assert s["oos_abstain"] == s["oos"]
    assert s["false_abstain"] <= 1
    assert s["longest"] <= 500


@pytest.mark.skipif(not (SHARED_EVAL / "score_qa.py").exists(), reason="../shared/eval is not beside the checkout")
def test_extra_set_written_apart_from_the_code():
    """80 questions written from the notes alone, without looking at the matcher."""
    items = [json.loads(line) for line in EXTRA.read_text().splitlines() if line.strip()]
    assert len(items) >= 60
    s = score(EXTRA)
    assert s["hit1"] >= EXTRA_FLOOR["hit1"]
    assert s["hit3"] >= EXTRA_FLOOR["hit3"]
    assert s["oos_abstain"] >= s["oos"] - EXTRA_FLOOR["oos_missed"]
    assert s["longest"] <= 500


# Measured floors on the extra set (see the closing note of the core issue); a drop below fails. Paraphrase
# matching took it from 0.737/0.860 to 0.719/0.825 (one question each way lost) while every corpus subject but one
# gained (+6.7 points of hit@1 on average): the floors follow the bot as it runs. Refusing weak matches that are
# far in meaning cost one more (0.702/0.807) for 6 uncovered questions refused in the corpus.
EXTRA_FLOOR = {"hit1": 0.70, "hit3": 0.80, "oos_missed": 3}


@pytest.mark.skipif(not (SHARED_EVAL / "dev_mark.jsonl").exists(), reason="../shared/eval is not beside the checkout")
def test_marking_development_set_is_all_correct_through_the_cli():
    p = subprocess.run(
        [
            sys.executable,
            str(SHARED_EVAL / "score_mark.py"),
            str(SHARED_EVAL / "dev_mark.jsonl"),
            "--cmd",
            f"{sys.executable} -m adapters.cli mark --json -",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert "accuracy=1.000" in p.stdout, p.stdout + p.stderr
