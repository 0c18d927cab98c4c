"""Quiz questions from the structure of the notes: definitions, table rows, lists, question-and-answer pairs.

The segmenter records what each fact is (`Snippet.kind`, `Snippet.parts`); this module turns those shapes
into questions a teacher would ask, with wrong options drawn from the same notes' facts of the same shape:
- a definition: "Which term means: ...?" (the other terms as options) and "What does X mean?" (the other
  definitions as options);
- a table row: "Gas exchange - Organ: ?" (the column's other values as options) and the reverse, which row;
- a short list under its lead-in: "Which of these is one of ...?" or "Which is not one of ...?";
- a question-and-answer pair: the question as it stands, typed when the answer is short, else multiple choice;
- a formula: "Complete the formula: v = ?" (other formulas' right-hand sides as options);
- a quotation: complete it, its rarest word blanked.
Every question carries its context (the section it comes from) and is dropped when its options would give the
answer away or be ambiguous.
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import lru_cache

from bot.knowledge.model import Snippet
from bot.quiz.model import Question, question_id
from bot.quiz.sampling import SCAN_ALL, draw, seeded_rng
from bot.text import fold, words

MAX_OPTION_CHARS = 100  # a poll option's limit on Telegram; longer options are unreadable on a phone
MAX_PROMPT_CHARS = 280
MIN_DEFINITION_WORDS = 3
MAX_TYPED_ANSWER_WORDS = 4
MAX_LIST_ITEMS = 8
OPTIONS = 4
# A definition that opens with one of these leans on a sentence before it ("This covers the whole plant").
# An analysis is not a meaning either ("How she wants to ...", "Because ...").
_LEANS = re.compile(
    r"^(?:this|that|these|those|it|they|he|she|its|their|his|her|how|why|because|so|hence)\b", re.IGNORECASE
)
_SYMBOLS_ONLY = re.compile(r"^[\W_]*$")
# Labels of a teacher's commentary, not of a concept ("Answer: see bottom of page", "Note: learn this").
_META_TERMS = set(
    """answer answers note notes example examples hint tip tips key remember nb summary question see analysis
    terminology vocabulary glossary definition definitions keywords""".split()
)
_FIGURE = re.compile(r"^(?:figure|fig|table|diagram|graph|image|source|page|question|q)\.?\s*\d", re.IGNORECASE)
# A label that is a date, a number or a circumstance ("1956:", "In his view:", "After Stalin's death:") heads
# a note, not a term with a meaning.
_NOT_A_TERM = re.compile(
    r"^(?:[\d\s.,/-]+$|1[5-9]\d\d\b|20\d\d\b|(?:in|on|at|after|before|during|since|when|while|with|by|for|from|to|as|if|because|"
    r"his|her|their|its|our|my|we|they|he|she|it)\b)",
    re.IGNORECASE,
)
_NOT_AN_ITEM = {"etc", "and so on", "...", "…", "e.g", "eg", "other", "others", "more", ""}
_PRONOUN = re.compile(r"\b(?:this|that|these|those|it|they|them|its|their)\b", re.IGNORECASE)
_OPINION = re.compile(r"\b(?:you|your|personally|opinion)\b", re.IGNORECASE)
_ASKS = re.compile(r"^(?:what|which|who|whom|whose|when|where|why|how|name|define|state|give|list)\b", re.IGNORECASE)
_LABELLED = re.compile(r"^[A-Z][\w ()/-]{0,40}:\s")


class _Pool:
    """Facts of one shape in the notes (terms, definitions, list items ...). Options come from the question's
    own section first, then its note, then (when `anywhere`) the other notes; a large pool is sampled (at
    most 2 x SCAN_ALL draws), so a question costs the same whatever the size of the notes."""

    def __init__(self, items: Sequence[tuple[str, str, str]]):  # (text, source, topic)
        self.all = [t for t, _, _ in items]
        self.by_place: dict[tuple[str, ...], list[str]] = defaultdict(list)
        for text, source, topic in items:
            self.by_place[(source,)].append(text)
            self.by_place[(source, topic)].append(text)

    def options(
        self,
        answer: str,
        sn: Snippet,
        rng: random.Random,
        ok,  # noqa: ANN001
        want: int = OPTIONS - 1,
        anywhere: bool = True,
    ) -> list[str]:
        out: list[str] = []
        seen = {_key(answer)}
        places = [self.by_place.get((sn.source, sn.topic), []), self.by_place.get((sn.source,), [])]
        for text in draw([*places, self.all] if anywhere else places, rng):
            k = _key(text)
            if k not in seen and ok(text):
                out.append(text)
                if len(out) == want:
                    break
            seen.add(k)
        return out


@lru_cache(maxsize=16384)
def _key(text: str) -> str:
    """The text's words, folded: options that differ only in case, accents or punctuation are one."""
    return " ".join(words(text))


