"""Greetings, thanks and chit-chat: messages with no question about the notes in them.

They get a short friendly reply instead of a fact, and are not counted as gaps in the notes."""

from __future__ import annotations

from bot.text import words

# Each kind and the words that make it up; a message made only of these words (and filler) is small talk.
_KINDS = {
    "thanks": "thanks thank thankyou thx ty tysm cheers ta appreciate appreciated helpful".split(),
    "greeting": "hi hello hey hiya howdy yo morning afternoon evening greetings sup wassup".split(),
    "bye": "bye goodbye cya later night goodnight gtg ttyl".split(),
    "ack": "ok okay k kk cool nice great awesome perfect lol lmao haha yes yeah yep no nope alright fine".split(),
}
_FILLER = set(
    """a an the you u ur your very so much lot lots good all for it that this is was really again mate guys
    bot everyone there see how are r doing going well too just oh ah wow""".split()
)
_KIND_OF = {w: kind for kind, ws in _KINDS.items() for w in ws}


def small_talk(text: str) -> str:
    """The kind of small talk ("thanks", "greeting", "bye", "ack"), or "" when the message asks something."""
    toks = words(text)
    if not toks or len(toks) > 8:
        return ""
    kinds = [_KIND_OF[t] for t in toks if t in _KIND_OF]
    if not kinds or any(t not in _KIND_OF and t not in _FILLER for t in toks):
        return ""
    for kind in ("thanks", "bye", "greeting", "ack"):  # "ok thanks bye": thanks wins
        if kind in kinds:
            return kind
    return ""
