"""Neutral references to who is speaking and where: adapters build them, the core uses them."""

from __future__ import annotations

from dataclasses import dataclass


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
