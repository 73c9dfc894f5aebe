"""The crisis path inside the dialogue. The decisions (help lines, escalation case, mentor
request) are made in `bot.safety.dialogue`; these actions only hand over and dispatch.

`bot.safety.dialogue` is imported inside the functions so the action server starts even when that
module cannot be imported (and so tests can replace it).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import dispatch_reply, form_is_opening, intent_confidence, intent_of, language_of, say
from bot.pseudonyms import pseudonym

log = logging.getLogger(__name__)

FORM = "crisis_form"
SLOT = "crisis_safe"
SAFE_INTENTS = {"confirm_safe", "affirm"}
NOT_SAFE_INTENTS = {"not_safe", "deny", "crisis"}
ASK_PAYLOAD = "/confirm_safe"
# "I'm safe" ends the form only when the NLU is sure; a hesitant guess keeps asking.
SAFE_MIN_CONFIDENCE = 0.8
# Slot value a form gets when a crisis interrupts it (check-in, exercise).
INTERRUPTED = "interrupted"


def dialogue_crisis(tracker: Tracker) -> tuple[bool, list[dict[str, Any]] | None]:
    """(full response?, replies) for the dialogue's own crisis intent; replies None on failure,
    which is answered with the fallback help lines and counts as the full response."""
    try:
        from bot.safety.dialogue import handle_dialogue_crisis
    except ImportError:
        log.exception("bot.safety.dialogue is not importable; sending the fallback help lines")
        return True, None
    try:
        outcome = handle_dialogue_crisis(
            sender_id=tracker.sender_id,
            text=(tracker.latest_message or {}).get("text") or "",
            language=language_of(tracker),
            country=tracker.get_slot("country"),
        )
    except Exception:
        log.exception("handle_dialogue_crisis failed for %s", pseudonym(tracker.sender_id))
        return True, None
    return outcome.full, outcome.replies


def dialogue_crisis_replies(tracker: Tracker) -> list[dict[str, Any]] | None:
    """The replies only (where the caller hands over to the crisis form anyway)."""
    return dialogue_crisis(tracker)[1]


def _intent_counts(tracker: Tracker) -> bool:
    try:
        from bot.safety.dialogue import dialogue_intent_counts
    except ImportError:
        return True  # cannot judge: err on the side of taking it seriously
    return dialogue_intent_counts((tracker.latest_message or {}).get("text") or "", intent_confidence(tracker))


def _takes_over(tracker: Tracker) -> bool:
    """Inside a form, the dialogue's crisis intent interrupts only when the detector agrees."""
    try:
        from bot.safety.dialogue import dialogue_intent_takes_over
    except ImportError:
        return True  # cannot judge: err on the side of taking it seriously
    try:
        return dialogue_intent_takes_over((tracker.latest_message or {}).get("text") or "", language_of(tracker))
    except Exception:
        log.exception("the detector failed inside a form")  # no sender id in logs
        return True


def _request_mentor(tracker: Tracker) -> bool:
    try:
        from bot.safety.dialogue import request_mentor
    except ImportError:
        log.exception("bot.safety.dialogue is not importable; cannot ask a mentor")
        return False
    try:
        request_mentor(tracker.sender_id, language_of(tracker))
    except Exception:
        log.exception("request_mentor failed for %s", pseudonym(tracker.sender_id))
        return False
    return True


