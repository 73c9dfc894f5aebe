"""The conversation language (en/nl) and the person's country, kept in slots."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import language_of
from bot.config import SUPPORTED_LANGUAGES

_COUNTRY = re.compile(r"^[A-Za-z]{2}$")

# What the `language` entity may hold when the synonym mapper did not normalise it.
_LANGUAGE_NAMES = {
    "en": "en",
    "english": "en",
    "engels": "en",
    "engelstalig": "en",
    "nl": "nl",
    "dutch": "nl",
    "nederlands": "nl",
    "vlaams": "nl",
    "hollands": "nl",
}


def _clean_language(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip().lower()
    return value if value in SUPPORTED_LANGUAGES else None


def _clean_country(value: Any) -> str | None:
    if not isinstance(value, str) or not _COUNTRY.match(value.strip()):
        return None
    return value.strip().upper()


class ActionSetLanguage(Action):
    """Custom slot mapping for `language` and `country`, run by action_extract_slots each turn.

    The gateway forwards REST metadata {"language": "en"|"nl", "country": "BE"|"NL"|...}.
    Returns a SlotSet only for a valid value that differs from the current one; anything else
    (no metadata, an external trigger, junk) leaves the slots alone.
    """

    def name(self) -> str:
        return "action_set_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        metadata = (tracker.latest_message or {}).get("metadata")
        if not isinstance(metadata, dict):
            return []
        events = []
        language = _clean_language(metadata.get("language"))
        if language and language != tracker.get_slot("language"):
            events.append(SlotSet("language", language))
        country = _clean_country(metadata.get("country"))
        if country and country != tracker.get_slot("country"):
            events.append(SlotSet("country", country))
        return events


class ActionSwitchLanguage(Action):
    """The person asked for another language: use the `language` entity, else swap en <-> nl.

    The reply (utter_language_switched) carries custom {"set_language": ...} so the page follows.
    """

    def name(self) -> str:
        return "action_switch_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        target = None
        for value in tracker.get_latest_entity_values("language"):
            target = _LANGUAGE_NAMES.get(str(value).strip().lower())
            if target:
                break
        if target is None:
            target = "nl" if language_of(tracker) == "en" else "en"
        if target == language_of(tracker):
            # It names the language already spoken: no request, perhaps a story ("ik kom uit Syrië,
            # mijn Nederlands gaat steeds beter, maar..."), listened to when it is about a side of
            # life. Naming the other language always switches, however it is put ("kunnen we in het
            # Engels verder, dat is makkelijker voor mij" reads like sharing too).
            from actions.reflection import listen_if_sharing  # actions.reflection imports most actions
            listened = await listen_if_sharing(dispatcher, tracker, domain)
            if listened is not None:
                return listened   # overrides the rule's utter_language_switched
        return [SlotSet("language", target)]
