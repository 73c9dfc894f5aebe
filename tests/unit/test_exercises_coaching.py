"""Coaching tools (issue 14.5): solution-focused questions and the rational-emotive thought record,
as conversations that take the person's own answers, labelled as coaching tools and never offered
unasked."""
from __future__ import annotations

import pytest

from bot.exercises import coaching, guided, library, suggest
from bot.exercises.runner import ExerciseConversation, active_session, feedback_history
from bot.storage.conversations import touch_person
from bot.wellbeing.findings import Finding
from bot.wellbeing.model import DIMENSIONS

COACHING = ("exceptions", "scaling", "thought_record")


def run(exercise_id: str, lang: str, answers: list[str]):
    steps = [guided.start(exercise_id, lang)]
    for text in answers:
        steps.append(guided.advance(steps[-1].state, text, lang))
    return steps


def said(step) -> str:
    return "\n".join(m.get("text") or "" for m in step.messages)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_three_tools_are_in_the_library_and_say_they_are_coaching(lang):
    tools = [ex for ex in library.exercises(lang) if ex.coaching]
    assert [ex.id for ex in tools] == list(COACHING)
    label = "coaching tool" if lang == "en" else "coachingtool"
    for ex in tools:
        assert library.shown_title(ex).endswith(f"({label})")
        first = said(guided.start(ex.id, lang))
        assert label in first and first.count("?") >= 1


def test_a_thought_record_gives_back_what_the_person_wrote_and_how_the_feeling_moved():
    steps = run("thought_record", "en", [
        "My manager walked past without saying hello", "hurt, I went quiet all afternoon", "a seven",
        "she thinks I'm useless", "no", "She was probably busy; it says little about me", "4 maybe"])
    recap = said(steps[-1])
    assert "What happened (A): My manager walked past without saying hello" in recap
    assert "What you told yourself (B): she thinks I'm useless" in recap
    assert "Looking at the thought (D): no" in recap          # "no" is an answer here, not a control
    assert "A new thought (E): She was probably busy" in recap
    assert "The feeling went from 7 to 4." in recap
    assert steps[-1].messages[-1]["text"] == "Did this help?"
    assert steps[-1].status == "done"
    # The numbers are kept; the words are not stored in the state or the result.
    assert steps[-1].result == {"exercise_id": "thought_record", "completed": True, "scales": {"2": 7, "6": 4}}
    assert "useless" not in repr(steps[-1].state)


def test_a_scale_question_asks_again_until_it_gets_a_number_and_skip_passes():
    steps = run("thought_record", "nl", ["ruzie met mijn zus", "verdriet", "heel erg", "een acht denk ik"])
    assert "getal van 0 tot 10" in said(steps[3])          # "heel erg" is no number: asked again
    assert said(steps[4]).startswith("Vraag 4 van 7")      # "een acht" is 8: the next question
    skipped = run("thought_record", "nl", ["ruzie", "verdriet", "overslaan"])
    assert said(skipped[-1]).startswith("Vraag 4 van 7")


@pytest.mark.parametrize(("number", "third", "fourth"), [
    ("6", "Why a 6 and not lower?", "Imagine you are at 7."),
    ("0", "A 0 sounds hard.", "Imagine you are at 1."),
    ("10", "Why a 10 and not lower?", "A 10: that is worth a moment.")])
def test_scaling_builds_on_the_number_given(number, third, fourth):
    steps = run("scaling", "en", ["my sleep", number])
    assert third in said(steps[-1])
    assert fourth in said(guided.advance(steps[-1].state, "I go to bed on time", "en"))


def test_back_returns_to_the_previous_question_and_forgets_its_answer():
    steps = run("exceptions", "en", ["work stress", "last Sunday it was quiet", "back"])
    assert said(steps[-1]).startswith("Question 2 of 5")
    done = run("exceptions", "en", ["work stress", "last Sunday", "back", "on holiday", "I switched my phone off",
                                    "my partner", "phone off after eight"])
    assert "A moment it was less: on holiday" in said(done[-1]) and "last Sunday" not in said(done[-1])


