"""Settings from the environment (and defaults), read once by the composition root."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_data_dir

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_KNOWLEDGE = PACKAGE_ROOT / "knowledge"


def default_database_url() -> str:
    folder = Path(user_data_dir("revisionbot", appauthor=False))
    return f"sqlite+aiosqlite:///{folder / 'revisionbot.sqlite3'}"


def _ids(value: str) -> frozenset[str]:
    return frozenset(v.strip() for v in value.replace(";", ",").split(",") if v.strip())


@dataclass(frozen=True, slots=True)
class Settings:
    knowledge_dir: Path = DEFAULT_KNOWLEDGE
    database_url: str = field(default_factory=default_database_url)
    discord_token: str = ""
    telegram_token: str = ""
    telegram_api_base_url: str = ""
    telegram_teacher_ids: frozenset[str] = frozenset()
    discord_teacher_role: str = ""
    discord_shard_id: int | None = None  # with discord_shard_count: this process runs one shard of several
    discord_shard_count: int | None = None
    default_timezone: str = "UTC"
    daily_questions: int = 5
    rate_limit_per_minute: int = 20

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        return cls(
            knowledge_dir=Path(env.get("REVISIONBOT_KNOWLEDGE_DIR") or DEFAULT_KNOWLEDGE),
            database_url=env.get("REVISIONBOT_DATABASE_URL") or default_database_url(),
            discord_token=env.get("DISCORD_TOKEN", "").strip(),
            telegram_token=env.get("TELEGRAM_TOKEN", "").strip(),
            telegram_api_base_url=env.get("TELEGRAM_API_BASE_URL", "").strip(),
            telegram_teacher_ids=_ids(env.get("TELEGRAM_TEACHER_IDS", "")),
            discord_teacher_role=env.get("DISCORD_TEACHER_ROLE", "").strip(),
            discord_shard_id=_int(env.get("DISCORD_SHARD_ID"), None),
            discord_shard_count=_int(env.get("DISCORD_SHARD_COUNT"), None),
            default_timezone=env.get("REVISIONBOT_TIMEZONE", "UTC").strip() or "UTC",
            daily_questions=_int(env.get("REVISIONBOT_DAILY_QUESTIONS"), 5),
            rate_limit_per_minute=_int(env.get("REVISIONBOT_RATE_LIMIT"), 20),
        )


def _int(value: str | None, default: int | None) -> int | None:
    try:
        return int(value) if value else default
    except ValueError:
        return default
