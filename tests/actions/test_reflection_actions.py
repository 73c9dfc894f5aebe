"""The reflective thread inside the dialogue: begin, answers through the form, leaving it."""
from __future__ import annotations

import pytest

from actions.reflection import ActionReflectBegin, ActionReflectionFinished, ValidateReflectionForm

DOMAIN = {"forms": {"reflection_form": {"required_slots": ["reflection_answer"]}},
          "slots": {"language": {}, "country": {}, "reflection_answer": {}, "reflection_thread": {}},
          "responses": {"utter_goodbye": [{"text": "Bye"}]}}


def _begin(make_tracker, run_action, text, language="en", intent="share_feeling"):
    tracker = make_tracker(intent=intent, text=text, slots={"language": language})
    messages, events = run_action(ActionReflectBegin(), tracker, DOMAIN)
    thread = next(e["value"] for e in events if e.get("name") == "reflection_thread")
    return messages, thread


def _answer(make_tracker, run_action, text, thread, language="en", intent="share_feeling", confidence=0.9):
    events = [{"event": "user", "text": text}, {"event": "slot", "name": "reflection_answer", "value": text}]
    tracker = make_tracker(text=text, intent=intent, confidence=confidence, active_loop="reflection_form",
                           events=events, slots={"language": language, "requested_slot": "reflection_answer",
                                                 "reflection_answer": text, "reflection_thread": thread})
    messages, events = run_action(ValidateReflectionForm(), tracker, DOMAIN)
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return messages, slots


def test_a_shared_worry_is_reflected_and_the_next_message_is_an_answer(make_tracker, run_action):
    messages, thread = _begin(make_tracker, run_action, "ik slaap al weken slecht en ben doodop", "nl")
    assert "je lichaam" in messages[0]["text"] and messages[0]["text"].endswith("?")
    # "ja" would be `affirm` outside the thread; inside it, it is an answer to the question.
    messages, slots = _answer(make_tracker, run_action, "ja, al heel lang eigenlijk", thread, "nl", intent="affirm")
    assert messages and slots["reflection_answer"] is None and slots["reflection_thread"]["answers"] == 1
    messages, slots = _answer(make_tracker, run_action, "misschien vroeger gaan slapen", slots["reflection_thread"],
                              "nl", intent="share_feeling")
    assert slots["reflection_answer"] == "done" and messages[-1]["buttons"]


def test_a_request_for_something_else_leaves_the_thread_and_is_done(make_tracker, run_action):
    _, thread = _begin(make_tracker, run_action, "I barely see my friends anymore")
    messages, slots = _answer(make_tracker, run_action, "bye for now", thread, intent="goodbye")
    assert messages == [] and slots == {"reflection_answer": "left", "reflection_thread": None}
    tracker = make_tracker(intent="goodbye", text="bye for now", slots={"reflection_answer": "left"})
    messages, events = run_action(ActionReflectionFinished(), tracker, DOMAIN)
    assert [m.get("response") for m in messages] == ["utter_goodbye"]


def test_an_unsure_guess_of_a_request_stays_an_answer(make_tracker, run_action):
    _, thread = _begin(make_tracker, run_action, "I barely see my friends anymore")
    messages, slots = _answer(make_tracker, run_action, "maybe I should call them", thread, intent="request_mentor",
                              confidence=0.4)
    assert messages and slots["reflection_answer"] is None


def test_a_crisis_inside_the_thread_hands_over_to_the_crisis_form(make_tracker, run_action):
    _, thread = _begin(make_tracker, run_action, "I barely see my friends anymore")
    _, slots = _answer(make_tracker, run_action, "EXTERNAL: crisis_detected", thread, intent="crisis_detected")
    assert slots["reflection_answer"] == "interrupted"
    tracker = make_tracker(intent="crisis_detected", slots={"reflection_answer": "interrupted"})
    _, events = run_action(ActionReflectionFinished(), tracker, DOMAIN)
    assert {"event": "followup", "name": "crisis_form", "timestamp": None} in events


def test_a_new_thread_does_not_repeat_the_bots_last_reply(make_tracker, run_action):
    messages, _ = _begin(make_tracker, run_action, "I feel lonely")
    first = messages[0]["text"]
    tracker = make_tracker(intent="share_feeling", text="I feel lonely",
                           events=[{"event": "bot", "text": first}])
    again, _ = run_action(ActionReflectBegin(), tracker, DOMAIN)
    assert again[0]["text"] != first


def test_a_question_about_one_side_of_life_explains_that_side(make_tracker, run_action):
    from actions.checkin import ActionExplainModel
    from bot.wellbeing.model import dimension

    messages, _ = run_action(ActionExplainModel(), make_tracker(intent="explain_model", text="wat bedoel je met spiritueel?",
                                                                slots={"language": "nl"}), DOMAIN)
    assert dimension("spiritual", "nl").description.split()[0] in messages[0]["text"]
    messages, _ = run_action(ActionExplainModel(), make_tracker(intent="explain_model", text="what is the model?"), DOMAIN)
    assert [m.get("response") for m in messages] == ["utter_explain_model"]


def test_small_talk_gets_small_talk_but_a_life_story_taken_for_it_is_listened_to(make_tracker, run_action):
    from actions.reflection import ActionReplyOrListen

    messages, events = run_action(ActionReplyOrListen(), make_tracker(intent="chitchat", text="tell me a joke"), DOMAIN)
    assert [m.get("response") for m in messages] == ["utter_chitchat"] and events == []
    story = "ik zit elke avond tot laat te werken en mijn kinderen zie ik bijna niet meer"
    messages, events = run_action(ActionReplyOrListen(), make_tracker(intent="chitchat", text=story,
                                                                      slots={"language": "nl"}), DOMAIN)
    assert "je relaties" in messages[0]["text"] or "je lichaam" in messages[0]["text"]
    assert {"event": "followup", "name": "reflection_form", "timestamp": None} in events


