"""`revisionbot run`: start every platform that has a token, or the console when none has."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from adapters.errors import TokenRefused
from bot.app import bootstrap
from bot.config import Settings
from bot.storage.db import DatabaseError

log = logging.getLogger(__name__)


async def run_configured(settings: Settings, args: argparse.Namespace) -> int:
    try:
        service = await bootstrap(settings)
    except DatabaseError as exc:
        print(f"revisionbot: {exc}", file=sys.stderr)
        return 2
    try:
        tasks = []
        if settings.discord_token:
            from adapters.discord.bot import run_discord

            tasks.append(run_discord(service, settings))
        if settings.telegram_token:
            from adapters.telegram.bot import run_telegram

            tasks.append(run_telegram(service, settings))
        if not tasks:
            from adapters.console.repl import run_console

            print("No DISCORD_TOKEN or TELEGRAM_TOKEN set: starting the console.")
            await run_console(service, name=args.name, class_name=args.class_name, is_teacher=args.teacher)
            return 0
        await asyncio.gather(*tasks)
        return 0
    except TokenRefused as exc:
        print(f"revisionbot: {exc}", file=sys.stderr)
        return 2
    except ImportError as exc:
        hint = "install the extra, e.g. pip install -e '.[discord,telegram]'"
        print(f"revisionbot: a platform library is missing ({exc.name}); {hint}", file=sys.stderr)
        return 2
    finally:
        await service.close()
