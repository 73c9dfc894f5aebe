"""One adapter for the dialogue's forms that hand every message to a conversation in `bot/`.

The check-in, the exercises, the groups and the reflective thread are each a Rasa form with one slot
that takes every message while the form is active; the conversation itself lives in `bot/` and
sends its own questions. What is the same for all of them lives here once: the message that opened
the form is no answer yet, a crisis interrupts (the slot then holds INTERRUPTED and the finishing
action starts the crisis form), and the replies are sent. A form says only how it takes an answer.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import dispatch_reply, form_is_opening, touch
from actions.crisis import INTERRUPTED, interrupts
from bot.steps import Step
from bot.storage import get_database


def open_conversation(kind: type, session, tracker: Tracker) -> Any:
    """A stored conversation of this kind (check-in, exercise, group) for the tracker's person."""
    return kind(session, tracker.sender_id, touch(session, tracker))


def send_all(dispatcher: CollectingDispatcher, messages: list[dict[str, Any]]) -> None:
    for message in messages:
        dispatch_reply(dispatcher, message)


class AskedByTheConversation(Action, ABC):
    """A form's ask action that says nothing: the conversation sends each question with its replies."""

    @abstractmethod
    def name(self) -> str: ...

    async def run(self, dispatcher, tracker, domain) -> list[dict[str, Any]]:
        return []


class OneSlotForm(FormValidationAction, ABC):
    """Validates the form's one slot (Rasa calls `validate_<slot>`, bound here for each subclass).
    Its action is `validate_<form>`, named from the form."""

    form: ClassVar[str]
    slot: ClassVar[str]

    def name(self) -> str:
        return f"validate_{self.form}"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "slot" in cls.__dict__:
            setattr(cls, f"validate_{cls.slot}", cls.validate_answer)

    def validate_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if form_is_opening(tracker, self.form_name()):
            return {self.slot: self.opening_value(value)}
        return self.take(str(value or ""), dispatcher, tracker)

    def opening_value(self, value: Any) -> Any:
        """What the slot keeps while the form opens (the opening message is no answer)."""
        return None

    @abstractmethod
    def take(self, text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        """Slot values after one answer."""


class StoredConversationForm(OneSlotForm):
    """A form over a conversation whose state is in the database (check-in, exercise, group)."""

    conversation_kind: ClassVar[type]   # a bot.steps.Conversation, opened per message

    def interrupted(self, tracker: Tracker, conversation: Any) -> bool:
        """Whether the dialogue's crisis layer takes this message away from the conversation."""
        return interrupts(tracker)

    @abstractmethod
    def set_aside(self, session, conversation: Any) -> None:
        """What becomes of the unfinished conversation when a crisis interrupts it."""

    def ended(self, step: Step) -> str:
        return step.status

    def before_replies(self, step: Step, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        """Anything to send before the conversation's own replies."""

    def take(self, text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        with get_database().session() as session:
            conversation = open_conversation(self.conversation_kind, session, tracker)
            if self.interrupted(tracker, conversation):
                self.set_aside(session, conversation)
                return {self.slot: INTERRUPTED}
            step = conversation.answer(text)
        self.before_replies(step, dispatcher, tracker)
        send_all(dispatcher, step.messages)
        return {self.slot: self.ended(step) if step.finished else None}