def _context(sn: Snippet, *avoid: str) -> str:
    """The section a question comes from, to name it in the prompt ("Cell biology › Organelles" -> "Organelles")."""
    last = sn.topic.rsplit(" › ", 1)[-1].strip()
    if not last or any(fold(last) == fold(a) for a in avoid):
        last = sn.title if sn.title and all(fold(sn.title) != fold(a) for a in avoid) else ""
    return last


def _with_context(context: str, prompt: str) -> str:
    return f"{context}: {prompt}" if context else prompt


def _tidy(text: str) -> str:
    return text.strip().rstrip(".;, ").strip()


def _similar_length(a: str, b: str) -> bool:
    """Options of similar length: the longest option must not stand out as the answer."""
    la, lb = len(a), len(b)
    return 0.4 * la <= lb <= 2.5 * la


def _mentions(text: str, phrase: str) -> bool:
    """`phrase` appears in `text` as whole words (ignoring case and accents)."""
    key = _key(phrase)
    return bool(key) and f" {key} " in f" {_key(text)} "


def _choice(sn: Snippet, kind: str, prompt: str, answer: str, distractors: list[str], rng: random.Random) -> Question:
    options = [answer, *distractors]
    rng.shuffle(options)
    return Question(
        id=question_id("s", kind, sn.id, answer, prompt),
        kind="choice",
        prompt=prompt,
        answer=answer,
        options=tuple(options),
        topic=sn.topic,
        explanation=sn.text,
        source=sn.source,
        snippet_id=sn.id,
    )


def _typed(sn: Snippet, kind: str, prompt: str, answer: str) -> Question:
    return Question(
        id=question_id("s", kind, sn.id, answer, prompt),
        kind="typed",
        prompt=prompt,
        answer=answer,
        topic=sn.topic,
        explanation=sn.text,
        source=sn.source,
        snippet_id=sn.id,
    )


# --------------------------------------------------------------------------- definitions


def _title_case_label(text: str) -> bool:
    """A short run of capitalised words ("Good for Imports"): a label, not a meaning."""
    ws = text.split()
    content = [w for w in ws if w.lower() not in ("for", "of", "and", "the", "a", "an", "to", "in", "on")]
    return len(ws) <= 4 and bool(content) and all(w[:1].isupper() for w in content)


def _usable_definition(term: str, definition: str) -> bool:
    term, definition = _tidy(term), _tidy(definition)
    return (
        len(term) >= 3
        and len(term.split()) <= 5
        and fold(term) not in _META_TERMS
        and not _FIGURE.match(term)
        and term[0].isalnum()
        and not _NOT_A_TERM.match(term)
        and definition[0] not in "\"'“‘("  # a quotation is evidence, not a meaning
        and len(definition.split()) >= MIN_DEFINITION_WORDS
        and not _LEANS.match(definition)
        and not _mentions(definition, term)  # the answer is in the question
        and not _LABELLED.match(definition)  # "Vena Cava: deoxygenated blood": another entry glued on
        and not _title_case_label(definition)  # "Bad for Exports: Good for Imports" pairs two labels
        and len(definition) <= MAX_PROMPT_CHARS - 40
    )


