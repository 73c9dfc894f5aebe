"""Self-help groups inside the dialogue: joining with a code and reflecting on the group's theme. A
form whose one slot hands every message to `bot.group_conversation` (state in the database)."""
from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import intent_of
from actions.crisis import INTERRUPTED, dialogue_crisis_replies, hand_over_to_crisis_flow
from actions.exercises import start_exercise_form
from actions.forms import AskedByTheConversation, StoredConversationForm, open_conversation, send_all
from bot.groups.conversation import CRISIS, EXERCISE, SHARING, GroupConversation
from bot.storage import get_database

log = logging.getLogger(__name__)

FORM = "group_form"
SLOT = "group_answer"
# What the slot holds when the conversation ended; the form is done as soon as it is filled.
DONE = "done"
EXERCISE_PREFIX = "exercise:"
LISTEN = "listen"   # the person moved on to something about their life: the reflective thread takes it


def _conversation(session, tracker: Tracker) -> GroupConversation:
    return open_conversation(GroupConversation, session, tracker)


def _ended(step) -> str:
    if step.status == EXERCISE:
        return EXERCISE_PREFIX + str((step.result or {}).get("exercise") or "")
    if step.status == SHARING:
        return LISTEN
    return INTERRUPTED if step.status == CRISIS else DONE


class ActionGroupBegin(Action):
    """"I'd like to join my group" or "what is our theme?" (also the theme invitation's button)."""

    def name(self) -> str:
        return "action_group_begin"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        group_id = next(tracker.get_latest_entity_values("group"), None)
        with get_database().session() as session:
            conversation = _conversation(session, tracker)
            if intent_of(tracker) == "group_theme":
                step = conversation.begin_theme(int(group_id) if str(group_id or "").isdigit() else None)
            else:
                step = conversation.begin_join((tracker.latest_message or {}).get("text") or "")
        send_all(dispatcher, step.messages)
        # A conversation that ended at once (no group yet, no theme) fills the slot, so group_form
        # finishes as soon as it starts instead of taking the person's next message.
        return [SlotSet(SLOT, _ended(step) if step.finished else None)]


class ActionAskGroupAnswer(AskedByTheConversation):
    def name(self) -> str:
        return "action_ask_group_answer"


class ValidateGroupForm(StoredConversationForm):
    """Reflections are personal words: the dialogue's own crisis layer listens here too."""

    form = FORM
    slot = SLOT
    conversation_kind = GroupConversation

    def opening_value(self, value: Any) -> Any:
        # The message that opened the form is no answer; an end the start already reached stays.
        return value if value == DONE or str(value).startswith(EXERCISE_PREFIX) else None

    def set_aside(self, session, conversation: GroupConversation) -> None:
        if conversation.record is not None:
            session.delete(conversation.record)

    def ended(self, step) -> str:
        return _ended(step)

    def before_replies(self, step, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        if step.status == CRISIS:
            # bot/ found crisis signals the gateway did not act on: nothing was kept or shared.
            send_all(dispatcher, dialogue_crisis_replies(tracker) or [])


class ActionGroupFinished(Action):
    """After group_form: hand over to the crisis flow, start the theme's exercise, or listen to what the
    person moved on to."""

    def name(self) -> str:
        return "action_group_finished"

    async def run(self, dispatcher, tracker, domain) -> list[dict[str, Any]]:
        value = str(tracker.get_slot(SLOT) or "")
        if value == LISTEN:
            from actions.reflection import listen  # actions.reflection imports this module
            return [SlotSet(SLOT, None), *await listen(dispatcher, tracker, domain)]
        if not value.startswith(EXERCISE_PREFIX):
            return hand_over_to_crisis_flow(dispatcher, tracker, SLOT)
        return [SlotSet(SLOT, None), *start_exercise_form(dispatcher, tracker, value[len(EXERCISE_PREFIX):])]
