"""The check-in actions: begin/resume, every answer through the form validation, crisis interrupts."""
from __future__ import annotations

from actions.checkin import (
    ActionCheckinBegin,
    ActionCheckinFinished,
    ActionLookCloser,
    ValidateCheckinForm,
)
from bot.wellbeing import checkins

CHECKIN_DOMAIN = {"forms": {"checkin_form": {"required_slots": ["checkin_answer"]}},
                  "slots": {"language": {}, "country": {}, "checkin_answer": {}}}


def _answer(make_tracker, run_action, text, sender="a1", language="en", intent="chitchat", confidence=0.9,
            opening=False):
    # As in Rasa: the user message, then the from_text mapping filling the form's slot. While Rasa
    # activates the form (`opening`), the tracker it validates with has no active loop yet.
    events = [{"event": "user", "text": text}, {"event": "slot", "name": "checkin_answer", "value": text}]
    tracker = make_tracker(text=text, intent=intent, sender_id=sender, active_loop=None if opening else "checkin_form",
                           slots={"language": language, "requested_slot": "checkin_answer", "checkin_answer": text},
                           confidence=confidence, events=events)
    return run_action(ValidateCheckinForm(), tracker, CHECKIN_DOMAIN)


def test_begin_sends_the_intro_and_first_question(app_db, make_tracker, run_action):
    messages, events = run_action(ActionCheckinBegin(), make_tracker(sender_id="a1"), CHECKIN_DOMAIN)
    texts = " ".join(m["text"] or "" for m in messages)
    assert "0 to 10" in texts
    assert any(len(m.get("buttons") or []) >= 11 for m in messages)


def test_answers_keep_the_form_going_and_are_stored(app_db, make_tracker, run_action):
    run_action(ActionCheckinBegin(), make_tracker(sender_id="a1"), CHECKIN_DOMAIN)
    messages, events = _answer(make_tracker, run_action, "7")
    assert {"event": "slot", "name": "checkin_answer", "value": None, "timestamp": None} in events
    assert "give you back" in " ".join(m["text"] or "" for m in messages)
    with app_db.session() as session:
        assert checkins.as_checkin(checkins.unfinished(session, "a1")).investment("physical") == 7


def test_pause_ends_the_form_and_dutch_works(app_db, make_tracker, run_action):
    run_action(ActionCheckinBegin(), make_tracker(sender_id="n1", slots={"language": "nl"}), CHECKIN_DOMAIN)
    _answer(make_tracker, run_action, "zeven", sender="n1", language="nl")
    messages, events = _answer(make_tracker, run_action, "pauze", sender="n1", language="nl")
    assert any(e.get("name") == "checkin_answer" and e.get("value") == "paused" for e in events)
    with app_db.session() as session:
        assert checkins.unfinished(session, "n1").status == "paused"


def test_gateway_crisis_interrupts_and_hands_over_to_the_crisis_form(app_db, make_tracker, run_action):
    run_action(ActionCheckinBegin(), make_tracker(sender_id="a2"), CHECKIN_DOMAIN)
    messages, events = _answer(make_tracker, run_action, "EXTERNAL: crisis_detected", sender="a2",
                                intent="crisis_detected")
    assert messages == []
    assert any(e.get("value") == "interrupted" for e in events)
    finished = make_tracker(sender_id="a2", intent="crisis_detected", slots={"checkin_answer": "interrupted"})
    _, events = run_action(ActionCheckinFinished(), finished, CHECKIN_DOMAIN)
    assert {"event": "followup", "name": "crisis_form", "timestamp": None} in events
    with app_db.session() as session:
        assert checkins.unfinished(session, "a2").status == "paused"  # answers kept for later


def test_an_unsure_crisis_guess_does_not_interrupt(app_db, make_tracker, run_action):
    run_action(ActionCheckinBegin(), make_tracker(sender_id="a3"), CHECKIN_DOMAIN)
    _, events = _answer(make_tracker, run_action, "3", sender="a3", intent="crisis", confidence=0.4)
    assert not any(e.get("value") == "interrupted" for e in events)


def test_completed_form_without_crisis_just_resets(make_tracker, run_action):
    tracker = make_tracker(intent="chitchat", slots={"checkin_answer": "complete"})
    _, events = run_action(ActionCheckinFinished(), tracker, CHECKIN_DOMAIN)
    assert events == [{"event": "slot", "name": "checkin_answer", "value": None, "timestamp": None}]


def test_look_closer_describes_the_dimension(make_tracker, run_action):
    tracker = make_tracker(intent="look_closer", entities=[{"entity": "dimension", "value": "social"}],
                           slots={"language": "nl"})
    messages, _ = run_action(ActionLookCloser(), tracker, CHECKIN_DOMAIN)
    assert messages and "Herken je daar iets van?" in messages[0]["text"]


def test_a_number_the_classifier_mistakes_for_crisis_is_still_just_an_answer(app_db, make_tracker, run_action):
    run_action(ActionCheckinBegin(), make_tracker(sender_id="n2", slots={"language": "nl"}), CHECKIN_DOMAIN)
    _, events = _answer(make_tracker, run_action, "zeven", sender="n2", language="nl", intent="crisis", confidence=1.0)
    assert not any(e.get("value") == "interrupted" for e in events)


def test_a_reflection_the_classifier_reads_as_crisis_interrupts_when_the_detector_agrees(app_db, make_tracker,
                                                                                        run_action):
    run_action(ActionCheckinBegin(), make_tracker(sender_id="a4"), CHECKIN_DOMAIN)
    for text in ("5", "5", "skip"):
        _answer(make_tracker, run_action, text, sender="a4")
    _, events = _answer(make_tracker, run_action, "honestly i just want to die", sender="a4",
                        intent="crisis", confidence=0.95)
    assert any(e.get("value") == "interrupted" for e in events)


def test_the_dialogue_crisis_intent_alone_does_not_interrupt_a_check_in(app_db, make_tracker, run_action):
    # The gateway's detector already judged this message (and would have asked if it was unsure).
    run_action(ActionCheckinBegin(), make_tracker(sender_id="a4b"), CHECKIN_DOMAIN)
    for text in ("5", "5", "skip"):
        _answer(make_tracker, run_action, text, sender="a4b")
    _, events = _answer(make_tracker, run_action, "my garden is a mess and the neighbours are loud", sender="a4b",
                        intent="crisis", confidence=0.95)
    assert not any(e.get("value") == "interrupted" for e in events)


def test_the_message_that_opened_the_form_is_not_taken_as_the_first_answer(app_db, make_tracker, run_action):
    run_action(ActionCheckinBegin(), make_tracker(sender_id="a5"), CHECKIN_DOMAIN)
    messages, events = _answer(make_tracker, run_action, "i'd like to take stock", sender="a5", intent="start_checkin",
                               opening=True)
    assert messages == []
    assert any(e.get("name") == "checkin_answer" and e.get("value") is None for e in events)


def test_an_answer_the_classifier_reads_as_a_new_start_is_still_an_answer(app_db, make_tracker, run_action):
    run_action(ActionCheckinBegin(), make_tracker(sender_id="a6"), CHECKIN_DOMAIN)
    messages, _ = _answer(make_tracker, run_action, "7", sender="a6", intent="start_checkin")
    assert messages, "the answer was swallowed"