def _definition_questions(
    sn: Snippet, terms: _Pool, meanings: _Pool, defined: dict[str, set[str]], definitions_of: Counter, seed: int
) -> list[Question]:
    term, definition = _tidy(sn.parts[0]), _tidy(sn.parts[1])
    if not _usable_definition(term, definition) or len(defined.get(_key(definition), ())) > 1:
        return []  # two terms with one definition ("Fuel to burn, solvent"): neither question has one answer
    if definitions_of.get(_key(term), 0) > 1:
        return []  # a label used again and again ("Context: ...", "Supernatural: ..."), not a term defined
    out: list[Question] = []
    context = _context(sn, term)
    rng = seeded_rng(seed, sn.id, "term")
    # Which term means ...? Other terms of the notes, none that the definition itself names.
    wrong = terms.options(
        term,
        sn,
        rng,
        lambda t: (
            fold(t) not in _META_TERMS
            and not _mentions(definition, t)
            and not _mentions(t, term)
            and not _mentions(term, t)
        ),
    )
    if len(wrong) == OPTIONS - 1 and len(term) <= MAX_OPTION_CHARS:
        prompt = _with_context(context, f"Which term means “{definition}”?")
        out.append(_choice(sn, "term", prompt, term, wrong, rng))
    # What does X mean? Other definitions of similar length as options; or, as often, true or false: the
    # term with its own definition or with another one of the same section.
    rng = seeded_rng(seed, sn.id, "meaning")
    wrong = meanings.options(
        definition,
        sn,
        rng,
        lambda d: (
            _similar_length(definition, d)
            and not _mentions(d, term)
            and not _mentions(d, definition)  # "alcohol, fuel to burn, solvent" contains the answer: also true
            and not _mentions(definition, d)
        ),
    )
    short = [d for d in wrong if len(d) <= MAX_OPTION_CHARS]
    if len(definition) <= MAX_OPTION_CHARS and len(short) == OPTIONS - 1 and rng.random() < 0.5:
        prompt = _with_context(context, f"What does “{term}” mean?")
        out.append(_choice(sn, "meaning", prompt, definition, short, rng))
    elif wrong:
        true = rng.random() < 0.5
        statement = f"{term}: {definition if true else wrong[0]}"
        prompt = _with_context(context, f"True or false? {statement}")
        answer = "True" if true else "False"
        out.append(
            Question(
                id=question_id("s", "deftf", sn.id, answer, prompt),
                kind="truefalse",
                prompt=prompt,
                answer=answer,
                options=("True", "False"),
                topic=sn.topic,
                explanation=sn.text,
                source=sn.source,
                snippet_id=sn.id,
            )
        )
    return out


# --------------------------------------------------------------------------- table rows


def _row_cells(sn: Snippet) -> tuple[str, str, list[tuple[str, str]]]:
    label_header, label, rest = sn.parts[0], sn.parts[1], sn.parts[2:]
    return label_header.strip(), _tidy(label), [(_tidy(h), _tidy(v)) for h, v in zip(rest[::2], rest[1::2])]


def _usable_cell(value: str) -> bool:
    return 0 < len(value) <= 60 and not _SYMBOLS_ONLY.match(value) and len(value.split()) <= 8


def _row_questions(sn: Snippet, table: list[Snippet], seed: int) -> list[Question]:
    label_header, label, cells = _row_cells(sn)
    # Rows with no name for their labels' column are often a comparison laid out sideways ("where", "formed
    # from" down the side, the things compared across the top): their columns mix kinds of values.
    if not label or not label_header or len(table) < 3:
        return []
    out: list[Question] = []
    context = _context(sn)
    rng = seeded_rng(seed, sn.id, "row")
    rows = [r for r in table if r.id != sn.id]
    if len(rows) > SCAN_ALL:  # a huge table: the options come from a sample of its rows
        rows = rng.sample(rows, SCAN_ALL)
    others = [_row_cells(r) for r in rows]
    usable = [(h, v) for h, v in cells if _usable_cell(v)]
    rng.shuffle(usable)
    for header, value in usable:
        column = [v for _, _, cs in others for h, v in cs if h == header and _usable_cell(v)]
        wrong = _Pool([(v, sn.source, sn.topic) for v in column]).options(
            value, sn, rng, lambda v, value=value: _similar_length(value, v)
        )
        if len(wrong) >= 2:
            named = f"{label_header}: {label}" if label_header else label
            prompt = _with_context(context, f"{named} — {header}?")
            out.append(_choice(sn, "cell", prompt, value, wrong, rng))
            # The reverse: which row has this value? Only when no other row shares it.
            if all(_key(v) != _key(value) for v in column):
                labels = [lb for _, lb, _ in others if lb and _usable_cell(lb)]
                wrong = _Pool([(lb, sn.source, sn.topic) for lb in labels]).options(label, sn, rng, lambda _x: True)
                if len(wrong) >= 2 and _usable_cell(label):
                    which = f"Which {label_header.lower()}" if label_header else "Which one"
                    prompt = _with_context(context, f"{which} has {header}: {value}?")
                    out.append(_choice(sn, "row", prompt, label, wrong, rng))
            break
    return out


