"""Getting messages out within Telegram's limits: 4,096-character messages and flood control (RetryAfter)."""

from __future__ import annotations

import asyncio
import html
import logging
import re
import warnings
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram import Bot, Message, ReplyParameters
from telegram.constants import MessageLimit, ParseMode
from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter, BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)

MAX_CHARS = MessageLimit.MAX_TEXT_LENGTH  # 4096
_TAG = re.compile(r"<[^>]*>")


def tg_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji outside the BMP counts two)."""
    return len(text.encode("utf-16-le")) // 2


def split_html(text: str, limit: int = MAX_CHARS) -> list[str]:
    """Cut HTML into messages of at most `limit` characters, on line boundaries.

    The renderers close every tag on the line that opens it, so a cut between lines never falls inside a tag.
    A single line longer than the limit (it cannot happen with the core's limits, but notes are notes) loses
    its markup and is cut between words, never inside an entity such as &amp;.
    """
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        pieces = [line] if tg_len(line) <= limit else _cut_long_line(line, limit)
        for piece in pieces:
            candidate = f"{current}\n{piece}" if current else piece
            if tg_len(candidate) <= limit:
                current = candidate
            else:
                if current.strip():
                    chunks.append(current)
                current = piece
    if current.strip():
        chunks.append(current)
    return chunks or [""]


def _cut_long_line(line: str, limit: int) -> list[str]:
    plain = html.unescape(_TAG.sub("", line))
    pieces: list[str] = []
    current = ""
    for word in re.split(r"(?<=\s)", plain):  # words keep their trailing space
        while word:
            room = limit - tg_len(html.escape(current))
            if tg_len(html.escape(word)) <= room:
                current += word
                word = ""
            elif current:
                pieces.append(html.escape(current))
                current = ""
            else:  # one "word" longer than a message: cut it by characters
                n = len(word)
                while tg_len(html.escape(word[:n])) > limit:
                    n = max(1, n * 3 // 4)
                pieces.append(html.escape(word[:n]))
                word = word[n:]
    if current:
        pieces.append(html.escape(current))
    return pieces


async def send_html(
    bot: Bot,
    chat_id: int,
    text: str,
    *,
    reply_markup: Any = None,
    reply_to: int | None = None,
    silent: bool = False,
) -> list[Message]:
    """Send HTML text, split when long: the first part quotes `reply_to`, the last one carries the markup.

    `silent` messages arrive without a notification sound (for lines the class need not be alerted to).
    """
    parts = split_html(text)
    sent: list[Message] = []
    for n, part in enumerate(parts):
        last = n == len(parts) - 1
        sent.append(
            await bot.send_message(
                chat_id,
                part,
                parse_mode=ParseMode.HTML,
                reply_markup=reply_markup if last else None,
                disable_notification=True if silent else None,
                reply_parameters=(
                    ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to and n == 0 else None
                ),
            )
        )
    return sent


def retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 returns an int unless PTB_TIMEDELTA is set, and warns about it
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class FloodRetry(BaseRateLimiter[None]):
    """Reacts to flood control only when Telegram reports it: waits `retry_after`, then tries again.

    PTB's AIORateLimiter does this and throttles too, but needs the `rate-limiter` extra (aiolimiter);
    this is the fallback when it is not installed. A wait longer than `max_wait` is not worth holding a
    handler for: the error goes to the error handler instead.
    """

    def __init__(
        self,
        retries: int = 2,
        max_wait: float = 60.0,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ):
        self.retries = retries
        self.max_wait = max_wait
        self.sleep = sleep

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        attempt = 0
        while True:
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                wait = retry_seconds(exc)
                if attempt >= self.retries or wait > self.max_wait:
                    raise
                attempt += 1
                log.warning("Telegram flood control on %s: retrying in %.0f s", endpoint, wait)
                await self.sleep(wait)


def make_rate_limiter() -> BaseRateLimiter:
    try:
        return AIORateLimiter(max_retries=2)
    except RuntimeError:  # aiolimiter is not installed
        return FloodRetry()