def _tell_mentor_outcome(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    ok = _request_mentor(tracker)
    say(dispatcher, language_of(tracker), "crisis.mentor_requested" if ok else "crisis.mentor_unavailable")


class ActionCrisisFromDialogue(Action):
    """The NLU's own crisis intent fired: open the case and send the help lines."""

    def name(self) -> str:
        return "action_crisis_from_dialogue"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        if intent_of(tracker) == "crisis" and not _intent_counts(tracker):
            # Too short or too unsure to act on (the detector has already looked): do not open the
            # crisis form. A longer message about a side of life ("ik ben vrijwilliger in het hospice
            # en het geeft me zoveel...", intent at .67) is listened to; anything else is unclear.
            from actions.reflection import listen_if_sharing  # actions.reflection imports this module
            listened = await listen_if_sharing(dispatcher, tracker, domain)
            if listened is not None:
                return listened
            dispatcher.utter_message(response="utter_default")
            return [FollowupAction("action_listen")]
        full, replies = dialogue_crisis(tracker)
        if not full:
            # The intent alone asks the direct question (its answer goes to the gateway), or, when
            # the person said "no" to this kind lately, listens to what they said ("ik ben
            # levensmoe" is a theme of meaning too): the reflective thread, as for anything shared.
            if replies:
                for reply in replies:
                    dispatch_reply(dispatcher, reply)
                return [FollowupAction("action_listen")]
            from actions.reflection import listen
            return await listen(dispatcher, tracker, domain)
        if replies:
            for reply in replies:
                dispatch_reply(dispatcher, reply)
        else:
            say(dispatcher, language_of(tracker), "crisis.fallback")
        return [SlotSet(SLOT, None)]


class ActionRequestMentor(Action):
    """The person asked for a human (outside the crisis form)."""

    def name(self) -> str:
        return "action_request_mentor"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        _tell_mentor_outcome(dispatcher, tracker)
        return []


def _already_asked_this_turn(tracker: Tracker) -> bool:
    """True when a message since the person's last one already offered the "I'm safe" button
    (bot.safety's crisis reply may end with the same question): never ask twice in a row."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot":
            buttons = (event.get("data") or {}).get("buttons") or []
            if any(isinstance(b, dict) and b.get("payload") == ASK_PAYLOAD for b in buttons):
                return True
    return False


class ActionAskCrisisSafe(Action):
    """crisis_form's question: "Are you safe right now?" with three buttons."""

    def name(self) -> str:
        return "action_ask_crisis_safe"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        if not _already_asked_this_turn(tracker):
            say(dispatcher, language_of(tracker), "crisis.ask")
        return []


class ActionResetCrisisSafe(Action):
    """After the form ended, forget the answer so the next crisis asks again."""

    def name(self) -> str:
        return "action_reset_crisis_safe"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        return [SlotSet(SLOT, None)]


class ValidateCrisisForm(FormValidationAction):
    """Every message during crisis_form arrives here (crisis_safe is mapped from_text).

    Only "I'm safe" (confirm_safe, or yes to the question) fills the slot and ends the form;
    everything else keeps the person in it and the form asks again.
    """

    def name(self) -> str:
        return "validate_crisis_form"

    def validate_crisis_safe(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        if form_is_opening(tracker, FORM):
            # The form is being activated and found an answer from an earlier crisis: drop it.
            return {SLOT: None}
        intent = intent_of(tracker)
        language = language_of(tracker)
        if intent in SAFE_INTENTS and intent_confidence(tracker) >= SAFE_MIN_CONFIDENCE:
            return {SLOT: True}
        if intent in NOT_SAFE_INTENTS:
            say(dispatcher, language, "crisis.not_safe")
        elif intent == "request_mentor":
            _tell_mentor_outcome(dispatcher, tracker)
        elif intent == "crisis_detected":
            pass  # the gateway has just answered with help lines; only ask again
        else:
            say(dispatcher, language, "crisis.still_here", tracker)
        return {SLOT: None}


def hand_over_to_crisis_flow(dispatcher: CollectingDispatcher, tracker: Tracker, slot: str) -> list[dict[str, Any]]:
    """After a check-in or exercise form that a crisis interrupted: send help lines if the dialogue
    noticed it itself (the gateway already sent them otherwise), then start the crisis form."""
    events: list[dict[str, Any]] = [SlotSet(slot, None)]
    if tracker.get_slot(slot) == INTERRUPTED:
        if intent_of(tracker) == "crisis":
            for reply in dialogue_crisis_replies(tracker) or []:
                dispatch_reply(dispatcher, reply)
        events.append(FollowupAction(FORM))
    return events


def interrupts(tracker: Tracker) -> bool:
    """Whether this message inside a check-in or exercise is a crisis signal to act on."""
    intent = intent_of(tracker)
    return intent == "crisis_detected" or (intent == "crisis" and _intent_counts(tracker) and _takes_over(tracker))
