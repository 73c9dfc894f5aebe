"""Fixtures for the Rasa action tests: a tracker factory and a stand-in for bot.safety.dialogue."""

from __future__ import annotations

import asyncio
import sys
import types
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

DOMAIN: dict[str, Any] = {
    "forms": {"crisis_form": {"required_slots": ["crisis_safe"]}},
    "slots": {"language": {}, "country": {}, "crisis_safe": {}, "crisis_severity": {}},
}


def make_tracker(
    *,
    intent: str | None = None,
    text: str = "",
    metadata: Any = None,
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    active_loop: str | None = None,
    events: list[dict[str, Any]] | None = None,
    sender_id: str = "person-1",
    confidence: float = 0.9,
) -> Tracker:
    latest: dict[str, Any] = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities or [],
    }
    if metadata is not None:
        latest["metadata"] = metadata
    all_slots = {"language": "en", "country": None, "crisis_safe": None, "requested_slot": None}
    all_slots.update(slots or {})
    return Tracker(
        sender_id=sender_id,
        slots=all_slots,
        latest_message=latest,
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def run(action, tracker: Tracker, domain: dict[str, Any] | None = None):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain or DOMAIN))
    return dispatcher.messages, events


class FakeSafety:
    """Records calls the actions make into bot.safety.dialogue."""

    def __init__(self) -> None:
        self.crisis_calls: list[dict[str, Any]] = []
        self.mentor_calls: list[tuple] = []
        self.replies: list[dict[str, Any]] = [
            {
                "text": "Help lines for you",
                "buttons": [{"title": "Call 1813", "payload": "/call"}],
                "custom": {"crisis": {"helplines": ["1813"]}},
            },
        ]
        self.fail = False
        self.full = True  # the detector agrees with the dialogue's crisis intent
        self.question = [{"text": "Are you thinking about ending your life?",
                          "buttons": [{"title": "No", "payload": '/safety_check{"answer":"no"}'}],
                          "custom": {"safety_check": {"helplines": []}}}]

    def module(self) -> types.ModuleType:
        module = types.ModuleType("bot.safety.dialogue")

        def handle_dialogue_crisis(sender_id, text, language, country=None, **_):
            if self.fail:
                raise RuntimeError("database down")
            self.crisis_calls.append({"sender_id": sender_id, "text": text, "language": language, "country": country})
            return real.DialogueCrisis(self.full, list(self.replies if self.full else self.question))

        def request_mentor(sender_id, language, **_):
            if self.fail:
                raise RuntimeError("database down")
            self.mentor_calls.append((sender_id, language))

        from bot.safety import dialogue as real

        module.dialogue_intent_counts = real.dialogue_intent_counts
        module.dialogue_intent_takes_over = lambda text, language: self.full
        module.handle_dialogue_crisis = handle_dialogue_crisis
        module.request_mentor = request_mentor
        return module


@pytest.fixture(name="make_tracker")
def make_tracker_fixture():
    return make_tracker


@pytest.fixture(name="run_action")
def run_action_fixture():
    return run


@pytest.fixture(name="domain")
def domain_fixture():
    return DOMAIN


@pytest.fixture
def safety(monkeypatch) -> FakeSafety:
    fake = FakeSafety()
    monkeypatch.setitem(sys.modules, "bot.safety.dialogue", fake.module())
    return fake


@pytest.fixture
def app_db(tmp_path, monkeypatch):
    """Actions open the configured database: point it at a fresh SQLite file."""
    from bot.storage import db as db_module

    monkeypatch.setenv("WELLBEING_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    database = db_module.get_database()
    database.upgrade()
    yield database
    database.dispose()
    db_module._databases.clear()
