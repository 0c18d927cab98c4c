"""The index's compact stem sets read back exactly what was put in."""

from array import array

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.knowledge.termrows import FactStems, KeyedRows, PairRows, PairSet, PartStems, StemRows, Terms


def test_rows_of_stems_read_back_as_sets_of_strings():
    terms = Terms()
    rows = StemRows(terms)
    assert rows.add(terms.intern(["yalta", "confer", "yalta"])) == 0
    assert rows.add([]) == 1
    assert rows.add(terms.intern(["potsdam"])) == 2
    assert rows[0] == frozenset({"yalta", "confer"})
    assert rows[1] == frozenset()
    assert rows[2] == frozenset({"potsdam"})
    assert "yalta" in terms and "berlin" not in terms
    assert len(rows) == 3 and len(terms) == 3
    keyed = KeyedRows(rows, {"Yalta": 0, "Potsdam": 2})
    assert keyed["Potsdam"] == frozenset({"potsdam"})
    # which of some stems a row holds, without reading the whole row back
    assert keyed.holding("Yalta", ["confer", "potsdam", "berlin", "yalta"]) == frozenset({"confer", "yalta"})
    assert rows.holding(1, ["yalta"]) == frozenset()


def test_pairs_keep_their_order_and_are_found_in_the_whole_notes():
    terms = Terms()
    pairs = PairRows(terms)
    pairs.add(terms.intern(["warsaw", "pact", "sign"]))
    pairs.add(terms.intern(["iron", "curtain"]))
    assert pairs[0] == frozenset({("warsaw", "pact"), ("pact", "sign")})
    every = PairSet(terms, [pairs.codes()])
    assert ("warsaw", "pact") in every and ("iron", "curtain") in every
    assert ("pact", "warsaw") not in every  # order matters
    assert ("curtain", "sign") not in every and ("unknown", "pact") not in every
    assert ("x", "y") not in PairSet(terms, [])


def test_a_facts_stems_are_its_texts_its_topics_and_its_titles():
    from array import array

    terms = Terms()
    text, parts = StemRows(terms), StemRows(terms)
    text.add(terms.intern(["agre"]))
    topic = parts.add(terms.intern(["yalta", "confer"]))
    title = parts.add(terms.intern(["cold", "war"]))
    facts = FactStems(text, parts, array("i", [topic]), array("i", [title]))
    assert facts[0] == frozenset({"agre", "yalta", "confer", "cold", "war"})
    assert PartStems(parts, array("i", [title]))[0] == frozenset({"cold", "war"})


def test_rows_of_alias_groups_read_back_empty_or_as_written():
    from bot.knowledge.termrows import GroupRows

    rows = GroupRows()
    rows.add(set())
    rows.add({3, 1})
    assert rows[0] == frozenset() and rows[1] == frozenset({1, 3})


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 20), max_size=3),
    st.lists(st.lists(st.integers(0, 20), max_size=12), max_size=20),
)
def test_many_rows_at_once_are_the_rows_added_one_by_one(before, rows):
    terms = Terms()
    terms.intern(f"w{i}" for i in range(21))
    one, many = StemRows(terms), StemRows(terms)
    pairs_one, pairs_many = PairRows(terms), PairRows(terms)
    for r in (one, many):
        r.add(before)
    for p in (pairs_one, pairs_many):
        p.add(before)
    for row in rows:
        one.add(row)
        pairs_one.add(row)
    seq, lengths = array("i", [t for row in rows for t in row]), array("q", [len(row) for row in rows])
    many.add_many(seq, lengths)
    pairs_many.add_many(seq, lengths)
    assert [one[i] for i in range(len(one))] == [many[i] for i in range(len(many))]
    assert (one._ptr, one._flat) == (many._ptr, many._flat)
    assert [pairs_one[i] for i in range(len(rows) + 1)] == [pairs_many[i] for i in range(len(rows) + 1)]
    assert (pairs_one._ptr, pairs_one._flat) == (pairs_many._ptr, pairs_many._flat)
