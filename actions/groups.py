"""Self-help groups inside the dialogue: joining with a code and reflecting on the group's theme. A
form whose one slot hands every message to `bot.group_conversation` (state in the database)."""
from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import dispatch_reply, form_is_opening, intent_of, touch
from actions.crisis import INTERRUPTED, dialogue_crisis_replies, hand_over_to_crisis_flow, interrupts
from actions.exercises import start_exercise_form
from bot.group_conversation import CRISIS, EXERCISE, GroupConversation
from bot.storage import get_database

log = logging.getLogger(__name__)

FORM = "group_form"
SLOT = "group_answer"
# What the slot holds when the conversation ended; the form is done as soon as it is filled.
DONE = "done"
EXERCISE_PREFIX = "exercise:"


def _conversation(session, tracker: Tracker) -> GroupConversation:
    return GroupConversation(session, tracker.sender_id, touch(session, tracker))


def _ended(step) -> str:
    if step.status == EXERCISE:
        return EXERCISE_PREFIX + str((step.result or {}).get("exercise") or "")
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
        for message in step.messages:
            dispatch_reply(dispatcher, message)
        # A conversation that ended at once (no group yet, no theme) fills the slot, so group_form
        # finishes as soon as it starts instead of taking the person's next message.
        return [SlotSet(SLOT, _ended(step) if step.finished else None)]


class ActionAskGroupAnswer(Action):
    """Each question is sent by the group conversation itself."""

    def name(self) -> str:
        return "action_ask_group_answer"

    async def run(self, dispatcher, tracker, domain) -> list[dict[str, Any]]:
        return []


class ValidateGroupForm(FormValidationAction):
    def name(self) -> str:
        return "validate_group_form"

    def validate_group_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if form_is_opening(tracker, FORM):
            # The message that opened the form is no answer; an end the start already reached stays.
            return {SLOT: value if value == DONE or str(value).startswith(EXERCISE_PREFIX) else None}
        with get_database().session() as session:
            conversation = _conversation(session, tracker)
            # Reflections are personal words: the dialogue's own crisis layer listens here too.
            if interrupts(tracker):
                if conversation.record is not None:
                    session.delete(conversation.record)
                return {SLOT: INTERRUPTED}
            step = conversation.answer(str(value or ""))
        if step.status == CRISIS:
            # bot/ found crisis signals the gateway did not act on: nothing was kept or shared.
            for reply in dialogue_crisis_replies(tracker) or []:
                dispatch_reply(dispatcher, reply)
        for message in step.messages:
            dispatch_reply(dispatcher, message)
        return {SLOT: _ended(step) if step.finished else None}


class ActionGroupFinished(Action):
    """After group_form: hand over to the crisis flow, start the theme's exercise, or just listen."""

    def name(self) -> str:
        return "action_group_finished"

    async def run(self, dispatcher, tracker, domain) -> list[dict[str, Any]]:
        value = str(tracker.get_slot(SLOT) or "")
        if not value.startswith(EXERCISE_PREFIX):
            return hand_over_to_crisis_flow(dispatcher, tracker, SLOT)
        return [SlotSet(SLOT, None), *start_exercise_form(dispatcher, tracker, value[len(EXERCISE_PREFIX):])]
