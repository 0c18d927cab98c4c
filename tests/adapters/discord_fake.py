"""A stand-in for Discord's REST API on 127.0.0.1, and gateway events, to drive the real discord.py offline.

FakeDiscord answers the routes the bot uses and records every request; Harness injects gateway events
(GUILD_CREATE, CHANNEL_UPDATE, MESSAGE_CREATE, INTERACTION_CREATE) into a logged-in bot and waits for its
replies. The server's roles and channel overwrites live in FakeDiscord: the gateway events carry them as
Discord does, and a post the bot may not make is refused with Discord's 403 "Missing Permissions".
FakeDiscord is also the CDN that serves attached files (at their `url` and `proxy_url`), well or badly.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote

import discord
from aiohttp import web

APP_ID = 900000000000000001
BOT_ID = 900000000000000002
GUILD_ID = 900000000000000003
CHANNEL_ID = 900000000000000004
BLOCKED_CHANNEL_ID = 900000000000000005
OWNER_ID = 900000000000000006
TEACHER_ROLE_ID = 900000000000000007
DM_CHANNEL_ID = 900000000000000008
BOT_ROLE_ID = 900000000000000009  # the role Discord makes for the bot when it is invited
MANAGE_GUILD = str(discord.Permissions(manage_guild=True, send_messages=True).value)
STUDENT_PERMS = str(discord.Permissions(send_messages=True, use_application_commands=True).value)
# what an invite with the README's permissions gives the bot's role, and Discord's default for @everyone
BOT_ROLE_PERMS = discord.Permissions(2147601408)
EVERYONE_PERMS = discord.Permissions(
    view_channel=True, send_messages=True, embed_links=True, read_message_history=True, use_application_commands=True
)
TIMESTAMP = "2026-11-24T09:00:00+00:00"
EPHEMERAL = 64


def user(user_id: int, name: str, bot: bool = False) -> dict[str, Any]:
    return {"id": str(user_id), "username": name, "global_name": name, "discriminator": "0", "avatar": None, "bot": bot}


BOT_TOKEN = "fake-token"  # what the bot must log in with
BOT_USER = user(BOT_ID, "revisionbot", bot=True)


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: Any = None  # the JSON body (for multipart: its payload_json)
    files: dict[str, bytes] = field(default_factory=dict)
    response: dict[str, Any] | None = None  # the message Discord stored, when the request made or edited one
    unknown_route: bool = False  # the fake does not know this route: the bot called something unexpected

    @property
    def token(self) -> str:
        m = re.match(r"/(?:interactions/\d+|webhooks/\d+)/([^/]+)", self.path)
        return m.group(1) if m else ""

    @property
    def message(self) -> dict[str, Any] | None:
        """What this request shows to people (content, embeds, components, allowed_mentions), if anything."""
        if self.path.endswith("/callback"):
            return (self.body or {}).get("data") if (self.body or {}).get("type") in (4, 7) else None
        if self.method in ("POST", "PATCH") and ("/webhooks/" in self.path or self.path.endswith("/messages")):
            return self.body
        return None

    @property
    def ephemeral(self) -> bool:
        msg = self.body.get("data") if self.path.endswith("/callback") else self.body
        return bool(((msg or {}).get("flags") or 0) & EPHEMERAL)

    def text(self) -> str:
        """What a person reads in the message, flattened (markdown escapes resolved)."""
        return re.sub(r"\\(.)", r"\1", self.raw_text())

    def raw_text(self) -> str:
        """The message's texts as sent, flattened."""
        msg = self.message or {}
        parts = [msg.get("content") or ""]
        for e in msg.get("embeds") or []:
            parts += [e.get("title") or "", e.get("description") or "", (e.get("footer") or {}).get("text") or ""]
            parts += [f"{f['name']}\n{f['value']}" for f in e.get("fields") or []]
        return "\n".join(p for p in parts if p)

    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in components(self.message or {}) if "custom_id" in c]


# How the fake CDN serves a file: as Discord does, or with a fault the bot must survive
Serve = Literal["ok", "slow", "missing", "forbidden", "chunked"]


