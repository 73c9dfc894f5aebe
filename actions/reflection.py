"""Reflective listening inside the dialogue: a form whose one slot takes every answer of a short
thread and hands it to `bot.reflection` (the thread itself travels in the `reflection_thread` slot).

A message that clearly asks for something else ("let's do the check-in", "bye") leaves the thread;
action_reflection_finished then does what that request would have done outside it.
"""
from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.checkin import FORM as CHECKIN_FORM
from actions.checkin import ActionCheckinBegin, ActionCheckinLater, ActionExplainModel, ActionLookCloser
from actions.common import intent_confidence, intent_of, language_of, recent_bot_texts
from actions.crisis import INTERRUPTED, ActionRequestMentor, hand_over_to_crisis_flow, interrupts
from actions.exercises import ActionStartExercise, start_exercise_form
from actions.forms import AskedByTheConversation, OneSlotForm, send_all
from actions.groups import FORM as GROUP_FORM
from actions.groups import ActionGroupBegin
from bot.reflection import Thread, answer, begin, settings, sounds_like_sharing

log = logging.getLogger(__name__)

FORM = "reflection_form"
SLOT = "reflection_answer"
THREAD = "reflection_thread"
LEFT = "left"
KIND = {"want_to_talk": "want_to_talk", "ordinary_goal": "ordinary_goal"}

# Requests that leave the thread: a response to send, or an action to run as it would run outside.
RESPONSES = {"goodbye": "utter_goodbye", "help": "utter_help", "bot_challenge": "utter_bot_challenge"}
ACTIONS = {"request_mentor": ActionRequestMentor, "start_exercise": ActionStartExercise,
           "explain_model": ActionExplainModel,
           "look_closer": ActionLookCloser, "checkin_later": ActionCheckinLater}
FORMS = {"start_checkin": (ActionCheckinBegin, CHECKIN_FORM), "join_group": (ActionGroupBegin, GROUP_FORM),
         "group_theme": (ActionGroupBegin, GROUP_FORM)}
EXERCISES = {"start_lifeline": "lifeline", "start_focusing": "focusing"}
LEAVING = set(RESPONSES) | set(ACTIONS) | set(FORMS) | set(EXERCISES)


class ActionReflectBegin(Action):
    def name(self) -> str:
        return "action_reflect_begin"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        text = (tracker.latest_message or {}).get("text") or ""
        if text.startswith("/"):  # a button ("keep talking") carries no words of its own
            text = ""
        reply = begin(text, language_of(tracker), KIND.get(intent_of(tracker) or "", "share"),
                      recent_bot_texts(tracker, int(settings()["thread"]["remember_replies"])))
        send_all(dispatcher, reply.messages)
        return [SlotSet(THREAD, reply.thread.to_dict()), SlotSet(SLOT, None)]


async def listen(dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
    """Open the reflective thread on this message, whatever the rule that ran would do next."""
    events = await ActionReflectBegin().run(dispatcher, tracker, domain)
    return [*events, FollowupAction(FORM)]


async def listen_if_sharing(dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> list[dict[str, Any]] | None:
    """:func:`listen`, when the message is a longer one about a side of life that the dialogue took for
    something else (small talk, a yes, a rating, an unsure request or crisis); None otherwise."""
    if not sounds_like_sharing((tracker.latest_message or {}).get("text") or "", language_of(tracker)):
        return None
    return await listen(dispatcher, tracker, domain)


async def listen_unless_sure(dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> list[dict[str, Any]] | None:
    """:func:`listen_if_sharing`, when the dialogue is not sure of the request it read (below the
    thread's switch confidence): "mijne vriend wil samenwonen maar ik twijfel..." is no question about
    the group's theme. None when the request stands."""
    if intent_confidence(tracker) >= float(settings()["thread"]["switch_confidence"]):
        return None
    return await listen_if_sharing(dispatcher, tracker, domain)


class ActionAskReflectionAnswer(AskedByTheConversation):
    def name(self) -> str:
        return "action_ask_reflection_answer"


class ValidateReflectionForm(OneSlotForm):
    """The thread travels in its own slot (no database), so a crisis or a new request drops it."""

    form = FORM
    slot = SLOT

    def take(self, text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        if interrupts(tracker):
            return {SLOT: INTERRUPTED, THREAD: None}
        if intent_of(tracker) in LEAVING and intent_confidence(tracker) >= float(
                settings()["thread"]["switch_confidence"]):
            return {SLOT: LEFT, THREAD: None}
        reply = answer(text, Thread.from_dict(tracker.get_slot(THREAD), language_of(tracker)))
        send_all(dispatcher, reply.messages)
        return {SLOT: None if reply.open else "done", THREAD: reply.thread.to_dict() if reply.open else None}


class ActionReflectionFinished(Action):
    def name(self) -> str:
        return "action_reflection_finished"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        if tracker.get_slot(SLOT) != LEFT:
            return hand_over_to_crisis_flow(dispatcher, tracker, SLOT)
        intent = intent_of(tracker) or ""
        events: list[dict[str, Any]] = [SlotSet(SLOT, None)]
        if intent in RESPONSES:
            dispatcher.utter_message(response=RESPONSES[intent])
        elif intent in ACTIONS:
            events += await ACTIONS[intent]().run(dispatcher, tracker, domain)
        elif intent in FORMS:
            begin_action, form = FORMS[intent]
            events += await begin_action().run(dispatcher, tracker, domain)
            events.append(FollowupAction(form))
        elif intent in EXERCISES:
            events += start_exercise_form(dispatcher, tracker, EXERCISES[intent])
        return events


# Intents whose reply outside any question is a short one; the dialogue also takes some longer
# messages for them ("ik run een bakkerij met mijn man, we zijn 24/7 samen..." for a rating).
SHORT_REPLIES = {"chitchat": "utter_chitchat", "give_rating": "utter_what_next", "affirm": "utter_what_next",
                 "acknowledge": "utter_what_next"}


class ActionReplyOrListen(Action):
    """Small talk, a yes or a rating outside any question gets its short reply; a longer message
    about a side of life that the dialogue took for one of these opens the reflective thread instead."""

    def name(self) -> str:
        return "action_reply_or_listen"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        events = await listen_if_sharing(dispatcher, tracker, domain)
        if events is None:
            dispatcher.utter_message(response=SHORT_REPLIES.get(intent_of(tracker) or "", "utter_what_next"))
            return []
        return events


class RequestOrListen(Action, ABC):
    """A request whose rule runs a form next; a longer message about a side of life that the dialogue
    only half took for that request is listened to instead (the reflective thread overrides the form)."""

    @abstractmethod
    def name(self) -> str: ...

    @abstractmethod
    def request(self) -> Action:
        """The action that answers the request when it stands."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        events = await listen_unless_sure(dispatcher, tracker, domain)
        if events is not None:
            return events
        return await self.request().run(dispatcher, tracker, domain)


class ActionExerciseOrListen(RequestOrListen):
    """"Let's draw my lifeline" starts the lifeline (the rule then runs exercise_form); "goedemiddag,
    oma hier, de dokter zegt mijn suiker is te hoog..." is listened to, no exercise started unasked."""

    def name(self) -> str:
        return "action_exercise_or_listen"

    def request(self) -> Action:
        return ActionStartExercise()


class ActionGroupOrListen(RequestOrListen):
    """"I'd like to join my group" or "what is our theme?" opens the group conversation (the rule then
    runs group_form); "im the only one in the group chat who wasnt invited..." is listened to."""

    def name(self) -> str:
        return "action_group_or_listen"

    def request(self) -> Action:
        return ActionGroupBegin()
