"""Property-based tests: arbitrary Unicode, control characters, markup, mentions and huge inputs never
crash asking, marking, note ingestion or the console, and each call returns in bounded time."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.knowledge.ingest import snippets_from_text as segment
from bot.knowledge.model import MAX_SNIPPET_CHARS
from bot.quiz.marking import mark, mark_choice

NASTY = st.sampled_from(
    [
        "@everyone",
        "@here",
        "<@123>",
        "<b>",
        "</i>",
        "&amp;",
        "**",
        "`",
        "```",
        "||",
        "\u202e",
        "\u200b",
        "\x00",
        "\x1b[31m",
        "\r\n",
        "\t",
        "🙂",
        "👨‍👩‍👧",
        "Ω",
        "ẞ",
        "٣",
        "漢字",
        "yalta",
        "Stalin",
        "1945",
        "5.8m",
        "?",
        "(",
        "[[",
    ]
)
TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(NASTY, st.text(max_size=20)), max_size=60).map(" ".join),
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=5), st.integers(1000, 4000)),
)
FAST = settings(max_examples=150, deadline=timedelta(seconds=2), suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(question=TEXT)
def test_asking_anything_answers_or_abstains(knowledge, question):
    answer = knowledge.index.ask(question)
    assert isinstance(answer.answered, bool)
    assert len(answer.question) <= 300
    assert all(len(h.snippet.text) <= MAX_SNIPPET_CHARS for h in answer.hits)
    assert answer.answered or not answer.hits or answer.confidence < 0.43 or answer.problem


@FAST
@given(expected=TEXT, given_=TEXT)
def test_marking_anything_returns_a_verdict(knowledge, expected, given_):
    m = mark(expected, given_, aliases=knowledge.aliases)
    assert isinstance(m.correct, bool) and isinstance(m.close, bool)
    assert not (m.correct and m.close)


@FAST
@given(options=st.lists(st.text(min_size=1, max_size=30), min_size=2, max_size=4, unique=True), given_=TEXT)
def test_multiple_choice_marks_anything(options, given_):
    assert isinstance(mark_choice(options, options[0], given_).correct, bool)


@FAST
@given(note=st.one_of(TEXT, st.lists(st.one_of(NASTY, st.text(max_size=120)), max_size=80).map("\n".join)))
def test_ingesting_any_note_gives_short_located_snippets(note):
    for s in segment(note, source="x.txt"):
        assert 0 < len(s.text) <= MAX_SNIPPET_CHARS
        assert s.source == "x.txt" and s.topic


async def test_the_console_replies_briefly_to_nasty_input(console):
    for line in [
        "",
        "   ",
        "@everyone what is yalta",
        "<b>yalta</b> &amp;",
        "\x00\x1b[2J",
        "🙂" * 5000,
        "/ask " + "x" * 10_000,
        "/quiz \u202e",
        "/leaderboard forever",
        "/dailysettings time 99:99",
    ]:
        reply = await console.handle(line)
        assert reply and len(reply) < 4000 and "Traceback" not in reply
