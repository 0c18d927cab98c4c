"""The command line: the JSON contract that answer quality is measured through, and readable answers."""

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def run_cli(*args: str, stdin: str = "", env_extra: dict | None = None) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env=env,
    )


def test_ask_json_reads_one_question_per_line_and_keeps_the_contract():
    questions = ["what did churchill think about poland", "who invented the telephone", "", "🙂"]
    p = run_cli("ask", "--json", "--top", "2", "-", stdin="\n".join(questions) + "\n")
    assert p.returncode == 0, p.stderr
    rows = [json.loads(line) for line in p.stdout.splitlines()]
    assert [r["question"] for r in rows[:2]] == questions[:2]
    assert len(rows) == 4
    for r in rows:
        assert set(r) >= {"question", "answered", "answers"}
        assert isinstance(r["answered"], bool)
        assert len(r["answers"]) <= 2
        for a in r["answers"]:
            assert set(a) >= {"text", "topic", "source", "score"}
            assert isinstance(a["score"], float) and len(a["text"]) <= 500
        scores = [a["score"] for a in r["answers"]]
        assert scores == sorted(scores, reverse=True) or r["answered"]
    assert rows[0]["answered"] and "Poland" in rows[0]["answers"][0]["text"]
    assert rows[1]["answered"] is False
    assert rows[2]["answered"] is False and rows[3]["answered"] is False


def test_ask_prints_a_readable_answer_with_its_source():
    p = run_cli("ask", "kruschev army cuts")
    assert p.returncode == 0, p.stderr
    assert "1. " in p.stdout and "cold-war-peaceful-coexistence-mind-map.txt" in p.stdout
    assert "Cuts in the Red Army" in p.stdout


def test_ask_says_plainly_when_the_notes_do_not_cover_it():
    p = run_cli("ask", "who invented the telephone")
    assert p.returncode == 0
    assert "not in the notes" in p.stdout and "Closest topics" in p.stdout


@pytest.mark.parametrize(
    "bad_url", ["sqlite+aiosqlite:////proc/forbidden/x.db", "nonsense://", "sqlite+aiosqlite:///{tmp}/notadb.sqlite3"]
)
def test_a_bad_database_gives_a_clear_message_not_a_traceback(tmp_path, bad_url):
    (tmp_path / "notadb.sqlite3").write_text("this is not a database")
    p = run_cli("chat", stdin="/help\n", env_extra={"REVISIONBOT_DATABASE_URL": bad_url.format(tmp=tmp_path)})
    assert p.returncode == 2
    assert "Traceback" not in p.stderr and "revisionbot:" in p.stderr


def test_notes_lists_every_file_with_what_it_gave_or_why_not(tmp_path):
    (tmp_path / "waves.md").write_text("# Waves\n\n## Sound\n\n- Sound is a longitudinal wave.\n- It needs a medium.\n")
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0 old word file")
    (tmp_path / "broken.docx").write_bytes(b"not a zip at all")
    (tmp_path / "empty.txt").write_text("")
    env = {"REVISIONBOT_KNOWLEDGE_DIR": str(tmp_path)}
    p = run_cli("notes", env_extra=env)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[0].startswith("Notes in") and "2 facts from 1 file" in lines[0]
    out = p.stdout
    assert "waves.md: 2 facts in 1 topic" in out
    assert "old.doc: not read: old Word .doc files cannot be read: save it as .docx" in out
    assert "broken.docx: not read: this is not a real Word file" in out
    assert "empty.txt: not read: the file is empty" in out
    assert "Traceback" not in p.stderr


def test_notes_file_shows_how_a_note_was_split(tmp_path):
    (tmp_path / "waves.md").write_text(
        "# Waves\n\n## Sound\n\n- Sound is a longitudinal wave.\n\n## Light\n\nLight is fast.\n"
    )
    p = run_cli("notes", "waves.md", env_extra={"REVISIONBOT_KNOWLEDGE_DIR": str(tmp_path)})
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines()[2:] == [
        "Waves › Sound",
        "  - Sound is a longitudinal wave.",
        "",
        "Waves › Light",
        "  - Light is fast.",
    ]
    missing = run_cli("notes", "nope.md", env_extra={"REVISIONBOT_KNOWLEDGE_DIR": str(tmp_path)})
    assert missing.returncode == 1 and "No such note: nope.md" in missing.stderr


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("REVISIONBOT_TIMEZONE", "Europe/Londn", "is not a time zone"),
        ("REVISIONBOT_DAILY_QUESTIONS", "0", "from 1 to 20"),
        ("REVISIONBOT_DAILY_QUESTIONS", "-3", "from 1 to 20"),
        ("REVISIONBOT_DAILY_QUESTIONS", "500", "from 1 to 20"),
        ("REVISIONBOT_DAILY_QUESTIONS", "five", "is not a whole number"),
        ("REVISIONBOT_RATE_LIMIT", "-1", "0 (no limit) or more"),
    ],
)
def test_a_mistyped_setting_stops_start_up_with_one_clear_line(name, value, says):
    p = run_cli("chat", stdin="/quit\n", env_extra={name: value})
    assert p.returncode == 2
    assert p.stderr.strip().count("\n") == 0 and says in p.stderr and name in p.stderr
    assert "Traceback" not in p.stderr


