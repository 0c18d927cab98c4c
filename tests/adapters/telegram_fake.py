"""An in-memory Telegram Bot API for the adapter tests: PTB's own request code talks to it, no network.

It checks what real Telegram checks (HTML that does not parse, texts over 4,096 characters, pop-ups over
200, quiz polls beyond their limits) and answers with complete JSON, so PTB's status handling runs: a 429
becomes a real RetryAfter, and a Poll lacking a field PTB 22.8 requires would fail to parse. Files sent to the
bot are served as Telegram serves them: getFile (refused over 20 MB), then a download from /file/bot<token>/<path>.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

from aiohttp import web
from telegram.request import BaseRequest, RequestData

TOKEN = "999000:TEST-TOKEN"
BOT_USER = {
    "id": 999000,
    "is_bot": True,
    "first_name": "Revision",
    "username": "revision_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
TELEGRAM_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code", "pre"}
TELEGRAM_TAGS |= {"blockquote", "tg-emoji"}
_TAG = re.compile(r"<[^>]*>")
DATE = 1_795_000_000
# How far ahead a poll's close_date may be, in seconds (Bot API 9.6 raised the upper bound from 600).
POLL_CLOSE_MIN, POLL_CLOSE_MAX = 5, 2_628_000
DOWNLOAD_MAX = 20 * 1024 * 1024  # getFile refuses bigger files: bots may download files of up to 20 MB


def user(uid: int, first: str, last: str | None = None) -> dict:
    data = {"id": uid, "is_bot": False, "first_name": first}
    if last:
        data["last_name"] = last
    return data


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _TelegramHTML(HTMLParser):
    """Telegram's parser, roughly: its tags only, balanced, and & < only as entities."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in TELEGRAM_TAGS:
            self.problems.append(f"unsupported start tag {tag!r}")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"unmatched end tag {tag!r}")
        else:
            self.stack.pop()

    def handle_entityref(self, name: str) -> None:
        if name not in ("lt", "gt", "amp", "quot"):
            self.problems.append(f"unsupported entity &{name};")

    def handle_data(self, data: str) -> None:
        if "<" in data or "&" in data:
            self.problems.append(f"unescaped character in {data[:40]!r}")


def html_problems(text: str) -> list[str]:
    parser = _TelegramHTML()
    parser.feed(text)
    parser.close()
    if parser.rawdata:  # HTMLParser keeps an unfinished tag or entity back: Telegram would refuse it
        parser.problems.append(f"unfinished markup {parser.rawdata[:40]!r}")
    return parser.problems + [f"unclosed tag {t!r}" for t in parser.stack]


def plain_text(text: str, parse_mode: str | None) -> str:
    return html.unescape(_TAG.sub("", text)) if parse_mode == "HTML" else text


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, Any] = field(default_factory=dict)
    ok: bool = False


@dataclass
class StoredFile:
    """A file someone sent, as Telegram keeps it: its bytes (None: gone, its download fails), its size (and whether
    Telegram tells it: its file_size fields are optional), and how long its download takes."""

    data: bytes | None
    size: int
    delay: float = 0.0
    size_known: bool = True
    path: str = ""  # given by getFile


class PollClosed(Exception):
    """A test tried to vote in a closed poll: Telegram's clients take no vote there."""


