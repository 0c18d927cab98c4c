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


def default_export_dir() -> Path:
    """Where the console writes exported reports when no path is given (beside the database, not the checkout)."""
    return Path(user_data_dir("revisionbot", appauthor=False)) / "exports"


def default_cache_dir() -> Path:
    """Where derived data that can be made again is kept (the notes' sentence vectors)."""
    return Path(user_data_dir("revisionbot", appauthor=False)) / "cache"


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
    # How students write dates in numbers: "day-first" (4/8/1914 is 4 August: the UK and most of the world)
    # or "month-first" (the United States).
    date_order: str = "day-first"
    # Order close answers by meaning too, when the optional sentence model is installed (bot/knowledge/paraphrase.py).
    # On by default from the environment (REVISIONBOT_PARAPHRASE=off turns it off); off for Settings() in code, so a
    # test or a tool builds no vectors unless it asks.
    paraphrase: bool = False
    cache_dir: Path = field(default_factory=default_cache_dir)
    # Each class's own notes, added by its teacher from the chat (bot/classnotes). A class with none uses the notes
    # folder (`shared_notes`), or has no notes until its teacher adds some (a hosted bot's choice).
    shared_notes: bool = True
    note_max_mb: float = 10.0  # a file
    note_max_files: int = 30  # a class
    notes_cache_mb: int = 512  # the built notes of the classes used most recently, kept in memory

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
            discord_shard_id=_int(env, "DISCORD_SHARD_ID", None),
            discord_shard_count=_int(env, "DISCORD_SHARD_COUNT", None),
            default_timezone=_zone_name(env.get("REVISIONBOT_TIMEZONE", "UTC")),
            daily_questions=_int(env, "REVISIONBOT_DAILY_QUESTIONS", 5),
            rate_limit_per_minute=_int(env, "REVISIONBOT_RATE_LIMIT", 20),
            date_order=(env.get("REVISIONBOT_DATE_ORDER") or "day-first").strip().lower(),
            paraphrase=_on(env, "REVISIONBOT_PARAPHRASE", True),
            cache_dir=Path(env.get("REVISIONBOT_CACHE_DIR") or default_cache_dir()),
            shared_notes=_on(env, "REVISIONBOT_SHARED_NOTES", True),
            note_max_mb=_float(env, "REVISIONBOT_NOTE_MAX_MB", 10.0),
            note_max_files=_int(env, "REVISIONBOT_NOTE_MAX_FILES", 30),
            notes_cache_mb=_int(env, "REVISIONBOT_NOTES_CACHE_MB", 512),
        )

    @property
    def day_first(self) -> bool:
        return self.date_order != "month-first"


class ConfigError(ValueError):
    """A setting the bot cannot run with; its message is one line for the person who set it."""


DATE_ORDERS = ("day-first", "month-first")
DAILY_QUESTIONS_RANGE = (1, 20)  # as the daily settings command allows


def _zone_name(raw: str) -> str:
    """The zone's proper name in any case typed ("europe/london"); as given when unknown (check() says so)."""
    raw = raw.strip() or "UTC"
    if raw.upper() == "UTC":  # the default: no need to list every zone there is
        return "UTC"
    from bot.quiz.daily import canonical_zone

    return canonical_zone(raw) or raw


def check(settings: Settings) -> None:
    """Refuse settings that would break the bot later (a mistyped time zone stops every class's daily post)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(settings.default_timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"REVISIONBOT_TIMEZONE={settings.default_timezone[:60]!r} is not a time zone (e.g. Europe/London, UTC)"
        ) from None
    low, high = DAILY_QUESTIONS_RANGE
    if not low <= settings.daily_questions <= high:
        raise ConfigError(f"REVISIONBOT_DAILY_QUESTIONS must be a number from {low} to {high}")
    if settings.date_order not in DATE_ORDERS:
        raise ConfigError(f"REVISIONBOT_DATE_ORDER must be one of {', '.join(DATE_ORDERS)}")
    if settings.rate_limit_per_minute < 0:
        raise ConfigError("REVISIONBOT_RATE_LIMIT must be 0 (no limit) or more")
    if not 0 < settings.note_max_mb <= 20:  # the readers' own bound on any note file
        raise ConfigError("REVISIONBOT_NOTE_MAX_MB must be more than 0 and at most 20")
    if settings.note_max_files < 1:
        raise ConfigError("REVISIONBOT_NOTE_MAX_FILES must be 1 or more")
    if settings.notes_cache_mb < 1:
        raise ConfigError("REVISIONBOT_NOTES_CACHE_MB must be 1 or more")


def _int(env: dict[str, str], name: str, default: int | None) -> int | None:
    value = (env.get(name) or "").strip()
    try:
        return int(value) if value else default
    except ValueError:
        raise ConfigError(f"{name}={value[:40]!r} is not a whole number") from None


def _on(env: dict[str, str], name: str, default: bool) -> bool:
    value = (env.get(name) or "").strip().lower()
    if not value:
        return default
    return value not in ("off", "0", "no", "false")


def _float(env: dict[str, str], name: str, default: float) -> float:
    value = (env.get(name) or "").strip()
    try:
        return float(value) if value else default
    except ValueError:
        raise ConfigError(f"{name}={value[:40]!r} is not a number") from None
