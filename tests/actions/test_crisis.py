from __future__ import annotations

import sys

import pytest
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import dialogue_text
from actions.crisis import (
    ActionAskCrisisSafe,
    ActionCrisisFromDialogue,
    ActionRequestMentor,
    ActionResetCrisisSafe,
    ValidateCrisisForm,
)


@pytest.fixture
def validate(make_tracker, domain):
    """Run validate_crisis_safe as the form would for one message; return (slots, texts sent)."""

    def _validate(intent, *, language="en", active_loop="crisis_form", value="some text", confidence=0.95):
        dispatcher = CollectingDispatcher()
        tracker = make_tracker(
            intent=intent, text=str(value), slots={"language": language}, active_loop=active_loop, confidence=confidence
        )
        result = ValidateCrisisForm().validate_crisis_safe(value, dispatcher, tracker, domain)
        return result, [m.get("text") for m in dispatcher.messages]

    return _validate


# --- validate_crisis_form, one test per branch -------------------------------------------------


@pytest.mark.parametrize("intent", ["confirm_safe", "affirm"])
def test_safe_fills_slot_and_says_nothing(intent, safety, validate):
    result, texts = validate(intent)
    assert result == {"crisis_safe": True}
    assert texts == []


@pytest.mark.parametrize("intent", ["confirm_safe", "affirm"])
def test_a_hesitant_yes_keeps_asking(intent, safety, validate):
    result, texts = validate(intent, confidence=0.6)
    assert result == {"crisis_safe": None}
    assert len(texts) == 1 and texts[0] in dialogue_text("en", "crisis.still_here")


@pytest.mark.parametrize("intent", ["not_safe", "deny", "crisis"])
@pytest.mark.parametrize("language", ["en", "nl"])
def test_not_safe_keeps_form_and_points_to_112(intent, language, safety, validate):
    result, texts = validate(intent, language=language)
    assert result == {"crisis_safe": None}
    assert texts == [dialogue_text(language, "crisis.not_safe")]
    assert "112" in texts[0]
    assert safety.mentor_calls == []


def test_request_mentor_asks_bot_safety(safety, validate):
    result, texts = validate("request_mentor", language="nl")
    assert result == {"crisis_safe": None}
    assert safety.mentor_calls == [("person-1", "nl")]
    assert texts == [dialogue_text("nl", "crisis.mentor_requested")]


def test_request_mentor_failure_is_told_honestly(safety, validate):
    safety.fail = True
    result, texts = validate("request_mentor")
    assert result == {"crisis_safe": None}
    assert texts == [dialogue_text("en", "crisis.mentor_unavailable")]


@pytest.mark.parametrize(
    "intent", ["thank", "acknowledge", "greet", "chitchat", "goodbye", "nlu_fallback", "share_feeling", None]
)
@pytest.mark.parametrize("language", ["en", "nl"])
def test_anything_else_keeps_form_warmly(intent, language, safety, validate):
    result, texts = validate(intent, language=language)
    assert result == {"crisis_safe": None}
    assert len(texts) == 1 and texts[0] in dialogue_text(language, "crisis.still_here")


def test_gateway_trigger_inside_form_only_asks_again(safety, validate):
    result, texts = validate("crisis_detected", value="EXTERNAL: crisis_detected")
    assert result == {"crisis_safe": None}
    assert texts == []


def test_stale_answer_is_dropped_when_the_form_starts(safety, validate):
    # Activation: the form is not active yet and finds True from an earlier crisis.
    result, texts = validate("crisis_detected", active_loop=None, value=True)
    assert result == {"crisis_safe": None}
    assert texts == []


def test_full_form_validation_run(safety, make_tracker, run_action):
    """Through FormValidationAction.run, as the Rasa server calls it."""
    for text, intent, expected in [("thanks", "thank", None), ("yes I'm safe", "confirm_safe", True)]:
        tracker = make_tracker(
            intent=intent,
            text=text,
            active_loop="crisis_form",
            slots={"requested_slot": "crisis_safe", "crisis_safe": text},
            events=[
                {"event": "action", "name": "crisis_form"},
                {"event": "slot", "name": "crisis_safe", "value": text},
            ],
        )
        _, events = run_action(ValidateCrisisForm(), tracker)
        assert SlotSet("crisis_safe", expected) in events


# --- action_crisis_from_dialogue ---------------------------------------------------------------