@pytest.mark.parametrize(("intent", "short"), [("give_rating", "7"), ("affirm", "ja"), ("acknowledge", "oké")])
def test_a_yes_or_a_rating_outside_a_question_gets_what_next_but_a_story_taken_for_one_is_listened_to(
        make_tracker, run_action, intent, short):
    from actions.reflection import ActionReplyOrListen

    messages, events = run_action(ActionReplyOrListen(), make_tracker(intent=intent, text=short,
                                                                      slots={"language": "nl"}), DOMAIN)
    assert [m.get("response") for m in messages] == ["utter_what_next"] and events == []
    # Numbers and "ja" in a longer message once made the dialogue read a rating or a yes.
    story = "ik werk zestig uur per week in de winkel en 's avonds heb ik voor mijn vriendinnen geen puf meer"
    messages, events = run_action(ActionReplyOrListen(), make_tracker(intent=intent, text=story,
                                                                      slots={"language": "nl"}), DOMAIN)
    assert "?" in messages[0]["text"] and messages[0].get("response") is None
    assert {"event": "followup", "name": "reflection_form", "timestamp": None} in events


def test_a_story_the_dialogue_half_took_for_the_lifeline_is_listened_to_not_made_an_exercise(make_tracker, run_action):
    from actions.reflection import ActionExerciseOrListen

    story = "goeiemiddag, opa hier. de dokter zegt dat mijn bloeddruk te hoog is en nu moet ik van alles laten staan"
    messages, events = run_action(ActionExerciseOrListen(), make_tracker(
        intent="start_lifeline", text=story, confidence=0.56, slots={"language": "nl"}), DOMAIN)
    assert "je lichaam" in messages[0]["text"] and "levenslijn" not in messages[0]["text"].lower()
    assert {"event": "followup", "name": "reflection_form", "timestamp": None} in events


@pytest.mark.parametrize(("text", "confidence"), [
    ("ik wil mijn levenslijn tekenen", 0.56),   # short: a request, however unsure the dialogue is
    ("I'd like to draw my lifeline, my life with my family has had so many ups and downs", 0.95),
])
def test_a_request_for_the_lifeline_starts_it(app_db, make_tracker, run_action, text, confidence):
    from actions.reflection import ActionExerciseOrListen

    lang = "nl" if text.startswith("ik") else "en"
    messages, events = run_action(ActionExerciseOrListen(), make_tracker(
        intent="start_lifeline", text=text, confidence=confidence, slots={"language": lang}), DOMAIN)
    assert ("levenslijn" if lang == "nl" else "lifeline") in messages[0]["text"].lower()
    assert not any(e.get("event") == "followup" for e in events)   # the rule runs exercise_form


def test_a_story_the_dialogue_half_took_for_the_group_theme_is_listened_to(make_tracker, run_action):
    from actions.reflection import ActionGroupOrListen

    story = "mijn vriendin wil trouwen maar ik twijfel nog, we praten er niet over en het staat tussen ons in"
    messages, events = run_action(ActionGroupOrListen(), make_tracker(
        intent="group_theme", text=story, confidence=0.52, slots={"language": "nl"}), DOMAIN)
    assert "?" in messages[0]["text"] and "groep" not in messages[0]["text"].lower()
    assert {"event": "followup", "name": "reflection_form", "timestamp": None} in events


def test_a_sure_question_for_the_group_theme_opens_the_group(app_db, make_tracker, run_action):
    from actions.reflection import ActionGroupOrListen

    messages, events = run_action(ActionGroupOrListen(), make_tracker(
        intent="group_theme", text="wat is het thema van mijn groep deze week", confidence=0.97,
        slots={"language": "nl"}), DOMAIN)
    assert "groep" in " ".join(m.get("text") or "" for m in messages).lower()
    assert not any(e.get("event") == "followup" for e in events)   # the rule runs group_form


def test_a_story_naming_the_language_already_spoken_is_listened_to_not_a_switch(make_tracker, run_action):
    from actions.language import ActionSwitchLanguage

    story = ("ik woon sinds drie jaar in Gent en mijn Nederlands wordt beter, maar op het werk voel ik me nog "
             "altijd een buitenstaander")
    messages, events = run_action(ActionSwitchLanguage(), make_tracker(
        intent="switch_language", text=story, confidence=0.93, slots={"language": "nl"},
        entities=[{"entity": "language", "value": "nl"}]), DOMAIN)
    assert "?" in messages[0]["text"]
    assert {"event": "followup", "name": "reflection_form", "timestamp": None} in events
    assert not any(e.get("name") == "language" for e in events)


def test_naming_the_other_language_switches_even_in_a_longer_message(make_tracker, run_action):
    from actions.language import ActionSwitchLanguage

    text = "kunnen we in het Engels verder praten, dat is makkelijker voor mij"
    messages, events = run_action(ActionSwitchLanguage(), make_tracker(
        intent="switch_language", text=text, confidence=0.55, slots={"language": "nl"},
        entities=[{"entity": "language", "value": "en"}]), DOMAIN)
    assert messages == [] and {"event": "slot", "name": "language", "value": "en", "timestamp": None} in events
