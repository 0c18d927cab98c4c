"""The Telegram bot: the Application, its command menus, the daily-quiz job, and running it by long polling."""

from __future__ import annotations

import asyncio
import logging

from telegram import (
    Bot,
    LinkPreviewOptions,
    Update,
)
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    JobQueue,
    MessageHandler,
    PollAnswerHandler,
    filters,
)
from telegram.request import BaseRequest

from adapters.errors import TokenRefused
from adapters.telegram import render
from adapters.telegram.handlers import (
    COMMAND_HANDLERS,
    DAILY_CHECK_SECONDS,
    PLATFORM,
    TelegramState,
    chat_moved,
    class_ref,
    on_answer_button,
    on_command,
    on_error,
    on_forget_button,
    on_migrate,
    on_my_membership,
    on_other_button,
    on_poll_answer,
    on_text,
    on_unknown_command,
    send_question,
)
from adapters.telegram.menu import register_commands
from adapters.telegram.notes import START_FILTER, on_notes_command, on_notes_document, on_notes_start
from adapters.telegram.send import make_rate_limiter, send_html
from bot.config import Settings
from bot.service import RevisionService

__all__ = ["build_application", "run_telegram", "post_due_dailies", "DAILY_JOB"]

log = logging.getLogger(__name__)

DAILY_JOB = "daily-quiz"
# my_chat_member: being added to or removed from a group (not sent unless asked for).
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.POLL_ANSWER, Update.MY_CHAT_MEMBER]


# --- the daily quiz ----------------------------------------------------------------------------------


async def post_due_dailies(bot: Bot, service: RevisionService, state: TelegramState) -> int:
    """Post today's quiz in every group whose time has come; returns how many were posted.

    The post is a line saying the quiz is here, then every question of the day: a quiz poll for a choice or
    true/false question that fits one, else a message with buttons or one to reply to. The whole class answers
    the same messages, so nothing needs repeating per student.

    The schedule lives in the database, so nothing needs restoring at start. claim_daily_post lets exactly
    one caller post (two bot processes, or a slow run overlapping the next one, cannot post twice); a post
    whose first line Telegram failed for a moment is released for the next tick. Private chats are not sent
    unasked messages: a student there gets the daily quiz with /daily.
    """
    posted = 0
    for cls, _settings in await service.classes_due(PLATFORM):
        try:
            chat_id = int(cls.chat_id)
        except ValueError:
            continue
        if chat_id > 0:  # a private chat (groups have negative ids)
            continue
        status = await service.claim_daily_post(cls)
        if status is None or status.next is None:
            continue
        try:
            try:
                await send_html(bot, chat_id, render.render_daily_post(status))
            except ChatMigrated as moved:  # upgraded to a supergroup: the class follows, the post goes there
                await chat_moved(service, chat_id, moved.new_chat_id)
                cls, chat_id = class_ref(moved.new_chat_id), moved.new_chat_id
                await send_html(bot, chat_id, render.render_daily_post(status))
        except Forbidden as exc:  # removed from the group (its my_chat_member update missed): stop posting
            await service.daily_settings(cls, True, enabled=False)
            log.warning("daily quiz of %s not posted (%s): switched off until a teacher turns it on", cls.key, exc)
            continue
        except (BadRequest, ChatMigrated) as exc:  # the group is gone, or moved twice
            log.warning("daily quiz of %s not posted, not retried today: %s", cls.key, exc)
            continue
        except (NetworkError, RetryAfter) as exc:  # Telegram failed for a moment: the next tick tries again
            await service.release_daily_post(cls)
            log.warning("daily quiz of %s not posted (%s): retrying at the next tick", cls.key, exc)
            continue
        for prompt in status.prompts:
            try:
                await send_question(bot, service, state, cls, prompt, force_reply=False, day=status.day)
            except (Forbidden, ChatMigrated) as exc:
                log.warning("daily quiz of %s stopped at question %d: %s", cls.key, prompt.number, exc)
                break
            except TelegramError as exc:  # the post is out: a missing question is one /daily away
                log.warning("question %d of the daily quiz of %s not posted: %s", prompt.number, cls.key, exc)
        posted += 1
    return posted


async def daily_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await post_due_dailies(context.bot, context.bot_data["service"], context.bot_data["telegram"])


