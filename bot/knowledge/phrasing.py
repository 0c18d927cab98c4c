"""How questions ask and facts say things, in English: the forms the search index reads.

A question's kind ("when ...?" wants a date, "how many ...?" a number, "what is X?" a definition), the term a fact
defines ("Osmosis: ...", "... are called levees"), facts that go on from the one before ("This can cause ...",
"However, ...", "(...) x 100"), a word's negation ("unlimited" for "limited") and question words a fact answers in
other words ("the job of X": "... for making proteins"). Pure functions and patterns; index.py applies them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from bot.knowledge.model import Snippet

LABEL_REPEATS = 3  # a label leading this many facts of one section is the section's subject, not a defined term

# "When did ...", "when was ...": a time. "When can ionic compounds conduct", "when does a star ...": a condition.
WHEN = re.compile(
    r"^\s*(?:when\b(?!\s+(?:can|could|does|do|is|are|should|would|will|must|might|may)\b)|"
    r"(?:in\s+)?(?:what|which)\s+(?:year|date|month|day)\b|how\s+long\s+ago\b)",
    re.I,
)
DEFINE = re.compile(
    r"^\s*(?:(?:what|who)(?:'s|\s+(?:is|are|was|were|s))\s+|define\s+|definition\s+of\s+|meaning\s+of\s+|"
    r"what\s+(?:does|do)\s+(?=.+\bmean\b))",
    re.I,
)
# The term a fact defines: "Osmosis: ...", "Osmosis - ...", "Osmosis is ...", "Tissues are ..."; not a statement
# about it ("Firewalls are installed on servers") or a clause ("When a firewall is ...").
_NOT_A_CLAUSE = r"(?!(?:when|if|although|because|since|while|as|after|before|once|unless|whether|in|on|at|for)\b)"
_DEFINING_VERB = r"\s+(?:(?:is|are|was|were)(?!\s+(?!defined|called|known)\w+ed\b)|means?|refers\s+to)\s"
_LEAD_TERM = re.compile(rf"^{_NOT_A_CLAUSE}([^:;,.!?]{{1,60}}?)(?::|\s-\s|{_DEFINING_VERB})", re.I)
# the same led by its verb only ("Peaceful Coexistence was a Soviet doctrine"), after a label
_VERB_LEAD = re.compile(rf"\s*{_NOT_A_CLAUSE}([^:;,.!?]{{1,60}}?){_DEFINING_VERB}", re.I)
# "... are called levees", "... is known as the greenhouse effect": the term named at the end is defined.
_NAMED_TERM = re.compile(r"\b(?:is|are|was|were)\s+(?:called|known\s+as|termed)\s+([^:;,.!?()]{1,50}?)\s*[.!]?$", re.I)
ASIDE = re.compile(r"\([^()]*\)")
CLAUSE = re.compile(r"\b(?:which|that|who|whom|whose|where)\b", re.I)


def _lead_term(text: str) -> tuple[str, bool]:
    """The term a fact defines, as written, or "" (see _NAMED_TERM and _LEAD_TERM); and whether it is named at the
    end ("... are called levees") rather than led with."""
    low = text.casefold()  # _NAMED_TERM needs one of these words: most facts have none, and are not searched
    named = ("called" in low or "known" in low or "termed" in low) and _NAMED_TERM.search(text)
    if named:
        return named.group(1), True
    lead = _LEAD_TERM.match(text)
    if lead and lead.group(0).endswith(":"):
        # a label over a definition ("Summary: Peaceful Coexistence was a Soviet doctrine ..."): the term defined
        inner = _VERB_LEAD.match(text, lead.end())
        if inner and not POINTS_BACK.match(inner.group(1)):
            return inner.group(1), False
    return (lead.group(1), False) if lead else ("", False)


def lead_terms(snippets: Sequence[Snippet]) -> list[str]:
    """Each fact's lead term; a label that leads several facts of one section ("Levees: ...", "How it happened:
    ...") names the section's subject, not what each fact defines."""
    leads = [_lead_term(s.text) for s in snippets]
    shared = Counter((s.source, s.topic, lead.casefold()) for s, (lead, named) in zip(snippets, leads) if not named)
    return [
        "" if not named and shared[(s.source, s.topic, lead.casefold())] >= LABEL_REPEATS else lead
        for s, (lead, named) in zip(snippets, leads)
    ]


