"""The console adapter: the whole conversation as a student sees it."""

from bot.storage.gaps import list_gaps


async def test_plain_text_is_a_question(console):
    reply = await console.handle("what did churchill think about poland")
    assert reply.startswith("1. ") and "Poland" in reply and "from cold-war-" in reply


async def test_ask_topics_and_help(console):
    assert "Red Army" in await console.handle("/ask kruschev army cuts")
    topics = await console.handle("/topics")
    assert "The Yalta Conference - February 1945" in topics and "Cuts in the Red Army" in topics
    help_text = await console.handle("/help")
    assert "/ask QUESTION" in help_text and "/report" not in help_text


async def test_unanswered_questions_are_recorded_for_the_teacher(console, service):
    reply = await console.handle("who invented the telephone?")
    assert "not in the notes" in reply
    await console.handle("Who invented the telephone")
    gaps = await list_gaps(service.sessions, "console:7b")
    assert [(g.text, g.count) for g in gaps] == [("who invented the telephone", 2)]


async def test_bad_input_gets_a_short_clear_reply(console):
    assert "Ask me something" in await console.handle("/ask")
    assert "need some words" in await console.handle("🙂🙂")
    long_reply = await console.handle("yalta " * 2000)
    assert "first 300 characters" in long_reply and len(long_reply) < 3000
    assert "don't know /frobnicate" in await console.handle("/frobnicate")
    assert "for teachers" in await console.handle("/report")
