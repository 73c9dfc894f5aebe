"""Exercises inside the dialogue: suggestions, and a form whose one slot hands every answer to
`bot.exercises.runner` (state in the database, like the check-in)."""
from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import intent_of, touch
from actions.crisis import hand_over_to_crisis_flow
from actions.forms import AskedByTheConversation, StoredConversationForm, open_conversation, send_all
from bot.exercises.runner import ExerciseConversation
from bot.exercises.suggestions import suggestion_message
from bot.storage import get_database

log = logging.getLogger(__name__)

FORM = "exercise_form"
SLOT = "exercise_answer"
INTENT_EXERCISE = {"start_lifeline": "lifeline", "start_focusing": "focusing"}


def _conversation(session, tracker: Tracker) -> ExerciseConversation:
    return open_conversation(ExerciseConversation, session, tracker)


class ActionStartExercise(Action):
    """A chosen exercise (button payload with an `exercise` entity, or "let's do the lifeline") starts
    at once; a general request ("give me an exercise", "iets voor mijn lichaam") gets suggestions."""

    def name(self) -> str:
        return "action_start_exercise"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        exercise_id = next(tracker.get_latest_entity_values("exercise"), None) or INTENT_EXERCISE.get(
            intent_of(tracker) or "")
        if exercise_id and intent_of(tracker) not in INTENT_EXERCISE:
            # Chosen with a button: no rule can see the entity, so start the form from here.
            return start_exercise_form(dispatcher, tracker, exercise_id)
        with get_database().session() as session:
            if exercise_id:
                messages = _conversation(session, tracker).begin(exercise_id).messages
            else:
                language = touch(session, tracker)
                text = (tracker.latest_message or {}).get("text") or ""
                messages = [suggestion_message(session, tracker.sender_id, language, request=text)]
        send_all(dispatcher, messages)
        return [SlotSet(SLOT, None)] if exercise_id else []


def start_exercise_form(dispatcher: CollectingDispatcher, tracker: Tracker, exercise_id: str) -> list[dict[str, Any]]:
    """Begin an exercise and open exercise_form from an action (a suggestion's button, a group's theme)."""
    with get_database().session() as session:
        step = _conversation(session, tracker).begin(exercise_id)
    send_all(dispatcher, step.messages)
    return [SlotSet(SLOT, None), FollowupAction(FORM)]


class ActionAskExerciseAnswer(AskedByTheConversation):
    def name(self) -> str:
        return "action_ask_exercise_answer"


class ValidateExerciseForm(StoredConversationForm):
    """An exercise invites free, personal words, so the dialogue's own crisis layer listens here."""

    form = FORM
    slot = SLOT
    conversation_kind = ExerciseConversation

    def set_aside(self, session, conversation: ExerciseConversation) -> None:
        if conversation.record is not None:
            conversation.record.status = "stopped"


class ActionExerciseFinished(Action):
    def name(self) -> str:
        return "action_exercise_finished"

    async def run(self, dispatcher, tracker, domain) -> list[dict[str, Any]]:
        return hand_over_to_crisis_flow(dispatcher, tracker, SLOT)
