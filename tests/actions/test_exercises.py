"""The exercise actions: suggestions for a request, starting a chosen exercise, answers through the form."""
from __future__ import annotations

from actions.exercises import ActionExerciseFinished, ActionStartExercise, ValidateExerciseForm

EXERCISE_DOMAIN = {"forms": {"exercise_form": {"required_slots": ["exercise_answer"]}},
                   "slots": {"language": {}, "country": {}, "exercise_answer": {}}}


def _answer(make_tracker, run_action, text, sender, language="en", intent="chitchat"):
    events = [{"event": "user", "text": text}, {"event": "slot", "name": "exercise_answer", "value": text}]
    tracker = make_tracker(text=text, intent=intent, sender_id=sender, active_loop="exercise_form", events=events,
                           slots={"language": language, "requested_slot": "exercise_answer", "exercise_answer": text})
    return run_action(ValidateExerciseForm(), tracker, EXERCISE_DOMAIN)


def test_a_request_gets_suggestions_with_buttons(app_db, make_tracker, run_action):
    tracker = make_tracker(intent="start_exercise", text="iets voor mijn lichaam", slots={"language": "nl"})
    messages, events = run_action(ActionStartExercise(), tracker, EXERCISE_DOMAIN)
    payloads = [b["payload"] for m in messages for b in m.get("buttons") or []]
    assert any(p.startswith("/start_exercise{") for p in payloads) and "/deny" in payloads
    assert events == []


def test_a_chosen_exercise_starts_and_opens_the_form(app_db, make_tracker, run_action):
    tracker = make_tracker(intent="start_exercise", entities=[{"entity": "exercise", "value": "body_scan"}],
                           sender_id="x1")
    messages, events = run_action(ActionStartExercise(), tracker, EXERCISE_DOMAIN)
    assert messages and {"event": "followup", "name": "exercise_form", "timestamp": None} in events


def test_lifeline_by_intent_starts_without_a_followup(app_db, make_tracker, run_action):
    tracker = make_tracker(intent="start_lifeline", text="i want to draw my lifeline", sender_id="x2")
    messages, events = run_action(ActionStartExercise(), tracker, EXERCISE_DOMAIN)
    assert "lifeline" in " ".join(m["text"] or "" for m in messages).lower()
    assert not any(e.get("event") == "followup" for e in events)


def test_answers_go_through_the_form_until_stop(app_db, make_tracker, run_action):
    run_action(ActionStartExercise(), make_tracker(intent="start_focusing", sender_id="x3"), EXERCISE_DOMAIN)
    messages, events = _answer(make_tracker, run_action, "ready", "x3")
    assert any(e.get("name") == "exercise_answer" and e.get("value") is None for e in events)
    messages, events = _answer(make_tracker, run_action, "stop", "x3")
    assert any(e.get("value") == "stopped" for e in events)


def test_crisis_interrupts_an_exercise(app_db, make_tracker, run_action):
    run_action(ActionStartExercise(), make_tracker(intent="start_focusing", sender_id="x4"), EXERCISE_DOMAIN)
    _, events = _answer(make_tracker, run_action, "EXTERNAL: crisis_detected", "x4", intent="crisis_detected")
    assert any(e.get("value") == "interrupted" for e in events)
    finished = make_tracker(sender_id="x4", intent="crisis_detected", slots={"exercise_answer": "interrupted"})
    _, events = run_action(ActionExerciseFinished(), finished, EXERCISE_DOMAIN)
    assert {"event": "followup", "name": "crisis_form", "timestamp": None} in events


def test_words_the_classifier_reads_as_a_new_request_are_still_an_answer(app_db, make_tracker, run_action):
    run_action(ActionStartExercise(), make_tracker(intent="start_lifeline", sender_id="x5"), EXERCISE_DOMAIN)
    messages, _ = _answer(make_tracker, run_action, "at 18 I started something new for my body +3", "x5",
                          intent="start_exercise")
    assert messages, "the lifeline moment was swallowed"


def test_the_message_that_opened_the_form_is_no_answer(app_db, make_tracker, run_action):
    run_action(ActionStartExercise(), make_tracker(intent="start_lifeline", sender_id="x6"), EXERCISE_DOMAIN)
    text = "i want to draw my lifeline"
    tracker = make_tracker(text=text, intent="start_lifeline", sender_id="x6", active_loop=None,
                           events=[{"event": "user", "text": text},
                                   {"event": "slot", "name": "exercise_answer", "value": text}],
                           slots={"requested_slot": "exercise_answer", "exercise_answer": text})
    messages, events = run_action(ValidateExerciseForm(), tracker, EXERCISE_DOMAIN)
    assert messages == [] and any(e.get("name") == "exercise_answer" and e.get("value") is None for e in events)