def test_crisis_from_dialogue_dispatches_bot_replies(safety, make_tracker, run_action):
    tracker = make_tracker(intent="crisis", text="i want to die", slots={"language": "nl", "country": "BE"})
    messages, events = run_action(ActionCrisisFromDialogue(), tracker)
    assert safety.crisis_calls == [
        {"sender_id": "person-1", "text": "i want to die", "language": "nl", "country": "BE"}
    ]
    assert len(messages) == 1
    assert messages[0]["text"] == "Help lines for you"
    assert messages[0]["buttons"] == [{"title": "Call 1813", "payload": "/call"}]
    assert messages[0]["custom"] == {"crisis": {"helplines": ["1813"]}}
    assert events == [SlotSet("crisis_safe", None)]


@pytest.mark.parametrize("language", ["en", "nl"])
def test_crisis_from_dialogue_falls_back_when_bot_fails(language, safety, make_tracker, run_action):
    safety.fail = True
    messages, events = run_action(
        ActionCrisisFromDialogue(),
        make_tracker(intent="crisis", text="everything is too much for me", slots={"language": language}),
    )
    assert [m["text"] for m in messages] == [dialogue_text(language, "crisis.fallback")]
    assert "112" in messages[0]["text"] and "1813" in messages[0]["text"] and "113" in messages[0]["text"]
    assert events == [SlotSet("crisis_safe", None)]


def test_crisis_from_dialogue_falls_back_when_module_missing(monkeypatch, make_tracker, run_action):
    monkeypatch.setitem(sys.modules, "bot.safety.dialogue", None)  # import raises ImportError
    messages, _ = run_action(ActionCrisisFromDialogue(), make_tracker(intent="crisis", text="everything is too much for me"))
    assert [m["text"] for m in messages] == [dialogue_text("en", "crisis.fallback")]


def test_dialogue_intent_alone_asks_the_direct_question_and_does_not_open_the_form(safety, make_tracker, run_action):
    safety.full = False  # the detector does not agree
    messages, events = run_action(
        ActionCrisisFromDialogue(),
        make_tracker(intent="crisis", text="everything is so heavy lately", slots={"language": "en"}),
    )
    assert [m["custom"] for m in messages] == [{"safety_check": {"helplines": []}}]
    assert events == [FollowupAction("action_listen")]   # no crisis form: the answer decides


@pytest.mark.parametrize(("text", "lang", "side"), [
    ("I'm so tired of life", "en", "your sense of meaning"), ("ik ben levensmoe", "nl", "je zingeving")])
def test_dialogue_intent_alone_after_a_no_listens_to_what_was_said(safety, make_tracker, run_action, text, lang, side):
    """After "no" to the direct question, weariness of life is heard as a theme of meaning (issue 14.1)."""
    safety.full, safety.question = False, []   # the person said "no" to this kind lately
    messages, events = run_action(
        ActionCrisisFromDialogue(), make_tracker(intent="crisis", text=text, slots={"language": lang})
    )
    assert len(messages) == 1 and side in messages[0]["text"] and messages[0]["text"].endswith("?")
    assert events[-1] == FollowupAction("reflection_form")
    assert any(getattr(e, "key", None) == "reflection_thread" or (isinstance(e, dict) and e.get("name") == "reflection_thread")
               for e in events)


@pytest.mark.parametrize(("text", "lang", "confidence", "listened"), [
    # The dialogue half-sure of a crisis on a plain reflection: listened to, no form, no help lines.
    ("ik doe vrijwilligerswerk in het hospice en het geeft me zoveel, ik voel me daar meer levend dan thuis",
     "nl", 0.67, True),
    ("klaar", "nl", 0.99, False),                               # too short to trust: unclear
    ("what time is it over there in your country right now please", "en", 0.5, False),   # no side of life
])
def test_a_crisis_intent_too_unsure_to_act_on_listens_to_a_story_and_is_unclear_otherwise(
        safety, make_tracker, run_action, text, lang, confidence, listened):
    messages, events = run_action(ActionCrisisFromDialogue(), make_tracker(
        intent="crisis", text=text, confidence=confidence, slots={"language": lang}))
    assert safety.crisis_calls == []   # the crisis layer is not asked to open a case
    if listened:
        assert messages[0]["text"].endswith("?") and not messages[0].get("custom")
        assert events[-1] == FollowupAction("reflection_form")
    else:
        assert [m.get("response") for m in messages] == ["utter_default"]
        assert events == [FollowupAction("action_listen")]


