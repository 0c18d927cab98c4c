"""How questions are phrased: what a "how" + adjective question asks for, what a quote is."""

import pytest

from bot.knowledge.phrasing import SAID_OTHERWISE, measured
from bot.text import words


@pytest.mark.parametrize(
    ("question", "word", "quantity"),
    [
        ("How fast does sound travel in air?", "fast", ("speed",)),
        ("how far is the sun", "far", ("distance",)),
        ("how long did the war last", "long", ("length", "duration")),
        ("Is sound fast?", "fast", ()),  # not asked with "how": the word itself
        ("how does a fast reactor work", "fast", ()),
    ],
)
def test_how_and_an_adjective_ask_for_a_quantity(question, word, quantity):
    toks = words(question)
    assert measured(toks, toks.index(word)) == quantity


QUOTED = next(says for stems, says in SAID_OTHERWISE if "quot" in stems)


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("As K said 'There are only two ways - either peaceful coexistence or war'", True),
        ("Lady Macbeth: “Out, damned spot! out, I say!”", True),
        ("“Fair is foul”", True),
        ("'It isn't K's fault,' he said", True),
        ("adopted it under the name of 'Peaceful Coexistence'", False),  # a name in quotation marks
        ("the students' work isn't theirs", False),
    ],
)
def test_a_quote_is_three_words_or_more_in_quotation_marks(text, quoted):
    assert bool(QUOTED.search(text)) is quoted