def test_stop_ends_it_warmly_and_keeps_nothing_said():
    steps = run("exceptions", "nl", ["stress op het werk", "stoppen"])
    assert steps[-1].status == "stopped" and steps[-1].result["stopped_at"] == 2
    assert "stress" not in repr(steps[-1].state)


@pytest.mark.parametrize(("text", "lang", "number"), [
    ("7/10", "en", 7), ("I'd say a six, maybe", "en", 6), ("zeven", "nl", 7), ("een 3", "nl", 3),
    ("no idea", "en", None), ("15", "en", None), ("tien", "nl", 10)])
def test_reading_a_number_from_an_answer(text, lang, number):
    assert coaching.read_scale(text, lang) == number


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_coaching_tools_are_never_suggested_for_a_finding_or_a_balanced_check_in(lang):
    for dimension in DIMENSIONS:
        for kind in ("under", "over"):
            finding = Finding(kind=kind, dimension=dimension, strength=1.0, reason_key="test", persistent=False)
            picks = suggest.suggest([finding], None, None, lang, limit=5)
            assert picks and not {p.exercise_id for p in picks} & set(COACHING)
    balanced = suggest.suggest([], None, None, lang, limit=5)
    assert not {p.exercise_id for p in balanced} & set(COACHING)


@pytest.mark.parametrize(("request_text", "lang", "expected"), [
    ("I'd like to do a thought record", "en", "thought_record"),
    ("kan ik een gedachtenschema invullen", "nl", "thought_record"),
    ("iets oplossingsgericht graag", "nl", "exceptions"),
    ("ik wil mezelf een cijfer geven op een schaal", "nl", "scaling")])
def test_coaching_tools_are_offered_when_asked_for_and_labelled(request_text, lang, expected):
    picks = suggest.suggest([], None, None, lang, request=request_text)
    assert picks[0].exercise_id == expected
    assert picks[0].title == library.shown_title(library.exercise(expected, lang))


def test_a_coaching_tool_as_a_stored_conversation_takes_feedback(database):
    with database.session() as session:
        touch_person(session, "c1", "en", None)
        ExerciseConversation(session, "c1", "en").begin("scaling")
    for text in ["my work", "5", "I finish on time", "I'd take lunch breaks", "lunch outside tomorrow", "a bit"]:
        with database.session() as session:
            step = ExerciseConversation(session, "c1", "en").answer(text)
    assert step.finished
    with database.session() as session:
        assert active_session(session, "c1") is None
        assert feedback_history(session, "c1") == [("scaling", 0)]


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("I'd like to do a thought record", "en", "thought_record"), ("can we do the ABC model?", "en", "thought_record"),
    ("a scaling question please", "en", "scaling"), ("something solution-focused", "en", "exceptions"),
    ("ik wil een schaalvraag doen", "nl", "scaling"), ("een gedachtenschema invullen", "nl", "thought_record"),
    ("iets oplossingsgericht graag", "nl", "exceptions"),
    # Not a request by name: a long story that mentions one, or another meaning of the word.
    ("I kept a thought record for years when I was depressed and now I finally feel better about my life", "en", None),
    ("scaling the wall at the climbing gym was scary", "en", None), ("ik wil een oefening", "nl", None)])
def test_a_short_message_naming_a_tool_asks_for_it(text, lang, expected):
    assert suggest.named_exercise(text, lang) == expected


def test_the_gateway_starts_a_tool_asked_for_by_name_as_its_button_would(client, fake_rasa):
    sent = client.post("/webhooks/rest/webhook", json={
        "sender": "0123456789abcdef0123456789abcdef", "message": "ik wil een schaalvraag doen",
        "metadata": {"language": "nl"}})
    assert sent.status_code == 200
    assert fake_rasa.sent[-1]["message"] == suggest.start_payload("scaling")
    client.post("/webhooks/rest/webhook", json={
        "sender": "0123456789abcdef0123456789abcdef", "message": "ik slaap slecht de laatste tijd",
        "metadata": {"language": "nl"}})
    assert fake_rasa.sent[-1]["message"] == "ik slaap slecht de laatste tijd"   # anything else goes as typed
