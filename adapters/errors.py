"""Faults every adapter reports the same way."""

from __future__ import annotations


class TokenRefused(RuntimeError):
    """A platform refused the bot's token: `revisionbot run` prints this one line (never the token) and exits 2."""