def run_bytes(*args: bytes, stdin: bytes, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, **(env_extra or {})}
    return subprocess.run(
        [sys.executable.encode(), b"-m", b"adapters.cli", *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        env=env,
    )


def test_a_note_whose_name_is_not_utf8_is_read_and_named(tmp_path):
    import os

    folder = os.fsencode(tmp_path)
    with open(os.path.join(folder, b"caf\xe9 notes.md"), "wb") as f:  # a Windows zip unpacked on Linux
        f.write(b"# Cells\n- Osmosis is the movement of water across a membrane.\n")
    env = {"REVISIONBOT_KNOWLEDGE_DIR": str(tmp_path), "REVISIONBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/db"}
    p = run_cli("chat", stdin="what is osmosis\n/quiz\n", env_extra=env)
    assert p.returncode == 0 and "Traceback" not in p.stderr, p.stderr
    assert "from café notes.md" in p.stdout
    assert "café notes.md: 1 fact" in run_cli("notes", env_extra=env).stdout


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        ((b"ask", b"--json", b"-"), b"what was the yalta conf\xe9rence\n"),
        ((b"mark", b"--json", b"-"), b'{"expected": "Yalta", "given": "Yalt\xe1"}\n'),
        ((b"chat",), b"who was stalin \xff\n"),
        ((b"chat", b"--name", b"Ana\xe9"), b"/score\n"),
    ],
    ids=["ask", "mark", "chat", "name"],
)
def test_bytes_that_are_not_utf8_never_stop_a_command(args, stdin, tmp_path):
    p = run_bytes(*args, stdin=stdin, env_extra={"REVISIONBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/db"})
    assert p.returncode == 0 and b"Traceback" not in p.stderr, p.stderr
    assert p.stdout.strip()


def test_answers_print_under_a_terminal_that_is_not_utf8():
    p = run_cli("ask", "what", "did", "the", "allies", "agree", env_extra={"PYTHONIOENCODING": "ascii"})
    assert p.returncode == 0 and "Traceback" not in p.stderr


def test_ctrl_c_leaves_the_console_at_once(tmp_path):
    import os
    import signal
    import time

    env = {**os.environ, "REVISIONBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/db"}
    env.pop("PYTHONUNBUFFERED", None)  # the banner must come through a pipe without it, as on a fresh machine
    p = subprocess.Popen(
        [sys.executable, "-m", "adapters.cli", "chat"],
        stdin=subprocess.PIPE,  # kept open: the console waits for a line that never comes
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=env,
        # Ctrl-C as at a terminal, even when these tests run as a background job (whose shell has the child ignore
        # SIGINT: the console then rightly ignores it too).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        import select

        ready, _, _ = select.select([p.stdout], [], [], 30)
        assert ready, "no banner within 30 s"
        assert b"revisionbot:" in p.stdout.readline()  # the banner: it is waiting for input now
        time.sleep(0.3)
        p.send_signal(signal.SIGINT)
        p.wait(timeout=10)  # before the fix it waited for Enter for ever
        assert b"Traceback" not in p.stderr.read()
    finally:
        p.kill()
        p.wait()


def test_a_line_of_spaces_gets_a_hint(tmp_path):
    p = run_cli("chat", stdin="   \n\t\n", env_extra={"REVISIONBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/db"})
    assert p.stdout.count("Type a question about the notes, or /help.") == 2


def test_quit_leaves_the_console_and_nothing_after_it_is_asked(tmp_path):
    p = run_cli(
        "chat",
        stdin="what was agreed at yalta\n/quit\nwhat was agreed at potsdam\n",
        env_extra={"REVISIONBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/db"},
    )
    assert p.returncode == 0, p.stderr
    assert "Yalta" in p.stdout and "Potsdam" not in p.stdout


def test_questions_json_lists_every_question_with_its_fields():
    p = run_cli("questions", "--json")
    assert p.returncode == 0, p.stderr
    rows = [json.loads(line) for line in p.stdout.splitlines()]
    assert rows and all({"id", "kind", "prompt", "answer", "options", "authored", "topic"} <= set(r) for r in rows)
    assert rows[0]["authored"] and any(not r["authored"] for r in rows)
    assert all(r["answer"] in r["options"] for r in rows if r["options"])


def test_the_database_urls_people_write_and_a_time_zone_in_any_case_are_accepted(tmp_path):
    env = {"REVISIONBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}", "REVISIONBOT_TIMEZONE": "europe/london"}
    p = run_cli("chat", "--teacher", stdin="/dailysettings timezone asia/tokyo\n", env_extra=env)
    assert p.returncode == 0 and "Traceback" not in p.stderr, p.stderr
    assert "Asia/Tokyo" in p.stdout and (tmp_path / "bot.db").exists()


@pytest.mark.parametrize(
    ("pair", "line"),
    [
        (("2.5 km", "2500 metres"), "right: 2500 metres = 2.5 km"),
        (("4 August 1914", "4 September 1914"), "wrong: wrong month: September, not August"),
        (("3 m/s", "3"), "close: give the unit: 3 m/s"),
        (("Yalta", "the yalta conference"), "right: the same answer as Yalta"),
    ],
)
def test_mark_explains_its_verdict_in_one_line(pair: tuple[str, str], line: str) -> None:
    out = run_cli("mark", *pair)
    assert out.returncode == 0 and out.stdout.strip() == line


def test_mark_json_takes_the_question_for_lists_of_some():
    line = json.dumps({"expected": "solid, liquid, gas", "given": "gas, solid", "question": "Name two states"})
    row = json.loads(run_cli("mark", "--json", "-", stdin=line + "\n").stdout)
    assert row["correct"] and row["verdict"] == "right"
