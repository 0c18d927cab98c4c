"""Ingestion of the three layouts of real notes, normalisation, limits and bad files."""

from pathlib import Path

from bot.knowledge.ingest import load_knowledge
from bot.knowledge.ingest import snippets_from_text as segment
from bot.knowledge.model import MAX_SNIPPET_CHARS

ESSAY = "cold-war-yalta-potsdam-alliance-breakdown.txt"
PROSE = "cold-war-potsdam-atomic-bomb-big-three-aims.txt"
MIND_MAP = "cold-war-peaceful-coexistence-mind-map.txt"


def by_source(knowledge, source):
    return [s for s in knowledge.snippets if s.source == source]


def test_all_three_notes_load_without_warnings(knowledge):
    assert knowledge.warnings == []
    assert {s.source for s in knowledge.snippets} == {ESSAY, PROSE, MIND_MAP}


def test_every_snippet_is_short_and_located(knowledge):
    for s in knowledge.snippets:
        assert 0 < len(s.text) <= MAX_SNIPPET_CHARS
        assert s.topic and s.source and s.id == f"{s.source}#{s.position}"


def test_essay_bullets_become_snippets_under_their_heading(knowledge):
    snippets = by_source(knowledge, ESSAY)
    bullet = next(s for s in snippets if "divided in four parts" in s.text)
    assert bullet.topic == "The Yalta Conference - February 1945"
    assert not bullet.text.startswith(("\u2022", "-"))
    cripple = next(s for s in snippets if "cripple Germany" in s.text)
    assert cripple.topic == "The Potsdam Conference - July 1945"
    # the title, without its author, names the note
    assert bullet.title == "Why did the USA-USSR alliance breakdown in 1945?"
    # the picture caption pasted twice is not a topic
    assert all("playing cards" not in s.topic for s in snippets)


def test_prose_is_split_into_sentences_and_noise_normalised(knowledge):
    snippets = by_source(knowledge, PROSE)
    assert len(snippets) >= 10
    first = snippets[0]
    assert first.text.startswith("The Potsdam Conference is perhaps best known for President Truman's July 24, 1945")
    joined = " ".join(s.text for s in snippets)
    for noise in ("`", "\u201c", "\u201d", "\u2019", "[9]", "\u00a0"):
        assert noise not in joined
    # "James F. Byrnes" and "U.S." do not end sentences
    assert any("According to James F. Byrnes, a member of the U.S. delegation" in s.text for s in snippets)
    # questions in the prose are not served as facts
    assert not any(s.text.endswith("?") for s in snippets)


def test_mind_map_fragments_are_joined_and_branches_are_topics(knowledge):
    snippets = by_source(knowledge, MIND_MAP)
    texts = [s.text for s in snippets]
    assert "2nd half of 50s, size of Red Army decreased from 5.8mil to 3.7mil men" in texts
    assert any(
        t.startswith("Shortly after Stalin death, Beria tried to forge better relationship with West") for t in texts
    )
    cuts = next(s for s in snippets if "5.8mil" in s.text)
    assert cuts.topic == "Cuts in the Red Army (from mid 1950s)"
    malenkov = next(s for s in snippets if "hydroelectric" in s.text)
    assert malenkov.topic == "Georgi Malenkov 1902-1988"
    assert "Key Measures of Soviet Peaceful Coexistence" not in texts  # a branch title, not a fact
    # the export's metadata ("Descripción ... creado por") is not a fact
    assert not any("creado por" in t for t in texts)


