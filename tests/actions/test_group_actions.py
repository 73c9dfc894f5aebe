"""The group actions: joining and the theme through group_form, a conversation that ends at once,
the theme's exercise, and crisis hand-over."""
from __future__ import annotations

import pytest

from actions.groups import ActionGroupBegin, ActionGroupFinished, ValidateGroupForm
from bot.exercises import library
from bot.groups import rules as groups
from bot.mentoring import accounts
from bot.storage.conversations import touch_person
from bot.storage.models import Group

GROUP_DOMAIN = {"forms": {"group_form": {"required_slots": ["group_answer"]}},
                "slots": {"language": {}, "country": {}, "group_answer": {}, "exercise_answer": {}}}


@pytest.fixture
def circle(app_db):
    with app_db.session() as session:
        fay = accounts.create_account(session, email="fay@example.org", display_name="Fay", role="facilitator",
                                     password="correct horse battery staple")
        group = groups.create_group(session, fay, name="Kring", language="nl")
        return group.id, group.invite_code


def _slot(events):
    return next(e["value"] for e in events if e.get("event") == "slot" and e.get("name") == "group_answer")


def _answer(make_tracker, run_action, text, sender, language="en", intent="out_of_scope", opening=False):
    # While Rasa activates the form (`opening`), the tracker it validates with has no active loop yet.
    tracker = make_tracker(text=text, intent=intent, sender_id=sender, active_loop=None if opening else "group_form",
                           events=[{"event": "user", "text": text},
                                   {"event": "slot", "name": "group_answer", "value": text}],
                           slots={"language": language, "requested_slot": "group_answer", "group_answer": text})
    return run_action(ValidateGroupForm(), tracker, GROUP_DOMAIN)


def test_join_through_the_form_in_dutch(circle, make_tracker, run_action):
    group_id, code = circle
    begin = make_tracker(intent="join_group", text="ik wil lid worden van mijn groep", sender_id="m1",
                         slots={"language": "nl"})
    messages, events = run_action(ActionGroupBegin(), begin, GROUP_DOMAIN)
    assert "code" in messages[0]["text"] and _slot(events) is None
    messages, events = _answer(make_tracker, run_action, code, "m1", "nl")
    assert "bijnaam" in messages[0]["text"] and _slot(events) is None
    messages, events = _answer(make_tracker, run_action, "Noor", "m1", "nl")
    assert "Welkom in Kring, Noor" in messages[0]["text"] and _slot(events) == "done"
    assert messages[0]["custom"]["link"]["href"] == f"/groups/{group_id}?lang=nl"


def test_the_opening_message_is_no_answer(circle, make_tracker, run_action):
    run_action(ActionGroupBegin(), make_tracker(intent="join_group", text="join group", sender_id="m2"), GROUP_DOMAIN)
    messages, events = _answer(make_tracker, run_action, "join group", "m2", intent="join_group", opening=True)
    assert messages == [] and _slot(events) is None


def test_an_answer_the_classifier_reads_as_a_group_request_is_still_an_answer(circle, make_tracker, run_action):
    group_id, code = circle
    run_action(ActionGroupBegin(), make_tracker(intent="join_group", sender_id="m7"), GROUP_DOMAIN)
    messages, _ = _answer(make_tracker, run_action, code, "m7", intent="join_group")
    assert "nickname" in messages[0]["text"]


def test_a_theme_request_without_a_group_ends_at_once(circle, make_tracker, run_action):
    messages, events = run_action(ActionGroupBegin(), make_tracker(intent="group_theme", sender_id="m3"), GROUP_DOMAIN)
    assert messages[0]["buttons"][0]["payload"] == "/join_group"
    assert _slot(events) == "done"  # the form finds its slot filled and ends without taking the next message
    # ...and the prefilled answer survives the form's activation.
    _, events = _answer(make_tracker, run_action, "done", "m3", intent="group_theme", opening=True)
    assert _slot(events) == "done"