# --------------------------------------------------------------------------- lists


def _lead_of(sn: Snippet) -> tuple[str, str]:
    """A list's lead-in and the context to name with it. A list straight under a heading ("Advantages") is
    that heading's list; its context is then the heading above ("Sole Trader")."""
    lead = _tidy(sn.parts[0])
    if lead:
        return lead, _context(sn, lead)
    path = [p.strip() for p in sn.topic.split(" › ") if p.strip()]
    if not path:
        return "", ""
    above = path[-2] if len(path) > 1 else (sn.title if sn.title and fold(sn.title) != fold(path[-1]) else "")
    return path[-1], above


def _list_questions(sn: Snippet, items: _Pool, seed: int, leads: Counter | None = None) -> list[Question]:
    lead, context = _lead_of(sn)
    members = [m for m in (_tidy(x) for x in sn.parts[1:]) if fold(m).strip(". ") not in _NOT_AN_ITEM]
    members = [m for m in members if m]
    # The lead-in names the kind of thing listed ("Conditions", "Limiting factors of photosynthesis"): not a
    # sentence leaning on another ("Hence we remember this"), nor a shouted remark.
    if not lead or len(lead.split()) > 6 or _PRONOUN.search(lead) or _LEANS.match(lead):
        return []
    if lead.isupper() and len(lead.split()) > 2:
        return []
    if not 2 <= len(members) <= MAX_LIST_ITEMS:
        return []
    if leads is not None and leads[(sn.source, sn.topic, _key(lead))] > 1:
        return []  # two lists called "Examples" in one section: the lead-in does not say which
    if any(len(m) > 60 or ":" in m or m.startswith("(") for m in members):  # "Into: glycerol" is no member
        return []
    if any(len(words(m)) == 0 or sum(c.isalpha() for c in m) < len(m) / 2 for m in members):
        return []  # "P -> Q", "ε < 1": symbols are told apart only with the notes open
    rng = seeded_rng(seed, sn.id, "list")
    inside = {_key(m) for m in members}
    # Items of the other lists of the same note (its own section first): things of the same kind, never
    # a stray line from another subject.
    outside = items.options(
        members[0],
        sn,
        rng,
        lambda t: (
            _key(t) not in inside
            and not t.startswith("(")
            and ":" not in t
            and not any(_mentions(t, m) or _mentions(m, t) for m in members)
        ),
        want=3,
        anywhere=False,
    )
    out: list[Question] = []
    # Both ways round when the list allows: one of its items among others, and the odd one out.
    if len(outside) == 3:
        member = rng.choice(members)
        prompt = _with_context(context, f"Which of these is listed under “{lead}”?")
        out.append(_choice(sn, "inlist", prompt, member, outside, rng))
    if len(members) >= 3 and outside:
        odd = outside[-1]
        shown = rng.sample(members, 3)
        prompt = _with_context(context, f"Which of these is not listed under “{lead}”?")
        out.append(_choice(sn, "notinlist", prompt, odd, shown, rng))
    return out


# --------------------------------------------------------------------------- question-and-answer pairs


