"""Thin adapters that put the core on a console, Discord and Telegram."""