def test_the_invitation_button_opens_that_groups_theme_and_its_exercise_starts(circle, make_tracker, run_action, app_db):
    group_id, code = circle
    exercise_id = library.ids()[0]
    with app_db.session() as session:
        touch_person(session, "m4", "en", None)
        groups.join(session, "m4", code, "Noor")
        groups.set_theme(session, session.get(Group, group_id), "exercise", exercise_id)
    tracker = make_tracker(intent="group_theme", text=f'/group_theme{{"group": "{group_id}"}}', sender_id="m4",
                           entities=[{"entity": "group", "value": str(group_id)}])
    messages, _ = run_action(ActionGroupBegin(), tracker, GROUP_DOMAIN)
    assert library.exercise(exercise_id, "en").title in messages[0]["text"]
    _, events = _answer(make_tracker, run_action, "Start the exercise", "m4")
    assert _slot(events) == f"exercise:{exercise_id}"
    finished = make_tracker(sender_id="m4", slots={"group_answer": f"exercise:{exercise_id}"})
    messages, events = run_action(ActionGroupFinished(), finished, GROUP_DOMAIN)
    assert messages and {"event": "followup", "name": "exercise_form", "timestamp": None} in events


def test_a_story_instead_of_the_code_leaves_the_group_form_for_the_reflective_thread(circle, make_tracker, run_action):
    story = "since the divorce the kids are with me every other weekend and the flat feels so empty in the evenings"
    run_action(ActionGroupBegin(), make_tracker(intent="join_group", text="join my group", sender_id="m8"),
               GROUP_DOMAIN)
    messages, events = _answer(make_tracker, run_action, story, "m8", intent="share_feeling")
    assert messages == [] and _slot(events) == "listen"          # no "I couldn't find that code"
    finished = make_tracker(sender_id="m8", intent="share_feeling", text=story, slots={"group_answer": "listen"})
    messages, events = run_action(ActionGroupFinished(), finished, GROUP_DOMAIN)
    assert "?" in messages[0]["text"] and "code" not in messages[0]["text"]
    assert {"event": "followup", "name": "reflection_form", "timestamp": None} in events
    assert {"event": "slot", "name": "group_answer", "value": None, "timestamp": None} in events


def test_the_gateways_crisis_signal_interrupts_the_group_form(circle, make_tracker, run_action):
    group_id, code = circle
    run_action(ActionGroupBegin(), make_tracker(intent="join_group", sender_id="m5"), GROUP_DOMAIN)
    _, events = _answer(make_tracker, run_action, "EXTERNAL: crisis_detected", "m5", intent="crisis_detected")
    assert _slot(events) == "interrupted"
    finished = make_tracker(sender_id="m5", intent="crisis_detected", slots={"group_answer": "interrupted"})
    _, events = run_action(ActionGroupFinished(), finished, GROUP_DOMAIN)
    assert {"event": "followup", "name": "crisis_form", "timestamp": None} in events


@pytest.mark.model  # the crisis detector's sentence encoder reads the reflection
def test_crisis_found_in_a_reflection_sends_help_lines(circle, make_tracker, run_action, app_db, safety):
    group_id, code = circle
    with app_db.session() as session:
        touch_person(session, "m6", "en", None)
        groups.join(session, "m6", code, "Noor")
        groups.set_theme(session, session.get(Group, group_id), "dimension", "social")
    run_action(ActionGroupBegin(), make_tracker(intent="group_theme", sender_id="m6"), GROUP_DOMAIN)
    messages, events = _answer(make_tracker, run_action, "i have been thinking about ending my life", "m6",
                               intent="share_feeling")
    assert _slot(events) == "interrupted"
    assert messages[0]["text"] == "Help lines for you" and safety.crisis_calls[0]["sender_id"] == "m6"
    with app_db.session() as session:
        assert groups.my_reflections(session, groups.memberships(session, "m6")[0]) == []