def _qa_questions(sn: Snippet, answers: _Pool, seed: int) -> list[Question]:
    question, answer = sn.parts[0].strip(), _tidy(sn.parts[1])
    # A real question that the notes answer with a fact: not an opinion asked of the reader.
    if not _ASKS.match(question) or _OPINION.search(question) or len(question) > MAX_PROMPT_CHARS or not answer:
        return []
    context = _context(sn)
    prompt = question if context and _mentions(question, context) else _with_context(context, question)
    if len(answer.split()) <= MAX_TYPED_ANSWER_WORDS:
        return [_typed(sn, "qa", prompt, answer)]
    if len(answer) > MAX_OPTION_CHARS:
        return []
    rng = seeded_rng(seed, sn.id, "qa")
    wrong = answers.options(answer, sn, rng, lambda a: len(a) <= MAX_OPTION_CHARS and _similar_length(answer, a))
    return [_choice(sn, "qa", prompt, answer, wrong, rng)] if len(wrong) == OPTIONS - 1 else []


# --------------------------------------------------------------------------- formulas

_FORMULA = re.compile(r"^\s*([^=<>→]{1,24}?)\s*=\s*([^=]{1,60}?)\s*$")
MAX_FORMULAS = 2  # questions per group of formulas


def _split_formula(formula: str) -> tuple[str, str] | None:
    """ "v = u + at" -> ("v", "u + at"); None for a chain ("E = σ/ε = stress/strain"), an arrow or a bare number."""
    m = _FORMULA.match(formula)
    if not m or "->" in formula or formula.count("=") != 1:
        return None
    lhs, rhs = m.group(1).strip(), m.group(2).strip()
    if not any(c.isalpha() for c in lhs) or not any(c.isalpha() for c in rhs) or len(lhs.split()) > 3:
        return None
    return lhs, rhs


def _formula_questions(sn: Snippet, sides: _Pool, gives: dict[str, set[str]], seed: int) -> list[Question]:
    """ "Complete the formula: v = ?", the other formulas' right-hand sides of the same notes as options (never
    another formula for the same quantity: "P = VI" and "P = I^2R" are both right)."""
    out: list[Question] = []
    context = _context(sn)
    for formula in sn.parts:
        split = _split_formula(formula)
        if split is None:
            continue
        lhs, rhs = split
        rng = seeded_rng(seed, sn.id, "formula", formula)
        wrong = sides.options(rhs, sn, rng, lambda r, lhs=lhs: _key(lhs) not in gives.get(_key(r), set()))
        if len(wrong) == OPTIONS - 1:
            prompt = _with_context(context, f"Complete the formula: {lhs} = ?")
            out.append(_choice(sn, "formula", prompt, rhs, wrong, rng))
        if len(out) == MAX_FORMULAS:
            break
    return out


# --------------------------------------------------------------------------- quotations

_QUOTE = re.compile(r"[\"“]([^\"“”]*)[\"”]")  # every quotation in turn, short ones too, so none pairs wrongly
_QUOTE_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")
BLANK = "_____"


def _quote_questions(sn: Snippet, seed: int, quoted: set[str]) -> list[Question]:
    """A quotation to learn by heart ("Fair is foul and foul is fair"): complete it, its rarest word blanked."""
    from bot.knowledge.lexicon import word_zipf  # the everyday-English dictionary, loaded once by the index

    out: list[Question] = []
    for m in _QUOTE.finditer(sn.text):
        quote = m.group(1).strip()
        if not 12 <= len(quote) <= 200 or not 4 <= len(quote.split()) <= 30 or _key(quote) in quoted:
            continue
        quoted.add(_key(quote))
        candidates = [
            w for w in _QUOTE_WORD.finditer(quote) if len(w.group()) >= 4 and fold(w.group()) not in _COMMON_WORDS
        ]
        if not candidates:
            continue
        rng = seeded_rng(seed, sn.id, "quote", quote)
        # The rarest word is the one to remember; ties broken by the seed.
        best = min(candidates, key=lambda w: ((word_zipf(fold(w.group())) or 0.0), rng.random()))
        blanked = quote[: best.start()] + BLANK + quote[best.end() :]
        context = _context(sn)
        prompt = _with_context(context, f"Complete the quotation: “{blanked}”")
        out.append(_typed(sn, "quote", prompt, best.group()))
        break  # one per snippet
    return out


