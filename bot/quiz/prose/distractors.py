"""Wrong options of the answer's kind from the same notes, none of which the source sentence states."""

from __future__ import annotations

import math
import random

from rapidfuzz import fuzz

from bot.knowledge.aliases import AliasTable
from bot.knowledge.model import Snippet
from bot.quiz.prose.facts import _Fact, _mentions_raw, _values_in, _year_in
from bot.quiz.prose.lexicon import _format_number, _Lexicon, _parse_number
from bot.quiz.prose.words import _NUMBER, ORG_HEADS, SAME_NAME_RATIO, _head, _word_shape
from bot.quiz.sampling import draw
from bot.text import fold, words

# --------------------------------------------------------------------------- distractors


class Stated:
    """What a snippet (its text and its topic) states, so that no option it gives away is offered: worked out
    once for each distinct text of the notes, however many blanks and copies of it there are."""

    __slots__ = ("text", "_words", "_groups", "_values", "_names", "_aliases")

    def __init__(self, snippet: Snippet, aliases: AliasTable):
        self.text = snippet.text + "\n" + snippet.topic
        self._aliases = aliases
        self._words: set[str] | None = None
        self._groups: set[int] | None = None
        self._values: list[float] | None = None
        self._names: dict[str, bool] = {}

    def words(self) -> set[str]:
        if self._words is None:
            self._words = set(words(self.text))
        return self._words

    def groups(self) -> set[int]:
        """The alias groups it names."""
        if self._groups is None:
            self._groups = self._aliases.groups_in(self.text)
        return self._groups

    def values(self) -> list[float]:
        """The figures it states."""
        if self._values is None:
            self._values = _values_in(self.text)
        return self._values

    def names(self, name: str) -> bool:
        """Whether it uses `name` as a whole word, in any case."""
        found = self._names.get(name)
        if found is None:
            found = self._names[name] = _mentions_raw(self.text, name)
        return found


def _distractors(fact: _Fact, snippet: Snippet, lex: _Lexicon, rng: random.Random, stated: Stated) -> list[str]:
    """Wrong options of the answer's type, from the same notes, none of which the source snippet states."""
    if fact.kind == "year":
        return _year_distractors(int(fact.answer), lex, rng, stated.text)
    if fact.kind == "number":
        return _number_distractors(fact, snippet, lex, rng, stated)
    if fact.kind in ("person", "place"):
        return _name_distractors(fact, snippet, lex, rng, stated)
    if fact.kind == "keyword":
        return _keyword_distractors(fact, snippet, lex, rng, stated)
    return _term_distractors(fact, snippet, lex, rng, stated)


def _keyword_distractors(fact: _Fact, snippet: Snippet, lex: _Lexicon, rng: random.Random, stated: Stated) -> list[str]:
    """Other words of the subject, of a similar shape (length, plural), that the snippet does not use."""
    pools = lex.pools()
    answer = fact.answer
    used = stated.words()
    out: list[str] = []
    shape = _word_shape(answer)
    for w in draw((pools.keywords_in.get(snippet.source, ()), pools.keywords), rng):
        if w in used or w[:4] == answer[:4] or _word_shape(w) != shape:  # "atrium" is no wrong "atria"
            continue
        if not 0.6 * len(answer) <= len(w) <= 1.6 * len(answer):
            continue
        out.append(w)
        if len(out) == 3:
            break
    return out


