"""The loaded knowledge: snippets, aliases and the search index, built once at start-up."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.aliases import ALIAS_FILE, AliasTable
from bot.knowledge.index import SearchIndex
from bot.knowledge.ingest import knowledge_from_files, load_knowledge
from bot.knowledge.learned import learned_aliases
from bot.knowledge.lexicon import save_lemma_cache, use_lemma_cache
from bot.knowledge.model import KnowledgeBase, Snippet
from bot.knowledge.paraphrase import Paraphrases, VectorCache, load_encoder
from bot.knowledge.readers import NoteError

log = logging.getLogger(__name__)

# Called with the facts and aliases of notes just read, before their index is built (start-up's question bank).
Facts = Callable[[list[Snippet], AliasTable], None]


@dataclass(slots=True)
class Knowledge:
    folder: Path
    base: KnowledgeBase
    aliases: AliasTable
    index: SearchIndex

    @property
    def snippets(self) -> list[Snippet]:
        return self.base.snippets

    @property
    def warnings(self) -> list[str]:
        return self.base.warnings

    @classmethod
    def load(
        cls, folder: Path, paraphrase: bool = False, cache_dir: Path | None = None, before_index: Facts | None = None
    ) -> Knowledge:
        """Read the notes and build the index. With `paraphrase`, close candidates are also ordered by meaning
        when the optional sentence model is installed (vectors cached under `cache_dir`; see paraphrase.py).
        `before_index` is called with the facts and aliases once they are known, before the index is built."""
        use_lemma_cache(cache_dir)
        base = load_knowledge(folder)
        skipped = sum(1 for r in base.reports if r.error)
        log.info("loaded %d snippets from %s (%d files not read)", len(base.snippets), folder, skipped)
        return cls.build(folder, base, AliasTable.load(folder / ALIAS_FILE), paraphrase, cache_dir, before_index)

    @classmethod
    def from_files(
        cls,
        files: list[tuple[str, bytes]],
        paraphrase: bool = False,
        cache_dir: Path | None = None,
        before_index: Facts | None = None,
    ) -> Knowledge:
        """The knowledge of notes given as (name, bytes): a class's notes added from the chat. An alias file
        among them ("aliases.txt") is read as the folder's would be."""
        from bot.knowledge.readers.encoding import decode_text  # charset_normalizer: not on `ask`'s start-up

        use_lemma_cache(cache_dir)
        base = knowledge_from_files(files)
        teacher = AliasTable()
        for name, data in files:
            if Path(name).name.lower() == ALIAS_FILE:
                try:
                    teacher = AliasTable.parse(decode_text(data), name)
                except NoteError as exc:
                    base.warnings.append(f"{name}: {exc}")
        return cls.build(Path(), base, teacher, paraphrase, cache_dir, before_index)

    @classmethod
    def build(
        cls,
        folder: Path,
        base: KnowledgeBase,
        teacher: AliasTable,
        paraphrase: bool,
        cache_dir: Path | None,
        before_index: Facts | None = None,
    ) -> Knowledge:
        # The teacher's groups first (their ids and names stay as written), then the names any notes may write two
        # ways (knowledge/names.txt), then what the notes teach.
        built_in = AliasTable.built_in()  # "America" = "USA" in any subject's notes
        aliases = AliasTable.from_groups(
            [list(g) for g in teacher.groups]
            + [list(g) for g in built_in.groups]
            + learned_aliases(s.text for s in base.snippets),
            guarded=built_in.one_word_names(),
        )
        if before_index is not None:
            before_index(base.snippets, aliases)
        index = SearchIndex(base.snippets, aliases)
        save_lemma_cache()
        encoder = load_encoder() if paraphrase else None
        if encoder is not None:
            index.paraphrases = Paraphrases(index.snippets, encoder, VectorCache(cache_dir, encoder.name))
        return cls(folder, base, aliases, index)

    @classmethod
    def load_and_report(
        cls, folder: Path, paraphrase: bool = False, cache_dir: Path | None = None, before_index: Facts | None = None
    ) -> Knowledge:
        """Load, and log what each note gave and every warning, once (the start-up's view for the teacher)."""
        knowledge = cls.load(folder, paraphrase, cache_dir, before_index)
        for report in knowledge.base.reports:
            if not report.error:
                log.info("notes: %s", report.line)
        for warning in knowledge.warnings:
            log.warning("notes: %s", warning)
        return knowledge
