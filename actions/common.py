"""Small helpers shared by the actions: the conversation language and action-only texts."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.config import SUPPORTED_LANGUAGES
from bot.content import section

log = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "en"
# Last resort when even the content files cannot be read: never leave a person without 112.
EMERGENCY_TEXT = "If you are in danger, call 112. / Ben je in gevaar, bel dan 112."


def language_of(tracker: Tracker) -> str:
    value = tracker.get_slot("language")
    return value if value in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


def touch(session, tracker: Tracker) -> str:
    """Make sure the person exists (with this conversation's language and country); the language."""
    # Imported here: the crisis actions import this module and must load even if storage cannot.
    from bot.storage.conversations import touch_person

    language = language_of(tracker)
    touch_person(session, tracker.sender_id, language, tracker.get_slot("country"))
    return language


def intent_of(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def form_is_opening(tracker: Tracker, form: str) -> bool:
    """Rasa validates a form's slot once while it activates the form, with the message that opened it
    ("let's take stock"): that is no answer yet. Later messages, whatever their intent, are answers."""
    return tracker.active_loop_name != form


def intent_confidence(tracker: Tracker) -> float:
    try:
        return float(((tracker.latest_message or {}).get("intent") or {}).get("confidence") or 0.0)
    except (TypeError, ValueError):
        return 0.0


def dialogue_text(language: str, key: str) -> Any:
    """A node of bot/content/<language>/dialogue.yml by dotted key: a string or {text, buttons}."""
    node: Any = section(language, "dialogue")
    for part in key.split("."):
        node = node[part]
    return node


def recent_bot_texts(tracker: Tracker, count: int = 3) -> list[str]:
    return [e.get("text") for e in tracker.events if e.get("event") == "bot" and e.get("text")][-count:]


def say(dispatcher: CollectingDispatcher, language: str, key: str, tracker: Tracker | None = None) -> None:
    """Send a dialogue text; a list of variants gives the first one the person did not just read."""
    try:
        node = dialogue_text(language, key)
    except Exception:
        log.exception("dialogue text %s/%s missing", language, key)
        dispatcher.utter_message(text=EMERGENCY_TEXT)
        return
    if isinstance(node, list):
        recent = recent_bot_texts(tracker) if tracker is not None else []
        node = next((v for v in node if not any(str(v) in r for r in recent)), node[0])
    if isinstance(node, dict):
        dispatcher.utter_message(text=node.get("text"), buttons=node.get("buttons") or [])
    else:
        dispatcher.utter_message(text=str(node))


def dispatch_reply(dispatcher: CollectingDispatcher, reply: dict[str, Any]) -> None:
    """Send one REST-format message ({text, buttons, image, custom}) produced by `bot/`."""
    dispatcher.utter_message(
        text=reply.get("text"),
        buttons=reply.get("buttons") or [],
        image=reply.get("image"),
        json_message=reply.get("custom"),
    )
