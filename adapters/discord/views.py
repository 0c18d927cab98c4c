"""Quiz buttons and the answer form. Every custom id carries its quiz ref, so buttons and forms outlive a restart.

Custom ids: "rb:a:<ref>:<n>" option n of a question, "rb:t:<ref>" the Answer button, "rb:f:<ref>" the
typed-answer form it opens, "rb:daily" the start button of the daily post, "rb:forget" the /forgetme
confirmation. The question behind a ref comes back from the core (service.question_for), so nothing is kept
in memory between clicks, nor while a form is open.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable
from typing import Any

import discord

from adapters.discord.context import SORRY, class_for, send, send_short, service_of, slow_down, teacher_of, user_for
from adapters.discord.render import (
    BUTTONS_LIMIT,
    LABEL_DESCRIPTION_LIMIT,
    clip,
    daily_text,
    option_label,
    prompt_embed,
    result_text,
)
from bot.quiz.model import Question
from bot.quiz.values import AnswerResult, QuizPrompt
from bot.ratelimit import RateLimited
from bot.refs import QUIZ_REF_PATTERN

log = logging.getLogger(__name__)

REF = rf"(?P<ref>{QUIZ_REF_PATTERN})"
ANSWER_LIMIT = 200  # a typed answer is a word or a few: more is a paste, not an answer
FORM = re.compile(rf"rb:f:{REF}")
ANSWER_FIELD = "rb:answer"
Button = discord.ui.Button[Any]

__all__ = ["QUIZ_ITEMS", "prompt_view", "start_view", "forget_view", "start_daily", "answer_forms"]


async def guarded(interaction: discord.Interaction, work: Awaitable[None], what: str) -> None:
    """discord.py only logs what a dynamic item raises: the student also gets a short reply."""
    try:
        await work
    except RateLimited as exc:
        await send_short(interaction, slow_down(exc))
    except Exception:
        log.exception("%s failed", what)
        await send_short(interaction, SORRY)


class OptionButton(discord.ui.DynamicItem[Button], template=re.compile(rf"rb:a:{REF}:(?P<index>[0-9]{{1,2}})")):
    def __init__(
        self,
        ref: str,
        index: int,
        label: str,
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        disabled: bool = False,
    ):
        super().__init__(
            discord.ui.Button(label=label or "?", style=style, disabled=disabled, custom_id=f"rb:a:{ref}:{index}")
        )
        self.ref = ref
        self.index = index

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> OptionButton:
        return cls(match["ref"], int(match["index"]), getattr(item, "label", None) or "?")

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, choose_option(interaction, self.ref, self.index), f"option {self.custom_id}")


class TypedAnswerButton(discord.ui.DynamicItem[Button], template=re.compile(rf"rb:t:{REF}")):
    def __init__(self, ref: str, disabled: bool = False):
        super().__init__(
            discord.ui.Button(
                label="Answer", style=discord.ButtonStyle.primary, disabled=disabled, custom_id=f"rb:t:{ref}"
            )
        )
        self.ref = ref

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> TypedAnswerButton:
        return cls(match["ref"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, open_answer_form(interaction, self.ref), f"answer form {self.custom_id}")


class StartDailyButton(discord.ui.DynamicItem[Button], template=re.compile(r"rb:daily")):
    def __init__(self) -> None:
        super().__init__(discord.ui.Button(label="Start", style=discord.ButtonStyle.success, custom_id="rb:daily"))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> StartDailyButton:
        return cls()

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, start_daily(interaction), "daily start button")


class ForgetButton(discord.ui.DynamicItem[Button], template=re.compile(r"rb:forget")):
    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(label="Yes, delete everything", style=discord.ButtonStyle.danger, custom_id="rb:forget")
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ForgetButton:
        return cls()

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, forget(interaction), "forgetme confirmation")


QUIZ_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    OptionButton,
    TypedAnswerButton,
    StartDailyButton,
    ForgetButton,
)


def answer_form(ref: str, question: Question) -> discord.ui.Modal:
    """The typed-answer form. Its submission is answered by answer_forms, from the ref in its custom id."""
    form: discord.ui.Modal = discord.ui.Modal(title="Your answer", custom_id=f"rb:f:{ref}")
    field: discord.ui.TextInput[Any] = discord.ui.TextInput(
        custom_id=ANSWER_FIELD, style=discord.TextStyle.short, max_length=ANSWER_LIMIT, required=True
    )
    # labels are plain text: the question is shown as written
    form.add_item(
        discord.ui.Label(
            text="Your answer", description=clip(question.prompt, LABEL_DESCRIPTION_LIMIT), component=field
        )
    )
    return form


async def answer_forms(interaction: discord.Interaction) -> None:
    """The bot's on_interaction listener for typed-answer forms, whenever they come: a form stays open in
    the student's app across a restart of the bot and for as long as they like, and is answered all the same."""
    if interaction.type is not discord.InteractionType.modal_submit:
        return
    data: dict[str, Any] = dict(interaction.data or {})
    if (match := FORM.fullmatch(str(data.get("custom_id", "")))) is None:
        return  # not ours
    typed = field_value(data.get("components") or [], ANSWER_FIELD)[:ANSWER_LIMIT]
    await guarded(interaction, submit_answer(interaction, match["ref"], typed), f"answer form {match['ref']}")


