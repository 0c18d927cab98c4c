"""Fixtures the adapter suites share."""

import discord
import pytest

from tests.adapters.discord_fake import FakeDiscord


@pytest.fixture
async def fake(monkeypatch):
    """The fake Discord HTTP API (and CDN) on 127.0.0.1, with discord.py pointed at it."""
    server = FakeDiscord()
    monkeypatch.setattr(discord.http.Route, "BASE", await server.start())
    yield server
    await server.stop()
