"""Exercises as stored conversations: state between messages, results kept, feedback changes ranking."""
from __future__ import annotations

from bot.exercises.runner import ExerciseConversation, active_session, feedback_history, lifeline_of
from bot.exercises.suggestions import suggestions_for
from bot.storage.conversations import touch_person


def _talk(database, person, lang, exercise_id, answers):
    steps = []
    with database.session() as session:
        touch_person(session, person, lang, None)
        steps.append(ExerciseConversation(session, person, lang).begin(exercise_id))
    for text in answers:
        with database.session() as session:
            steps.append(ExerciseConversation(session, person, lang).answer(text))
    return steps


def _texts(step):
    return " ".join(m.get("text") or "" for m in step.messages)


def test_focusing_keeps_the_handle_and_note_then_asks_for_feedback(database):
    steps = _talk(database, "f1", "en", "focusing", [
        "ready", "ready", "a heavy stone", "it fits", "ready", "ready", "rest more", "It helped"])
    assert "heavy stone" in _texts(steps[4])
    assert "Did this help?" in _texts(steps[-2])
    assert steps[-1].finished
    with database.session() as session:
        assert active_session(session, "f1") is None
        assert feedback_history(session, "f1") == [("focusing", 1)]


def test_stopping_midway_ends_the_exercise(database):
    steps = _talk(database, "f2", "nl", "focusing", ["klaar", "stoppen"])
    assert steps[-1].status == "stopped"
    with database.session() as session:
        assert active_session(session, "f2") is None


def test_lifeline_points_are_saved_as_they_come_and_survive_a_stop(database):
    _talk(database, "l1", "en", "lifeline", [
        "when I was 12 we moved, that was hard, -3", "at 18 I left home +4", "stop"])
    with database.session() as session:
        row = lifeline_of(session, "l1")
        assert [p["label"] for p in row.points] == ["we moved", "I left home"]


def test_lifeline_done_shows_the_picture_of_this_persons_line(database):
    steps = _talk(database, "l2", "nl", "lifeline", [
        "op mijn 20ste ging ik studeren, +4", "toen ik 7 was kreeg ik een hondje +3",
        "in 2019 verloor ik mijn baan, -4", "overslaan", "klaar"])
    images = [m["image"] for s in steps for m in s.messages if m.get("image")]
    with database.session() as session:
        assert images == [f"/charts/lifeline/{lifeline_of(session, 'l2').public_id}.png"]


def test_a_bad_rating_moves_an_exercise_down_the_suggestions(database):
    request = "something for my body"
    with database.session() as session:
        touch_person(session, "s1", "en", None)
        before = [s.exercise_id for s in suggestions_for(session, "s1", "en", request=request, limit=3)]
    first = before[0]
    with database.session() as session:
        conversation = ExerciseConversation(session, "s1", "en")
        conversation.begin(first)
        conversation.record.status = "awaiting_feedback"  # as after its last step
    with database.session() as session:
        thanks = ExerciseConversation(session, "s1", "en").answer("not really")
    assert "next time" in _texts(thanks)
    with database.session() as session:
        assert feedback_history(session, "s1") == [(first, -1)]
        after = [s.exercise_id for s in suggestions_for(session, "s1", "en", request=request, limit=3)]
    assert after[0] != first
