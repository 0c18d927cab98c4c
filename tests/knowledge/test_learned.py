"""Aliases the notes teach, and small talk told apart from questions."""

from pathlib import Path

import pytest

from bot.knowledge.base import Knowledge
from bot.knowledge.learned import learned_aliases
from bot.knowledge.smalltalk import small_talk


def test_acronyms_and_hyphenated_words_are_learned_from_the_notes():
    groups = learned_aliases(
        [
            "Information stays in the short term memory (STM) for about 18 seconds.",
            "MDR - memory data register, it holds the data fetched from memory.",
            "Send the file by e-mail.",
            "It was a USA (good) idea.",  # initials that do not spell it: not an acronym
            "Cross elasticity of demand (XED) compares two goods.",  # a leading X for "cross"
        ]
    )
    assert ["XED", "cross elasticity of demand"] in groups
    assert ["STM", "short term memory"] in groups
    assert ["MDR", "memory data register"] in groups
    assert ["e-mail", "email"] in groups
    assert not any(g[0] == "USA" for g in groups)


def test_a_question_with_the_acronym_finds_the_spelt_out_fact(tmp_path: Path):
    (tmp_path / "memory.md").write_text(
        "# Memory\n\n## Stores\n\n- The short term memory (STM) is the store we are aware of.\n"
        "- Repeating items over and over keeps them in long term memory.\n"
        "- Repeating items over and over keeps them in working memory, the short term memory.\n",
        encoding="utf-8",
    )
    (tmp_path / "mail.md").write_text("# Networks\n\n- An e-mail travels in packets across the network.\n")
    knowledge = Knowledge.load(tmp_path)
    assert (
        knowledge.index.ask("does repeating items keep them in STM", top=1)
        .hits[0]
        .snippet.text.endswith("working memory, the short term memory.")
    )
    assert "e-mail" in knowledge.index.ask("how does an email travel", top=1).hits[0].snippet.text


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("thanks!", "thanks"),
        ("thank you so much", "thanks"),
        ("hi", "greeting"),
        ("good morning everyone", "greeting"),
        ("ok thanks bye", "thanks"),
        ("bye", "bye"),
        ("cool", "ack"),
        ("thanks, what is osmosis", ""),
        ("yalta", ""),
        ("hi who was stalin", ""),
    ],
)
def test_small_talk_is_told_from_questions(text, kind):
    assert small_talk(text) == kind


def test_small_talk_gets_no_fact(knowledge):
    answer = knowledge.index.ask("thank you!")
    assert not answer.answered and answer.problem == "thanks" and not answer.hits


def test_an_acronym_whose_long_form_has_small_words_is_found_from_the_long_form(tmp_path: Path):
    (tmp_path / "elasticity.md").write_text(
        "# Elasticity\n\n## Cross elasticity\n\n- Cross elasticity of demand (XED) compares two goods.\n"
        "- Cross elasticity of demand shows how demand for one good responds to the price of other goods.\n\n"
        "## Related goods\n\n- If XED is positive, the goods are substitutes.\n"
        "- If XED is negative, the goods are complements.\n",
        encoding="utf-8",
    )
    knowledge = Knowledge.load(tmp_path)
    top = knowledge.index.ask("If the cross elasticity of demand is positive, what are the goods?").hits[0]
    assert top.snippet.text == "If XED is positive, the goods are substitutes."