def field_value(components: list[dict[str, Any]], custom_id: str) -> str:
    """The value of a submitted form's field, found in its labels (or the action rows of older clients)."""
    for component in components:
        if component.get("custom_id") == custom_id:
            return str(component.get("value") or "")
        inner = [component["component"]] if "component" in component else component.get("components") or []
        if found := field_value(inner, custom_id):
            return found
    return ""


# --- views ------------------------------------------------------------------------------------------


def prompt_view(prompt: QuizPrompt) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    q = prompt.question
    if q.typed or not q.options:
        view.add_item(TypedAnswerButton(prompt.ref))
    for i, opt in enumerate(q.options[:BUTTONS_LIMIT]):
        view.add_item(OptionButton(prompt.ref, i, option_label(i, opt)))
    return view


def answered_view(ref: str, question: Question | None, result: AnswerResult, chosen: int | None) -> discord.ui.View:
    """The question's buttons greyed out, the right option green and a wrong pick red."""
    view = discord.ui.View(timeout=None)
    if question is None or not question.options:
        view.add_item(TypedAnswerButton(ref, disabled=True))
        return view
    for i, opt in enumerate(question.options[:BUTTONS_LIMIT]):
        style = discord.ButtonStyle.secondary
        if opt == result.correct_answer:
            style = discord.ButtonStyle.success
        elif i == chosen:
            style = discord.ButtonStyle.danger
        view.add_item(OptionButton(ref, i, option_label(i, opt), style=style, disabled=True))
    return view


def start_view() -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(StartDailyButton())
    return view


def forget_view() -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ForgetButton())
    return view


# --- what the buttons do ------------------------------------------------------------------------------


def _gone(ref: str) -> str:
    return result_text(AnswerResult(ref, False, problem="unknown"))


async def start_daily(interaction: discord.Interaction) -> None:
    """/daily and the Start button: the student's next daily question, only to them."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    teacher = await teacher_of(interaction)
    status = await service_of(interaction).daily(class_for(interaction), user_for(interaction), is_teacher=teacher)
    if status.next is not None and not status.finished:
        await send(interaction, embed=prompt_embed(status.next), view=prompt_view(status.next))
    else:
        await send(interaction, daily_text(status))


async def choose_option(interaction: discord.Interaction, ref: str, index: int) -> None:
    await interaction.response.defer()  # marking touches the database: acknowledge within 3 s
    question = await service_of(interaction).question_for(ref)
    if question is None or index >= len(question.options):
        await send(interaction, _gone(ref))
        return
    await mark(interaction, ref, question.options[index], question, index)


async def open_answer_form(interaction: discord.Interaction, ref: str) -> None:
    question = await service_of(interaction).question_for(ref)
    if question is None:
        await send(interaction, _gone(ref))
        return
    form = answer_form(ref, question)
    await interaction.response.send_modal(form)
    # Not held in memory: every submission, even one after a restart, is answered by answer_forms alone.
    form.stop()


async def submit_answer(interaction: discord.Interaction, ref: str, given: str) -> None:
    await interaction.response.defer()  # marking touches the database: acknowledge within 3 s
    await mark(interaction, ref, given)


async def mark(
    interaction: discord.Interaction,
    ref: str,
    given: str,
    question: Question | None = None,
    chosen: int | None = None,
) -> None:
    """Send the answer to the core; show the marking (and the next daily question) to the student only."""
    teacher = await teacher_of(interaction)
    result = await service_of(interaction).answer(
        class_for(interaction), user_for(interaction), ref, given, is_teacher=teacher
    )
    if not result.problem and interaction.message is not None:
        try:
            await interaction.edit_original_response(view=answered_view(ref, question, result, chosen))
        except discord.HTTPException as exc:  # the marking matters more than greying the buttons out
            log.warning("could not close question %s: %s", ref, exc)
    # as in the console: a daily answer leads to the next daily question, a practice answer ends there
    # A repeat (a double click) says so and no more: the next question went with the first click.
    nxt = result.next if ref.startswith("d:") and not result.already else None
    if nxt is None:
        await send(interaction, result_text(result))
    else:
        await send(interaction, result_text(result), embed=prompt_embed(nxt), view=prompt_view(nxt))


async def forget(interaction: discord.Interaction) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    await service_of(interaction).forgetme(user_for(interaction))
    await send(interaction, "Done: everything the bot stored about you is deleted.")