def test_a_new_note_is_picked_up_and_bad_files_are_named_with_the_reason(tmp_path: Path):
    (tmp_path / "berlin.md").write_text(
        "# The Berlin Blockade\n\n- In June 1948 Stalin cut the land routes into West Berlin.\n"
        "- The Western allies supplied the city by air for almost a year.\n",
        encoding="utf-8",
    )
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    # a Windows Notepad save: Windows-1252, CRLF
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 notes about Yalta and Potsdam.\r\n".encode("cp1252"))
    (tmp_path / "picture.png").write_bytes(b"\x89PNG")
    kb = load_knowledge(tmp_path)
    assert [s.text for s in kb.snippets] == [
        "In June 1948 Stalin cut the land routes into West Berlin.",
        "The Western allies supplied the city by air for almost a year.",
        "Caf\xe9 notes about Yalta and Potsdam.",
    ]
    assert kb.snippets[0].topic == "The Berlin Blockade"
    reasons = {r.source: r.error for r in kb.reports}
    assert reasons["empty.txt"] == "the file is empty"
    assert "binary file" in reasons["binary.txt"]
    assert "'.png' files are not notes" in reasons["picture.png"]
    assert reasons["berlin.md"] == reasons["latin1.txt"] == ""


def test_a_missing_folder_is_a_warning_not_a_crash(tmp_path: Path):
    kb = load_knowledge(tmp_path / "nope")
    assert kb.snippets == [] and "does not exist" in kb.warnings[0]


def test_long_paragraphs_are_cut_at_sentence_or_clause_boundaries():
    sentence = "The conference agreed on " + ", ".join(f"point number {i}" for i in range(120)) + "."
    snippets = segment(f"Notes\n\n{sentence}\n", source="long.txt")
    assert len(snippets) > 1
    assert all(len(s.text) <= MAX_SNIPPET_CHARS for s in snippets)
    assert "".join(s.text for s in snippets).replace(" ", "") == sentence.replace(" ", "")


def test_typographic_noise_and_bullet_glyphs():
    text = (
        "Title\n\n\u25cf Stalin\u2019s army held \u201cPoland\u201d\u00a0in 1945.\n"
        "\u2023 Truman`s stance was firm after the test.\n"
    )
    texts = [s.text for s in segment(text, source="n.txt")]
    assert texts == ['Stalin\'s army held "Poland" in 1945.', "Truman's stance was firm after the test."]


def test_large_folders_are_read_on_every_core_with_the_same_result(tmp_path: Path, monkeypatch):
    import shutil

    import bot.knowledge.ingest as ingest

    fixtures = Path(__file__).parent.parent / "data" / "fidelity"
    for k in range(6):
        for f in [*fixtures.glob("*.md"), *(fixtures / "docx").iterdir(), *(fixtures / "pdf").iterdir()]:
            shutil.copy(f, tmp_path / f"{k}-{f.name}")
    monkeypatch.setattr(ingest, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(ingest, "MAX_WORKERS", 2)
    parallel = load_knowledge(tmp_path)
    monkeypatch.setattr(ingest, "MAX_WORKERS", 1)
    serial = load_knowledge(tmp_path)
    assert parallel.snippets == serial.snippets and len(serial.snippets) > 300
    assert [r.line for r in parallel.reports] == [r.line for r in serial.reports]


def test_subfolders_are_read_and_hidden_folders_and_broken_links_are_not(tmp_path: Path):
    (tmp_path / "Biology" / "Cells").mkdir(parents=True)
    (tmp_path / "Biology" / "Cells" / "Osmosis.md").write_text("# Osmosis\n- Water moves across a membrane.\n")
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / ".obsidian" / "workspace.md").write_text("# Layout\n- left pane open\n")
    (tmp_path / "Biology" / "questions.txt").write_text("Q: What moves?\nA: water\n")
    (tmp_path / "top.md").write_text("# Energy\n- Mitochondria release energy.\n")
    (tmp_path / "gone.md").symlink_to(tmp_path / "deleted.md")
    kb = load_knowledge(tmp_path)
    assert [(r.source, r.facts, r.error) for r in kb.reports] == [
        ("Biology/Cells/Osmosis.md", 1, ""),
        ("gone.md", 0, "a link to a file that is not there"),
        ("top.md", 1, ""),
    ]
    assert {s.source for s in kb.snippets} == {"Biology/Cells/Osmosis.md", "top.md"}
    assert kb.warnings == ["gone.md: a link to a file that is not there"]
