"""Answer quality on the development corpus: real notes of nine subjects, each folder on its own, scored with the
corpus's own scorer through the `revisionbot ask` command (paraphrase matching on, as the bot runs).

The floors are what the bot reaches today (closing note of the any-subject answer issue): a drop below fails.
They are not the targets: the issue asks hit@1 >= 0.80 and hit@3 >= 0.90 in every subject."""

import shutil

import pytest

from tests.conftest import ROOT
from tests.test_eval import SHARED_EVAL, score

CORPUS = ROOT.parent / "shared" / "corpus"
# subject: (hit@1, hit@3, answerable questions refused at most)
FLOORS = {
    "biology": (0.95, 0.95, 1),
    "business": (0.85, 0.95, 0),
    "chemistry": (0.86, 0.90, 0),
    "computer-science": (0.90, 0.95, 0),
    "economics": (0.81, 0.95, 0),
    "english-literature": (0.81, 0.90, 0),
    "geography": (0.81, 0.95, 0),
    "history": (0.81, 0.95, 0),
    "physics": (0.90, 0.90, 0),
}

OOS_MISSED = {"physics": 1}  # uncovered questions answered at most (of 5); the target is at most 1 everywhere


@pytest.mark.skipif(not (SHARED_EVAL / "score_qa.py").exists() or not CORPUS.is_dir(), reason="../shared is not here")
@pytest.mark.parametrize("subject", sorted(FLOORS))
def test_each_subject_answers_at_least_as_well_as_measured(subject):
    s = score(CORPUS / f"{subject}.jsonl", CORPUS / subject)
    hit1, hit3, refused = FLOORS[subject]
    assert s["hit1"] >= hit1, s
    assert s["hit3"] >= hit3, s
    assert s["false_abstain"] <= refused, s
    assert s["oos_abstain"] >= s["oos"] - OOS_MISSED.get(subject, 0), s
    assert s["longest"] <= 500, s


# Three subjects' notes in one folder, as a class that studies several keeps them: (hit@1, hit@3, answerable
# refused at most, uncovered answered at most of 15). The held-out target is hit@1 >= 0.75, hit@3 >= 0.90, at most
# 10% refused and at least 85% of uncovered questions refused.
MIXED = {
    ("biology", "history", "computer-science"): (0.89, 0.95, 1, 1),
    ("chemistry", "english-literature", "economics"): (0.83, 0.90, 0, 0),
    ("physics", "geography", "business"): (0.84, 0.93, 0, 1),
}


@pytest.mark.skipif(not (SHARED_EVAL / "score_qa.py").exists() or not CORPUS.is_dir(), reason="../shared is not here")
@pytest.mark.parametrize("subjects", sorted(MIXED), ids="+".join)
def test_subjects_in_one_folder_answer_at_least_as_well_as_measured(tmp_path, subjects):
    folder, questions = tmp_path / "notes", tmp_path / "questions.jsonl"
    for subject in subjects:
        shutil.copytree(CORPUS / subject, folder / subject)
    questions.write_text("".join((CORPUS / f"{s}.jsonl").read_text(encoding="utf-8") for s in subjects))
    s = score(questions, folder)
    hit1, hit3, refused, answered_uncovered = MIXED[subjects]
    assert s["hit1"] >= hit1, s
    assert s["hit3"] >= hit3, s
    assert s["false_abstain"] <= refused, s
    assert s["oos_abstain"] >= s["oos"] - answered_uncovered, s
