"""Which alias groups a text names: the same as looking up every run of its words."""

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.knowledge.aliases import AliasTable
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
