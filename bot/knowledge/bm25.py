"""BM25 over the facts: bm25s's index, its matrix made with numpy in a few passes over all the facts at once.

bm25s makes its matrix with a Python loop and a Counter per document: at 100k facts that was a quarter of the
index's build. This gives the same scores (Lucene's BM25 in float32, computed in the same order), in the same
sparse matrix, from every fact's term numbers end to end; searching is bm25s's own.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence

import bm25s
import numpy as np

from bot.knowledge.termrows import sorted_unique


class FlatBM25(bm25s.BM25):
    """bm25s.BM25 (method "lucene") indexed from term numbers laid end to end."""

    def __init__(self, k1: float, b: float) -> None:
        super().__init__(k1=k1, b=b, method="lucene")

    def index_flat(self, flat: array, lengths: Sequence[int], vocab: dict[str, int]) -> np.ndarray:
        """Index documents given as `flat` (array of int term numbers, every document's end to end), `lengths`
        (each document's count of terms, repeats included) and `vocab` (term -> number, numbers 0..n-1).
        Returns how many documents hold each term (not kept: the index does not need it)."""
        n_docs, n_vocab = len(lengths), len(vocab)
        lens = np.asarray(lengths, dtype=np.int64)
        ids = np.frombuffer(flat, dtype=np.dtype(f"i{flat.itemsize}")).astype(np.int64)
        doc = np.repeat(np.arange(n_docs, dtype=np.int64), lens)
        # One entry per (term, document), ordered by term then document: the matrix's own (CSC) order.
        pairs, tf = sorted_unique(ids * n_docs + doc)
        term = pairs // n_docs
        rows = (pairs - term * n_docs).astype(np.int32)
        df = np.bincount(term, minlength=n_vocab)
        # idf per distinct document frequency, with the float64 formula bm25s uses, then stored as float32
        distinct, where = np.unique(df, return_inverse=True)
        idf_of = np.array([self._idf(int(d), n_docs) if d else 0.0 for d in distinct], dtype=np.float64)
        idf = idf_of.astype(np.float32)[where]
        # tf / (tf + k1 * (1 - b + b * length / average length)): float64, as bm25s's scalar-by-document version
        norm = self.k1 * ((1 - self.b) + self.b * lens.astype(np.float64) / lens.mean())
        tf32 = tf.astype(np.float32)
        tfc = tf32 / (norm[rows] + tf32)
        data = (idf[term] * tfc).astype(np.float32)
        indptr = np.zeros(n_vocab + 1, dtype=np.int64)
        np.cumsum(df, out=indptr[1:])
        self.nonoccurrence_array = None
        self.scores = {"data": data, "indices": rows, "indptr": indptr, "num_docs": n_docs}
        self.vocab_dict = vocab
        # bm25s keeps a set of every term number for queries of numbers; the numbers are 0..n-1 and a range says
        # as much.
        self.unique_token_ids_set = range(n_vocab)
        return df

    @staticmethod
    def _idf(df: int, n: int) -> float:
        return math.log(1 + (n - df + 0.5) / (df + 0.5))
