"""The step-by-step runner for library exercises."""
from __future__ import annotations

import json

import pytest

from bot.exercises import guided, library
from bot.steps import DONE, RUNNING, STOPPED
from bot.wellbeing.model import LANGUAGES


def _titles(message):
    return [b["title"] for b in message.get("buttons", [])]


def _payload(step, title):
    for message in step.messages:
        for button in message.get("buttons", []):
            if button["title"] == title:
                return button["payload"]
    raise AssertionError(f"no button {title!r} in {step.messages}")


def test_start_says_what_it_is_for_how_long_and_gives_the_first_step():
    ex = library.exercise("body_scan", "en")
    step = guided.start("body_scan", "en")
    assert step.status == RUNNING
    intro, first = step.messages
    assert ex.purpose in intro["text"] and f"{ex.minutes} minutes" in intro["text"]
    assert "at your own pace" in intro["text"] and "stop" in intro["text"]
    assert first["text"] == f"Step 1 of {len(ex.steps)}: {ex.steps[0]}"
    assert _titles(first) == ["Ready", "Stop"]        # nothing to go back to yet
    assert step.state == {"exercise_id": "body_scan", "runner": "guided", "index": 0, "total": len(ex.steps)}
    json.dumps(step.state)


def test_full_run_with_back_ends_with_the_feedback_question():
    ex = library.exercise("reach_out", "en")
    step = guided.start("reach_out", "en")
    step = guided.advance(step.state, "ready", "en")
    assert step.messages[-1]["text"].startswith("Step 2 of")
    assert _titles(step.messages[-1]) == ["Ready", "Back", "Stop"]
    step = guided.advance(step.state, "back", "en")
    assert step.state["index"] == 0 and ex.steps[0] in step.messages[-1]["text"]
    seen = [0]
    while not step.finished:
        step = guided.advance(step.state, "ready", "en")
        if not step.finished:
            seen.append(step.state["index"])
    assert seen == list(range(len(ex.steps)))
    assert step.status == DONE
    assert step.result == {"exercise_id": "reach_out", "completed": True}
    assert "last step" in step.messages[0]["text"]
    question = step.messages[-1]
    assert question["text"] == "Did this help?"
    scores = [guided.parse_feedback(b["payload"], "en") for b in question["buttons"]]
    assert scores == [1, 0, -1]


def test_last_step_offers_finish():
    step = guided.start("body_thanks", "en")
    for _ in range(len(library.exercise("body_thanks", "en").steps) - 1):
        step = guided.advance(step.state, "next", "en")
    assert _titles(step.messages[-1])[0] == "Finish"
    step = guided.advance(step.state, _payload(step, "Finish"), "en")
    assert step.status == DONE


def test_dutch_run_with_klaar_terug_verder():
    ex = library.exercise("worry_sorting", "nl")
    step = guided.start("worry_sorting", "nl")
    assert _titles(step.messages[-1]) == ["Klaar", "Stoppen"]
    assert "Het duurt ongeveer 15 minuten." in step.messages[0]["text"]
    step = guided.advance(step.state, "klaar", "nl")
    step = guided.advance(step.state, "terug", "nl")
    assert step.state["index"] == 0
    for _ in ex.steps:
        step = guided.advance(step.state, "verder", "nl")
    assert step.status == DONE
    assert step.messages[-1]["text"] == "Heeft dit je geholpen?"
    assert [b["title"] for b in step.messages[-1]["buttons"]] == ["Het hielp", "Een beetje", "Niet echt"]


@pytest.mark.parametrize("word", ["stop", "Stop", "can we stop please", "pause"])
def test_stop_midway(word):
    step = guided.start("kind_no", "en")
    step = guided.advance(step.state, "ready", "en")
    step = guided.advance(step.state, word, "en")
    assert step.status == STOPPED and step.finished
    assert step.result == {"exercise_id": "kind_no", "completed": False, "stopped_at": 2}
    assert "stop here" in step.messages[0]["text"]


def test_stoppen_in_dutch():
    step = guided.start("kind_no", "nl")
    step = guided.advance(step.state, "stoppen", "nl")
    assert step.status == STOPPED and "stoppen we hier" in step.messages[0]["text"]


def test_anything_else_is_a_gentle_take_your_time_on_the_same_step():
    step = guided.start("senses_walk", "en")
    step = guided.advance(step.state, "I'm not sure I can go outside today", "en")
    assert step.status == RUNNING and step.state["index"] == 0
    assert step.messages[0]["text"].startswith("Take your time")
    assert "Ready" in _titles(step.messages[0])


def test_more_time_stays():
    step = guided.start("senses_walk", "en")
    step = guided.advance(step.state, "ready", "en")
    step = guided.advance(step.state, "more time", "en")
    assert step.state["index"] == 1 and "as long as you like" in step.messages[0]["text"]


def test_back_on_the_first_step_repeats_it_kindly():
    step = guided.start("who_am_i", "en")
    step = guided.advance(step.state, "back", "en")
    assert step.state["index"] == 0 and "first step" in step.messages[0]["text"]
    assert step.messages[1]["text"].startswith("Step 1 of")


def test_button_payloads_drive_the_machine():
    step = guided.start("time_alone", "en")
    step = guided.advance(step.state, _payload(step, "Ready"), "en")
    step = guided.advance(step.state, _payload(step, "Back"), "en")
    assert step.state["index"] == 0
    step = guided.advance(step.state, _payload(step, "Stop"), "en")
    assert step.status == STOPPED


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_exercise_runs_to_the_end(lang):
    for ex in library.exercises(lang):
        if ex.runner != "guided":
            continue
        step = guided.start(ex.id, lang)
        for _ in ex.steps:
            json.dumps(step.state)
            step = guided.advance(step.state, "ready", lang)
        assert step.status == DONE, ex.id


def test_unknown_exercise():
    with pytest.raises(library.UnknownExercise):
        guided.start("juggling", "en")
    step = guided.advance({"exercise_id": "juggling", "index": 2}, "ready", "en")
    assert step.status == STOPPED and step.result["completed"] is False


def test_focusing_is_handed_over():
    step = guided.start("focusing", "en")
    assert step.state["runner"] == "focusing"
    step = guided.advance(step.state, "ready", "en")
    assert step.messages[0]["text"].startswith("2 of 6")
