"""How questions are phrased: what a "how" + adjective question asks for."""

import pytest

from bot.knowledge.phrasing import measured
from bot.text import words


@pytest.mark.parametrize(
    ("question", "word", "quantity"),
    [
        ("How fast does sound travel in air?", "fast", ("speed",)),
        ("how far is the sun", "far", ("distance",)),
        ("how long did the war last", "long", ("time", "length")),
        ("Is sound fast?", "fast", ()),  # not asked with "how": the word itself
        ("how does a fast reactor work", "fast", ()),
    ],
)
def test_how_and_an_adjective_ask_for_a_quantity(question, word, quantity):
    toks = words(question)
    assert measured(toks, toks.index(word)) == quantity
