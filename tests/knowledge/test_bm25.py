"""The BM25 matrix made with numpy is bm25s's own, bit for bit, and scores alike."""

from array import array

import bm25s
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.knowledge.bm25 import FlatBM25

docs_strategy = st.integers(1, 40).flatmap(
    lambda vocab: st.tuples(
        st.just(vocab), st.lists(st.lists(st.integers(0, vocab - 1), min_size=1, max_size=30), min_size=1, max_size=60)
    )
)


def _both(vocab_size: int, docs: list[list[int]]) -> tuple[FlatBM25, bm25s.BM25]:
    vocab = {f"t{i}": i for i in range(vocab_size)}
    ours = FlatBM25(k1=1.5, b=0.75)
    ours.index_flat(array("i", [t for d in docs for t in d]), [len(d) for d in docs], vocab)
    ref = bm25s.BM25(k1=1.5, b=0.75)
    ref.index((docs, vocab), create_empty_token=False, show_progress=False)
    return ours, ref


@settings(max_examples=150, deadline=None)
@given(docs_strategy)
def test_the_matrix_is_bm25s_own(case):
    vocab_size, docs = case
    ours, ref = _both(vocab_size, docs)
    assert ours.scores["num_docs"] == ref.scores["num_docs"]
    for key in ("data", "indices", "indptr"):
        assert ours.scores[key].dtype == ref.scores[key].dtype
        assert np.array_equal(ours.scores[key], ref.scores[key]), key


def test_a_query_scores_as_with_bm25s():
    docs = [[0, 1, 1, 2], [2, 3], [0, 0, 0, 4, 5, 6], [6]]
    ours, ref = _both(8, docs)  # two terms no document uses
    for query in (["t0"], ["t1", "t2"], ["t6", "t0", "t7"], ["t7"]):
        assert np.array_equal(ours.get_scores(query), ref.get_scores(query))
    assert ours.get_scores(["t1"])[0] > 0 and ours.get_scores(["t1"])[1] == 0