def schedule_daily(job_queue: JobQueue, every: float) -> None:
    for job in job_queue.get_jobs_by_name(DAILY_JOB):
        job.schedule_removal()
    # first run soon after start: a post missed while the bot was down goes out now
    job_queue.run_repeating(daily_job, interval=every, first=1.0, name=DAILY_JOB)


# --- the application ---------------------------------------------------------------------------------


async def setup(app: Application) -> None:
    """post_init: the command menus, and the daily-quiz job."""
    state: TelegramState = app.bot_data["telegram"]
    try:
        await register_commands(app.bot, state.settings)
    except TelegramError as exc:  # the menu is a convenience: typed commands work without it
        log.warning("could not register the command menu: %s", exc)
    schedule_daily(app.job_queue, state.daily_every)


def api_urls(base: str) -> tuple[str, str]:
    """TELEGRAM_API_BASE_URL as written ("http://localhost:8081", with or without /bot) -> base_url, base_file_url."""
    root = base.strip().rstrip("/").removesuffix("/bot")
    return f"{root}/bot", f"{root}/file/bot"


def build_application(
    service: RevisionService,
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    daily_every: float = DAILY_CHECK_SECONDS,
) -> Application:
    """The Application with every handler; `request`s replace the HTTP layer (the tests pass a fake Bot API).

    Nothing here keeps time: what is due is decided by the service, with the clock it was built with.
    """
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        # No default parse_mode: the bot's HTML messages say so where they are sent (send.py), and a default would
        # reach every sendPoll as a field it does not have.
        .defaults(Defaults(link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .rate_limiter(make_rate_limiter())
        .concurrent_updates(32)  # the core is safe under concurrency; one slow student does not hold up the class
        .post_init(setup)
    )
    if settings.telegram_api_base_url:
        base_url, base_file_url = api_urls(settings.telegram_api_base_url)
        builder = builder.base_url(base_url).base_file_url(base_file_url)
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    app = builder.build()
    app.bot_data["service"] = service
    app.bot_data["telegram"] = TelegramState(settings, daily_every=daily_every)

    people = filters.ChatType.PRIVATE | filters.ChatType.GROUPS
    new = filters.UpdateType.MESSAGE  # an edited message is not a second question or a second answer
    # /notes, and the link a group's /notes gives its teachers ("/start notes-<group id>"): adapters/telegram/notes.py
    app.add_handler(CommandHandler("start", on_notes_start, filters=new & filters.ChatType.PRIVATE & START_FILTER))
    app.add_handler(CommandHandler("notes", on_notes_command, filters=new & people))
    app.add_handler(CommandHandler(list(COMMAND_HANDLERS), on_command, filters=new & people))
    app.add_handler(MessageHandler(new & people & filters.COMMAND, on_unknown_command))
    app.add_handler(MessageHandler(new & people & filters.TEXT & ~filters.COMMAND, on_text))
    app.add_handler(MessageHandler(new & people & filters.Document.ALL, on_notes_document))
    app.add_handler(CallbackQueryHandler(on_answer_button, pattern=r"^a\|"))
    app.add_handler(CallbackQueryHandler(on_forget_button, pattern=r"^f\|"))
    app.add_handler(CallbackQueryHandler(on_other_button))
    app.add_handler(PollAnswerHandler(on_poll_answer))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, on_migrate))
    app.add_handler(ChatMemberHandler(on_my_membership, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_error_handler(on_error)
    return app


async def run_telegram(service: RevisionService, settings: Settings) -> None:
    """Run the bot by long polling until cancelled; shares the event loop (no run_polling, which owns it)."""
    app = build_application(service, settings)
    try:
        async with app:  # initialize() (getMe: a wrong token fails here) ... shutdown()
            await app.post_init(app)
            await app.updater.start_polling(allowed_updates=ALLOWED_UPDATES, error_callback=polling_failed)
            await app.start()
            log.info("Telegram bot @%s is running", app.bot.username)
            try:
                await asyncio.Event().wait()
            finally:
                if app.updater.running:
                    await app.updater.stop()
                if app.running:
                    await app.stop()
    except InvalidToken as exc:  # one line from `revisionbot run`, exit code 2, never the token
        raise TokenRefused("Telegram refused TELEGRAM_TOKEN: copy it again from @BotFather") from exc


def polling_failed(exc: TelegramError) -> None:
    """getUpdates failed (a 502, a network error): the library tries again with a back-off. One line, no
    traceback (its default callback logs an ERROR with one each time)."""
    log.warning("Telegram getUpdates failed (%s); trying again", exc)