class FakeBotAPI:
    """The Bot API methods the adapter uses, with the state a test needs to look at.

    `clock` is Telegram's "now" (the tests pass the bot's injected clock): a poll's close_date is checked against
    it, and a poll whose close_date has passed is closed, as Telegram closes it.
    """

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        self.clock = clock or (lambda: datetime.now(UTC))
        self.calls: list[Call] = []
        self.messages: dict[tuple[int, int], dict] = {}  # every message, the bot's and the students'
        self.html: dict[tuple[int, int], str] = {}  # what the bot sent, as sent
        self.members: dict[tuple[int, int], str] = {}  # (chat, user) -> status; "member" when absent
        self.unreachable: set[int] = set()  # private chats of people who never pressed Start
        self.no_polls: set[int] = set()  # groups whose members (the bot too) may not send polls
        self.migrated: dict[int, int] = {}  # a group upgraded to a supergroup: old id -> new id
        self.failures: dict[str, list[tuple[int, dict]]] = {}
        self.updates: list[dict] = []
        self._message_ids = itertools.count(1)
        self.last_update_id = 0
        self._query_ids = itertools.count(1)
        self._poll_ids = itertools.count(5_000_000_000_000_000_001)
        self.polls: dict[str, dict] = {}  # poll id -> the Poll, as sent back
        self._new_update = asyncio.Event()
        self.closed = False
        self.files: dict[str, StoredFile] = {}  # file id -> the file
        self._file_ids = itertools.count(1)
        self.downloads: list[str] = []  # file paths whose download was asked for

    # --- what the tests use ---------------------------------------------------------------------

    def fail_next(self, method: str, status: int, description: str, **parameters: Any) -> None:
        payload: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if parameters:
            payload["parameters"] = parameters
        self.failures.setdefault(method, []).append((status, payload))

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def polls_sent(self, chat_id: int | None = None) -> list[Call]:
        """sendPoll calls that succeeded, to one chat or all."""
        return [
            c for c in self.calls_to("sendPoll") if c.ok and (chat_id is None or int(c.params["chat_id"]) == chat_id)
        ]

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """sendMessage and sendDocument calls that succeeded, to one chat or all."""
        return [
            c
            for c in self.calls
            if c.method in ("sendMessage", "sendDocument")
            and c.ok
            and (chat_id is None or int(c.params["chat_id"]) == chat_id)
        ]

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [c.params["text"] for c in self.sent(chat_id) if "text" in c.params]

    def last_message(self, chat_id: int) -> dict:
        return [m for (c, _), m in self.messages.items() if c == chat_id and m["from"]["id"] == BOT_USER["id"]][-1]

    def chat(self, chat_id: int) -> dict:
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "Student"}
        return {"id": chat_id, "type": "supergroup", "title": "Class 7B <History & Politics>"}

    def message_update(
        self,
        chat_id: int,
        sender: dict,
        text: str,
        reply_to: dict | None = None,
        sender_chat: dict | None = None,
    ) -> dict:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": DATE,
            "chat": self.chat(chat_id),
            "from": sender,
            "text": text,
        }
        entities = []
        if text.startswith("/"):
            entities.append({"type": "bot_command", "offset": 0, "length": len(text.split()[0])})
        for m in re.finditer(r"(?<![\w/])@[A-Za-z0-9_]{5,32}", text):  # as Telegram marks @mentions
            offset = len(text[: m.start()].encode("utf-16-le")) // 2
            entities.append({"type": "mention", "offset": offset, "length": len(m.group().encode("utf-16-le")) // 2})
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        if sender_chat is not None:
            message["sender_chat"] = sender_chat
        self.messages[(chat_id, message["message_id"])] = message
        return {"update_id": self._next_update_id(), "message": message}

    def store_file(
        self, data: bytes | None, *, size: int | None = None, delay: float = 0.0, size_known: bool = True
    ) -> str:
        """Keep a file as if someone had sent it; its file id. `size` claims a size without holding the bytes."""
        file_id = f"BQACAgFILE{next(self._file_ids)}"
        self.files[file_id] = StoredFile(data, len(data or b"") if size is None else size, delay, size_known)
        return file_id

    def document_update(
        self,
        chat_id: int,
        sender: dict,
        file_name: str | None,
        data: bytes | None,
        caption: str | None = None,
        *,
        size: int | None = None,
        size_known: bool = True,
        delay: float = 0.0,
        sender_chat: dict | None = None,
    ) -> dict:
        """A file sent as a document (with a caption, whose /command Telegram marks as a bot command)."""
        file_id = self.store_file(data, size=size, delay=delay, size_known=size_known)
        document: dict[str, Any] = {"file_id": file_id, "file_unique_id": f"u{file_id}"}
        if file_name is not None:
            document["file_name"] = file_name
            document["mime_type"] = "application/octet-stream"
        if size_known:
            document["file_size"] = self.files[file_id].size
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": DATE,
            "chat": self.chat(chat_id),
            "from": sender,
            "document": document,
        }
        if caption:
            message["caption"] = caption
            if caption.startswith("/"):
                command = {"type": "bot_command", "offset": 0, "length": utf16_len(caption.split()[0])}
                message["caption_entities"] = [command]
        if sender_chat is not None:
            message["sender_chat"] = sender_chat
        self.messages[(chat_id, message["message_id"])] = message
        return {"update_id": self._next_update_id(), "message": message}

    def migrate(self, old: int, new: int, sender: dict) -> list[dict]:
        """Upgrade group `old` to supergroup `new`, as Telegram does: the two service messages it sends."""
        self.migrated[old] = new
        first = {"message_id": next(self._message_ids), "date": DATE, "chat": self.chat(old), "from": sender}
        second = {"message_id": next(self._message_ids), "date": DATE, "chat": self.chat(new), "from": sender}
        first["migrate_to_chat_id"] = new
        second["migrate_from_chat_id"] = old
        return [
            {"update_id": self._next_update_id(), "message": first},
            {"update_id": self._next_update_id(), "message": second},
        ]

    def membership_update(self, chat_id: int, by: dict, old: str, new: str) -> dict:
        """The bot's own membership of a chat changed (added, removed, banned), as Telegram reports it."""

        def member(status: str) -> dict:
            return {"user": BOT_USER, "status": status} | ({"until_date": 0} if status == "kicked" else {})

        change = {
            "chat": self.chat(chat_id),
            "from": by,
            "date": DATE,
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        }
        return {"update_id": self._next_update_id(), "my_chat_member": change}

    def tap_update(self, sender: dict, message: dict, data: str) -> dict:
        query = {
            "id": str(next(self._query_ids)),
            "from": sender,
            "chat_instance": f"ci{message['chat']['id']}",
            "message": message,
            "data": data,
        }
        return {"update_id": self._next_update_id(), "callback_query": query}

    def bot_message(self, chat_id: int, text: str) -> dict:
        """A plain message of the bot's, as if sent earlier (by an older version, say)."""
        return self._store(chat_id, {"text": text}, html.escape(text, quote=False))

    def poll_answer_update(self, sender: dict, poll_id: str, option_ids: list[int]) -> dict:
        """A vote in a non-anonymous poll (an empty list: the vote was retracted). It names no chat.

        Cast now: a closed poll takes no vote (PollClosed). A vote cast just before a poll closed and delivered
        after is this update made before the clock moves on and fed after."""
        if poll_id in self.polls and self.poll_closed(poll_id):
            raise PollClosed(poll_id)
        answer = {
            "poll_id": poll_id,
            "user": sender,
            "option_ids": option_ids,
            "option_persistent_ids": [str(i) for i in option_ids],  # as sendPoll numbers them
        }
        return {"update_id": self._next_update_id(), "poll_answer": answer}

    def poll_closed(self, poll_id: str) -> bool:
        """Is the poll closed (stopped, or its close_date reached)? Telegram closes it by itself at its close_date."""
        poll = self.polls[poll_id]
        closes = poll.get("close_date")
        if closes is not None and self.clock().timestamp() >= closes:
            poll["is_closed"] = True
        return poll["is_closed"]

    def _next_update_id(self) -> int:
        self.last_update_id += 1
        return self.last_update_id

    def queue(self, update: dict) -> None:
        self.updates.append(update)
        self._new_update.set()

    def close(self) -> None:
        self.closed = True
        self._new_update.set()  # wake long polls

    # --- the API ------------------------------------------------------------------------------

    async def call(self, method: str, params: dict[str, Any], files: dict[str, Any] | None = None) -> tuple[int, dict]:
        call = Call(method, dict(params), files or {})
        self.calls.append(call)
        queued = self.failures.get(method)
        if queued:
            return queued.pop(0)
        chat = str(params.get("chat_id", ""))
        moved = self.migrated.get(int(chat)) if chat.lstrip("-").isdigit() else None
        if moved is not None:  # a group upgraded to a supergroup: Telegram names the new id
            return 400, {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: group chat was upgraded to a supergroup chat",
                "parameters": {"migrate_to_chat_id": moved},
            }
        handler = getattr(self, f"api_{method}", None)
        if handler is None:
            return 404, {"ok": False, "error_code": 404, "description": f"Not Found: method {method}"}
        status, payload = await handler(params)
        call.ok = status == 200
        return status, payload

    @staticmethod
    def ok(result: Any) -> tuple[int, dict]:
        return 200, {"ok": True, "result": result}

    @staticmethod
    def bad(status: int, description: str) -> tuple[int, dict]:
        return status, {"ok": False, "error_code": status, "description": description}

    async def api_getMe(self, params: dict) -> tuple[int, dict]:
        return self.ok(BOT_USER)

    async def api_setMyCommands(self, params: dict) -> tuple[int, dict]:
        scope = params.get("scope") or {}
        if isinstance(scope, str):
            scope = json.loads(scope)
        if scope.get("type") == "chat" and int(scope["chat_id"]) in self.unreachable:
            return self.bad(400, "Bad Request: chat not found")  # a person who never pressed Start
        return self.ok(True)

    async def api_deleteWebhook(self, params: dict) -> tuple[int, dict]:
        return self.ok(True)

    async def api_getUpdates(self, params: dict) -> tuple[int, dict]:
        offset = int(params.get("offset") or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        allowed = params.get("allowed_updates")
        if allowed:  # Telegram drops the kinds a bot did not ask for (poll_answer is not sent by default)
            self.updates = [u for u in self.updates if set(u) - {"update_id"} <= set(allowed)]
        timeout = float(params.get("timeout") or 0)
        if not self.updates and timeout and not self.closed:
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), timeout)
            except TimeoutError:
                pass
        return self.ok(list(self.updates[: int(params.get("limit") or 100)]))

    def _check_text(self, text: str, parse_mode: str | None) -> tuple[int, dict] | None:
        if not text.strip():
            return self.bad(400, "Bad Request: message text is empty")
        if parse_mode == "HTML" and (problems := html_problems(text)):
            return self.bad(400, f"Bad Request: can't parse entities: {problems[0]}")
        if utf16_len(plain_text(text, parse_mode)) > 4096 or utf16_len(text) > 4096:
            return self.bad(400, "Bad Request: message is too long")
        return None

    def _store(self, chat_id: int, fields: dict, html_text: str = "") -> dict:
        message = {"message_id": next(self._message_ids), "date": DATE, "chat": self.chat(chat_id)}
        message["from"] = BOT_USER
        message.update(fields)
        self.messages[(chat_id, message["message_id"])] = message
        self.html[(chat_id, message["message_id"])] = html_text
        return message

    async def api_sendMessage(self, params: dict) -> tuple[int, dict]:
        chat_id = int(params["chat_id"])
        if chat_id in self.unreachable:
            return self.bad(403, "Forbidden: bot can't initiate conversation with a user")
        text, mode = params["text"], params.get("parse_mode")
        if refused := self._check_text(text, mode):
            return refused
        fields: dict[str, Any] = {"text": plain_text(text, mode)}
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            fields["reply_markup"] = markup
        return self.ok(self._store(chat_id, fields, text))

    def _check_poll_text(
        self, what: str, text: str, parse_mode: str | None, low: int, high: int
    ) -> tuple[int, dict] | None:
        if parse_mode == "HTML" and (problems := html_problems(text)):
            return self.bad(400, f"Bad Request: can't parse {what} entities: {problems[0]}")
        if not low <= utf16_len(plain_text(text, parse_mode)) <= high:
            return self.bad(400, f"Bad Request: poll {what} length must be {low}-{high}")
        return None

    async def api_sendPoll(self, params: dict) -> tuple[int, dict]:
        chat_id = int(params["chat_id"])
        if chat_id in self.unreachable:
            return self.bad(403, "Forbidden: bot can't initiate conversation with a user")
        if chat_id in self.no_polls:
            return self.bad(400, "Bad Request: not enough rights to send polls to the chat")
        question, mode = params["question"], params.get("question_parse_mode")
        if refused := self._check_poll_text("question", question, mode, 1, 300):
            return refused
        options = params.get("options") or []
        if not 2 <= len(options) <= 12:
            return self.bad(400, "Bad Request: poll must have 2-12 options")
        texts = []
        for option in options:
            text, option_mode = (
                (option, None) if isinstance(option, str) else (option["text"], option.get("text_parse_mode"))
            )
            if refused := self._check_poll_text("option", text, option_mode, 1, 100):
                return refused
            texts.append(plain_text(text, option_mode))
        quiz = params.get("type") == "quiz"
        correct = params.get("correct_option_ids")
        if correct is None and params.get("correct_option_id") is not None:  # before Bot API 9.6
            correct = [params["correct_option_id"]]
        if quiz and (not correct or not all(0 <= int(i) < len(options) for i in correct)):
            return self.bad(400, "Bad Request: wrong correct option ids specified")
        explanation, explanation_mode = params.get("explanation") or "", params.get("explanation_parse_mode")
        if explanation:
            if explanation_mode == "HTML" and (problems := html_problems(explanation)):
                return self.bad(400, f"Bad Request: can't parse explanation entities: {problems[0]}")
            plain = plain_text(explanation, explanation_mode)
            if utf16_len(plain) > 200 or plain.count("\n") > 2:
                return self.bad(400, "Bad Request: explanation is too long")
        if refused := self._check_poll_period(params):
            return refused
        anonymous = params.get("is_anonymous")
        poll: dict[str, Any] = {
            "id": str(next(self._poll_ids)),
            "question": plain_text(question, mode),
            "options": [{"text": t, "voter_count": 0, "persistent_id": str(n)} for n, t in enumerate(texts)],
            "total_voter_count": 0,
            "is_closed": bool(params.get("is_closed")),
            "is_anonymous": True if anonymous is None else bool(anonymous),
            "type": "quiz" if quiz else "regular",
            "allows_multiple_answers": bool(params.get("allows_multiple_answers")),
            "allows_revoting": bool(params.get("allows_revoting", not quiz)),
            "members_only": bool(params.get("members_only")),
        }
        if quiz:  # the sender of a quiz sees its answer; others only once they have voted
            poll["correct_option_ids"] = [int(i) for i in correct]
            if explanation:
                poll["explanation"] = plain_text(explanation, explanation_mode)
        if params.get("close_date") is not None:
            poll["close_date"] = int(params["close_date"])
        elif params.get("open_period") is not None:
            poll["open_period"] = int(params["open_period"])
            poll["close_date"] = int(self.clock().timestamp()) + poll["open_period"]
        self.polls[poll["id"]] = poll
        return self.ok(self._store(chat_id, {"poll": poll}))

    def _check_poll_period(self, params: dict) -> tuple[int, dict] | None:
        """open_period (seconds) or close_date (a Unix time), not both, 5 s to about a month ahead."""
        close_date, open_period = params.get("close_date"), params.get("open_period")
        if close_date is not None and open_period is not None:
            return self.bad(400, "Bad Request: can't use open_period and close_date together")
        if open_period is not None and not POLL_CLOSE_MIN <= int(open_period) <= POLL_CLOSE_MAX:
            return self.bad(400, "Bad Request: wrong open period specified")
        ahead = int(close_date) - self.clock().timestamp() if close_date is not None else None
        if ahead is not None and not POLL_CLOSE_MIN <= ahead <= POLL_CLOSE_MAX:
            return self.bad(400, "Bad Request: wrong close date specified")
        return None

    async def api_stopPoll(self, params: dict) -> tuple[int, dict]:
        """Close a poll the bot sent, refused as Telegram refuses it: an unknown message, one without a poll,
        someone else's poll, or one that is closed already (stopped, or past its close_date)."""
        message = self.messages.get((int(params["chat_id"]), int(params["message_id"])))
        if message is None:
            return self.bad(400, "Bad Request: message with poll to stop not found")
        if "poll" not in message:
            return self.bad(400, "Bad Request: message is not a poll")
        if message["from"]["id"] != BOT_USER["id"]:
            return self.bad(400, "Bad Request: poll can't be stopped")
        poll_id = message["poll"]["id"]
        if self.poll_closed(poll_id):
            return self.bad(400, "Bad Request: poll has already been closed")
        self.polls[poll_id]["is_closed"] = True
        return self.ok(self.polls[poll_id])

    async def api_editMessageText(self, params: dict) -> tuple[int, dict]:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.messages:
            return self.bad(400, "Bad Request: message to edit not found")
        text, mode = params["text"], params.get("parse_mode")
        if refused := self._check_text(text, mode):
            return refused
        message = self.messages[key]
        message["text"] = plain_text(text, mode)
        message.pop("reply_markup", None)
        if isinstance(params.get("reply_markup"), dict):
            message["reply_markup"] = params["reply_markup"]
        self.html[key] = text
        return self.ok(message)

    async def api_editMessageReplyMarkup(self, params: dict) -> tuple[int, dict]:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.messages:
            return self.bad(400, "Bad Request: message to edit not found")
        self.messages[key].pop("reply_markup", None)
        return self.ok(self.messages[key])

    async def api_answerCallbackQuery(self, params: dict) -> tuple[int, dict]:
        if len(params.get("text") or "") > 200:
            return self.bad(400, "Bad Request: MESSAGE_TOO_LONG")
        answered = [c for c in self.calls_to("answerCallbackQuery") if c.ok]
        if any(c.params["callback_query_id"] == params["callback_query_id"] for c in answered):
            return self.bad(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        return self.ok(True)

    async def api_sendDocument(self, params: dict) -> tuple[int, dict]:
        chat_id = int(params["chat_id"])
        if chat_id in self.unreachable:
            return self.bad(403, "Forbidden: bot can't initiate conversation with a user")
        caption, mode = params.get("caption") or "", params.get("parse_mode")
        if caption and mode == "HTML" and (problems := html_problems(caption)):
            return self.bad(400, f"Bad Request: can't parse entities: {problems[0]}")
        document = {"file_id": "doc1", "file_unique_id": "udoc1", "file_name": "report.csv"}
        return self.ok(self._store(chat_id, {"document": document, "caption": plain_text(caption, mode)}))

    async def api_getFile(self, params: dict) -> tuple[int, dict]:
        stored = self.files.get(str(params.get("file_id")))
        if stored is None:
            return self.bad(400, "Bad Request: invalid file_id")
        if stored.size > DOWNLOAD_MAX:
            return self.bad(400, "Bad Request: file is too big")
        file_id = str(params["file_id"])
        stored.path = stored.path or f"documents/file_{file_id[-6:]}"
        found = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_path": stored.path}
        return self.ok(found | ({"file_size": stored.size} if stored.size_known else {}))

    async def download(self, token: str, path: str) -> tuple[int, bytes]:
        """GET /file/bot<token>/<path>: the file's bytes, after its delay; a 404 for an unknown or lost file."""
        if token != TOKEN:
            return 401, json.dumps({"ok": False, "error_code": 401, "description": "Unauthorized"}).encode()
        self.downloads.append(path)
        stored = next((f for f in self.files.values() if f.path and f.path == path), None)
        if stored is None or stored.data is None:
            return 404, json.dumps({"ok": False, "error_code": 404, "description": "Not Found"}).encode()
        if stored.delay:
            await asyncio.sleep(stored.delay)
        return 200, stored.data

    async def api_getChat(self, params: dict) -> tuple[int, dict]:
        chat_id = int(params["chat_id"])
        gifts = dict.fromkeys(
            ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription", "gifts_from_channels"), False
        )
        info = self.chat(chat_id) | {"accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": gifts}
        return self.ok(info)

    async def api_getChatMember(self, params: dict) -> tuple[int, dict]:
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        return self.ok(self._member(user_id, self.members.get((chat_id, user_id), "member")))

    async def api_getChatAdministrators(self, params: dict) -> tuple[int, dict]:
        """The group's owner and administrators (in a private chat Telegram refuses)."""
        chat_id = int(params["chat_id"])
        if chat_id > 0:
            return self.bad(400, "Bad Request: there are no administrators in the private chat")
        admins = [(u, status) for (c, u), status in self.members.items() if c == chat_id]
        return self.ok([self._member(u, status) for u, status in admins if status in ("creator", "administrator")])

    @staticmethod
    def _member(user_id: int, status: str) -> dict:
        """A ChatMember as Telegram sends it: each status with the fields PTB requires of it."""
        member: dict[str, Any] = {"status": status, "user": user(user_id, "Someone")}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member |= dict.fromkeys(
                (
                    "can_be_edited",
                    "is_anonymous",
                    "can_manage_chat",
                    "can_delete_messages",
                    "can_manage_video_chats",
                    "can_restrict_members",
                    "can_promote_members",
                    "can_change_info",
                    "can_invite_users",
                    "can_post_stories",
                    "can_edit_stories",
                    "can_delete_stories",
                ),
                False,
            )
        return member


class FakeRequest(BaseRequest):
    """PTB's HTTP layer swapped for the fake: do_request answers from FakeBotAPI with (status, JSON bytes)."""

    def __init__(self, api: FakeBotAPI):
        self.api = api

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if "/file/bot" in url:  # File.download_*: a GET of the file's path
            token, _, path = urllib.parse.unquote(url.split("/file/bot", 1)[1]).partition("/")
            return await self.api.download(token, path)
        params = request_data.parameters if request_data else {}
        files = request_data.multipart_data if request_data and request_data.contains_files else {}
        status, payload = await self.api.call(url.rsplit("/", 1)[-1], params, files)
        return status, json.dumps(payload).encode()


# Form fields that stay strings; the others arrive JSON-encoded (PTB sends numbers and objects that way).
_TEXT_FIELDS = {"text", "caption", "callback_query_id", "parse_mode", "description", "question", "explanation"}
_TEXT_FIELDS |= {"type", "question_parse_mode", "explanation_parse_mode"}


async def serve_http(api: FakeBotAPI) -> tuple[web.AppRunner, int]:
    """The same fake behind HTTP on 127.0.0.1, for the whole polling path (real httpx, form encoding)."""

    async def endpoint(request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        form = await request.post()
        params: dict[str, Any] = {}
        files: dict[str, Any] = {}
        for key, value in form.items():
            if isinstance(value, web.FileField):
                files[key] = (value.filename, value.file.read())
            elif key in _TEXT_FIELDS:
                params[key] = value
            else:
                try:
                    params[key] = json.loads(value)
                except ValueError:
                    params[key] = value
        status, payload = await api.call(request.match_info["method"], params, files)
        return web.json_response(payload, status=status)

    async def file(request: web.Request) -> web.Response:
        status, body = await api.download(request.match_info["token"], request.match_info["path"])
        return web.Response(body=body, status=status, content_type="application/octet-stream")

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", endpoint)
    app.router.add_get("/file/bot{token}/{path:.+}", file)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # noqa: SLF001 - the port the OS picked
    return runner, port
