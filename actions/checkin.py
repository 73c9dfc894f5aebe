"""The check-in inside the dialogue: a Rasa form whose one slot takes every answer and hands it to
`bot.wellbeing.conversation`, which keeps the state in the database (so a pause lasts for days)."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import intent_of, language_of
from actions.crisis import hand_over_to_crisis_flow, interrupts
from actions.forms import AskedByTheConversation, StoredConversationForm, open_conversation, send_all
from bot.reflection import dimension_named
from bot.storage import get_database
from bot.wellbeing.conversation import CheckinConversation, later, look_closer
from bot.wellbeing.model import DIMENSIONS

log = logging.getLogger(__name__)

FORM = "checkin_form"
SLOT = "checkin_answer"


def _conversation(session, tracker: Tracker) -> CheckinConversation:
    return open_conversation(CheckinConversation, session, tracker)


class ActionCheckinBegin(Action):
    def name(self) -> str:
        return "action_checkin_begin"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        with get_database().session() as session:
            turn = _conversation(session, tracker).begin()
        send_all(dispatcher, turn.messages)
        return [SlotSet(SLOT, None)]


class ActionAskCheckinAnswer(AskedByTheConversation):
    def name(self) -> str:
        return "action_ask_checkin_answer"


class ValidateCheckinForm(StoredConversationForm):
    form = FORM
    slot = SLOT
    conversation_kind = CheckinConversation

    def interrupted(self, tracker: Tracker, conversation: CheckinConversation) -> bool:
        if not interrupts(tracker):
            return False
        # A recognised answer ("zeven", "skip") is not the classifier's business; a free-text
        # reflection is, so that is where the dialogue's own crisis layer still listens.
        return intent_of(tracker) == "crisis_detected" or not conversation.understands(
            (tracker.latest_message or {}).get("text") or "")

    def set_aside(self, session, conversation: CheckinConversation) -> None:
        # Safety first: keep the answers and pause the check-in.
        if conversation.record is not None:
            conversation.record.status = "paused"


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