@dataclass
class CdnFile:
    data: bytes
    serve: Serve = "ok"  # slow: half the body, then nothing; chunked: no Content-Length (the body may be longer)


def components(message: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for row in message.get("components") or []:
        out += row.get("components") or [row]
    return out


def overwrite(
    target: int,
    *,
    allow: discord.Permissions | None = None,
    deny: discord.Permissions | None = None,
    member: bool = False,
) -> dict[str, Any]:
    """A channel permission overwrite as Discord sends it (type 0: a role, 1: a member)."""
    return {
        "id": str(target),
        "type": int(member),
        "allow": str((allow or discord.Permissions.none()).value),
        "deny": str((deny or discord.Permissions.none()).value),
    }


def _json(data: Any, status: int = 200) -> web.Response:
    # discord.py wants exactly "application/json": aiohttp's json_response adds a charset
    return web.Response(body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"})


class FakeDiscord:
    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.commands: list[dict[str, Any]] = []
        self.messages: dict[str, dict[str, Any]] = {}
        self.originals: dict[str, str] = {}  # interaction token -> message id of its response
        # the server as Discord holds it: role -> permissions, channel -> name and permission overwrites
        self.roles: dict[int, discord.Permissions] = {
            GUILD_ID: EVERYONE_PERMS,
            TEACHER_ROLE_ID: discord.Permissions.none(),
            BOT_ROLE_ID: BOT_ROLE_PERMS,
        }
        self.bot_roles: list[int] = [BOT_ROLE_ID]
        self.channels: dict[int, str] = {CHANNEL_ID: "revision", BLOCKED_CHANNEL_ID: "announcements"}
        # a read-only announcements channel: @everyone may read it, not write in it
        self.overwrites: dict[int, list[dict[str, Any]]] = {
            CHANNEL_ID: [],
            BLOCKED_CHANNEL_ID: [overwrite(GUILD_ID, deny=discord.Permissions(send_messages=True))],
        }
        self.failures: list[tuple[str, int, dict[str, Any]]] = []  # (path regex, status, body): answered once each
        self.cdn: dict[str, CdnFile] = {}  # attachment id -> its bytes and how they are served
        self.cdn_requests: list[str] = []  # the CDN paths the bot fetched
        self._closing: asyncio.Event | None = None  # set when the fake stops: a slow download gives up
        self._ids = itertools.count(950000000000000000)
        self._runner: web.AppRunner | None = None
        self.base = ""
        self.root = ""

    def next_id(self) -> str:
        return str(next(self._ids))

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/api/v10/{path:.*}", self.handle)
        for prefix in ("", "/media"):  # cdn.discordapp.com and media.discordapp.net (the proxy_url)
            app.router.add_get(prefix + "/attachments/{channel}/{id}/{name}", self.serve_attachment)
        self._closing = asyncio.Event()
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.root = f"http://127.0.0.1:{port}"
        self.base = f"{self.root}/api/v10"
        return self.base

    async def stop(self) -> None:
        if self._closing is not None:
            self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- the CDN -----------------------------------------------------------------------------------

    def attachment(self, filename: str, data: bytes, *, size: int | None = None, serve: Serve = "ok") -> dict[str, Any]:
        """A file attached to a command, as the interaction's resolved data carries it; `size` is what Discord
        declares (the length of `data` unless told)."""
        attachment_id = self.next_id()
        self.cdn[attachment_id] = CdnFile(data, serve)
        path = f"attachments/{CHANNEL_ID}/{attachment_id}/{quote(filename)}"
        return {
            "id": attachment_id,
            "filename": filename,
            "size": len(data) if size is None else size,
            "url": f"{self.root}/{path}?ex=1&is=2&hm=3",
            "proxy_url": f"{self.root}/media/{path}?ex=1&is=2&hm=3",
            "content_type": "application/octet-stream",
        }

    async def serve_attachment(self, request: web.Request) -> web.StreamResponse:
        self.cdn_requests.append(request.path)
        file = self.cdn.get(request.match_info["id"])
        if file is None or file.serve == "missing":
            return web.Response(status=404, text="404: Not Found")
        if file.serve == "forbidden":
            return web.Response(status=403, text="This content is no longer available.")
        if file.serve == "ok":
            return web.Response(body=file.data, content_type="application/octet-stream")
        response = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
        if file.serve == "chunked":
            response.enable_chunked_encoding()
        else:
            response.content_length = len(file.data)
        await response.prepare(request)
        if file.serve == "chunked":
            for start in range(0, len(file.data), 16384):
                await response.write(file.data[start : start + 16384])
            await response.write_eof()
            return response
        await response.write(file.data[: len(file.data) // 2])  # slow: the rest never comes (until the fake stops)
        assert self._closing is not None
        try:
            await asyncio.wait_for(self._closing.wait(), 60)
        except TimeoutError:
            pass
        return response

    # --- permissions, computed as Discord does -----------------------------------------------------

    def bot_permissions(self, channel_id: int) -> discord.Permissions:
        """The bot's permissions in a channel: @everyone and its roles, then the channel's overwrites for
        @everyone, for its roles together, then for the bot itself. (Independent of discord.py's own
        computation, so a mistake there cannot hide here.)"""
        value = self.roles[GUILD_ID].value
        for role in self.bot_roles:
            value |= self.roles[role].value
        if value & discord.Permissions(administrator=True).value:
            return discord.Permissions.all()
        by_id = {int(o["id"]): o for o in self.overwrites.get(channel_id, [])}
        if everyone := by_id.get(GUILD_ID):
            value = (value & ~int(everyone["deny"])) | int(everyone["allow"])
        allow = deny = 0
        for role in self.bot_roles:
            if role in by_id:
                allow, deny = allow | int(by_id[role]["allow"]), deny | int(by_id[role]["deny"])
        value = (value & ~deny) | allow
        if member := by_id.get(BOT_ID):
            value = (value & ~int(member["deny"])) | int(member["allow"])
        return discord.Permissions(value)

    def may_post(self, channel_id: int) -> bool:
        perms = self.bot_permissions(channel_id)
        return perms.view_channel and perms.send_messages

    # --- recording ---------------------------------------------------------------------------------

    async def _record(self, request: web.Request) -> Request:
        path = "/" + request.match_info["path"]
        rec = Request(request.method, path, dict(request.query))
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            for name, value in form.items():
                if name == "payload_json":
                    rec.body = json.loads(str(value))
                elif isinstance(value, web.FileField):
                    rec.files[value.filename] = value.file.read()
        elif request.can_read_body:
            raw = await request.read()
            rec.body = json.loads(raw) if raw else None
        self.requests.append(rec)
        return rec

    def message(self, channel_id: int | str, body: dict[str, Any] | None, **extra: Any) -> dict[str, Any]:
        body = body or {}
        msg = {
            "id": self.next_id(),
            "channel_id": str(channel_id),
            "type": 0,
            "content": body.get("content") or "",
            "author": BOT_USER,
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "attachments": [],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": False,
            "timestamp": TIMESTAMP,
            "edited_timestamp": None,
            "flags": body.get("flags") or 0,
            **extra,
        }
        self.messages[msg["id"]] = msg
        return msg

    # --- the routes --------------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bot {BOT_TOKEN}" and not request.path.startswith(
            "/api/v10/interactions/"
        ) and "/webhooks/" not in request.path:  # fmt: skip
            return web.Response(body=b'{"message": "401: Unauthorized", "code": 0}', status=401)
        rec = await self._record(request)
        method, path, body = rec.method, rec.path, rec.body
        for i, (pattern, status, data) in enumerate(self.failures):
            if re.fullmatch(pattern, path):
                del self.failures[i]
                headers = {"Content-Type": "application/json"}
                if status == 429:
                    # discord.py only trusts a 429 that came through the edge (a "Via" header)
                    headers |= {"Retry-After": "0.05", "X-RateLimit-Scope": "user", "Via": "1.1 google"}
                return web.Response(body=json.dumps(data).encode(), status=status, headers=headers)
        if method == "GET" and path == "/users/@me":
            return _json(BOT_USER)
        if method == "GET" and path == "/oauth2/applications/@me":
            return _json(
                {
                    "id": str(APP_ID),
                    "name": "revisionbot",
                    "description": "",
                    "icon": None,
                    "bot_public": True,
                    "bot_require_code_grant": False,
                    "owner": user(OWNER_ID, "owner"),
                    "verify_key": "0" * 64,
                    "flags": 0,
                }
            )
        if method == "PUT" and path == f"/applications/{APP_ID}/commands":
            self.commands = body
            return _json(
                [
                    {**c, "id": self.next_id(), "application_id": str(APP_ID), "version": "1", "type": c.get("type", 1)}
                    for c in body
                ]
            )
        if m := re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", path):
            return self._callback(rec, m.group(1), m.group(2), body)
        if m := re.fullmatch(rf"/webhooks/{APP_ID}/([^/]+)", path):
            rec.response = self.message(CHANNEL_ID, body, webhook_id=str(APP_ID), application_id=str(APP_ID))
            return _json(rec.response)
        if m := re.fullmatch(rf"/webhooks/{APP_ID}/([^/]+)/messages/(@original|\d+)", path):
            mid = self.originals.get(m.group(1), "") if m.group(2) == "@original" else m.group(2)
            msg = self.messages.get(mid) or self.message(CHANNEL_ID, {})
            if method == "PATCH":
                msg.update({k: v for k, v in (body or {}).items() if k in ("content", "embeds", "components")})
                rec.response = msg
            return _json(msg)
        if m := re.fullmatch(r"/channels/(\d+)/messages", path):
            if int(m.group(1)) in self.channels and not self.may_post(int(m.group(1))):
                return _json({"message": "Missing Permissions", "code": 50013}, status=403)
            rec.response = self.message(m.group(1), body)
            return _json(rec.response)
        if method == "POST" and path == "/users/@me/channels":
            recipient = user(int(body["recipient_id"]), "owner")
            return _json({"id": str(DM_CHANNEL_ID), "type": 1, "recipients": [recipient], "last_message_id": None})
        rec.unknown_route = True
        return _json({"message": "404: Not Found", "code": 0}, status=404)

    def _callback(self, rec: Request, interaction_id: str, token: str, body: dict[str, Any]) -> web.Response:
        kind = body["type"]
        data = body.get("data") or {}
        interaction = {
            "id": interaction_id,
            "type": 2,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool((data.get("flags") or 0) & EPHEMERAL),
        }
        resource: dict[str, Any] = {"type": kind}
        if kind in (4, 5):
            msg = self.message(CHANNEL_ID, data if kind == 4 else {"flags": data.get("flags") or 0})
            self.originals[token] = msg["id"]
            interaction["response_message_id"] = msg["id"]
            resource["message"] = rec.response = msg
        return _json({"interaction": interaction, "resource": resource})

    # --- queries for the tests ------------------------------------------------------------------------

    def for_token(self, token: str) -> list[Request]:
        return [r for r in self.requests if r.token == token]

    def shown(self) -> list[Request]:
        """Every request that showed something to people."""
        return [r for r in self.requests if r.message is not None]

    def posts_to(self, channel_id: int) -> list[Request]:
        return [r for r in self.requests if r.method == "POST" and r.path == f"/channels/{channel_id}/messages"]


def _finished(requests: list[Request]) -> bool:
    """An interaction is answered once it got a message, a form or its choices (not just a deferral)."""
    for r in requests:
        if r.path.endswith("/callback") and r.body["type"] in (4, 8, 9):
            return True
        if r.method == "POST" and r.path.startswith("/webhooks/"):
            return True
    return False


_EVENT_IDS = itertools.count(700000000000000001)  # shared, so a restarted bot never reuses a token


class Harness:
    """A logged-in bot and the fake it talks to; injects events the way the gateway would."""

    STUDENT = user(800000000000000001, "Ana")

    def __init__(self, fake: FakeDiscord, bot: discord.Client):
        self.fake = fake
        self.bot = bot
        self._ids = _EVENT_IDS

    def guild_create(self) -> None:
        """The server as the gateway sends it when the bot connects: roles with their permissions, channels
        with their overwrites, and (without the members intent) the bot's own member only."""
        fake = self.fake
        names = {GUILD_ID: "@everyone", TEACHER_ROLE_ID: "Teachers", BOT_ROLE_ID: "revisionbot"}
        roles = [
            {
                "id": str(role),
                "name": names.get(role, "role"),
                "position": position,
                "permissions": str(perms.value),
                "color": 0,
                "hoist": False,
                "managed": role == BOT_ROLE_ID,
                "mentionable": False,
                **({"tags": {"bot_id": str(BOT_ID)}} if role == BOT_ROLE_ID else {}),
            }
            for position, (role, perms) in enumerate(fake.roles.items())
        ]
        me = self._member(BOT_USER, [str(r) for r in fake.bot_roles])
        self.bot._connection.parsers["GUILD_CREATE"](
            {
                "id": str(GUILD_ID),
                "name": "Class 7B *history*",
                "owner_id": str(OWNER_ID),
                "roles": roles,
                "channels": [self._channel(c) for c in fake.channels],
                "members": [me],
                "member_count": 3,
                "features": [],
                "emojis": [],
                "stickers": [],
                "threads": [],
                "voice_states": [],
                "presences": [],
                "large": False,
            }
        )

    def channel_update(self, channel_id: int) -> None:
        """Tell the bot that a channel changed (e.g. its overwrites in FakeDiscord), as the gateway does."""
        self.bot._connection.parsers["CHANNEL_UPDATE"]({**self._channel(channel_id), "guild_id": str(GUILD_ID)})

    def _channel(self, channel_id: int) -> dict[str, Any]:
        return {
            "id": str(channel_id),
            "name": self.fake.channels[channel_id],
            "type": 0,
            "position": 0,
            "permission_overwrites": self.fake.overwrites.get(channel_id, []),
            "nsfw": False,
            "parent_id": None,
        }

    @staticmethod
    def _member(who: dict[str, Any], roles: list[str]) -> dict[str, Any]:
        return {
            "user": who,
            "roles": roles,
            "joined_at": TIMESTAMP,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "nick": None,
        }

    def _base(self, kind: int, data: dict[str, Any], who: dict[str, Any], perms: str, roles: list[str], dm: bool):
        n = next(self._ids)
        payload: dict[str, Any] = {
            "id": str(n),
            "application_id": str(APP_ID),
            "type": kind,
            "token": f"token{n}",
            "version": 1,
            "attachment_size_limit": 8 * 1024 * 1024,
            "data": data,
            "locale": "en-GB",
            "entitlements": [],
        }
        if dm:
            payload["user"] = who
            payload["channel"] = {"id": str(DM_CHANNEL_ID), "type": 1, "recipients": [who]}
            payload["context"] = 1
        else:
            payload["guild_id"] = str(GUILD_ID)
            payload["channel"] = {"id": str(CHANNEL_ID), "type": 0, "guild_id": str(GUILD_ID), "name": "revision"}
            payload["member"] = {**self._member(who, roles), "permissions": perms}
            payload["app_permissions"] = str(self.fake.bot_permissions(CHANNEL_ID).value)  # the bot's, here
            payload["context"] = 0
        return payload

    async def inject(self, payload: dict[str, Any], timeout: float = 5.0) -> list[Request]:
        """Deliver an interaction and wait until the bot has answered it."""
        self.bot._connection.parsers["INTERACTION_CREATE"](payload)
        token = payload["token"]
        await wait_for(lambda: _finished(self.fake.for_token(token)), timeout, f"no answer to {payload['data']}")
        await asyncio.sleep(0.01)  # let discord.py finish reading the response
        return self.fake.for_token(token)

    async def command(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        who: dict[str, Any] | None = None,
        perms: str = STUDENT_PERMS,
        roles: list[str] | None = None,
        dm: bool = False,
        resolved: dict[str, Any] | None = None,
    ) -> list[Request]:
        opts = _options(options)
        data: dict[str, Any] = {"id": "1", "name": name, "type": 1, "options": opts}
        if resolved:
            data["resolved"] = resolved
            for o in opts:
                if o["name"] == "channel":
                    o["type"] = 7
                elif o["name"] == "teacher_role":
                    o["type"] = 8
        payload = self._base(2, data, who or self.STUDENT, perms, roles or [], dm)
        return await self.inject(payload)

    async def subcommand(
        self,
        group: str,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        files: dict[str, dict[str, Any]] | None = None,
        who: dict[str, Any] | None = None,
        perms: str = STUDENT_PERMS,
        roles: list[str] | None = None,
        dm: bool = False,
        timeout: float = 5.0,
    ) -> list[Request]:
        """A command of a group (/notes add), with `files` attached: option name -> FakeDiscord.attachment()."""
        opts = _options(options)
        opts += [{"name": k, "type": 11, "value": a["id"]} for k, a in (files or {}).items()]
        data: dict[str, Any] = {
            "id": "1",
            "name": group,
            "type": 1,
            "options": [{"name": name, "type": 1, "options": opts}],
        }
        if files:
            data["resolved"] = {"attachments": {a["id"]: a for a in files.values()}}
        payload = self._base(2, data, who or self.STUDENT, perms, roles or [], dm)
        return await self.inject(payload, timeout)

    async def autocomplete(self, name: str, option: str, current: str, *, sub: str | None = None) -> list[Request]:
        """Typing in an option that suggests values (`sub`: the option of a group's command)."""
        options = [{"name": option, "type": 3, "value": current, "focused": True}]
        if sub is not None:
            options = [{"name": sub, "type": 1, "options": options}]
        data = {"id": "1", "name": name, "type": 1, "options": options}
        return await self.inject(self._base(4, data, self.STUDENT, STUDENT_PERMS, [], False))

    async def click(
        self, message: dict[str, Any], custom_id: str, *, who: dict[str, Any] | None = None, dm: bool = False
    ) -> list[Request]:
        data = {"custom_id": custom_id, "component_type": 2}
        payload = self._base(3, data, who or self.STUDENT, STUDENT_PERMS, [], dm)
        payload["message"] = message
        return await self.inject(payload)

    async def submit(
        self,
        form: dict[str, Any],
        value: str,
        message: dict[str, Any],
        *,
        who: dict[str, Any] | None = None,
        dm: bool = False,
    ) -> list[Request]:
        """Submit a modal the bot opened (`form` is the data of its type 9 callback)."""
        fields = []
        for label in form["components"]:
            inner = label.get("component") or label["components"][0]
            fields.append(
                {
                    "type": 18,
                    "id": label.get("id", 1),
                    "component": {"type": 4, "custom_id": inner["custom_id"], "value": value},
                }
            )
        data = {"custom_id": form["custom_id"], "components": fields}
        payload = self._base(5, data, who or self.STUDENT, STUDENT_PERMS, [], dm)
        payload["message"] = message
        return await self.inject(payload)

    def mention(self, content: str, *, dm: bool = False) -> None:
        """A message that mentions the bot (in a server) or any message in a DM."""
        payload = {
            "id": str(next(self._ids)),
            "channel_id": str(DM_CHANNEL_ID if dm else CHANNEL_ID),
            "author": self.STUDENT,
            "content": content,
            "mentions": [] if dm else [BOT_USER],
            "mention_roles": [],
            "mention_everyone": False,
            "attachments": [],
            "embeds": [],
            "timestamp": TIMESTAMP,
            "edited_timestamp": None,
            "tts": False,
            "pinned": False,
            "type": 0,
            "flags": 0,
        }
        if not dm:
            payload["guild_id"] = str(GUILD_ID)
        self.bot._connection.parsers["MESSAGE_CREATE"](payload)


def _options(options: dict[str, Any] | None) -> list[dict[str, Any]]:
    types = {str: 3, int: 4, bool: 5}
    return [{"name": k, "type": types.get(type(v), 3), "value": v} for k, v in (options or {}).items()]


async def wait_for(condition: Any, timeout: float = 5.0, what: str = "condition") -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting: {what}")
        await asyncio.sleep(0.005)
