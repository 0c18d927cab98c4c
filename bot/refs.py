"""Neutral references to who is speaking and where: adapters build them, the core uses them."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A quiz question as adapters carry it in buttons and messages: "d:<daily quiz id>:<position>" for a class's
# daily quiz, "p:<question id>" for practice. Digits only and bounded: no sign, nothing the database overflows on.
QUIZ_REF_PATTERN = r"d:(?P<daily>[0-9]{1,9}):(?P<position>[0-9]{1,2})|p:(?P<question>[0-9]{1,12})"
QUIZ_REF = re.compile(QUIZ_REF_PATTERN)


@dataclass(frozen=True, slots=True)
class UserRef:
    platform: str  # "console", "discord", "telegram"
    user_id: str
    display_name: str = ""

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.user_id}"


@dataclass(frozen=True, slots=True)
class ClassRef:
    """A class: a Discord server, a Telegram group (or a private chat), a console class name."""

    platform: str
    chat_id: str

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.chat_id}"
