"""The check-in inside the dialogue: a Rasa form whose one slot takes every answer and hands it to
`bot.wellbeing.conversation`, which keeps the state in the database (so a pause lasts for days)."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import dispatch_reply, form_is_opening, intent_of, language_of, touch
from actions.crisis import INTERRUPTED, hand_over_to_crisis_flow, interrupts
from bot.reflection import dimension_named
from bot.storage import get_database
from bot.wellbeing.conversation import CheckinConversation, later, look_closer
from bot.wellbeing.model import DIMENSIONS

log = logging.getLogger(__name__)

FORM = "checkin_form"
SLOT = "checkin_answer"


def _conversation(session, tracker: Tracker) -> CheckinConversation:
    return CheckinConversation(session, tracker.sender_id, touch(session, tracker))


def _is_crisis(tracker: Tracker, conversation: CheckinConversation) -> bool:
    if not interrupts(tracker):
        return False
    # A recognised answer ("zeven", "skip") is not the classifier's business; a free-text
    # reflection is, so that is where the dialogue's own crisis layer still listens.
    return intent_of(tracker) == "crisis_detected" or not conversation.understands(
        (tracker.latest_message or {}).get("text") or "")


class ActionCheckinBegin(Action):
    def name(self) -> str:
        return "action_checkin_begin"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        with get_database().session() as session:
            turn = _conversation(session, tracker).begin()
        for message in turn.messages:
            dispatch_reply(dispatcher, message)
        return [SlotSet(SLOT, None)]


class ActionAskCheckinAnswer(Action):
    """The questions are sent by the conversation itself, together with the reflections before them."""

    def name(self) -> str:
        return "action_ask_checkin_answer"

    async def run(self, dispatcher, tracker, domain) -> list[dict[str, Any]]:
        return []


class ValidateCheckinForm(FormValidationAction):
    def name(self) -> str:
        return "validate_checkin_form"

    def validate_checkin_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if form_is_opening(tracker, FORM):
            return {SLOT: None}
        with get_database().session() as session:
            conversation = _conversation(session, tracker)
            if _is_crisis(tracker, conversation):
                # Safety first: keep the answers, pause the check-in, and hand over to the crisis flow.
                if conversation.record is not None:
                    conversation.record.status = "paused"
                return {SLOT: INTERRUPTED}
            turn = conversation.answer(str(value or ""))
        for message in turn.messages:
            dispatch_reply(dispatcher, message)
        return {SLOT: turn.status if turn.finished else None}


class ActionCheckinFinished(Action):
    def name(self) -> str:
        return "action_checkin_finished"

    async def run(self, dispatcher, tracker, domain) -> list[dict[str, Any]]:
        return hand_over_to_crisis_flow(dispatcher, tracker, SLOT)


class ActionLookCloser(Action):
    def name(self) -> str:
        return "action_look_closer"

    async def run(self, dispatcher, tracker, domain) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=look_closer(_named_dimension(tracker), language_of(tracker)))
        return []


def _named_dimension(tracker: Tracker) -> str | None:
    entity = next(tracker.get_latest_entity_values("dimension"), None)
    if entity in DIMENSIONS:
        return entity
    return dimension_named((tracker.latest_message or {}).get("text") or "", language_of(tracker))


class ActionExplainModel(Action):
    """"What is the model?" gets the four sides; "what do you mean by spiritual?" explains that one."""

    def name(self) -> str:
        return "action_explain_model"

    async def run(self, dispatcher, tracker, domain) -> list[dict[str, Any]]:
        dimension = _named_dimension(tracker)
        if dimension:
            dispatcher.utter_message(text=look_closer(dimension, language_of(tracker)))
        else:
            dispatcher.utter_message(response="utter_explain_model")
        return []


class ActionCheckinLater(Action):
    def name(self) -> str:
        return "action_checkin_later"

    async def run(self, dispatcher, tracker, domain) -> list[dict[str, Any]]:
        dispatcher.utter_message(
            text=later(language_of(tracker)), json_message={"link": {"href": "/my-map", "title": "My map"}}
        )
        return []
