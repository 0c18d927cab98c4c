"""Which alias groups a text names: the same as looking up every run of its words."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.knowledge.aliases import AliasTable, inside_longer_name
from bot.text import words

WORDS = ["cold", "war", "the", "soviet", "union", "ussr", "berlin", "wall", "us", "un"]
name = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join)


def _naive(table: AliasTable, text: str) -> set[int]:
    """Every run of the text's words looked up among the names (and short capitals as written)."""
    toks = words(text)
    found: set[int] = set()
    for gid, names in enumerate(table.groups):
        for n in names:
            if n.isupper() and len(n) <= 3:
                found |= {gid} if n in text.replace(",", " ").split() else set()
                continue
            key = words(n)
            if any(toks[i : i + len(key)] == key for i in range(len(toks))):
                found.add(gid)
    return found


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(name, min_size=2, max_size=3), min_size=1, max_size=4),
    st.lists(st.sampled_from(WORDS), max_size=12),
)
def test_groups_found_are_the_runs_of_words_that_name_them(groups, text_words):
    table = AliasTable.from_groups(groups)
    text = " ".join(text_words)
    assert table.groups_in(text) == _naive(table, text)
    assert table.groups_in(text, words(text)) == _naive(table, text)


def test_a_name_is_found_where_its_first_word_recurs():
    table = AliasTable.from_groups([["Soviet Union", "USSR"], ["Cold War", "the long peace"]])
    assert table.groups_in("the Soviet army and the Soviet Union") == {0}
    assert table.groups_in("a cold day; then war") == set()
    assert table.groups_in("The USSR and the long peace") == {0, 1}


def test_names_any_notes_write_two_ways_are_known_without_an_alias_file():
    from bot.knowledge.base import Knowledge

    notes = b"# The world in 1900\n- Weltpolitik: an aggressive foreign policy.\n"
    notes += b"- The US government then followed a foreign policy of isolation from Europe and its quarrels.\n"
    notes += b"- Coffee is grown in South America and in Africa.\n- Rice is grown in Asia.\n"
    index = Knowledge.from_files([("world.md", notes)]).index
    answer = index.ask("What was America's foreign policy before the war?")
    assert answer.answered and "isolation" in answer.hits[0].snippet.text
    # "America" ending a longer name ("South America") is that name, not the United States
    answer = index.ask("what is grown in the USA")
    assert not any("Coffee" in h.snippet.text for h in answer.hits[:1]) or not answer.answered


@pytest.mark.parametrize(
    ("text", "inside"),
    [
        ("Coffee grows in South America.", True),
        ("South America is a continent.", True),
        ("In America, the press is free.", False),
        ("America's foreign policy", False),
        ("trade between South America and America", False),  # one use is the name itself
    ],
)
def test_a_one_word_name_ending_a_longer_name_is_that_longer_name(text, inside):
    assert inside_longer_name(text, "america") is inside


def test_only_the_built_in_one_word_names_give_way_to_a_longer_name():
    table = AliasTable.from_groups(
        [["Germany", "Germans"], ["United States", "America"]], guarded=frozenset({"america"})
    )
    assert table.groups_in("Nazi Germany invaded Poland.") == {0}  # a teacher's name counts as written
    assert table.groups_in("Coffee grows in South America.") == set()
    assert table.groups_in("In America, coffee is imported.") == {1}