# --- the other crisis-path actions -------------------------------------------------------------


def test_request_mentor_action(safety, make_tracker, run_action):
    messages, events = run_action(ActionRequestMentor(), make_tracker(intent="request_mentor"))
    assert safety.mentor_calls == [("person-1", "en")]
    assert [m["text"] for m in messages] == [dialogue_text("en", "crisis.mentor_requested")]
    assert events == []


@pytest.mark.parametrize("language", ["en", "nl"])
def test_ask_has_three_buttons(language, make_tracker, run_action):
    messages, _ = run_action(ActionAskCrisisSafe(), make_tracker(slots={"language": language}))
    assert messages[0]["text"] == dialogue_text(language, "crisis.ask")["text"]
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/confirm_safe", "/not_safe", "/request_mentor"]


def test_unknown_language_falls_back_to_english(make_tracker, run_action):
    messages, _ = run_action(ActionAskCrisisSafe(), make_tracker(slots={"language": "fr"}))
    assert messages[0]["text"] == "Are you safe right now?"


def test_reset(make_tracker, run_action):
    _, events = run_action(ActionResetCrisisSafe(), make_tracker(slots={"crisis_safe": True}))
    assert events == [SlotSet("crisis_safe", None)]


def test_dialogue_texts_have_the_same_keys_in_both_languages():
    from bot.content import section

    def keys(node, prefix=""):
        if isinstance(node, dict):
            return {k for key, value in node.items() for k in keys(value, f"{prefix}{key}.")} | {prefix}
        return {prefix}

    assert keys(section("en", "dialogue")) == keys(section("nl", "dialogue"))


def test_ask_is_not_repeated_when_the_crisis_reply_already_asked(make_tracker, run_action):
    asked = {
        "event": "bot",
        "text": "Are you safe?",
        "data": {"buttons": [{"title": "Yes", "payload": "/confirm_safe"}]},
    }
    events = [
        {"event": "user", "text": "i want to die"},
        {"event": "action", "name": "action_crisis_from_dialogue"},
        {"event": "bot", "text": "Help lines", "data": {}},
        asked,
    ]
    messages, _ = run_action(ActionAskCrisisSafe(), make_tracker(events=events))
    assert messages == []


def test_ask_is_repeated_on_a_new_turn(make_tracker, run_action):
    asked = {
        "event": "bot",
        "text": "Are you safe?",
        "data": {"buttons": [{"title": "Yes", "payload": "/confirm_safe"}]},
    }
    events = [asked, {"event": "user", "text": "thanks"}, {"event": "bot", "text": "I'm still here", "data": {}}]
    messages, _ = run_action(ActionAskCrisisSafe(), make_tracker(events=events))
    assert [m["text"] for m in messages] == ["Are you safe right now?"]


def test_a_one_word_message_the_classifier_calls_crisis_gets_the_fallback_not_the_crisis_flow(
        make_tracker, run_action, safety):
    from actions.crisis import ActionCrisisFromDialogue

    tracker = make_tracker(intent="crisis", text="klaar", confidence=1.0)
    messages, events = run_action(ActionCrisisFromDialogue(), tracker)
    assert safety.crisis_calls == []
    assert {"event": "followup", "name": "action_listen", "timestamp": None} in events


def test_the_help_now_button_always_counts(make_tracker, run_action, safety):
    from actions.crisis import ActionCrisisFromDialogue

    run_action(ActionCrisisFromDialogue(), make_tracker(intent="crisis", text="/crisis", confidence=1.0))
    assert len(safety.crisis_calls) == 1


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_form_never_says_the_same_words_twice_in_a_row(make_tracker, domain, language):
    """Message after message inside the crisis form, the person reads a different sentence each time."""
    events, previous = [], None
    for _ in range(4):
        dispatcher = CollectingDispatcher()
        tracker = make_tracker(intent="share_feeling", text="ik weet het niet", slots={"language": language},
                               active_loop="crisis_form", events=list(events))
        ValidateCrisisForm().validate_crisis_safe("ik weet het niet", dispatcher, tracker, domain)
        text = dispatcher.messages[0]["text"]
        assert text != previous
        events.append({"event": "bot", "text": text})
        events.append({"event": "bot", "text": dialogue_text(language, "crisis.ask")["text"]})
        previous = text
