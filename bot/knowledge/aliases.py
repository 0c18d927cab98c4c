"""The teacher's alias file: names that mean the same thing (USSR = Soviet Union = Soviets)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bot.text import clean, fold, words

log = logging.getLogger(__name__)

ALIAS_FILE = "aliases.txt"
BUILT_IN = Path(__file__).resolve().parent / "names.txt"  # names every subject's notes may write two ways
# An all-capitals name of up to three letters ("K", "US", "UN") only counts when written in
# capitals, so that "us" or "un" in a sentence are not read as the United States or Nations.
_SHORT_CAPS = re.compile(r"^[A-Z][A-Z0-9]{0,2}$")
_CAPS_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Z][A-Z0-9]{0,2}(?![A-Za-z0-9])")


@dataclass(slots=True)
class AliasTable:
    groups: list[tuple[str, ...]] = field(default_factory=list)
    # folded word sequence -> group ids, for the names that match in any case
    _folded: dict[tuple[str, ...], set[int]] = field(default_factory=dict)
    # exact token -> group ids, for short all-capitals names
    _caps: dict[str, set[int]] = field(default_factory=dict)
    # first word of the folded names -> those names: a word that starts none is passed over at once
    _starts: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    _keys: dict[str, tuple[str, ...]] = field(default_factory=dict)  # a name's folded words, once per name
    # one-word names that do not count where they end a longer name ("America" in "South America")
    _guarded: frozenset[str] = frozenset()

    @classmethod
    def from_groups(cls, groups: list[list[str]], guarded: frozenset[str] = frozenset()) -> AliasTable:
        """The table of these groups; `guarded`: one-word names (folded) that do not count where they end a longer
        capitalised name (the built-in names: "America" in "South America")."""
        table = cls(_guarded=guarded)
        for names in groups:
            names = [n.strip() for n in names if n.strip()]
            if len(names) < 2:
                continue
            gid = len(table.groups)
            table.groups.append(tuple(names))
            for name in names:
                if _SHORT_CAPS.match(name):
                    table._caps.setdefault(name, set()).add(gid)
                    continue
                key = tuple(words(name))
                if key:
                    if key not in table._folded:
                        table._starts.setdefault(key[0], []).append(key)
                    table._folded.setdefault(key, set()).add(gid)
        return table

    @classmethod
    def load(cls, path: Path) -> AliasTable:
        """Read `Name = Other name = ...` lines; '#' starts a comment. A bad line is skipped with a warning."""
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls()
        except (OSError, UnicodeDecodeError) as exc:
            log.warning("alias file %s skipped: %s", path, exc)
            return cls()
        return cls.parse(text, str(path))

    @classmethod
    def parse(cls, text: str, name: str = "aliases.txt") -> AliasTable:
        """The table of an alias file's text (`name`: how warnings name the file)."""
        groups: list[list[str]] = []
        for lineno, line in enumerate(clean(text).splitlines(), 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            names = [n for n in (p.strip() for p in line.split("=")) if n]
            if len(names) < 2:
                log.warning("%s:%d: an alias line needs two names separated by '=': %r", name, lineno, line)
                continue
            groups.append(names)
        return cls.from_groups(groups)

    def groups_in(self, text: str, toks: list[str] | None = None) -> set[int]:
        """The alias groups whose names occur in `text` as whole words (`toks`: its words, when already split)."""
        found: set[int] = set()
        if not self.groups:
            return found
        if self._caps:
            for tok in self._caps.keys() & set(_CAPS_WORD.findall(text)):
                found |= self._caps[tok]
        if toks is None:
            toks = words(text)
        starts = self._starts
        for first in starts.keys() & set(toks):  # most facts name none
            for key in starts[first]:
                if len(key) == 1:
                    if not self.ends_longer_name(text, first, toks):
                        found |= self._folded[key]
                    continue
                at = toks.index(first)
                while True:
                    if tuple(toks[at : at + len(key)]) == key:
                        found |= self._folded[key]
                        break
                    try:
                        at = toks.index(first, at + 1)
                    except ValueError:
                        break
        return found

    @classmethod
    def built_in(cls) -> AliasTable:
        return _built_in()

    def ends_longer_name(self, text: str, word: str, toks: list[str] | None = None) -> bool:
        """Whether a guarded one-word name (folded) only ends longer names in `text` ("South America"). Its first
        use after a small word, or first in the text, is the name itself: the capitals before each use are read
        only otherwise."""
        if word not in self._guarded:
            return False
        toks = words(text) if toks is None else toks
        try:
            at = toks.index(word)
        except ValueError:
            return False
        if at == 0 or toks[at - 1] in _FUNCTION_WORDS:
            return False
        return inside_longer_name(text, word)

    def group_of(self, name: str) -> set[int]:
        """Groups that list `name` itself (not merely contain it)."""
        name = name.strip()
        if _SHORT_CAPS.match(name) and name in self._caps:
            return set(self._caps[name])
        key = self._keys.get(name)
        if key is None:  # the question bank asks about the same names many times
            key = tuple(words(name))
            if len(self._keys) < 65536:
                self._keys[name] = key
        return set(self._folded.get(key, set()))

    def same(self, a: str, b: str) -> bool:
        """True when a teacher listed `a` and `b` as names of the same thing."""
        return bool(self.group_of(a) & self.group_of(b))

    def names(self, gid: int) -> tuple[str, ...]:
        return self.groups[gid]

    def all_names(self) -> list[str]:
        return [n for g in self.groups for n in g]

    def one_word_names(self) -> frozenset[str]:
        return frozenset(k[0] for k in self._folded if len(k) == 1)

    def folded_names(self) -> set[str]:
        return {fold(n) for n in self.all_names()}


@lru_cache(maxsize=1)
def _built_in() -> AliasTable:
    return AliasTable.load(BUILT_IN)


@lru_cache(maxsize=1024)
def _after_a_name(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?i:(?<![\w'])({re.escape(word)}))(?![\w-])")


_NAME_WORD = re.compile(r"(?<![\w'-])([A-Z][\w'-]*)$")


def inside_longer_name(text: str, word: str) -> bool:
    """Whether every use of `word` (folded) in `text` ends a longer capitalised name: "America" in "South America",
    "Latin America", "South America is ...". After a function word or alone ("In America", "America's policy") it
    is the name itself."""
    used = False
    for m in _after_a_name(word).finditer(text):
        at = m.start()
        k = at - 1
        while k >= 0 and text[k].isspace():
            k -= 1
        if k < 0 or k == at - 1 or not (text[k].isalnum() or text[k] in "'-"):
            return False  # at the start, straight after a sign, or after no word
        before = _NAME_WORD.search(text, max(0, k - 40), k + 1)
        if before is None or fold(before.group(1)) in _FUNCTION_WORDS:
            return False
        used = True
    return used


_FUNCTION_WORDS = frozenset(
    """a an the in on at to of for from by with and or but as is was are were be this that these those his her
    its their our my your when where while after before during since until under over into onto""".split()
)