# A leading label of a few words ("Quotes:", "1914 July Crisis:") is not what a fact says.
LABEL = re.compile(r"^[^:;.!?]{1,40}:\s+(?=\S)")
# A fact that opens by pointing back ("This can cause CPUs to overheat", "They block an enzyme ...", "During this time,
# ...", "However, ...", "In fact, ...") goes on from the fact before it.
POINTS_BACK = re.compile(
    r"(?:This|These|That|Those|It|Its|They|Their|Such|He|She|His|Her|However|Therefore|Thus|Hence|Consequently|"
    r"As\s+a\s+result|In\s+fact|Indeed|Moreover|Furthermore|In\s+addition|Additionally|Also|For\s+example|"
    r"For\s+instance|Instead|Similarly|Likewise|Nevertheless|Nonetheless|Otherwise)\b"
    r"|(?:[A-Za-z]+,?\s+){1,3}(?:this|these|those|such)\b"  # "During this time, ..."
    r"|\("  # an aside in brackets: "(Number of people unemployed / Labour force) x 100"
)
# the negating prefixes, each with the letters it goes before ("impossible", "irregular", "illegal")
_NEGATING = {
    "un": re.compile(r"[a-z]{5}"),
    "non": re.compile(r"[a-z]{5}"),
    "in": re.compile(r"[ac-hj-kn-oq-z][a-z]{4}"),
    "im": re.compile(r"[bmp][a-z]{4}"),
    "ir": re.compile(r"r[a-z]{4}"),
    "il": re.compile(r"l[a-z]{4}"),
}
# Question words a fact answers in other words, as "when" is answered by a date (stems, and what the fact says):
# - what something is for ("the job of ribosomes", "the role of the ALU"): a purpose, "... mainly for making proteins";
# - a test for something ("how can you test for an alkene"): what is seen, "turns bromine water colourless";
# - a quote ("Khrushchev's peaceful coexistence quote", "a quotation about ambition"): words in quotation marks.
SAID_OTHERWISE = (
    (  # three words or more: not a name in quotation marks ('Peaceful Coexistence')
        frozenset({"quot", "quotat"}),
        re.compile(
            r"[“\"«](?:[^\s“”\"«»]+\s+){2,}[^\s“”\"«»]+[”\"»]"
            r"|(?<!\w)['‘](?:[^\s'‘’]+(?:['’]\w+)*\s+){2,}[^\s'‘’]+(?:['’]\w+)*['’](?!\w)"
        ),
    ),
    (
        frozenset({"job", "role", "function", "purpos"}),
        re.compile(
            r"\b(?:for\s+(?:the\s+)?\w+ing|responsible\s+for|site\s+(?:of|for)|used\s+(?:to|for|in)|helps?\s+to|"
            r"allows?|enables?|so\s+that|in\s+order\s+to)\b",
            re.I,
        ),
    ),
    (
        frozenset({"test"}),
        re.compile(
            r"\b(?:turns?|turned|goes|went|colou?rless|precipitate|fizz(?:es|ing)?|bubbles|relights?|squeaky\s+pop|"
            r"cloudy|milky|positive\s+result)\b",
            re.I,
        ),
    ),
)
# "The formula (equation) for X" asks for one: "v = f λ", "glucose + oxygen → carbon dioxide + water"
ASKS_FORMULA = re.compile(r"\b(?:formula|equation)s?\s+(?:for|of)\b", re.I)
FORMULA = re.compile(r"=|→|⟶|->|⇌")
MONTHS = frozenset("january february march april may june july august september october november december".split())
HOW_MANY = re.compile(r"\bhow\s+(?:many|much)\b", re.I)
DATE = re.compile(
    r"\b(?:1[0-9]{3}|20[0-9]{2}|[0-9]0s|(?:in|of|since|from|to|by)\s+'?[0-9]{2}|[0-9]{2}-[0-9]{2}|"
    r"jan(?:uary)?|feb(?:ruary)?|march|april|may|june|july|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|"
    r"dec(?:ember)?|\w+ties|century|decades?)\b",
    re.I,
)
NUMBER = re.compile(
    r"[0-9]|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million|billion|half|dozen)\b", re.I
)