def _year_distractors(year: int, lex: _Lexicon, rng: random.Random, text: str) -> list[str]:
    def ok(y: int) -> bool:
        return y != year and not _year_in(y, text) and y <= 2030

    near = [y for y in lex.years if abs(y - year) <= 10 and ok(y)]
    # Nearest first, ties broken by the seed, so a different seed can give a different mix.
    near.sort(key=lambda y: (abs(y - year) + rng.random() * 3, y))
    out = near[:3]
    offsets = [d for k in range(1, 11) for d in (k, -k)]
    rng.shuffle(offsets)
    offsets.sort(key=lambda d: abs(d) // 4)  # keep made-up years close to the real one
    for d in offsets:
        if len(out) >= 3:
            break
        if ok(year + d) and year + d not in out:
            out.append(year + d)
    return [str(y) for y in out]


def _number_distractors(fact: _Fact, snippet: Snippet, lex: _Lexicon, rng: random.Random, stated: Stated) -> list[str]:
    assert fact.match is not None
    present = stated.values()

    def fresh(value: float) -> bool:
        return all(abs(value - v) > 1e-9 * max(1.0, abs(v)) for v in present)

    scale = fact.value / float(fact.match.group("num").replace(",", "")) if fact.value else 1.0
    seen: set[float] = set()
    out: list[str] = []
    pools = lex.pools()
    for i in draw((pools.numbers_in.get((fact.key, snippet.source), ()), pools.numbers.get(fact.key, ())), rng):
        n = lex.numbers[i]
        if n.value not in seen and fresh(n.value):
            seen.add(n.value)
            out.append(_format_number(n.value / scale, fact.match, n.decimals))
            if len(out) == 3:
                break
    base = fact.value / scale
    # Made-up figures near the real one: far-off ones are too easy to rule out.
    factors = [0.5, 0.75, 1.25, 1.5, 2.0, 0.6, 1.75, 2.5, 3.0, 0.25]
    rng.shuffle(factors)
    factors.sort(key=lambda f: abs(math.log(f)) > math.log(2.01))
    for f in factors:
        if len(out) >= 3:
            break
        b = base * f
        text_b = _format_number(b, fact.match)
        parsed = _parse_number(_NUMBER.search(text_b))  # type: ignore[arg-type]
        value = parsed[0] if parsed else b * scale
        if value in seen or not fresh(value) or (fact.key == "%" and b > 100) or b <= 0:
            continue
        seen.add(value)
        out.append(text_b)
    return [o for o in out if o != fact.answer]


def _name_distractors(fact: _Fact, snippet: Snippet, lex: _Lexicon, rng: random.Random, stated: Stated) -> list[str]:
    in_source = stated.groups()
    answer_words = set(words(fact.answer)) | {w for a in fact.alternatives for w in words(a)}
    pools = lex.pools()
    out: list[str] = []
    for key in draw((pools.names_in.get((fact.kind, snippet.source), ()), pools.names.get(fact.kind, ())), rng):
        if key == fact.key:
            continue
        option = lex.name_option(key)
        # A place option must be written as a place somewhere in the notes (after "in", "at", "to" ...).
        if fact.kind == "place" and not option.located:
            continue
        shown = option.shown
        if option.generic or shown in out:
            continue
        if option.group is not None and option.group in in_source:
            continue
        # Never a name the snippet itself uses, or one sharing a word with the answer ("Germany" for "West Germany").
        if any(stated.names(n) for n in option.spellings):
            continue
        if option.words & answer_words:
            continue
        if any(fuzz.ratio(option.folded, fold(other)) >= SAME_NAME_RATIO for other in (fact.answer, *out)):
            continue  # "Balcans" for "Balkans": another spelling of the answer, or of an option already taken
        out.append(shown)
        if len(out) == 3:
            break
    return out


def _term_distractors(fact: _Fact, snippet: Snippet, lex: _Lexicon, rng: random.Random, stated: Stated) -> list[str]:
    aliases = lex.aliases
    head = _head(fact.answer)
    # Only terms that name a kind of thing (a treaty, a war, a conference) have rivals of the same kind;
    # "East Germany" and "Eastern Germany" are the same place, not alternatives.
    if head not in ORG_HEADS and head not in lex.common:
        return []
    own = aliases.groups_in(fact.answer) | aliases.group_of(fact.answer)
    in_source = stated.groups()
    pools = lex.pools()
    out: list[str] = []
    picked: list[set[int]] = []
    for term in draw((pools.terms_in.get((head, snippet.source), ()), pools.terms.get(head, ())), rng):
        display = lex.terms[term][0]
        if term == fold(fact.answer) or stated.names(display):
            continue
        groups = aliases.groups_in(display) | aliases.group_of(display)
        if groups & (own | in_source):  # "Yalta Conference" is the "Kanta Conference": not wrong
            continue
        groups = aliases.group_of(display)
        ws = set(words(display))
        # Two options meaning one thing ("Second World War", "World War II"), or one inside the other
        # ("Pacific War", "American Pacific War"), would make the question unfair.
        if any(groups & g for g in picked) or any(ws <= set(words(o)) or ws >= set(words(o)) for o in out):
            continue
        out.append(display)
        picked.append(groups)
        if len(out) == 3:
            break
    return out
