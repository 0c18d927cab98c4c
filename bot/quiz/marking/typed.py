"""Marking a typed answer as a fair teacher of any subject would.

The kinds of answer that have a structure of their own are marked by their own rule: dates field by field,
quantities by value and unit, chemical names and formulas, equations and formulas as structure. The others are
marked word by word (names, terms, numbers), then as a list of items, then as a definition in the student's words.
Each gives a one-line reason a teacher can check.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

from bot.knowledge.aliases import AliasTable
from bot.quiz.marking import definitions, formula, lists
from bot.quiz.marking.core import mark_words
from bot.quiz.marking.parse import MAX_CHARS
from bot.quiz.marking.verdict import CLOSE, RIGHT, WRONG, Judgement
from bot.quiz.model import Marking

# A definition in one's own words may be longer than a name or a term.
MAX_DEFINITION_CHARS = 400


@dataclass(frozen=True, slots=True)
class Context:
    """What the class's notes and settings add to marking."""

    aliases: AliasTable | None = None
    known_names: Collection[str] = ()
    compounds: Mapping[str, str] = field(default_factory=dict)  # formula -> name, from the notes ("NH3": "ammonia")
    symbols: Mapping[str, str] = field(default_factory=dict)  # formula symbol -> quantity, from the notes
    terms: frozenset[str] = frozenset()  # words the notes use more than once: never a slip for another word
    dayfirst: bool = True  # 4/8/1914 is 4 August (False: 8 April, as in the United States)
    asked: int | None = None  # how many items the question asks for ("name two of ..."), when it says


Rule = Callable[[str, str, Context], "Judgement | None"]


def _dates(expected: str, given: str, context: Context) -> Judgement | None:
    from bot.quiz.marking import dates

    return dates.judge(expected, given, dayfirst=context.dayfirst)


def _chemistry(expected: str, given: str, context: Context) -> Judgement | None:
    from bot.quiz.marking import chemistry

    return chemistry.judge(expected, given, compounds=context.compounds)


def _quantities(expected: str, given: str, context: Context) -> Judgement | None:
    from bot.quiz.marking import quantities  # pint is loaded on the first quantity, not at start-up

    return quantities.judge(expected, given)


def _formula(expected: str, given: str, context: Context) -> Judgement | None:
    return formula.judge(expected, given, context.symbols)


_RULES: tuple[Rule, ...] = (_dates, _chemistry, _quantities, _formula)


def _claims(rule: Rule, answer: str, context: Context) -> bool:
    """The rule marks answers like this one (a date, a quantity, a formula...)."""
    return rule(answer, answer, context) is not None


def _by_rules(answer: str, given: str, context: Context) -> Judgement | None:
    """The verdict of the first rule that claims the expected answer; or a rule's "right" for another reading."""
    for rule in _RULES:
        verdict = rule(answer, given, context)
        if verdict is None:
            continue
        if verdict.correct or _claims(rule, answer, context):
            return verdict
    return None


def _words(answer: str, given: str, context: Context, alternatives: Sequence[str] = ()) -> Judgement:
    m = mark_words(
        answer,
        given,
        alternatives=alternatives,
        aliases=context.aliases,
        known_names=context.known_names,
        terms=context.terms,
    )
    return Judgement(RIGHT if m.correct else CLOSE if m.close else WRONG, m.reason)


def judge(expected: str, given: str, *, alternatives: Sequence[str] = (), context: Context | None = None) -> Judgement:
    """The verdict on a typed answer against `expected` (or any of `alternatives`), with its reason."""
    context = context or Context()
    given = given if isinstance(given, str) else ""
    answers = [a for a in (expected, *alternatives) if isinstance(a, str) and a.strip()]
    if not answers:
        return Judgement(WRONG, "no answer to compare with")
    if not given.strip():
        return Judgement(WRONG, "no answer given")
    if len(given) > MAX_DEFINITION_CHARS * 2:
        return Judgement(WRONG, "too long: give just the answer")
    found: list[Judgement] = []
    for answer in answers:
        verdict = _by_rules(answer, given, context)
        if verdict is not None:
            if verdict.correct:
                return verdict
            found.append(verdict)
    if found:  # the expected answer is a date, a quantity or a formula: its rule has the last word
        return _best(found)
    by_words = _words(expected, given, context, alternatives)
    if by_words.correct:
        return by_words
    found = [by_words]

    def same(item: str, piece: str) -> bool:
        by_rule = _by_rules(item, piece, context)
        return by_rule.correct if by_rule is not None else _words(item, piece, context).correct

    for answer in answers:
        verdict = lists.judge(answer, given, same, context.asked)
        if verdict is None:  # a list's items are not the key ideas of a definition
            verdict = definitions.judge(answer, given, _expand(context))
        if verdict is not None:
            if verdict.correct:
                return verdict
            found.append(verdict)
    if len(given) > MAX_CHARS and not any(definitions.is_definition(a) for a in answers):
        return Judgement(WRONG, "too long: give just the answer")
    return _best(found)


def _best(verdicts: list[Judgement]) -> Judgement:
    """The most telling verdict: "close" (with what is missing) before "wrong"; the first of a kind."""
    return next((v for v in verdicts if v.verdict == CLOSE), verdicts[0])


def _expand(context: Context) -> Callable[[str], str]:
    from bot.quiz.marking import chemistry

    return lambda text: chemistry.names_for(text, context.compounds)


def mark(
    expected: str,
    given: str,
    *,
    alternatives: Sequence[str] = (),
    aliases: AliasTable | None = None,
    known_names: Collection[str] = (),
    context: Context | None = None,
) -> Marking:
    """Mark a typed answer against `expected` (or any of `alternatives`)."""
    if context is None:
        context = Context(aliases=aliases, known_names=known_names)
    verdict = judge(expected, given, alternatives=alternatives, context=context)
    return Marking(verdict.correct, close=verdict.verdict == CLOSE, reason=verdict.why)