_COMMON_WORDS = set(
    """that this with from have they them their there then than what when where which while will would could
    should shall were been being into onto upon your yours ours mine very much more most some such only just also
    like said says over under""".split()
)


# --------------------------------------------------------------------------- all of them


def structured_questions(snippets: Sequence[Snippet], seed: int = 0) -> list[Question]:
    """Questions from the definitions, tables, lists and question-and-answer pairs of the notes, in note order."""
    # Only definitions that could be asked are options too: never "see bottom of page" or "Figure 3".
    definitions = [s for s in snippets if s.kind == "definition" and len(s.parts) == 2 and _usable_definition(*s.parts)]
    terms = _Pool([(_tidy(s.parts[0]), s.source, s.topic) for s in definitions if len(s.parts[0].split()) <= 5])
    meanings = _Pool([(_tidy(s.parts[1]), s.source, s.topic) for s in definitions])
    list_items = _Pool(
        [(_tidy(m), s.source, s.topic) for s in snippets if s.kind == "list" for m in s.parts[1:] if _tidy(m)]
    )
    lists = {(s.source, s.topic, s.parts): s for s in snippets if s.kind == "list" and s.parts}  # one per list
    leads: Counter[tuple[str, str, str]] = Counter((s.source, s.topic, _key(_lead_of(s)[0])) for s in lists.values())
    pairs = [s for s in snippets if s.kind == "qa" and len(s.parts) == 2]
    qa_answers = _Pool([(_tidy(s.parts[1]), s.source, s.topic) for s in pairs])
    formulas = [(split, s) for s in snippets if s.kind == "formula" for f in s.parts if (split := _split_formula(f))]
    sides = _Pool([(rhs, s.source, s.topic) for (_, rhs), s in formulas])
    gives: dict[str, set[str]] = defaultdict(set)  # right-hand side -> the quantities it gives
    for (lhs, rhs), _ in formulas:
        gives[_key(rhs)].add(_key(lhs))
    tables: dict[tuple, list[Snippet]] = defaultdict(list)
    for s in snippets:
        if s.kind == "row" and len(s.parts) >= 4:
            tables[(s.source, s.topic, s.parts[0], tuple(s.parts[2::2]))].append(s)
    table_of = {s.id: rows for rows in tables.values() for s in rows}
    defined: dict[str, set[str]] = defaultdict(set)  # definition -> the terms it defines
    definitions_of: Counter[str] = Counter()  # term -> how many different definitions it has
    for s in definitions:
        if _key(s.parts[0]) not in defined[_key(s.parts[1])]:
            definitions_of[_key(s.parts[0])] += 1
        defined[_key(s.parts[1])].add(_key(s.parts[0]))

    out: list[Question] = []
    seen: set[str] = set()
    done: set[tuple[str, str]] = set()  # one set of questions per fact, even when it was cut into pieces
    quoted: set[str] = set()  # a quotation learnt once, wherever the notes repeat it
    for sn in snippets:
        shape = (sn.kind, "\x1f".join(sn.parts))
        if sn.kind == "text":
            for q in _quote_questions(sn, seed, quoted):
                if q.id not in seen and len(q.prompt) <= MAX_PROMPT_CHARS:
                    seen.add(q.id)
                    out.append(q)
            continue
        if shape in done:
            continue
        done.add(shape)
        if sn.kind == "definition" and len(sn.parts) == 2:
            made = _definition_questions(sn, terms, meanings, defined, definitions_of, seed)
        elif sn.kind == "row" and sn.id in table_of:
            made = _row_questions(sn, table_of[sn.id], seed)
        elif sn.kind == "list":
            made = _list_questions(sn, list_items, seed, leads)
        elif sn.kind == "qa" and len(sn.parts) == 2:
            made = _qa_questions(sn, qa_answers, seed)
        elif sn.kind == "formula":
            made = _formula_questions(sn, sides, gives, seed)
        else:
            made = []
        for q in made:
            if q.id not in seen and len(q.prompt) <= MAX_PROMPT_CHARS:
                seen.add(q.id)
                out.append(q)
    return out