def negations(word: str) -> list[str]:
    """The word with a negating prefix, and without one ("limited"/"unlimited", "elastic"/"inelastic",
    "legal"/"illegal"), the rest always a word of five letters or more."""
    out = [p + word for p in _NEGATING if _NEGATING[p].match(word)]
    out += [word[len(p) :] for p in _NEGATING if word.startswith(p) and _NEGATING[p].match(word[len(p) :])]
    return [w for w in out if len(w) >= 5 and w != word]


def read_on(first: str, then: str) -> str:
    """Two facts as one passage: as sentences after a full stop, else with a dash."""
    return f"{first} {then}" if first.endswith((".", "!", "?")) else f"{first} — {then}"


# What a question asks for, and what a fact must hold to give it: "when ...?" a date, "how many ...?" a number,
# "the formula for ...?" a formula (a fact without one is WRONG_KIND in index.py)
KIND_ASKED = ((WHEN, DATE), (HOW_MANY, NUMBER), (ASKS_FORMULA, FORMULA))


# "How fast ...?" asks for a speed: the quantity a "how" + adjective question asks for, as notes name it.
MEASURED = {
    "fast": ("speed",),
    "quick": ("speed",),
    "quickly": ("speed",),
    "slow": ("speed",),
    "far": ("distance",),
    "long": ("length", "duration"),  # not "time": a word of too many facts
    "big": ("size",),
    "large": ("size",),
    "small": ("size",),
    "heavy": ("mass", "weight"),
    "hot": ("temperature",),
    "cold": ("temperature",),
    "warm": ("temperature",),
    "old": ("age",),
    "tall": ("height",),
    "high": ("height",),
    "deep": ("depth",),
    "wide": ("width",),
    "often": ("frequency",),
    "loud": ("volume",),
    "strong": ("strength",),
}


def measured(tokens: Sequence[str], k: int) -> tuple[str, ...]:
    """The quantity the word at `k` asks for when "how" comes before it ("how fast": speed), else nothing."""
    return MEASURED.get(tokens[k], ()) if k and tokens[k - 1] == "how" else ()


_DETERMINERS = frozenset("the a an its their his her your my our this that these those".split())


def of_phrases(tokens: Sequence[str], stopwords: frozenset[str]) -> list[tuple[int, ...]]:
    """Where the question names what it asks about after "of": "the boiling point of water", "the rate of a
    reaction", "which part of the EM spectrum". The positions of each phrase's key words (up to the next small
    word)."""
    out: list[tuple[int, ...]] = []
    for k, tok in enumerate(tokens):
        if tok != "of":
            continue
        j = k + 1
        while j < len(tokens) and tokens[j] in _DETERMINERS:
            j += 1
        start = j
        while j < len(tokens) and tokens[j] not in stopwords:
            j += 1
        if j > start:
            out.append(tuple(range(start, j)))
    return out


# Where a message asks two things: "Why does the speaker kill Porphyria - what point is Browning making?", "Where is
# bile made and where is it stored?", "What is osmosis? How does it work?".
_QUESTION_START = r"(?=(?:what|why|how|who|whom|whose|when|where|which|is|are|was|were|does|do|did|can)\b)"
_PARTS = re.compile(
    r"\?\s+(?=\S)|;\s+|\s+[-\u2013\u2014]+\s+" + _QUESTION_START + r"|,?\s+and\s+" + _QUESTION_START, re.I
)


MAX_PARTS = 4  # a message of more questions is answered from its first four (each part is a search of its own)


def question_parts(text: str) -> list[str]:
    """The questions a message asks, when it asks more than one (its first MAX_PARTS); else []."""
    parts = [p.strip(" ,-") for p in _PARTS.split(text)]
    parts = [p for p in parts if p]
    return parts[:MAX_PARTS] if len(parts) > 1 else []
